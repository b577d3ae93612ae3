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
