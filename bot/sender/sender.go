package sender

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
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
// platform's 429 with Retry-After does. The wait uses up no attempt.
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
//
// Each destination (a member's DMs, a channel) is a queue of its own: the
// outbox hands out only a destination's oldest pending notice, so messages
// to one place keep their order, and a destination that is paced, rate
// limited or hanging holds back only itself. Up to Workers calls run at
// once, interactive edits (a click's card update) ahead of bulk messages.
type Sender struct {
	Outbox    core.Outbox
	Platform  core.Platform
	Messenger bot.Messenger
	Now       func() time.Time
	Log       *slog.Logger
	Metrics   *bot.Metrics // optional
	// Render turns a notice into the message to send; default
	// bot.RenderNotice (a Bot's RenderNotice adds its links).
	Render func(core.Notice) bot.Message

	// Workers is how many chat API calls may be in flight at once;
	// default 16.
	Workers int
	// Batch is how many notices one DeliverDue pass claims; default 50.
	// Run claims as its workers free up.
	Batch int
	// CallTimeout bounds each chat API call (a Messenger's Send or
	// Update): a call that hangs fails, and is retried later, instead of
	// holding its worker; default 10 seconds.
	CallTimeout time.Duration
	// Lease is how long a claimed notice is ours before another sender may
	// take it (we must have died); default 1 minute, and never less than a
	// notice can spend with us: its pace, a wait for a worker and its own
	// call, each call followed by recording its outcome.
	Lease       time.Duration
	MaxAttempts int // real failures before the failure is permanent; default 12
	// PerDestination spaces messages to one channel or user, as platforms
	// ask (Slack: about one message per second per channel). Zero: none.
	PerDestination time.Duration
	// Sleep waits for a destination's pace; tests replace it. Default:
	// the package's Sleep.
	Sleep func(ctx context.Context, d time.Duration) error

	mu       sync.Mutex
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
	if s.Render == nil {
		s.Render = bot.RenderNotice
	}
	if s.Workers <= 0 {
		s.Workers = 16
	}
	if s.Batch <= 0 {
		s.Batch = 50
	}
	if s.CallTimeout <= 0 {
		s.CallTimeout = 10 * time.Second
	}
	if s.Lease == 0 {
		s.Lease = time.Minute
	}
	s.Lease = max(s.Lease, s.PerDestination+2*(s.CallTimeout+recordTimeout))
	if s.MaxAttempts == 0 {
		s.MaxAttempts = 12
	}
	if s.Sleep == nil {
		s.Sleep = Sleep
	}
	s.mu.Lock()
	if s.last == nil {
		s.last = map[string]time.Time{}
	}
	s.mu.Unlock()
}

// Sleep waits for d, or until ctx ends.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// recordTimeout bounds recording an outcome in the outbox, which goes on
// after the sender's context ended (a shutdown) so nothing sent is
// forgotten.
const recordTimeout = 10 * time.Second

// Backoff is the wait before attempt n+1: 2s, 4s, 8s ... capped at 30 minutes.
func Backoff(attempts int) time.Duration {
	d := 2 * time.Second
	for i := 1; i < attempts && d < 30*time.Minute; i++ {
		d *= 2
	}
	return min(d, 30*time.Minute)
}

// DeliverDue makes one pass: it claims up to Batch due notices (one per
// destination), delivers them Workers at a time and returns how many were
// delivered. A failed notice stays in the outbox for a later pass.
func (s *Sender) DeliverDue(ctx context.Context) (int, error) {
	s.defaults()
	e := s.newEngine()
	if _, err := e.claim(ctx, s.Batch); err != nil {
		return 0, err
	}
	for e.working() {
		e.dispatch(ctx)
		e.step(ctx)
	}
	if e.err == nil {
		e.err = ctx.Err()
	}
	return e.delivered, e.err
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

// Wake asks a running sender to claim now, so what a click caused is
// delivered at once rather than at the next tick. It never blocks.
func (s *Sender) Wake() {
	s.wakeOnce.Do(s.makeWake)
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Sender) makeWake() { s.wake = make(chan struct{}, 1) }

// Run delivers until ctx ends: it claims whenever workers are free to take
// more (after each delivery, every interval, and when woken), and on the
// way out lets calls in flight finish and hands back what it had not sent.
func (s *Sender) Run(ctx context.Context, interval time.Duration) {
	s.defaults()
	s.wakeOnce.Do(s.makeWake)
	t := time.NewTicker(interval)
	defer t.Stop()
	e := s.newEngine()
	more := true                // notices may be due that we have not claimed
	var rested <-chan time.Time // the rest after an expensive claim ends (see engine.rest)
	for ctx.Err() == nil {
		// Claim two workers' worth or more at a time, holding up to four:
		// a claim costs the same for 1 notice or 64, and a held notice
		// waits a few calls at most (an interactive one, first in line,
		// about one).
		if room := 4*s.Workers - len(e.held); more && !e.claiming && room >= 2*s.Workers {
			if wait := e.rest(time.Now()); wait > 0 {
				if rested == nil {
					rested = time.After(wait)
				}
			} else {
				e.claimAsync(ctx, room)
				more = false
			}
		}
		e.dispatch(ctx)
		select {
		case <-ctx.Done():
		case <-rested:
			rested = nil
		case c := <-e.claims:
			e.claiming = false
			e.claimTook, e.claimEnded = c.took, time.Now()
			if c.err != nil {
				s.Log.Error("outbox claim failed", "platform", s.Platform, "err", c.err)
				more = false // until the next tick
				break
			}
			e.admit(ctx, c.ns)
			more = more || len(c.ns) == c.limit
		case r := <-e.done:
			e.finish(r)
			more = true // the destination's next notice may be due
		case p := <-e.paced:
			e.pacedOut(ctx, p)
		case <-t.C:
			more = true
			e.retryMarks(ctx)
		case <-s.wake:
			more = true
		}
	}
	e.stop(ctx)
}

// job is a claimed notice on its way: rendered, with its destination.
type job struct {
	n    core.Notice
	msg  bot.Message
	dest string // the team and the rendered recipient: what pacing counts
}

func (s *Sender) job(n core.Notice) job {
	msg := s.Render(n)
	msg.Nonce = "rb" + strconv.FormatInt(n.ID, 10)
	return job{n: n, msg: msg, dest: n.TeamID + "/" + msg.To}
}

// paceWait is how long a message to dest must wait for the platform's
// per-destination pace.
func (s *Sender) paceWait(dest string) time.Duration {
	if s.PerDestination <= 0 {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	last, ok := s.last[dest]
	if !ok {
		return 0
	}
	return max(0, s.PerDestination-s.Now().Sub(last))
}

// sentTo notes a call to dest, forgetting destinations past their pace now
// and then so the map stays small.
func (s *Sender) sentTo(dest string) {
	if s.PerDestination <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	s.last[dest] = now
	if len(s.last) > 4096 {
		for d, t := range s.last {
			if now.Sub(t) >= s.PerDestination {
				delete(s.last, d)
			}
		}
	}
}

// result is what became of one job.
type result struct {
	job
	sent bool      // the platform took it
	ref  string    // when sent: the platform's reference
	at   time.Time // when sent
	err  error     // recording the outcome failed (a database error)
}

// deliver sends one job and records the outcome. The call has its own
// deadline and is not cut short when ctx ends (a shutdown): a post cut off
// midway may have reached the platform, and recording it at once keeps the
// window for a second post as small as it can be.
func (s *Sender) deliver(ctx context.Context, j job) result {
	call, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.CallTimeout)
	ref, err := s.send(call, j.n, j.msg)
	cancel()
	s.sentTo(j.dest)
	db, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if err != nil {
		return result{job: j, err: s.recordFailure(db, j.n, err)}
	}
	r := result{job: j, sent: true, ref: ref, at: s.Now()}
	r.err = s.Outbox.MarkDelivered(db, j.n.WorkspaceID, j.n.ID, ref, r.at)
	if r.err == nil {
		s.delivered()
	}
	return r
}

// recordFailure decides what a failed call means: a rate limit is a wait
// (the attempt is given back); a permanent error, or one failure too
// many, fails the notice for good; anything else is retried after a
// backoff.
func (s *Sender) recordFailure(ctx context.Context, n core.Notice, err error) error {
	var perm *PermanentError
	var ra *RetryAfterError
	permanent, limited := errors.As(err, &perm), errors.As(err, &ra)
	if limited && !permanent {
		s.failed("rate_limited")
		s.Log.Info("rate limited", "notice", n.ID, "kind", n.Kind, "retry_after", ra.After)
		return s.Outbox.Defer(ctx, n.WorkspaceID, n.ID, s.Now().Add(max(ra.After, time.Second)), err.Error())
	}
	var retryAt time.Time
	if !permanent && n.Attempts < s.MaxAttempts {
		retryAt = s.Now().Add(Backoff(n.Attempts))
	}
	kind := "retry"
	if retryAt.IsZero() {
		kind = "permanent"
	}
	s.failed(kind)
	s.Log.Warn("delivery failed", "notice", n.ID, "kind", n.Kind, "attempt", n.Attempts, "permanent", retryAt.IsZero(), "err", err)
	return s.Outbox.MarkFailed(ctx, n.WorkspaceID, n.ID, err.Error(), retryAt)
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
	ref, err := s.Outbox.SentRef(ctx, n.WorkspaceID, n.Referral.ID, core.NoticeKind(msg.Replaces), n.To)
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
