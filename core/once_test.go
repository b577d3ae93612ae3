package core_test

import (
	"context"
	"errors"
	"testing"

	"github.com/referbot/referbot/core"
)

// TestOnce_ARequestFailingMidwayIsAppliedWhenRedelivered: a command runs
// as one transaction with its request key. A delivery that fails after its
// work (a crash, the database going away) leaves nothing — neither the
// referral nor the key — so the redelivery applies it; a delivery that
// succeeded is not applied again.
func TestOnce_ARequestFailingMidwayIsAppliedWhenRedelivered(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	bob, alice := b.join(t, "T1", "bob"), b.join(t, "T1", "alice")
	refer := func(ctx context.Context) error {
		_, err := b.svc.Refer(ctx, bob, core.ReferInput{To: ref(alice), ClientName: "Acme", Need: "a website"})
		return err
	}
	boom := errors.New("connection lost after the work")
	err := b.svc.Once(ctx, bob.Workspace.ID, "trig.1", func(ctx context.Context) error {
		if err := refer(ctx); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("failing delivery: %v", err)
	}
	if n := b.count(t, "referrals"); n != 0 {
		t.Fatalf("a failed delivery left %d referrals", n)
	}
	if n := b.count(t, "outbox"); n != 0 {
		t.Fatalf("a failed delivery left %d notices", n)
	}
	if err := b.svc.Once(ctx, bob.Workspace.ID, "trig.1", refer); err != nil {
		t.Fatalf("redelivery: %v", err)
	}
	if err := b.svc.Once(ctx, bob.Workspace.ID, "trig.1", refer); !errors.Is(err, core.ErrSeen) {
		t.Fatalf("a second redelivery after success: %v, want ErrSeen", err)
	}
	if n := b.count(t, "referrals"); n != 1 {
		t.Fatalf("referrals = %d, want 1", n)
	}
	// Another workspace's request with the same key is another request.
	carol := b.join(t, "T2", "carol")
	if err := b.svc.Once(ctx, carol.Workspace.ID, "trig.1", func(context.Context) error { return nil }); err != nil {
		t.Fatalf("same key in another workspace: %v", err)
	}
}

// TestFirstDelivery_ARequestNamingNoTeamIsAlwaysNew: with no team there is
// no workspace to keep the key in; such a request can change nothing (no
// member can be found for it), so it is passed on, unrecorded.
func TestFirstDelivery_ARequestNamingNoTeamIsAlwaysNew(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	for range 2 {
		if first, err := b.svc.FirstDelivery(ctx, core.Discord, "", "998877"); err != nil || !first {
			t.Fatalf("no team: first = %v, %v; want true", first, err)
		}
	}
	if n := b.count(t, "inbound_requests"); n != 0 {
		t.Errorf("%d keys recorded, want none", n)
	}
}
