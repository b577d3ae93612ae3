package core_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

func TestBuddy_SaysWhoWasToldAndNothingWhenNothingWasSent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org, dana, alice := b.join(t, "T1", "organiser"), b.join(t, "T1", "dana"), b.join(t, "T1", "alice")
	told := func(p *core.Pairing) []string {
		var out []string
		for _, m := range p.Told {
			out = append(out, m.DisplayName)
		}
		return out
	}
	p, err := b.svc.Buddy(ctx, org, ref(dana), ref(alice))
	if err != nil || p.Already || len(p.Told) != 2 || p.Mentor.DisplayName != "alice" || p.Newcomer.BuddyID != alice.Member.ID {
		t.Fatalf("first pairing: %+v (told %v), %v", p, told(p), err)
	}
	before := b.count(t, "outbox")
	// The same pair again: nothing changes, nobody is told.
	p, err = b.svc.Buddy(ctx, org, ref(dana), ref(alice))
	if err != nil || !p.Already || len(p.Told) != 0 {
		t.Fatalf("same pair again: %+v (told %v), %v", p, told(p), err)
	}
	if n := b.count(t, "outbox"); n != before {
		t.Fatalf("same pair again queued %d messages", n-before)
	}
	// Another mentor, then back within the same instant: the messages
	// about that pairing were sent already, so none goes out again.
	if p, err = b.svc.Buddy(ctx, org, ref(dana), ref(org)); err != nil || len(p.Told) != 2 {
		t.Fatalf("new mentor: %+v (told %v), %v", p, told(p), err)
	}
	p, err = b.svc.Buddy(ctx, org, ref(dana), ref(alice))
	if err != nil || p.Already || len(p.Told) != 0 {
		t.Fatalf("back to alice at once: %+v (told %v), %v", p, told(p), err)
	}
}

// buddyCounts counts, per mentor, the "you're their buddy" messages queued.
func (b *bundle) buddyCounts(t testing.TB) map[int64]int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, b.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT recipient_member_id, count(*) FROM outbox WHERE kind = $1 GROUP BY 1`,
		string(core.NoticeBuddy))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		out[id] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// joinAtOnce joins n newcomers concurrently and returns them.
func (b *bundle) joinAtOnce(t testing.TB, team, prefix string, n int) []core.Caller {
	t.Helper()
	out := make([]core.Caller, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			name := fmt.Sprintf("%s%02d", prefix, i)
			out[i], errs[i] = b.svc.Join(context.Background(), core.Identity{Platform: core.Slack, TeamID: team,
				UserID: "u-" + name, UserName: name, Channel: "#referrals"})
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("join %d: %v", i, err)
		}
	}
	return out
}

func TestAssignBuddy_ABurstOfJoinsRotatesMentorsUpToTheCap(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	// Twelve members join while nobody is experienced (so nobody mentors
	// anyone yet); then the organiser refers a client to each, which makes
	// thirteen experienced members. One of them is paused.
	var mentors []core.Caller
	for i := range 12 {
		mentors = append(mentors, b.join(t, "T1", fmt.Sprintf("mentor%02d", i)))
	}
	for _, m := range mentors {
		b.refer(t, org, m, "Client", 0)
	}
	paused := mentors[11]
	if _, err := b.svc.SetProfile(ctx, paused, "availability", []string{"paused"}); err != nil {
		t.Fatal(err)
	}
	available := 12 // the organiser and eleven mentors
	const cap = 3

	// 20 newcomers at once: spread evenly, one or two each.
	first := b.joinAtOnce(t, "T1", "early", 20)
	loads := b.buddyCounts(t)
	if len(loads) != available {
		t.Fatalf("%d mentors were given newcomers, want all %d available ones: %v", len(loads), available, loads)
	}
	for id, n := range loads {
		if n < 1 || n > 2 {
			t.Errorf("mentor %d has %d newcomers after 20 joins among %d mentors, want 1 or 2", id, n, available)
		}
	}
	for _, c := range first {
		if c.Member.BuddyID == 0 {
			t.Errorf("%s got no buddy while mentors had room", c.Member.DisplayName)
		}
	}

	// 30 more at once (50 in all): nobody past the cap, and those beyond
	// what the mentors can take get no automatic buddy.
	second := b.joinAtOnce(t, "T1", "late", 30)
	loads = b.buddyCounts(t)
	total := 0
	for id, n := range loads {
		total += n
		if n > cap {
			t.Errorf("mentor %d was given %d newcomers, cap %d", id, n, cap)
		}
	}
	if loads[paused.Member.ID] != 0 {
		t.Errorf("the paused member was given %d newcomers", loads[paused.Member.ID])
	}
	if total != available*cap {
		t.Errorf("%d newcomers got a buddy, want %d (every available mentor at the cap)", total, available*cap)
	}
	var unpaired []core.Caller
	for _, c := range append(first, second...) {
		if c.Member.BuddyID == 0 {
			unpaired = append(unpaired, c)
		}
	}
	if len(unpaired) != 50-available*cap {
		t.Fatalf("%d newcomers without a buddy, want %d", len(unpaired), 50-available*cap)
	}

	// An admin can still pair one with a mentor at the cap.
	if _, err := b.svc.Buddy(ctx, org, ref(unpaired[0]), ref(mentors[0])); err != nil {
		t.Fatalf("admin pairing past the cap: %v", err)
	}
	// A month on, the mentors have room again.
	b.clock.Add(mentorWindowForTest + time.Hour)
	if c := b.join(t, "T1", "next-month"); c.Member.BuddyID == 0 {
		t.Error("a month later, a newcomer still got no buddy")
	}
}

// mentorWindowForTest is core's mentorWindow: newcomers who joined longer
// ago no longer count against their mentor.
const mentorWindowForTest = 30 * 24 * time.Hour

func TestAssignBuddy_FewestRecentNewcomersFirstThenMostExperienced(t *testing.T) {
	t.Parallel()
	b := setup(t)
	org := b.join(t, "T1", "organiser")
	light, heavy := b.join(t, "T1", "light"), b.join(t, "T1", "heavy")
	b.refer(t, org, light, "Client", 0)
	for range 3 {
		b.refer(t, heavy, light, "Client", 0)
	}
	// heavy gave 3; light received 4; the organiser gave 1.
	want := []int64{light.Member.ID, heavy.Member.ID, org.Member.ID, light.Member.ID}
	for i, w := range want {
		c := b.join(t, "T1", fmt.Sprint("newcomer", i))
		if c.Member.BuddyID != w {
			t.Fatalf("newcomer %d got buddy %d, want %d", i, c.Member.BuddyID, w)
		}
	}
}
