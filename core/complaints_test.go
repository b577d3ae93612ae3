package core_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

// The complaints of ../shared/PRODUCT.md §9, each shown on one known data
// set: an organiser (admin), bob and alice (partners who refer to each
// other), carol (claims leads) and dave (a bystander), with a 10% finder's
// fee as the network's policy.
type complaints struct {
	*bundle
	ctx                          context.Context
	org, bob, alice, carol, dave core.Caller
}

func newComplaints(t *testing.T) *complaints {
	t.Helper()
	b := setup(t)
	c := &complaints{bundle: b, ctx: context.Background()}
	c.org = b.join(t, "T1", "organiser")
	c.bob, c.alice, c.carol, c.dave = b.join(t, "T1", "bob"), b.join(t, "T1", "alice"), b.join(t, "T1", "carol"), b.join(t, "T1", "dave")
	ok(b.svc.Configure(c.ctx, c.org, "fee", []string{"10%"}))(t)
	c.rejoin(t)
	return c
}

// rejoin refreshes the callers after a settings change, as every command
// does when it joins.
func (c *complaints) rejoin(t *testing.T) {
	t.Helper()
	c.org, c.bob, c.alice = c.join(t, "T1", "organiser"), c.join(t, "T1", "bob"), c.join(t, "T1", "alice")
	c.carol, c.dave = c.join(t, "T1", "carol"), c.join(t, "T1", "dave")
}

func (c *complaints) kinds(t *testing.T, who core.Caller, code core.Code) []core.EventKind {
	t.Helper()
	var ks []core.EventKind
	for _, e := range c.history(t, who, code) {
		ks = append(ks, e.Kind)
	}
	return ks
}

// §9.1 Referrals are never closed out: an accepted referral nobody updates
// goes back to its referrer after release-after, told, and in the history.
func TestComplaint1_AReferralLeftUntouchedGoesBackToItsReferrer(t *testing.T) {
	t.Parallel()
	c := newComplaints(t)
	r := c.refer(t, c.bob, c.alice, "Acme", 0)
	ok(c.svc.Accept(c.ctx, c.alice, r.Code))(t)
	at := c.clock.Now().AddDate(0, 0, 22)
	ok(c.svc.RunJob(c.ctx, core.JobRelease, c.workspace(t, c.org), at, at))(t)
	got := ok(c.svc.Show(c.ctx, c.bob, r.Code))(t).Referral
	if got.Status != core.StatusDeclined || !slices.Contains(c.kinds(t, c.bob, r.Code), core.EvReturned) {
		t.Fatalf("after release-after: %s, history %v", got.Status, c.kinds(t, c.bob, r.Code))
	}
	if !slices.Contains(c.pending(t, c.bob.Member), string(core.NoticeReturned)) {
		t.Errorf("bob was not told: %v", c.pending(t, c.bob.Member))
	}
}

// §9.2 Quotas reward quantity: the same client sent to the same partner
// again counts once on the leaderboard.
func TestComplaint2_RepeatsOfAClientCountOnce(t *testing.T) {
	t.Parallel()
	c := newComplaints(t)
	for range 3 {
		r := c.wonAt(t, c.bob, c.alice, "Acme", usd(1000))
		ok(c.svc.ConfirmWon(c.ctx, c.bob, r.Code))(t)
	}
	lb := ok(c.svc.Leaderboard(c.ctx, c.org, ""))(t)
	if len(lb.Givers) == 0 || lb.Givers[0].MemberID != c.bob.Member.ID || lb.Givers[0].Deals != 1 || lb.Givers[0].Won != 3 {
		t.Fatalf("givers: %+v", lb.Givers)
	}
}

// §9.3 Slips can't be corrected: a won value is corrected and the
// correction undone, each an event; nothing is rewritten.
func TestComplaint3_ASlipIsCorrectedAndUndoneWithHistory(t *testing.T) {
	t.Parallel()
	c := newComplaints(t)
	r := c.wonAt(t, c.bob, c.alice, "Acme", usd(48000))
	c.clock.Add(time.Hour)
	ok(c.svc.Correct(c.ctx, c.alice, r.Code, core.Money{Cents: 480000}, "typo"))(t)
	if v := ok(c.svc.Show(c.ctx, c.bob, r.Code))(t).Referral.WonValue; v != usd(4800) {
		t.Fatalf("corrected value %s", v)
	}
	ok(c.svc.Undo(c.ctx, c.alice, r.Code))(t)
	ks := c.kinds(t, c.bob, r.Code)
	if !slices.Contains(ks, core.EvCorrected) || !slices.Contains(ks, core.EvUndone) {
		t.Fatalf("history %v", ks)
	}
}

// §9.4 The same few top every leaderboard: newcomers' first wins are
// named, for any period.
func TestComplaint4_NewcomersFirstWinsAreNamed(t *testing.T) {
	t.Parallel()
	c := newComplaints(t)
	r := c.wonAt(t, c.dave, c.carol, "Initech", usd(900))
	ok(c.svc.ConfirmWon(c.ctx, c.dave, r.Code))(t)
	lb := ok(c.svc.Leaderboard(c.ctx, c.org, "this-quarter"))(t)
	if len(lb.FirstWins) == 0 {
		t.Fatalf("no newcomers' first wins: %+v", lb)
	}
}

// §9.5 Gaming for rewards: a daily cap, a flag for the same client sent
// again and again (with its codes), and a fee owed only once the
// referrer confirms the won value.
func TestComplaint5_CapsFlagsAndConfirmedFees(t *testing.T) {
	t.Parallel()
	c := newComplaints(t)
	var codes []core.Code
	for range 3 {
		codes = append(codes, c.refer(t, c.bob, c.alice, "Acme Corp", 0).Code)
	}
	rep := ok(c.svc.Flags(c.ctx, c.org, ""))(t)
	found := false
	for _, f := range rep.Flags {
		if f.Kind == core.FlagSameClient && len(f.Codes) >= 3 {
			found = true
		}
	}
	if !found {
		t.Errorf("no same-client flag for %v: %+v", codes, rep.Flags)
	}
	ok(c.svc.Configure(c.ctx, c.org, "daily-cap", []string{"3"}))(t)
	c.rejoin(t)
	if _, err := c.svc.Refer(c.ctx, c.bob, core.ReferInput{To: ref(c.alice), ClientName: "Globex", Need: "a site"}); err == nil {
		t.Errorf("a fourth referral on a day capped at 3 was taken")
	}
	ok(c.svc.Accept(c.ctx, c.alice, codes[0]))(t)
	r := ok(c.svc.Advance(c.ctx, c.alice, codes[0], core.StatusWon, core.AdvanceInput{Value: usd(5000)}))(t)
	if r.FeeStatus == core.FeeOwed {
		t.Fatalf("a fee is owed before the referrer confirmed the value")
	}
	r = ok(c.svc.ConfirmWon(c.ctx, c.bob, codes[0]))(t)
	if r.FeeStatus != core.FeeOwed || !slices.Contains(c.kinds(t, c.bob, codes[0]), core.EvWonConfirmed) {
		t.Errorf("after confirming: %s, history %v", r.FeeStatus, c.kinds(t, c.bob, codes[0]))
	}
}

// §9.6 Claimed work goes stale: a claimed lead nobody works on is open
// to claims again after release-after, with the event in its history.
func TestComplaint6_AStaleClaimedLeadIsOpenAgain(t *testing.T) {
	t.Parallel()
	c := newComplaints(t)
	lead := ok(c.svc.PostLead(c.ctx, c.bob, core.LeadInput{Need: "bookkeeping"}))(t)
	ok(c.svc.Claim(c.ctx, c.carol, lead.Code))(t)
	at := c.clock.Now().AddDate(0, 0, 22)
	ok(c.svc.RunJob(c.ctx, core.JobRelease, c.workspace(t, c.org), at, at))(t)
	got := ok(c.svc.Show(c.ctx, c.bob, lead.Code))(t).Referral
	if got.Status != core.StatusOpen || got.ReceiverID != 0 || !slices.Contains(c.kinds(t, c.bob, lead.Code), core.EvReleased) {
		t.Fatalf("after release-after: %s receiver %d, history %v", got.Status, got.ReceiverID, c.kinds(t, c.bob, lead.Code))
	}
}

// §9.7 Reminder bots pester: a member who paused gets no reminders.
func TestComplaint7_APausedMemberGetsNoReminders(t *testing.T) {
	t.Parallel()
	c := newComplaints(t)
	c.refer(t, c.bob, c.alice, "Acme", 0) // a partnership, touched today
	ok(c.svc.SetProfile(c.ctx, c.alice, "availability", []string{"paused"}))(t)
	at := c.clock.Now().AddDate(0, 2, 0)
	ok(c.svc.RunJob(c.ctx, core.JobTouch, c.workspace(t, c.org), at, at))(t)
	if slices.Contains(c.pending(t, c.alice.Member), string(core.NoticeTouchReminder)) {
		t.Errorf("a paused member was reminded: %v", c.pending(t, c.alice.Member))
	}
	if !slices.Contains(c.pending(t, c.bob.Member), string(core.NoticeTouchReminder)) {
		t.Errorf("the other partner was not reminded: %v", c.pending(t, c.bob.Member))
	}
}

// §9.8 Deal amounts are private: a member who keeps amounts private shows
// outcomes without amounts to everyone but the parties.
func TestComplaint8_PrivateAmountsReachOnlyTheParties(t *testing.T) {
	t.Parallel()
	c := newComplaints(t)
	ok(c.svc.SetProfile(c.ctx, c.alice, "amounts", []string{"private"}))(t)
	r := c.wonAt(t, c.bob, c.alice, "Acme", usd(7777))
	if v := ok(c.svc.Show(c.ctx, c.bob, r.Code))(t).Referral.WonValue; v != usd(7777) {
		t.Errorf("the referrer doesn't see the amount: %s", v)
	}
	seen := ok(c.svc.Show(c.ctx, c.dave, r.Code))(t).Referral
	if !seen.WonValue.IsZero() || !seen.AmountsHidden || seen.Status != core.StatusWon {
		t.Errorf("a bystander sees %s (hidden %v, %s)", seen.WonValue, seen.AmountsHidden, seen.Status)
	}
}

// §9.9 Rigid reports: figures for any period, as the member types it.
func TestComplaint9_FiguresForAnyPeriod(t *testing.T) {
	t.Parallel()
	c := newComplaints(t)
	c.wonAt(t, c.bob, c.alice, "Acme", usd(1000))
	for _, p := range []string{"this-month", "last-quarter", "2026-Q1", "2026-01..2026-06", "30d", "all"} {
		if _, err := c.svc.Stats(c.ctx, c.org, core.StatsRequest{Network: true, Period: p}); err != nil {
			t.Errorf("stats %s: %v", p, err)
		}
	}
	st := ok(c.svc.Stats(c.ctx, c.org, core.StatsRequest{Network: true, Period: "2026-01..2026-06"}))(t)
	if st.Won != 1 {
		t.Errorf("won in 2026-01..2026-06: %d, want 1", st.Won)
	}
}
