package sender

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// PermanentError marks a delivery that can never succeed (channel gone,
// user deactivated): it is recorded for admins and not retried.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// RetryAfterError asks the sender to wait before the next attempt, as a
// platform's 429 with Retry-After does.
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("rate limited, retry after %s: %v", e.After, e.Err)
}
func (e *RetryAfterError) Unwrap() error { return e.Err }

// Sender delivers the outbox of one platform through its Messenger. Several
// senders (replicas) may run at once: each notice is leased to one of them.
type Sender struct {
	Outbox      core.Outbox
	Platform    core.Platform
	Messenger   bot.Messenger
	Now         func() time.Time
	Log         *slog.Logger
	Batch       int           // notices per pass; default 50
	Lease       time.Duration // how long a claimed notice is ours; default 1 minute
	MaxAttempts int           // then the failure is permanent; default 12
	// PerDestination spaces messages to one channel or user, as platforms
	// ask (Slack: about one message per second per channel). Zero: none.
	PerDestination time.Duration
	// Sleep waits between messages; tests replace it. Default: a timer
	// that ends early if ctx does.
	Sleep func(ctx context.Context, d time.Duration) error

	Metrics *bot.Metrics // optional

	last     map[string]time.Time // destination → when we last sent there
	wakeOnce sync.Once
	wake     chan struct{}
}

func (s *Sender) defaults() {
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	if s.Batch == 0 {
		s.Batch = 50
	}
	if s.Lease == 0 {
		s.Lease = time.Minute
	}
	if s.MaxAttempts == 0 {
		s.MaxAttempts = 12
	}
	if s.Sleep == nil {
		s.Sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		}
	}
	if s.last == nil {
		s.last = map[string]time.Time{}
	}
}

// pace waits until a message may go to dest without breaking the
// platform's per-destination rate limit.
func (s *Sender) pace(ctx context.Context, dest string) error {
	if s.PerDestination <= 0 {
		return nil
	}
	if last, ok := s.last[dest]; ok {
		if wait := s.PerDestination - s.Now().Sub(last); wait > 0 {
			if err := s.Sleep(ctx, wait); err != nil {
				return err
			}
		}
	}
	s.last[dest] = s.Now()
	return nil
}

// Backoff is the wait before attempt n+1: 2s, 4s, 8s ... capped at 30 minutes.
func Backoff(attempts int) time.Duration {
	d := 2 * time.Second
	for i := 1; i < attempts && d < 30*time.Minute; i++ {
		d *= 2
	}
	return min(d, 30*time.Minute)
}

// DeliverDue makes one pass over the due notices and returns how many were
// delivered. A failed notice stays in the outbox for a later pass.
func (s *Sender) DeliverDue(ctx context.Context) (int, error) {
	s.defaults()
	ns, err := s.Outbox.ClaimNotices(ctx, s.Platform, s.Batch, s.Now(), s.Lease)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, n := range ns {
		if ctx.Err() != nil {
			return sent, ctx.Err()
		}
		msg := bot.RenderNotice(n)
		if err := s.pace(ctx, msg.To); err != nil {
			return sent, err
		}
		ref, err := s.send(ctx, n, msg)
		if err == nil {
			if err := s.Outbox.MarkDelivered(ctx, n.ID, ref, s.Now()); err != nil {
				return sent, err
			}
			sent++
			s.delivered()
			continue
		}
		var retryAt time.Time
		var perm *PermanentError
		var ra *RetryAfterError
		switch {
		case errors.As(err, &perm) || n.Attempts >= s.MaxAttempts:
			// zero retryAt: permanent
		case errors.As(err, &ra):
			retryAt = s.Now().Add(ra.After)
		default:
			retryAt = s.Now().Add(Backoff(n.Attempts))
		}
		kind := "retry"
		if retryAt.IsZero() {
			kind = "permanent"
		}
		s.failed(kind)
		s.Log.Warn("delivery failed", "notice", n.ID, "kind", n.Kind, "attempt", n.Attempts, "permanent", retryAt.IsZero(), "err", err)
		if err := s.Outbox.MarkFailed(ctx, n.ID, err.Error(), retryAt); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// DeliverAll makes passes until nothing is due, as the console does after
// each command and tests do to see what a request caused.
func (s *Sender) DeliverAll(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.DeliverDue(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// send posts msg, or edits the earlier post it replaces when the platform
// can edit and that post was delivered; the edited post's ref is kept.
func (s *Sender) send(ctx context.Context, n core.Notice, msg bot.Message) (string, error) {
	u, canEdit := s.Messenger.(bot.Updater)
	if msg.Replaces == "" || !canEdit || n.Referral == nil || n.Referral.ID == 0 {
		if msg.UpdateOnly {
			return "", nil
		}
		return s.Messenger.Send(ctx, msg)
	}
	ref, err := s.Outbox.SentRef(ctx, n.WorkspaceID, n.Referral.ID, core.NoticeKind(msg.Replaces))
	if err != nil {
		return "", err
	}
	if ref == "" {
		if msg.UpdateOnly {
			return "", nil
		}
		return s.Messenger.Send(ctx, msg)
	}
	return ref, u.Update(ctx, ref, msg)
}

// Wake asks a running sender for a pass now, so what a click caused is
// delivered at once rather than at the next tick. It never blocks.
func (s *Sender) Wake() {
	s.wakeOnce.Do(s.makeWake)
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Sender) makeWake() { s.wake = make(chan struct{}, 1) }

// Run delivers due notices every interval (and when woken) until ctx ends.
func (s *Sender) Run(ctx context.Context, interval time.Duration) {
	s.defaults()
	s.wakeOnce.Do(s.makeWake)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := s.DeliverDue(ctx)
		if err != nil && ctx.Err() == nil {
			s.Log.Error("outbox pass failed", "platform", s.Platform, "err", err)
		}
		if n == s.Batch && err == nil {
			continue // more are waiting
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
	}
}

// delivered and failed count for /metrics, when the sender has Metrics.
func (s *Sender) delivered() {
	if s.Metrics != nil {
		s.Metrics.Delivered.WithLabelValues(string(s.Platform)).Inc()
	}
}

func (s *Sender) failed(kind string) {
	if s.Metrics != nil {
		s.Metrics.Failed.WithLabelValues(string(s.Platform), kind).Inc()
	}
}
