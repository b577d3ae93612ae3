package core_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// ok takes what an operation returned and gives its value to a test,
// failing it on an error: ok(b.svc.Accept(ctx, c, code))(t).
func ok[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// usd is an amount in US dollars, given in whole dollars.
func usd(dollars int64) core.Money { return core.Money{Cents: dollars * 100, Currency: "USD"} }

// wonAt refers a client from one member to another, who accepts and wins it.
func (b *bundle) wonAt(t testing.TB, from, to core.Caller, client string, value core.Money) *core.Referral {
	t.Helper()
	ctx := context.Background()
	r := b.refer(t, from, to, client, 0)
	ok(b.svc.Accept(ctx, to, r.Code))(t)
	return ok(b.svc.Advance(ctx, to, r.Code, core.StatusWon, core.AdvanceInput{Value: value}))(t)
}

// history is a referral's timeline as its referrer sees it.
func (b *bundle) history(t testing.TB, c core.Caller, code core.Code) []core.Event {
	t.Helper()
	return ok(b.svc.Show(context.Background(), c, code))(t).Events
}

// figures are the won figures of the network, the receiver and the
// referrer, in dollars: what every report is built from.
type figures struct{ network, received, generated, deals int64 }

func (b *bundle) figures(t testing.TB, c core.Caller, receiver, referrer core.Caller) figures {
	t.Helper()
	ctx := context.Background()
	net := ok(b.svc.Stats(ctx, c, core.StatsRequest{Network: true}))(t)
	rc := ok(b.svc.Stats(ctx, c, core.StatsRequest{Who: &core.MemberRef{UserID: receiver.Member.UserID}}))(t)
	rf := ok(b.svc.Stats(ctx, c, core.StatsRequest{Who: &core.MemberRef{UserID: referrer.Member.UserID}}))(t)
	return figures{net.Revenue.Get("USD").Cents / 100, rc.Revenue.Get("USD").Cents / 100,
		rf.RevenueGenerated.Get("USD").Cents / 100, int64(net.Deals)}
}

// quarterly runs the celebration of Q1 2026 and returns its figures.
func (b *bundle) quarterly(t testing.TB, c core.Caller) *core.Stats {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	ws := b.workspace(t, c)
	if res := ok(b.svc.RunJob(ctx, core.JobQuarterly, ws, at, at))(t); res.Notices != 1 {
		t.Fatalf("quarterly: %+v", res)
	}
	ns := ok(b.db.ClaimNotices(ctx, core.Slack, 1000, at.Add(time.Hour), time.Minute))(t)
	for _, n := range ns {
		if n.Kind == core.NoticeQuarterly && n.WorkspaceID == ws.ID {
			return n.Report.Current
		}
	}
	t.Fatal("no quarterly report")
	return nil
}

func TestCorrectAndUndo_EveryFigureUsesTheCorrectedValue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	ok(b.svc.Configure(ctx, org, "fee", []string{"10%"}))(t)
	bob, alice := b.join(t, "T1", "bob"), b.join(t, "T1", "alice")
	r := b.wonAt(t, bob, alice, "Acme", usd(48000)) // a slip: 4,800 was meant
	if got := b.figures(t, org, alice, bob); got != (figures{48000, 48000, 48000, 1}) {
		t.Fatalf("before: %+v", got)
	}
	r = ok(b.svc.ConfirmWon(ctx, bob, r.Code))(t) // the referrer confirms: the fee is owed
	if fee := r.Fee.Owed(r.WonValue); r.FeeStatus != core.FeeOwed || fee != usd(4800) {
		t.Fatalf("fee before: %s %s", fee, r.FeeStatus)
	}

	b.clock.Add(time.Hour)
	k := ok(b.svc.Correct(ctx, alice, r.Code, core.Money{Cents: 480000}, "typed an extra zero"))(t)
	if k.Old != usd(48000) || k.New != usd(4800) || k.Referral.WonValue != usd(4800) {
		t.Fatalf("correction said %s → %s, stored %s", k.Old, k.New, k.Referral.WonValue)
	}
	if got := b.figures(t, org, alice, bob); got != (figures{4800, 4800, 4800, 1}) {
		t.Errorf("after the correction: %+v", got)
	}
	// A corrected value goes back to the referrer: the fee on it awaits
	// their confirmation again.
	now := ok(b.svc.Show(ctx, bob, r.Code))(t).Referral
	if fee := now.Fee.Owed(now.WonValue); now.FeeStatus != core.FeeAwaiting || fee != usd(480) {
		t.Errorf("fee after the correction: %s %s, want USD 480 awaiting", fee, now.FeeStatus)
	}
	if ks := b.kinds(t, `recipient_member_id = $1 AND kind = $2`, bob.Member.ID, string(core.NoticeCorrected)); len(ks) != 1 {
		t.Errorf("bob was told of the correction %d times", len(ks))
	}

	// Undo puts the slip back (the correction was alice's last change)...
	b.clock.Add(time.Hour)
	u := ok(b.svc.Undo(ctx, alice, r.Code))(t)
	if u.Of.Kind != core.EvCorrected || u.Referral.WonValue != usd(48000) {
		t.Fatalf("first undo reverted %s, value now %s", u.Of.Kind, u.Referral.WonValue)
	}
	if got := b.figures(t, org, alice, bob); got != (figures{48000, 48000, 48000, 1}) {
		t.Errorf("after undoing the correction: %+v", got)
	}
	// ... and a second undo reopens the deal: no revenue, no fee.
	u = ok(b.svc.Undo(ctx, alice, r.Code))(t)
	if u.Of.Kind != core.EvStage || u.Referral.Status != core.StatusAccepted || !u.Referral.WonValue.IsZero() ||
		u.Referral.FeeStatus != core.FeeNotDue || !u.Referral.ClosedAt.IsZero() {
		t.Fatalf("second undo: %s → %+v", u.Of.Kind, u.Referral)
	}
	if got := b.figures(t, org, alice, bob); got != (figures{0, 0, 0, 0}) {
		t.Errorf("after undoing the win: %+v", got)
	}
	net := ok(b.svc.Stats(ctx, org, core.StatsRequest{Network: true}))(t)
	wantInt(t, "won after undo", net.Won, 0)
	wantInt(t, "in progress after undo", net.InProgress, 1)

	// Every step is in the history, in order, and nothing was rewritten.
	var kinds []string
	undone := map[int64]bool{}
	for _, e := range b.history(t, bob, r.Code) {
		kinds = append(kinds, string(e.Kind))
		if e.Kind == core.EvUndone {
			undone[e.Undoes] = true
		}
	}
	if want := "created accepted stage won_confirmed corrected undone undone"; strings.Join(kinds, " ") != want {
		t.Errorf("history %q, want %q", strings.Join(kinds, " "), want)
	}
	if len(undone) != 2 {
		t.Errorf("the undo events name %d events, want 2", len(undone))
	}
	if n := b.count(t, "referral_events"); n != 7 {
		t.Errorf("%d events stored, want 7", n)
	}

	// Won again, for the right value: the quarter celebrates that one.
	ok(b.svc.Advance(ctx, alice, r.Code, core.StatusWon, core.AdvanceInput{Value: usd(5200)}))(t)
	ok(b.svc.Correct(ctx, alice, r.Code, core.Money{Cents: 520050}, ""))(t)
	if q := b.quarterly(t, org); q.Revenue.Get("USD").Cents != 520050 || q.Deals != 1 {
		t.Errorf("quarterly revenue %d over %d deals, want 520050 over 1", q.Revenue.Get("USD").Cents, q.Deals)
	}
}

func TestUndo_AQuarterWithAnUndoneWinCelebratesNoRevenue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	bob, alice := b.join(t, "T1", "bob"), b.join(t, "T1", "alice")
	kept := b.wonAt(t, bob, alice, "Kept", usd(1000))
	undone := b.wonAt(t, bob, alice, "Undone", usd(9000))
	ok(b.svc.Undo(ctx, alice, undone.Code))(t)
	q := b.quarterly(t, org)
	if q.Revenue.Get("USD").Cents != 100000 || q.Deals != 1 || q.Won != 1 {
		t.Errorf("quarterly: revenue %d, deals %d, won %d; want only %s", q.Revenue.Get("USD").Cents, q.Deals, q.Won, kept.Code)
	}
}

func TestUndo_EachKindOfChangeGoesBackAndStaysInTheHistory(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	bob, alice := b.join(t, "T1", "bob"), b.join(t, "T1", "alice")

	// A stage move returns to the stage before.
	r := b.refer(t, bob, alice, "Acme", 0)
	ok(b.svc.Accept(ctx, alice, r.Code))(t)
	ok(b.svc.Advance(ctx, alice, r.Code, core.StatusContacted, core.AdvanceInput{}))(t)
	ok(b.svc.Advance(ctx, alice, r.Code, core.StatusMeeting, core.AdvanceInput{}))(t)
	if u := ok(b.svc.Undo(ctx, alice, r.Code))(t); u.Referral.Status != core.StatusContacted || u.Now != "back at contacted" {
		t.Errorf("undo of meeting: %s (%q)", u.Referral.Status, u.Now)
	}
	// Lost reopens without its reason.
	ok(b.svc.Advance(ctx, alice, r.Code, core.StatusLost, core.AdvanceInput{Reason: "went cheaper"}))(t)
	if u := ok(b.svc.Undo(ctx, alice, r.Code))(t); u.Referral.Status != core.StatusContacted || u.Referral.LostReason != "" {
		t.Errorf("undo of lost: %+v", u.Referral)
	}

	// A thank-you is withdrawn: marked, not deleted, and no longer counted.
	ok(b.svc.Thank(ctx, alice, r.Code, "thanks Bob!"))(t)
	if st := ok(b.svc.Stats(ctx, bob, core.StatsRequest{}))(t); st.Thanks != 1 {
		t.Fatalf("thanks before: %d", st.Thanks)
	}
	u := ok(b.svc.Undo(ctx, alice, r.Code))(t)
	if u.Of.Kind != core.EvThanked || u.Referral.Thanked {
		t.Errorf("undo of thanks: %s, thanked %v", u.Of.Kind, u.Referral.Thanked)
	}
	if st := ok(b.svc.Stats(ctx, bob, core.StatsRequest{}))(t); st.Thanks != 0 {
		t.Errorf("a withdrawn thank-you still counts: %d", st.Thanks)
	}
	if net := ok(b.svc.Stats(ctx, org, core.StatsRequest{Network: true}))(t); net.Thanks != 0 || net.ByPartner[0].Thanks != 0 {
		t.Errorf("network still counts the withdrawn thank-you: %d", net.Thanks)
	}
	if n := b.count(t, "thanks WHERE retracted_at IS NOT NULL"); n != 1 {
		t.Errorf("%d withdrawn thank-you rows, want 1 kept", n)
	}
	if ks := b.kinds(t, `recipient_member_id IS NULL AND kind = $1`, string(core.NoticeThanksWithdrawn)); len(ks) != 1 {
		t.Errorf("the channel's thank-you post is not withdrawn: %v", ks)
	}
	// It may be given again.
	ok(b.svc.Thank(ctx, alice, r.Code, "thank you after all"))(t)
	if st := ok(b.svc.Stats(ctx, bob, core.StatsRequest{}))(t); st.Thanks != 1 {
		t.Errorf("thanks given again: %d", st.Thanks)
	}

	// Nothing was rewritten: every change and every undo is there.
	var undos int
	for _, e := range b.history(t, bob, r.Code) {
		if e.Kind == core.EvUndone {
			undos++
			if e.Undoes == 0 || e.Note == "" {
				t.Errorf("undo event without its target or note: %+v", e)
			}
		}
	}
	if undos != 3 {
		t.Errorf("%d undo events, want 3", undos)
	}
	// The other party heard of each undo.
	if n := len(b.kinds(t, `recipient_member_id = $1 AND kind = $2`, bob.Member.ID, string(core.NoticeUndone))); n != 3 {
		t.Errorf("bob was told of %d undos, want 3 (meeting, lost, thanks)", n)
	}
}

func TestUndo_ARatingGoesBackToTheOneItReplacedThenToNone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	bob, alice := b.join(t, "T1", "bob"), b.join(t, "T1", "alice")
	r := b.wonAt(t, bob, alice, "Acme", usd(100))
	// A rating goes back to the one it replaced, then to none.
	ok(b.svc.GiveFeedback(ctx, bob, r.Code, 2, "slow start"))(t)
	ok(b.svc.GiveFeedback(ctx, bob, r.Code, 5, "it all worked out"))(t)
	if st := ok(b.svc.Stats(ctx, org, core.StatsRequest{Network: true}))(t); st.Satisfaction != 5 {
		t.Fatalf("satisfaction before: %v", st.Satisfaction)
	}
	if u := ok(b.svc.Undo(ctx, bob, r.Code))(t); u.Of.Kind != core.EvFeedback || u.Now != "back to 2/5" {
		t.Errorf("bob's undo: %s %q", u.Of.Kind, u.Now)
	}
	st := ok(b.svc.Stats(ctx, org, core.StatsRequest{Network: true}))(t)
	if st.Satisfaction != 2 || st.SatisfactionN != 1 {
		t.Errorf("satisfaction after undo: %v over %d", st.Satisfaction, st.SatisfactionN)
	}
	var comment string
	b.query(t, `SELECT comment FROM feedback`, &comment)
	if comment != "slow start" {
		t.Errorf("restored comment %q", comment)
	}
	ok(b.svc.Undo(ctx, bob, r.Code))(t)
	if st := ok(b.svc.Stats(ctx, org, core.StatsRequest{Network: true}))(t); st.SatisfactionN != 0 {
		t.Errorf("ratings after undoing the first: %d", st.SatisfactionN)
	}
	// bob has nothing left of his own to undo.
	wantCode(t, second(b.svc.Undo(ctx, bob, r.Code)), core.ECONFLICT)

	// The receiver heard of both, and the history keeps all four entries.
	if n := len(b.kinds(t, `recipient_member_id = $1 AND kind = $2`, alice.Member.ID, string(core.NoticeUndone))); n != 2 {
		t.Errorf("alice was told of %d undos, want 2", n)
	}
	var kinds []string
	for _, e := range b.history(t, alice, r.Code)[3:] {
		kinds = append(kinds, string(e.Kind))
	}
	if got := strings.Join(kinds, " "); got != "feedback feedback undone undone" {
		t.Errorf("history %q", got)
	}
}

// query reads one row straight from the database.
func (b *bundle) query(t testing.TB, sql string, dest ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, b.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, sql).Scan(dest...); err != nil {
		t.Fatal(err)
	}
}

func TestUndoAndCorrect_TheWindowBindsMembersNotAdmins(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	bob, alice := b.join(t, "T1", "bob"), b.join(t, "T1", "alice")
	r := b.wonAt(t, bob, alice, "Acme", usd(4800))

	// Inside the window (24 h by default) alice corrects; just past it she
	// can't, and is told until when she could and who still can.
	b.clock.Add(23 * time.Hour)
	ok(b.svc.Correct(ctx, alice, r.Code, core.Money{Cents: 490000}, ""))(t)
	b.clock.Add(time.Hour)
	_, err := b.svc.Correct(ctx, alice, r.Code, core.Money{Cents: 500000}, "")
	wantCode(t, err, core.EFORBIDDEN)
	if msg := err.Error(); !strings.Contains(msg, "until Tue 3 Mar 2026 10:00 UTC") || !strings.Contains(msg, "@organiser") ||
		!strings.Contains(msg, "/refer correct "+r.Code.String()) {
		t.Errorf("outside the window: %q", msg)
	}
	// Her undo of the correction (made an hour ago) is still in its window;
	// the win itself (24 h ago) no longer is.
	ok(b.svc.Undo(ctx, alice, r.Code))(t)
	_, err = b.svc.Undo(ctx, alice, r.Code)
	wantCode(t, err, core.EFORBIDDEN)
	if msg := err.Error(); !strings.Contains(msg, "move to won") || !strings.Contains(msg, "/refer undo "+r.Code.String()) {
		t.Errorf("undo outside the window: %q", msg)
	}
	// An admin may, any time.
	b.clock.Add(30 * 24 * time.Hour)
	if k := ok(b.svc.Correct(ctx, org, r.Code, core.Money{Cents: 470000}, "per the invoice"))(t); k.New != usd(4700) {
		t.Errorf("admin correction: %s", k.New)
	}
	if u := ok(b.svc.Undo(ctx, org, r.Code))(t); u.Of.ActorID != org.Member.ID || u.Referral.WonValue != usd(4800) {
		t.Errorf("admin undid %+v, value %s", u.Of, u.Referral.WonValue)
	}
	if u := ok(b.svc.Undo(ctx, org, r.Code))(t); u.Of.ActorID != alice.Member.ID || u.Referral.Status != core.StatusAccepted {
		t.Errorf("admin undo of alice's win: %+v → %s", u.Of, u.Referral.Status)
	}
	if !strings.Contains(b.history(t, bob, r.Code)[len(b.history(t, bob, r.Code))-1].Note, "@alice's move to won") {
		t.Errorf("the history doesn't say whose change the admin undid")
	}

	// The window is the network's: wider, or off.
	ok(b.svc.Configure(ctx, org, "undo-window", []string{"2d"}))(t)
	ok(b.svc.Advance(ctx, alice, r.Code, core.StatusWon, core.AdvanceInput{Value: usd(4800)}))(t)
	b.clock.Add(47 * time.Hour)
	alice = b.join(t, "T1", "alice") // the settings as a new command sees them
	ok(b.svc.Correct(ctx, alice, r.Code, core.Money{Cents: 480100}, ""))(t)
	ok(b.svc.Configure(ctx, org, "undo-window", []string{"off"}))(t)
	alice = b.join(t, "T1", "alice")
	_, err = b.svc.Undo(ctx, alice, r.Code)
	wantCode(t, err, core.EFORBIDDEN)
	if !strings.Contains(err.Error(), "undo window is off") {
		t.Errorf("window off: %q", err)
	}
}

// TestCorrect_TheLeaderboardFollowsTheConfirmedValue: a corrected value
// leaves the leaderboard until its referrer confirms it again, then
// counts at the corrected value; undoing the win takes it off.
func TestCorrect_TheLeaderboardFollowsTheConfirmedValue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	bob, alice := b.join(t, "T1", "bob"), b.join(t, "T1", "alice")
	r := b.wonAt(t, bob, alice, "Acme", usd(48000))
	ok(b.svc.ConfirmWon(ctx, bob, r.Code))(t)
	bobValue := func() int64 {
		t.Helper()
		lb := ok(b.svc.Leaderboard(ctx, org, ""))(t)
		for _, g := range lb.Givers {
			if g.MemberID == bob.Member.ID {
				return g.Value.Get("USD").Cents / 100
			}
		}
		return 0
	}
	if v := bobValue(); v != 48000 {
		t.Fatalf("before the correction: bob's confirmed value %d, want 48000", v)
	}
	b.clock.Add(time.Hour)
	ok(b.svc.Correct(ctx, alice, r.Code, core.Money{Cents: 480000}, "typed an extra zero"))(t)
	if v := bobValue(); v != 0 {
		t.Errorf("an unconfirmed correction counts %d on the leaderboard, want 0", v)
	}
	ok(b.svc.ConfirmWon(ctx, bob, r.Code))(t)
	if v := bobValue(); v != 4800 {
		t.Errorf("after confirming the correction: %d, want 4800", v)
	}
}
