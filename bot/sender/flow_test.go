package sender_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/sender"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/internal/testenv"
)

// flow is a database whose outbox holds one referral DM to each receiver
// given, on a settable clock, with the outbox watched.
type flow struct {
	db    *postgres.DB
	url   string
	clk   *fakeClock
	svc   *core.Service
	bob   core.Caller
	box   *watched
	notes map[string]int64 // receiver's user id → the notice to them
}

func flowSetup(t *testing.T, receivers ...string) *flow {
	t.Helper()
	ctx := context.Background()
	e := testenv.New(t, testenv.Options{At: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)})
	f := &flow{db: e.DB, url: e.URL, clk: e.Clock, svc: e.Svc, notes: map[string]int64{}}
	f.bob = e.Join(core.Identity{Platform: core.Slack, TeamID: "T1", UserID: "U1", UserName: "bob", Channel: "C1"})
	if _, err := f.svc.Configure(ctx, f.bob, "channel", []string{"<#C1>"}); err != nil { // chosen on purpose
		t.Fatal(err)
	}
	for _, u := range receivers {
		r, err := f.svc.Refer(ctx, f.bob, core.ReferInput{To: core.MemberRef{UserID: u, Name: strings.ToLower(u)}, ClientName: "Acme " + u, Need: "a website"})
		if err != nil {
			t.Fatal(err)
		}
		f.notes[u] = int64(f.count(t, `SELECT max(id) FROM outbox WHERE (payload->'referral'->>'id')::bigint = $1`, r.ID))
	}
	f.box = &watched{Outbox: f.db, claimed: make(chan []core.Notice, 1000), marked: make(chan int64, 1000),
		deferred: make(chan int64, 1000)}
	return f
}

func (f *flow) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	return testenv.Count(t, f.url, query, args...)
}

// run starts s.Run and returns a function that stops it and waits.
func run(s *sender.Sender) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx, time.Hour) // the test wakes it; the ticker never fires
	}()
	return func() { cancel(); <-done }
}

// watched is the real outbox, reporting what the sender does with it (as
// long as the test keeps up: a report nobody reads is dropped).
type watched struct {
	core.Outbox
	claimed  chan []core.Notice // each ClaimHeads answer
	marked   chan int64         // each notice recorded as delivered
	deferred chan int64         // each notice handed back
}

func report[T any](c chan T, v T) {
	select {
	case c <- v:
	default:
	}
}

func (w *watched) ClaimHeads(ctx context.Context, p core.Platform, limit int, now time.Time, lease time.Duration) ([]core.Notice, error) {
	ns, err := w.Outbox.ClaimHeads(ctx, p, limit, now, lease)
	if err == nil {
		report(w.claimed, ns)
	}
	return ns, err
}

func (w *watched) MarkDelivered(ctx context.Context, workspaceID, id int64, ref string, at time.Time) error {
	err := w.Outbox.MarkDelivered(ctx, workspaceID, id, ref, at)
	if err == nil {
		report(w.marked, id)
	}
	return err
}

func (w *watched) Defer(ctx context.Context, workspaceID, id int64, until time.Time, reason string) error {
	err := w.Outbox.Defer(ctx, workspaceID, id, until, reason)
	if err == nil {
		report(w.deferred, id)
	}
	return err
}

// gate is a messenger whose calls to the users in hold block until the
// test closes their channel (or the call's deadline passes).
type gate struct {
	mu      sync.Mutex
	hold    map[string]chan struct{}
	started chan string // each call's recipient, as it starts
	calls   []bot.Message
}

func newGate(hold ...string) *gate {
	g := &gate{hold: map[string]chan struct{}{}, started: make(chan string, 100)}
	for _, u := range hold {
		g.hold[u] = make(chan struct{})
	}
	return g
}

func (g *gate) Send(ctx context.Context, m bot.Message) (string, error) {
	g.mu.Lock()
	g.calls = append(g.calls, m)
	release := g.hold[m.To]
	g.mu.Unlock()
	report(g.started, m.To)
	if release != nil {
		select {
		case <-release: // released already: whatever the deadline
			return "ref-" + m.Nonce, nil
		default:
		}
		select {
		case <-release:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	return "ref-" + m.Nonce, nil
}

func (g *gate) sent() []bot.Message {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]bot.Message(nil), g.calls...)
}

func TestSender_OneHangingDestinationHoldsBackOnlyItself(t *testing.T) {
	t.Parallel()
	f := flowSetup(t, "U2", "U3", "U4", "U5", "U6", "U7")
	g := newGate("U2")
	s := &sender.Sender{Outbox: f.box, Platform: core.Slack, Messenger: g, Now: f.clk.Now, CallTimeout: time.Hour}
	stop := run(s)
	defer stop()
	// The five others are delivered, and recorded, while U2's call hangs.
	for range 5 {
		if id := <-f.box.marked; id == f.notes["U2"] {
			t.Fatal("the hanging call finished before it was released")
		}
	}
	close(g.hold["U2"])
	if id := <-f.box.marked; id != f.notes["U2"] {
		t.Fatalf("marked %d, want U2's notice %d", id, f.notes["U2"])
	}
	stop()
	if c := f.count(t, `SELECT count(*) FROM outbox WHERE status = 'sent'`); c != 6 || len(g.sent()) != 6 {
		t.Fatalf("%d recorded, %d calls; want each of the 6 once", c, len(g.sent()))
	}
}

func TestSender_AHangingCallTimesOutAndIsRetried(t *testing.T) {
	t.Parallel()
	f := flowSetup(t, "U2")
	g := newGate("U2")
	s := &sender.Sender{Outbox: f.db, Platform: core.Slack, Messenger: g, Now: f.clk.Now, CallTimeout: time.Millisecond}
	ctx := context.Background()
	if n, err := s.DeliverDue(ctx); n != 0 || err != nil {
		t.Fatalf("the hanging call: delivered %d, %v", n, err)
	}
	if c := f.count(t, `SELECT count(*) FROM outbox WHERE status = 'pending' AND attempts = 1 AND next_attempt_at = $1
		AND last_error LIKE '%deadline exceeded%'`, f.clk.Now().Add(2*time.Second)); c != 1 {
		t.Fatal("a timed-out call should count as a failed attempt, retried after the backoff")
	}
	close(g.hold["U2"])
	f.clk.Add(2 * time.Second)
	if n, err := s.DeliverDue(ctx); n != 1 || err != nil {
		t.Fatalf("the retry: delivered %d, %v", n, err)
	}
}

func TestSender_ANoticeStillInFlightIsNotSentAgainWhenItsLeaseRunsOut(t *testing.T) {
	t.Parallel()
	f := flowSetup(t, "U2")
	g := newGate("U2")
	// The call outlives the lease (on the test's clock): the outbox offers
	// the notice again, as it would to another sender if this one had died.
	s := &sender.Sender{Outbox: f.box, Platform: core.Slack, Messenger: g, Now: f.clk.Now, CallTimeout: time.Minute,
		Lease: 3 * time.Minute}
	stop := run(s)
	defer stop()
	<-g.started
	<-f.box.claimed
	f.clk.Add(4 * time.Minute)
	s.Wake()
	for again := <-f.box.claimed; len(again) == 0; again = <-f.box.claimed {
		s.Wake() // a claim that raced the clock: ask again
	}
	close(g.hold["U2"])
	if id := <-f.box.marked; id != f.notes["U2"] {
		t.Fatalf("marked %d, want %d", id, f.notes["U2"])
	}
	stop()
	if calls := g.sent(); len(calls) != 1 {
		t.Fatalf("%d calls for one notice: a notice in flight was sent again", len(calls))
	}
	if n, _ := (&sender.Sender{Outbox: f.db, Platform: core.Slack, Messenger: g, Now: f.clk.Now}).DeliverAll(context.Background()); n != 0 {
		t.Fatalf("delivered %d more", n)
	}
}

func TestSender_InteractiveEditsGoAheadOfBulkDMs(t *testing.T) {
	t.Parallel()
	f := flowSetup(t)
	ctx := context.Background()
	lead, err := f.svc.PostLead(ctx, f.bob, core.LeadInput{ClientName: "Acme", Need: "bookkeeping"})
	if err != nil {
		t.Fatal(err)
	}
	g := newGate()
	s := &sender.Sender{Outbox: f.db, Platform: core.Slack, Messenger: g, Now: f.clk.Now, Workers: 1}
	if _, err := s.DeliverAll(ctx); err != nil { // the lead's channel post
		t.Fatal(err)
	}
	var welcomes []core.Notice
	for i := range 30 {
		m, err := f.svc.Join(ctx, core.Identity{Platform: core.Slack, TeamID: "T1", UserID: fmt.Sprint("UN", i), UserName: fmt.Sprint("new", i)})
		if err != nil {
			t.Fatal(err)
		}
		welcomes = append(welcomes, core.Notice{WorkspaceID: m.Workspace.ID, Kind: core.NoticeBuddyIntro,
			To: core.Recipient{MemberID: m.Member.ID}, Actor: "bob"})
	}
	if err := f.db.InTx(ctx, func(tx core.Tx) error { return tx.Enqueue(ctx, welcomes...) }); err != nil {
		t.Fatal(err)
	}
	alice, err := f.svc.Join(ctx, core.Identity{Platform: core.Slack, TeamID: "T1", UserID: "U2", UserName: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Claim(ctx, alice, lead.Code); err != nil {
		t.Fatal(err)
	}
	before := len(g.sent())
	if _, err := s.DeliverAll(ctx); err != nil {
		t.Fatal(err)
	}
	calls := g.sent()[before:]
	if len(calls) < 31 || calls[0].Kind != string(core.NoticeLeadClaimed) {
		t.Fatalf("first of %d calls after the claim: %q; want the lead's card edit ahead of 30 welcome DMs", len(calls), calls[0].Kind)
	}
}

func TestSender_StoppingHandsBackWhatItHasNotSent(t *testing.T) {
	t.Parallel()
	f := flowSetup(t, "U2", "U3", "U4")
	g := newGate("U2")
	s := &sender.Sender{Outbox: f.box, Platform: core.Slack, Messenger: g, Now: f.clk.Now, Workers: 1, CallTimeout: time.Hour}
	stop := run(s)
	if to := <-g.started; to != "U2" {
		t.Fatalf("first call to %s, want U2 (the oldest)", to)
	}
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	// What it claimed but had not started goes back, due at once and its
	// attempt given back; the call in flight is let finish (it may have
	// reached the platform) and recorded.
	if id := <-f.box.deferred; id != f.notes["U3"] {
		t.Fatalf("handed back %d, want U3's notice %d", id, f.notes["U3"])
	}
	close(g.hold["U2"])
	<-stopped
	if c := f.count(t, `SELECT count(*) FROM outbox WHERE status = 'sent' AND id = $1`, f.notes["U2"]); c != 1 {
		t.Error("the call in flight at shutdown was not recorded")
	}
	if c := f.count(t, `SELECT count(*) FROM outbox WHERE status = 'pending' AND attempts = 0 AND next_attempt_at <= $1`, f.clk.Now()); c != 2 {
		t.Errorf("%d notices ready for the next sender with no attempt used, want 2 (U3 handed back, U4 never claimed)", c)
	}
	if len(g.sent()) != 1 {
		t.Errorf("%d calls, want 1", len(g.sent()))
	}
}
