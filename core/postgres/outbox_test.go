package postgres_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// notices builds n channel notices for a workspace with distinct keys.
func notices(ws *core.Workspace, prefix string, n int) []core.Notice {
	out := make([]core.Notice, n)
	for i := range out {
		out[i] = core.Notice{WorkspaceID: ws.ID, Kind: core.NoticeLeadPosted,
			To: core.Recipient{Channel: "#referrals"}, Text: fmt.Sprint(prefix, i),
			DedupeKey: fmt.Sprint(prefix, ":", i), CreatedAt: t0}
	}
	return out
}

func (b *bundle) enqueue(t testing.TB, ns ...core.Notice) {
	t.Helper()
	b.tx(t, func(tx core.Tx) error { return tx.Enqueue(context.Background(), ns...) })
}

func (b *bundle) claim(t testing.TB, p core.Platform, limit int, now time.Time) []core.Notice {
	t.Helper()
	ns, err := b.db.ClaimNotices(context.Background(), p, limit, now, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

func ids(ns []core.Notice) []int64 {
	out := make([]int64, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

func TestEnqueue_SkipsANoticeWhoseDedupeKeyExists(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := notices(b.ws, "k", 1)[0]
	b.enqueue(t, n, n) // the same notice twice in one transaction
	b.enqueue(t, n)    // and again, as a retried operation would
	if c := b.count(t, `SELECT count(*) FROM outbox`); c != 1 {
		t.Fatalf("%d outbox rows, want 1", c)
	}
	// Keys are per workspace: another workspace's notice is never suppressed.
	other := b.workspace(t, core.Slack, "T2")
	b.enqueue(t, notices(other, "k", 1)...)
	// A notice without a key is never deduplicated.
	n.DedupeKey = ""
	b.enqueue(t, n, n)
	if c := b.count(t, `SELECT count(*) FROM outbox`); c != 4 {
		t.Fatalf("%d outbox rows, want 4", c)
	}
}

func TestClaimNotices_RoundTripsTheNotice(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	alice, bob := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob")
	r := b.referral(t, alice, bob)
	n := core.Notice{WorkspaceID: b.ws.ID, Kind: core.NoticeHandRaised,
		To:       core.Recipient{MemberID: alice.ID, UserID: "stale-id", Name: "alice"},
		Referral: r, Actor: "bob", Text: "pick me", DedupeKey: "ev:1",
		Choices: []core.Recipient{{MemberID: bob.ID, UserID: bob.UserID, Name: "bob"}}, CreatedAt: t0}
	b.enqueue(t, n)
	ns := b.claim(t, core.Slack, 10, t0)
	if len(ns) != 1 {
		t.Fatalf("claimed %d notices, want 1", len(ns))
	}
	got := ns[0]
	want := n
	want.ID, want.Platform, want.TeamID, want.Attempts = got.ID, core.Slack, "T1", 1
	want.To.UserID = alice.UserID // the member's current id, not the one enqueued
	// The parties' current ids too, so a post can mention them.
	want.ReferrerUserID, want.ReceiverUserID = alice.UserID, bob.UserID
	if fmt.Sprintf("%+v", *got.Referral) != fmt.Sprintf("%+v", *want.Referral) {
		t.Errorf("claimed referral\n %+v\nwant\n %+v", *got.Referral, *want.Referral)
	}
	got.Referral, want.Referral = nil, nil
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("claimed\n %+v\nwant\n %+v", got, want)
	}
	if err := b.db.MarkDelivered(ctx, got.WorkspaceID, got.ID, "1700000000.000100", t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if c := b.count(t, `SELECT count(*) FROM outbox WHERE status = 'sent' AND ref = '1700000000.000100' AND sent_at = $1`, t0.Add(time.Second)); c != 1 {
		t.Error("delivery not recorded")
	}
	if ns := b.claim(t, core.Slack, 10, t0.Add(time.Hour)); len(ns) != 0 {
		t.Errorf("a delivered notice was claimed again: %v", ids(ns))
	}
	wantCode(t, "unknown notice", b.db.MarkDelivered(ctx, b.ws.ID, 99999, "", t0), core.ENOTFOUND)
	wantCode(t, "unknown notice", b.db.MarkFailed(ctx, b.ws.ID, 99999, "x", time.Time{}), core.ENOTFOUND)
	// A notice is named by its workspace and id, as every row is.
	other := b.workspace(t, core.Slack, "T2")
	wantCode(t, "another workspace's notice", b.db.MarkDelivered(ctx, other.ID, got.ID, "", t0), core.ENOTFOUND)
	wantCode(t, "another workspace's notice", b.db.MarkFailed(ctx, other.ID, got.ID, "x", time.Time{}), core.ENOTFOUND)
	wantCode(t, "another workspace's notice", b.db.Defer(ctx, other.ID, got.ID, t0, ""), core.ENOTFOUND)
}

func TestClaimNotices_OnlyThePlatformsInIDOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	guild := b.workspace(t, core.Discord, "G1")
	b.enqueue(t, notices(b.ws, "a", 3)...)
	b.enqueue(t, notices(guild, "b", 2)...)
	b.enqueue(t, notices(b.ws, "c", 3)...)
	slack := b.claim(t, core.Slack, 100, t0)
	if len(slack) != 6 || !slices.IsSorted(ids(slack)) {
		t.Errorf("slack claimed %v, want 6 in id order", ids(slack))
	}
	for _, n := range slack {
		if n.Platform != core.Slack || n.WorkspaceID != b.ws.ID {
			t.Errorf("slack got %+v", n)
		}
	}
	if discord := b.claim(t, core.Discord, 100, t0); len(discord) != 2 || discord[0].TeamID != "G1" {
		t.Errorf("discord claimed %+v", discord)
	}
}

func TestClaimNotices_ConcurrentClaimersNeverGetTheSameNotice(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const total = 300
	b.enqueue(t, notices(b.ws, "n", total)...)
	var (
		mu  sync.Mutex
		got = map[int64]int{}
		wg  sync.WaitGroup
	)
	for range 4 {
		wg.Go(func() {
			for {
				ns, err := b.db.ClaimNotices(context.Background(), core.Slack, 7, t0, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if len(ns) == 0 {
					return
				}
				if !slices.IsSorted(ids(ns)) {
					t.Errorf("batch out of order: %v", ids(ns))
				}
				mu.Lock()
				for _, n := range ns {
					got[n.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(got) != total {
		t.Errorf("claimed %d distinct notices, want %d", len(got), total)
	}
	for id, c := range got {
		if c != 1 {
			t.Errorf("notice %d handed out %d times", id, c)
		}
	}
}

func TestClaimNotices_LeaseExpiryAndRetriesReoffer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.enqueue(t, notices(b.ws, "n", 2)...)
	first := b.claim(t, core.Slack, 1, t0)
	if len(first) != 1 || first[0].Attempts != 1 {
		t.Fatalf("first claim = %+v", first)
	}
	id := first[0].ID
	// While leased, the notice is not offered again; the next one is.
	other := b.claim(t, core.Slack, 10, t0.Add(59*time.Second))
	if len(other) != 1 || other[0].ID == id {
		t.Fatalf("during the lease: %v", ids(other))
	}
	if err := b.db.MarkDelivered(ctx, other[0].WorkspaceID, other[0].ID, "m1", t0.Add(59*time.Second)); err != nil {
		t.Fatal(err)
	}
	// The sender died: after the lease it comes back, with its attempts counted.
	again := b.claim(t, core.Slack, 10, t0.Add(time.Minute))
	if len(again) != 1 || again[0].ID != id || again[0].Attempts != 2 {
		t.Fatalf("after the lease: %+v", again)
	}
	// A failure with a retry time re-offers it then, not before.
	retry := t0.Add(10 * time.Minute)
	if err := b.db.MarkFailed(ctx, b.ws.ID, id, "429 rate limited", retry); err != nil {
		t.Fatal(err)
	}
	if ns := b.claim(t, core.Slack, 10, retry.Add(-time.Second)); len(ns) != 0 {
		t.Fatalf("before the retry time: %v", ids(ns))
	}
	if ns := b.claim(t, core.Slack, 10, retry); len(ns) != 1 || ns[0].ID != id || ns[0].Attempts != 3 {
		t.Fatalf("at the retry time: %+v", ns)
	}
	// A permanent failure is never offered again.
	if err := b.db.MarkFailed(ctx, b.ws.ID, id, "channel_not_found", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if ns := b.claim(t, core.Slack, 10, retry.Add(24*time.Hour)); len(ns) != 0 {
		t.Fatalf("after a permanent failure: %v", ids(ns))
	}
	// A late failure report never undoes a delivery.
	if err := b.db.MarkFailed(ctx, other[0].WorkspaceID, other[0].ID, "timeout", retry); err != nil {
		t.Fatal(err)
	}
	if c := b.count(t, `SELECT count(*) FROM outbox WHERE id = $1 AND status = 'failed' AND last_error = 'channel_not_found'`, id); c != 1 {
		t.Error("permanent failure not recorded")
	}
	if c := b.count(t, `SELECT count(*) FROM outbox WHERE id = $1 AND status = 'sent'`, other[0].ID); c != 1 {
		t.Error("a late failure undid a delivery")
	}
}

func TestEnqueueAcross_WritesWhatEnqueueNewWritesWorkspaceByWorkspace(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	// The same notices for two pairs of workspaces: a key already queued,
	// one twice in the batch, one without a key (twice), a DM to a member
	// who was removed (never queued).
	batch := func(a, c *core.Workspace) []core.Notice {
		ns := append(notices(a, "k", 3), notices(c, "k", 2)...)
		ns = append(ns, ns[1], ns[3])
		dm := core.Notice{WorkspaceID: c.ID, Kind: core.NoticeThankNudge, To: core.Recipient{Name: "x"}, CreatedAt: t0}
		gone := b.member(t, c, "gone")
		if err := b.exec(t, `UPDATE members SET status = 'removed' WHERE workspace_id = $1 AND id = $2`, c.ID, gone.ID); err != nil {
			t.Fatal(err)
		}
		return append(ns, dm, dm, core.Notice{WorkspaceID: c.ID, Kind: core.NoticeThankNudge, CreatedAt: t0,
			To: core.Recipient{MemberID: gone.ID, Name: "gone"}, DedupeKey: "to-gone"})
	}
	one, two := b.workspace(t, core.Slack, "A1"), b.workspace(t, core.Slack, "A2")
	three, four := b.workspace(t, core.Slack, "B1"), b.workspace(t, core.Slack, "B2")
	b.enqueue(t, notices(one, "k", 1)...)
	b.enqueue(t, notices(three, "k", 1)...)

	var across map[int64]int
	ns := batch(one, two)
	slices.SortStableFunc(ns, func(x, y core.Notice) int { return cmp.Compare(x.WorkspaceID, y.WorkspaceID) }) // as a job pass does
	b.tx(t, func(tx core.Tx) (err error) { across, err = tx.EnqueueAcross(ctx, ns); return err })
	alone := map[int64]int{}
	b.tx(t, func(tx core.Tx) error {
		ns := batch(three, four)
		for _, group := range [][]core.Notice{{ns[0], ns[1], ns[2], ns[5]}, {ns[3], ns[4], ns[6], ns[7], ns[8], ns[9]}} {
			n, err := tx.EnqueueNew(ctx, group...)
			if err != nil {
				return err
			}
			alone[group[0].WorkspaceID] = n
		}
		return nil
	})
	if across[one.ID] != alone[three.ID] || across[two.ID] != alone[four.ID] || across[one.ID] != 2 || across[two.ID] != 4 {
		t.Errorf("added %v across, %v one workspace at a time; want 2 and 4 each", across, alone)
	}
	conn, err := pgx.Connect(ctx, b.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows := func(a, c *core.Workspace) []string {
		rs, err := conn.Query(ctx, `SELECT CASE workspace_id WHEN $1 THEN 'a' ELSE 'c' END || ' ' || kind || ' ' ||
			COALESCE(dedupe_key, '-') || ' ' || COALESCE(channel, '-') || ' ' || COALESCE(payload->>'text', '-') || ' ' || created_at || ' ' || priority
			FROM outbox WHERE workspace_id IN ($1, $2) ORDER BY id`, a.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pgx.CollectRows(rs, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got, want := rows(one, two), rows(three, four); !slices.Equal(got, want) {
		t.Errorf("across:\n%v\none by one:\n%v", got, want)
	}
}
