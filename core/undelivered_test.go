package core_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

func TestUndeliveredRetry_SendsNothingToMembersWhoLeftOrAreNoLongerParties(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	bob, omar, fay := b.join(t, "T1", "bob"), b.join(t, "T1", "omar"), b.join(t, "T1", "fay")
	carol, dave := b.join(t, "T1", "carol"), b.join(t, "T1", "dave")
	// Offers to omar and fay are still in the outbox when they leave: their
	// departure fails them, for admins to see.
	b.refer(t, bob, omar, "Acme", 0)
	b.refer(t, bob, fay, "Globex", 0)
	// And one of bob's notices failed for another reason (say his DMs were
	// closed), to be retried once fixed.
	r := b.refer(t, omar, bob, "Initech", 0)
	// Carol's offer fails too; she declines it from her list and bob sends
	// it on to dave: it is no longer hers to see.
	sentOn := b.refer(t, bob, carol, "Hooli", 0)
	ns, err := b.db.ClaimNotices(ctx, core.Slack, 100, b.clock.Now(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if n.To.MemberID == bob.Member.ID && n.Referral.Code == r.Code || n.To.MemberID == carol.Member.ID {
			if err := b.db.MarkFailed(ctx, n.WorkspaceID, n.ID, "cannot DM bob", time.Time{}); err != nil {
				t.Fatal(err)
			}
		} else if err := b.db.MarkFailed(ctx, n.WorkspaceID, n.ID, "try later", b.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.svc.Decline(ctx, carol, sentOn.Code, "not my field"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Reassign(ctx, bob, sentOn.Code, ref(dave)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Configure(ctx, org, "remove", []string{"@omar"}); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.Forget(ctx, fay); err != nil {
		t.Fatal(err)
	}
	failed, _, err := b.svc.FailedDeliveries(ctx, org, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) != 4 {
		t.Fatalf("%d undelivered messages listed, want 4 (omar's, fay's, carol's and bob's)", len(failed))
	}

	left := map[string]core.Member{"omar (removed)": omar.Member, "fay (forgotten)": fay.Member,
		"carol (no longer the receiver)": carol.Member}
	before := map[string]int{}
	for who, m := range left {
		before[who] = len(b.pending(t, m))
	}
	_, retried, err := b.svc.FailedDeliveries(ctx, org, true)
	if err != nil {
		t.Fatal(err)
	}
	if retried != 1 {
		t.Errorf("retried %d messages, want only bob's", retried)
	}
	for who, m := range left {
		if ks := b.pending(t, m); len(ks) != before[who] {
			t.Errorf("a retry queued again for %s: now waiting %v", who, ks)
		}
	}
	if ks := b.pending(t, bob.Member); len(ks) == 0 {
		t.Error("bob's failed notice wasn't queued again")
	}
}

func TestDelivery_NoDMAboutAReferralToSomeoneNoLongerAParty(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	bob, carol, dave := b.join(t, "T1", "bob"), b.join(t, "T1", "carol"), b.join(t, "T1", "dave")
	// Carol can't be reached for now, so her offer waits for a retry; she
	// declines it from her list and bob sends it on to dave before it
	// reaches her.
	r := b.refer(t, bob, carol, "Acme", 0)
	ns, err := b.db.ClaimNotices(ctx, core.Slack, 100, b.clock.Now(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if err := b.db.MarkFailed(ctx, n.WorkspaceID, n.ID, "carol unreachable", b.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.svc.Decline(ctx, carol, r.Code, "not my field"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Reassign(ctx, bob, r.Code, ref(dave)); err != nil {
		t.Fatal(err)
	}
	ns, err = b.db.ClaimNotices(ctx, core.Slack, 100, b.clock.Now().Add(time.Hour), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range ns {
		if n.To.MemberID == carol.Member.ID {
			t.Errorf("carol, no longer a party of %s, would be sent its %s", r.Code, n.Kind)
		}
		got = append(got, string(n.Kind))
	}
	if !slices.Contains(got, string(core.NoticeOffered)) || !slices.Contains(got, string(core.NoticeDeclined)) {
		t.Errorf("claimed %v, want dave's offer and bob's news of the decline", got)
	}
	// The admin sees why carol's offer went nowhere.
	failed, _, err := b.svc.FailedDeliveries(ctx, org, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) == 0 || !strings.Contains(failed[len(failed)-1].LastError, "no longer a party") {
		t.Errorf("undelivered: %+v, want carol's offer, no longer hers", failed)
	}
}
