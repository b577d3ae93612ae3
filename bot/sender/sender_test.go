package sender_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/sender"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/internal/fixture"
	"github.com/referbot/referbot/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// fakeClock is a settable clock shared by the service and the sender.
type fakeClock = fixture.Clock

// scripted is a messenger that answers with the errors it is given, in
// turn, then succeeds; it records what it delivered.
type scripted struct {
	mu        sync.Mutex
	errs      []error
	calls     int
	delivered []bot.Message
}

func (s *scripted) Send(_ context.Context, m bot.Message) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if len(s.errs) > 0 {
		err := s.errs[0]
		s.errs = s.errs[1:]
		return "", err
	}
	s.delivered = append(s.delivered, m)
	return "ref", nil
}

// outboxSetup makes a database with one referral, so the outbox holds one
// DM to the receiver (on Slack).
func outboxSetup(t *testing.T) (*postgres.DB, *fakeClock) {
	t.Helper()
	e := testenv.New(t, testenv.Options{At: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)})
	bob := e.Join(core.Identity{Platform: core.Slack, TeamID: "T1", UserID: "U1", UserName: "bob", Channel: "C1"})
	if _, err := e.Svc.Refer(context.Background(), bob, core.ReferInput{To: core.MemberRef{UserID: "U2", Name: "alice"}, ClientName: "Acme", Need: "a website"}); err != nil {
		t.Fatal(err)
	}
	return e.DB, e.Clock
}

func TestSender_FailsThreeTimesThenDeliversExactlyOnce(t *testing.T) {
	t.Parallel()
	db, clk := outboxSetup(t)
	ctx := context.Background()
	m := &scripted{errs: []error{errors.New("boom"), errors.New("boom"), errors.New("boom")}}
	s := &sender.Sender{Outbox: db, Platform: core.Slack, Messenger: m, Now: clk.Now}
	for i := 0; i < 10; i++ {
		if _, err := s.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Add(time.Minute) // past every backoff so far
	}
	if len(m.delivered) != 1 || m.calls != 4 {
		t.Fatalf("delivered %d times in %d calls; want once, after 3 failures", len(m.delivered), m.calls)
	}
	if m.delivered[0].To != "U2" || m.delivered[0].Visibility != bot.Direct {
		t.Errorf("delivered to %q (%v), want a DM to U2", m.delivered[0].To, m.delivered[0].Visibility)
	}
}

func TestSender_WaitsForRetryAfter(t *testing.T) {
	t.Parallel()
	db, clk := outboxSetup(t)
	ctx := context.Background()
	m := &scripted{errs: []error{&sender.RetryAfterError{After: 2 * time.Second, Err: errors.New("429")}}}
	s := &sender.Sender{Outbox: db, Platform: core.Slack, Messenger: m, Now: clk.Now}
	if n, err := s.DeliverDue(ctx); err != nil || n != 0 {
		t.Fatalf("first pass: %d, %v", n, err)
	}
	clk.Add(time.Second)
	if n, _ := s.DeliverDue(ctx); n != 0 || m.calls != 1 {
		t.Fatalf("retried before Retry-After: %d sent, %d calls", n, m.calls)
	}
	clk.Add(time.Second)
	if n, _ := s.DeliverDue(ctx); n != 1 || len(m.delivered) != 1 {
		t.Fatalf("after the wait: %d sent", n)
	}
}

func TestSender_KilledMidDeliveryLosesNothing(t *testing.T) {
	t.Parallel()
	db, clk := outboxSetup(t)
	ctx := context.Background()
	// A sender claims the notice and dies before sending or marking it.
	ns, err := db.ClaimNotices(ctx, core.Slack, 10, clk.Now(), time.Minute)
	if err != nil || len(ns) != 1 {
		t.Fatalf("claim: %d, %v", len(ns), err)
	}
	m := &scripted{}
	restarted := &sender.Sender{Outbox: db, Platform: core.Slack, Messenger: m, Now: clk.Now, Lease: time.Minute}
	clk.Add(30 * time.Second)
	if n, _ := restarted.DeliverDue(ctx); n != 0 {
		t.Fatal("the dead sender's lease was ignored")
	}
	clk.Add(31 * time.Second)
	if n, err := restarted.DeliverDue(ctx); err != nil || n != 1 {
		t.Fatalf("after the lease: %d, %v", n, err)
	}
	if n, _ := restarted.DeliverDue(ctx); n != 0 || len(m.delivered) != 1 {
		t.Fatal("delivered twice")
	}
}

func TestSender_PermanentFailureIsNotRetried(t *testing.T) {
	t.Parallel()
	db, clk := outboxSetup(t)
	ctx := context.Background()
	m := &scripted{errs: []error{&sender.PermanentError{Err: errors.New("user_not_found")}}}
	s := &sender.Sender{Outbox: db, Platform: core.Slack, Messenger: m, Now: clk.Now}
	for range 3 {
		if _, err := s.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Add(time.Hour)
	}
	if m.calls != 1 || len(m.delivered) != 0 {
		t.Fatalf("%d calls, %d delivered; want one attempt and none", m.calls, len(m.delivered))
	}
}

func TestSender_SpacesMessagesToOneDestination(t *testing.T) {
	t.Parallel()
	db, clk := outboxSetup(t)
	ctx := context.Background()
	var waits []time.Duration
	m := &scripted{}
	s := &sender.Sender{Outbox: db, Platform: core.Slack, Messenger: m, Now: clk.Now, PerDestination: time.Second,
		Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); clk.Add(d); return nil }}
	if _, err := s.DeliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	// A second notice to the same user right away must wait a second.
	svc := core.NewService(db, core.Options{Now: clk.Now})
	bob, _ := svc.Join(ctx, core.Identity{Platform: core.Slack, TeamID: "T1", UserID: "U1", UserName: "bob"})
	if _, err := svc.Refer(ctx, bob, core.ReferInput{To: core.MemberRef{UserID: "U2"}, ClientName: "Globex", Need: "logo"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	if len(m.delivered) != 2 || len(waits) != 1 || waits[0] != time.Second {
		t.Fatalf("delivered %d, waits %v; want 2 and one 1s wait", len(m.delivered), waits)
	}
}
