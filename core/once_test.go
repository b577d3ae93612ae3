package core_test

import (
	"context"
	"errors"
	"testing"

	"github.com/referbot/referbot/core"
)

// TestCommand_ARequestFailingMidwayIsAppliedWhenRedelivered: a command runs
// as one transaction with its request key. A delivery that fails after its
// work (a crash, the database going away) leaves nothing — neither the
// referral nor the key; the newcomer it joined stays joined — so the
// redelivery applies it; a delivery that succeeded is not applied again.
func TestCommand_ARequestFailingMidwayIsAppliedWhenRedelivered(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	alice := b.join(t, "T1", "alice")
	bob := core.Identity{Platform: core.Slack, TeamID: "T1", UserID: "u-bob", UserName: "bob", RequestKey: "trig.1"}
	refer := func(ctx context.Context, c core.Caller) error {
		_, err := b.svc.Refer(ctx, c, core.ReferInput{To: ref(alice), ClientName: "Acme", Need: "a website"})
		return err
	}
	boom := errors.New("connection lost after the work")
	err := b.svc.Command(ctx, bob, func(ctx context.Context, c core.Caller) error {
		if err := refer(ctx, c); err != nil {
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
	if n := b.count(t, "members"); n != 2 {
		t.Fatalf("%d members after a newcomer's failed delivery, want alice and bob", n)
	}
	if err := b.svc.Command(ctx, bob, refer); err != nil {
		t.Fatalf("redelivery: %v", err)
	}
	if err := b.svc.Command(ctx, bob, refer); !errors.Is(err, core.ErrSeen) {
		t.Fatalf("a second redelivery after success: %v, want ErrSeen", err)
	}
	if n := b.count(t, "referrals"); n != 1 {
		t.Fatalf("referrals = %d, want 1", n)
	}
	// Another workspace's request with the same key is another request:
	// the same team on another platform, and another team, new in the
	// command (its key is kept once its workspace exists).
	bob.Platform = core.Discord
	if err := b.svc.Command(ctx, bob, refer); err != nil {
		t.Fatalf("same key on another platform: %v", err)
	}
	carol := core.Identity{Platform: core.Slack, TeamID: "T2", UserID: "u-carol", UserName: "carol", RequestKey: "trig.1"}
	noop := func(context.Context, core.Caller) error { return nil }
	if err := b.svc.Command(ctx, carol, noop); err != nil {
		t.Fatalf("same key in another workspace: %v", err)
	}
	if err := b.svc.Command(ctx, carol, noop); !errors.Is(err, core.ErrSeen) {
		t.Fatalf("the new workspace's request again: %v, want ErrSeen", err)
	}
	if n := b.count(t, "inbound_requests"); n != 3 {
		t.Errorf("%d keys recorded, want 3 (one per workspace)", n)
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
