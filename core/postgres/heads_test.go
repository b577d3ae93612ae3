package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

// dms builds n DMs of kind to member m with distinct keys.
func dms(m *core.Member, kind core.NoticeKind, prefix string, n int) []core.Notice {
	out := make([]core.Notice, n)
	for i := range out {
		out[i] = core.Notice{WorkspaceID: m.WorkspaceID, Kind: kind, To: core.Recipient{MemberID: m.ID, Name: m.DisplayName},
			Text: fmt.Sprint(prefix, i), DedupeKey: fmt.Sprint(prefix, ":", i), CreatedAt: t0}
	}
	return out
}

func (b *bundle) heads(t testing.TB, limit int, now time.Time) []core.Notice {
	t.Helper()
	ns, err := b.db.ClaimHeads(context.Background(), core.Slack, limit, now, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

func texts(ns []core.Notice) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Text
	}
	return out
}

func TestClaimHeads_OneNoticePerDestinationInItsOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	alice, bob := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob")
	b.enqueue(t, dms(alice, core.NoticeAccepted, "a", 3)...)
	b.enqueue(t, dms(bob, core.NoticeAccepted, "b", 2)...)
	b.enqueue(t, notices(b.ws, "c", 2)...) // the channel
	got := b.heads(t, 100, t0)
	if want := []string{"a0", "b0", "c0"}; !slices.Equal(texts(got), want) {
		t.Fatalf("heads %v, want %v", texts(got), want)
	}
	// While a destination's notice is out, its next one waits.
	if again := b.heads(t, 100, t0.Add(time.Second)); len(again) != 0 {
		t.Fatalf("claimed behind notices in flight: %v", texts(again))
	}
	if err := b.db.MarkDelivered(ctx, got[0].WorkspaceID, got[0].ID, "m1", t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if next := b.heads(t, 100, t0.Add(time.Second)); !slices.Equal(texts(next), []string{"a1"}) {
		t.Fatalf("after alice's first was delivered: %v, want [a1]", texts(next))
	}
	// A sender that died holding bob's: after the lease it is bob's head
	// again, its attempt counted.
	again := b.heads(t, 100, t0.Add(time.Minute))
	if !slices.Equal(texts(again), []string{"b0", "c0"}) || again[0].Attempts != 2 {
		t.Fatalf("after the lease: %v (attempts %d), want [b0 c0] on their 2nd attempt", texts(again), again[0].Attempts)
	}
}

func TestClaimHeads_InteractiveEditsGoFirst(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var bulk []core.Notice
	for i := range 5 {
		bulk = append(bulk, dms(b.member(t, b.ws, fmt.Sprint("m", i)), core.NoticeBuddyIntro, fmt.Sprint("w", i), 1)...)
	}
	b.enqueue(t, bulk...)
	claimed := core.Notice{WorkspaceID: b.ws.ID, Kind: core.NoticeLeadClaimed, To: core.Recipient{Channel: "#referrals"},
		Text: "card", DedupeKey: "card", CreatedAt: t0}
	b.enqueue(t, claimed)
	if got := b.heads(t, 2, t0); !slices.Equal(texts(got), []string{"card", "w00"}) {
		t.Fatalf("claimed %v, want the card edit ahead of the welcome DMs", texts(got))
	}
}

func TestClaimHeads_ARateLimitOrRetryHoldsBackOnlyItsDestination(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	alice, bob := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob")
	b.enqueue(t, dms(alice, core.NoticeAccepted, "a", 2)...)
	b.enqueue(t, dms(bob, core.NoticeAccepted, "b", 2)...)
	first := b.heads(t, 100, t0)
	// Alice's DM is rate limited for 2 s: a wait, not a failure.
	if err := b.db.Defer(ctx, first[0].WorkspaceID, first[0].ID, t0.Add(2*time.Second), "429 rate limited"); err != nil {
		t.Fatal(err)
	}
	if c := b.count(t, `SELECT attempts FROM outbox WHERE id = $1`, first[0].ID); c != 0 {
		t.Errorf("a rate limit used up %d attempts", c)
	}
	// Bob's failed: retried after a backoff, the attempt counted.
	if err := b.db.MarkFailed(ctx, first[1].WorkspaceID, first[1].ID, "timeout", t0.Add(4*time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := b.heads(t, 100, t0.Add(time.Second)); len(got) != 0 {
		t.Fatalf("claimed past a destination's waiting notice: %v", texts(got))
	}
	got := b.heads(t, 100, t0.Add(2*time.Second))
	if !slices.Equal(texts(got), []string{"a0"}) || got[0].Attempts != 1 {
		t.Fatalf("after the rate limit: %v, want [a0] on its first counted attempt", texts(got))
	}
	if got := b.heads(t, 100, t0.Add(4*time.Second)); !slices.Equal(texts(got), []string{"b0"}) || got[0].Attempts != 2 {
		t.Fatalf("after the backoff: %v, want [b0] on its 2nd attempt", texts(got))
	}
	// A late Defer never undoes a delivery.
	if err := b.db.MarkDelivered(ctx, first[0].WorkspaceID, first[0].ID, "m1", t0.Add(3*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := b.db.Defer(ctx, first[0].WorkspaceID, first[0].ID, t0.Add(time.Hour), "late"); err != nil {
		t.Fatal(err)
	}
	if c := b.count(t, `SELECT count(*) FROM outbox WHERE id = $1 AND status = 'sent'`, first[0].ID); c != 1 {
		t.Error("a late Defer undid a delivery")
	}
	wantCode(t, "unknown notice", b.db.Defer(ctx, b.ws.ID, 99999, t0, ""), core.ENOTFOUND)
}

func TestClaimHeads_ConcurrentSendersKeepEachDestinationInOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const perMember, members = 8, 12
	for i := range members {
		b.enqueue(t, dms(b.member(t, b.ws, fmt.Sprint("m", i)), core.NoticeAccepted, fmt.Sprint(i, "-"), perMember)...)
	}
	var (
		mu    sync.Mutex
		order = map[int64][]int64{} // member → notice ids in the order delivered
		wg    sync.WaitGroup
	)
	for range 4 {
		wg.Go(func() {
			for idle := 0; idle < 3; {
				ns, err := b.db.ClaimHeads(context.Background(), core.Slack, 5, t0, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if len(ns) == 0 {
					idle++ // others may still hold heads whose successors come next
					continue
				}
				idle = 0
				for _, n := range ns {
					mu.Lock()
					order[n.To.MemberID] = append(order[n.To.MemberID], n.ID)
					mu.Unlock()
					if err := b.db.MarkDelivered(context.Background(), n.WorkspaceID, n.ID, "m", t0); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	// Senders that gave up early leave the rest: drain them in one go.
	for ns := b.heads(t, 100, t0); len(ns) > 0; ns = b.heads(t, 100, t0) {
		for _, n := range ns {
			order[n.To.MemberID] = append(order[n.To.MemberID], n.ID)
			if err := b.db.MarkDelivered(context.Background(), n.WorkspaceID, n.ID, "m", t0); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(order) != members {
		t.Fatalf("delivered to %d members, want %d", len(order), members)
	}
	for m, ids := range order {
		if len(ids) != perMember || !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != perMember {
			t.Errorf("member %d got %v: want each of %d once, in order", m, ids, perMember)
		}
	}
}
