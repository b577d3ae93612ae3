package core_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

// The question comes instead of the fourth ignored reminder even when one
// run would send a member several: at most three reminders in a row, then
// the question alone — never the question with more reminders.
func TestReminders_OneRunNeverSendsPastTheThirdIgnoredReminder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org, alice, bob := b.join(t, "T1", "organiser"), b.join(t, "T1", "alice"), b.join(t, "T1", "bob")
	ws := b.workspace(t, org)
	accepted := func(to core.Caller, n int) {
		t.Helper()
		for i := range n {
			r := b.refer(t, org, to, fmt.Sprint("Client ", to.Member.DisplayName, i), 0)
			if _, err := b.svc.Accept(ctx, to, r.Code); err != nil {
				t.Fatal(err)
			}
		}
	}
	// queued returns, per member, the kinds of notices queued since the
	// last call (and marks them delivered).
	queued := func(at time.Time) map[int64]map[core.NoticeKind]int {
		t.Helper()
		ns, err := b.db.ClaimNotices(ctx, core.Slack, 100, at, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64]map[core.NoticeKind]int{}
		for _, n := range ns {
			if out[n.To.MemberID] == nil {
				out[n.To.MemberID] = map[core.NoticeKind]int{}
			}
			out[n.To.MemberID][n.Kind]++
			if err := b.db.MarkDelivered(ctx, n.WorkspaceID, n.ID, "", at); err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	nudges := func(at time.Time) map[int64]map[core.NoticeKind]int {
		t.Helper()
		if _, err := b.svc.RunJob(ctx, core.JobThankNudge, ws, at, at); err != nil {
			t.Fatal(err)
		}
		return queued(at.Add(12 * time.Hour)) // past any quiet hours
	}
	// Alice takes on five referrals at once; bob two now and three later.
	accepted(alice, 5)
	accepted(bob, 2)
	start := b.clock.Now()
	queued(start)

	// Day one: five nudges are due for alice, two for bob. Alice gets
	// three, and no question yet: she hasn't had the chance to answer.
	got := nudges(start.Add(25 * time.Hour))
	if a := got[alice.Member.ID]; a[core.NoticeThankNudge] != 3 || a[core.NoticeAskReminders] != 0 {
		t.Fatalf("day one, alice: %v; want 3 nudges and no question", a)
	}
	if bb := got[bob.Member.ID]; bb[core.NoticeThankNudge] != 2 || bb[core.NoticeAskReminders] != 0 {
		t.Fatalf("day one, bob: %v; want 2 nudges", bb)
	}

	// Three more of bob's come due; he has ignored two, so one more fits.
	// (The service is called directly: only a command of bob's would
	// count as his coming back.)
	b.clock.t = start.Add(26 * time.Hour)
	accepted(bob, 3)
	queued(b.clock.Now())
	got = nudges(start.Add(26*time.Hour + 25*time.Hour))
	if bb := got[bob.Member.ID]; bb[core.NoticeThankNudge] != 1 || bb[core.NoticeAskReminders] != 0 {
		t.Fatalf("day two, bob (two ignored, three due): %v; want 1 nudge and no question", bb)
	}
	// Alice ignored three: the two still due become one question.
	if a := got[alice.Member.ID]; a[core.NoticeThankNudge] != 0 || a[core.NoticeAskReminders] != 1 {
		t.Fatalf("day two, alice: %v; want the question alone", a)
	}

	// Day three: nothing more for either — the question was asked once.
	got = nudges(start.Add(26*time.Hour + 49*time.Hour))
	if len(got[alice.Member.ID]) != 0 {
		t.Fatalf("day three, alice: %v; want nothing", got[alice.Member.ID])
	}
	if bb := got[bob.Member.ID]; bb[core.NoticeThankNudge] != 0 || bb[core.NoticeAskReminders] != 1 {
		t.Fatalf("day three, bob: %v; want the question alone", bb)
	}
}

// A member asked whether to keep reminders coming is held back until they
// use referbot again: while both parties of a quiet referral are held back
// or paused, the stale follow-up no longer reads it each day (it would
// queue nothing); it is still due, and nudged once its owner is back.
func TestReminders_HeldBackStaysHeldBackNotReadAgainUntilTheMemberReturns(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org, alice := b.join(t, "T1", "organiser"), b.join(t, "T1", "alice")
	for i := range 5 {
		r := b.refer(t, org, alice, fmt.Sprint("Client ", i), 0)
		if _, err := b.svc.Accept(ctx, alice, r.Code); err != nil {
			t.Fatal(err)
		}
	}
	// The referrer gets no digests: paused.
	if _, err := b.svc.SetProfile(ctx, org, "availability", []string{"paused"}); err != nil {
		t.Fatal(err)
	}
	ws := b.workspace(t, org)
	days := ws.Settings.StaleDays
	if days <= 0 {
		days = core.DefaultSettings().StaleDays
	}
	stale := func(at time.Time) []core.Referral {
		t.Helper()
		cutoff := at.AddDate(0, 0, -days)
		var rs []core.Referral
		if err := b.db.InTx(ctx, func(tx core.Tx) (err error) {
			rs, err = tx.StaleReferrals(ctx, []core.DueWindow{{WorkspaceID: ws.ID, From: cutoff.Add(-14 * 24 * time.Hour), To: cutoff}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return rs
	}
	run := func(at time.Time) int {
		t.Helper()
		res, err := b.svc.RunJob(ctx, core.JobStale, ws, at, at)
		if err != nil {
			t.Fatal(err)
		}
		return res.Notices
	}
	at := b.clock.Now().AddDate(0, 0, days+1)
	if n := run(at); n != 3 {
		t.Fatalf("day one: %d notices, want three nudges", n)
	}
	at = at.Add(24 * time.Hour)
	if got := len(stale(at)); got != 2 {
		t.Fatalf("day two: %d referrals due, want the two held back", got)
	}
	if n := run(at); n != 1 {
		t.Fatalf("day two: %d notices, want the question alone", n)
	}
	at = at.Add(24 * time.Hour)
	if got := stale(at); len(got) != 0 {
		t.Fatalf("day three: %d referrals read again for a member held back", len(got))
	}
	if n := run(at); n != 0 {
		t.Fatalf("day three: %d notices, want none", n)
	}
	// She comes back: what was held back is due again, and nudged.
	b.clock.t = at.Add(time.Hour)
	b.join(t, "T1", "alice")
	at = at.Add(24 * time.Hour)
	if got := len(stale(at)); got != 2 {
		t.Fatalf("after she came back: %d referrals due, want the two held back", got)
	}
	if n := run(at); n != 2 {
		t.Fatalf("after she came back: %d notices, want the two nudges", n)
	}
}
