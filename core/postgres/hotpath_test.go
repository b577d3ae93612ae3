package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

func TestInsertReferral_WithItsFirstEventInOneStatement(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alice, bob := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob")
	ctx := context.Background()
	r := &core.Referral{WorkspaceID: b.ws.ID, ReferrerID: alice.ID, ReceiverID: bob.ID, ClientName: "Acme",
		Need: "a new website", Status: core.StatusOffered, CreatedAt: t0, UpdatedAt: t0}
	e := &core.Event{Kind: core.EvCreated, To: core.StatusOffered, ActorID: alice.ID, At: t0}
	b.tx(t, func(tx core.Tx) error { return tx.InsertReferral(ctx, r, e) })
	if r.ID == 0 || r.Code == 0 || e.ID == 0 || e.ReferralID != r.ID || !e.At.Equal(t0) {
		t.Fatalf("referral %d code %d, event %d of referral %d at %s: want all set, the event r's at t0",
			r.ID, r.Code, e.ID, e.ReferralID, e.At)
	}
	var got []core.Event
	b.tx(t, func(tx core.Tx) (err error) {
		got, err = tx.Events(ctx, b.ws.ID, r.ID)
		return err
	})
	if len(got) != 1 || got[0].ID != e.ID || got[0].Kind != core.EvCreated || got[0].ActorID != alice.ID {
		t.Fatalf("history = %+v, want the one created event %d by alice", got, e.ID)
	}
}

func TestInsertReferral_FailingEventLeavesNoReferral(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alice, bob := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob")
	r := &core.Referral{WorkspaceID: b.ws.ID, ReferrerID: alice.ID, ReceiverID: bob.ID, ClientName: "Acme",
		Need: "a new website", Status: core.StatusOffered}
	// An actor who is no member: the event's foreign key refuses it.
	e := &core.Event{Kind: core.EvCreated, To: core.StatusOffered, ActorID: alice.ID + 1000}
	err := b.try(func(tx core.Tx) error { return tx.InsertReferral(context.Background(), r, e) })
	if core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
	if n := b.count(t, `SELECT count(*) FROM referrals`); n != 0 {
		t.Fatalf("%d referrals after a failed insert, want 0", n)
	}
}

func TestProfile_ReadWithTheMemberUnlessSomethingWasWrittenBetween(t *testing.T) {
	t.Parallel()
	b := setup(t)
	bob := b.member(t, b.ws, "bob")
	ctx := context.Background()
	b.tx(t, func(tx core.Tx) error {
		return tx.SaveProfile(ctx, b.ws.ID, &core.Profile{MemberID: bob.ID, Tags: []string{"tax"}, UpdatedAt: t0})
	})
	b.tx(t, func(tx core.Tx) error {
		if _, _, err := tx.EnsureMember(ctx, b.ws.ID, bob.UserID, bob.DisplayName); err != nil {
			return err
		}
		p, err := tx.Profile(ctx, b.ws.ID, bob.ID)
		if err != nil {
			return err
		}
		if p.MemberID != bob.ID || len(p.Tags) != 1 || p.Tags[0] != "tax" || p.Availability != core.Open {
			t.Errorf("profile read with the member = %+v, want bob's, tagged tax, open", p)
		}
		return nil
	})
	b.tx(t, func(tx core.Tx) error {
		if _, _, err := tx.EnsureMember(ctx, b.ws.ID, bob.UserID, bob.DisplayName); err != nil {
			return err
		}
		if err := tx.SaveProfile(ctx, b.ws.ID, &core.Profile{MemberID: bob.ID, Availability: core.Paused}); err != nil {
			return err
		}
		p, err := tx.Profile(ctx, b.ws.ID, bob.ID)
		if err != nil {
			return err
		}
		if p.Availability != core.Paused {
			t.Errorf("profile after a change in the same transaction: %s, want paused (read again)", p.Availability)
		}
		return nil
	})
}

func TestTouch_FirstCreatesThePairWithTheShorterCadenceLaterOnesMoveIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alice, bob := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob")
	if err := b.exec(t, `UPDATE members SET cadence_days = 14 WHERE id = $1`, bob.ID); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	touch := func(at time.Time) {
		t.Helper()
		b.tx(t, func(tx core.Tx) error { // the touch travels with COMMIT
			return tx.Touch(ctx, b.ws.ID, bob.ID, alice.ID, 30, core.Touchpoint{ActorID: alice.ID,
				Kind: core.TouchReferral, Note: "R-1", At: at})
		})
	}
	partnership := func() *core.Partnership {
		t.Helper()
		var p *core.Partnership
		b.tx(t, func(tx core.Tx) (err error) {
			p, err = tx.Partnership(ctx, b.ws.ID, alice.ID, bob.ID)
			return err
		})
		return p
	}
	touch(t0)
	first := partnership()
	if first.CadenceDays != 14 || !first.NextDue.Equal(t0.AddDate(0, 0, 14)) {
		t.Fatalf("first touch: cadence %d, next due %s; want bob's 14 days, %s", first.CadenceDays, first.NextDue,
			t0.AddDate(0, 0, 14))
	}
	later := t0.Add(48 * time.Hour)
	touch(later)
	second := partnership()
	if second.ID != first.ID || second.CadenceDays != 14 || !second.LastTouch.Equal(later) ||
		!second.NextDue.Equal(later.AddDate(0, 0, 14)) {
		t.Fatalf("second touch: %+v; want partnership %d moved to %s, due 14 days later", second, first.ID, later)
	}
	if n := b.count(t, `SELECT count(*) FROM touchpoints WHERE workspace_id = $1 AND partnership_id = $2`,
		b.ws.ID, first.ID); n != 2 {
		t.Fatalf("%d touchpoints, want 2", n)
	}
}

// ClaimHeads walks the destinations (one index probe each) rather than
// every pending notice: the heads must be the same, across workspaces,
// each destination's oldest, channel posts included, and none of another
// platform.
func TestClaimHeads_EachDestinationsOldestAcrossWorkspacesAndChannels(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other := b.workspace(t, core.Slack, "T2")
	discord := b.workspace(t, core.Discord, "G1")
	alice, bob := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob")
	carol, dave := b.member(t, other, "carol"), b.member(t, discord, "dave")
	b.enqueue(t, dms(bob, core.NoticeAccepted, "bob", 4)...)
	b.enqueue(t, dms(alice, core.NoticeAccepted, "alice", 3)...)
	b.enqueue(t, notices(b.ws, "post", 2)...)
	b.enqueue(t, dms(carol, core.NoticeAccepted, "carol", 5)...)
	b.enqueue(t, dms(dave, core.NoticeAccepted, "dave", 2)...)
	got := texts(b.heads(t, 100, t0))
	slices.Sort(got)
	if want := []string{"alice0", "bob0", "carol0", "post0"}; !slices.Equal(got, want) {
		t.Fatalf("heads %v, want %v (each Slack destination's oldest)", got, want)
	}
}

func TestReadOneSnapshot_EveryStatementSeesTheDatabaseAsTheFirstDid(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.member(t, b.ws, "alice")
	ctx := context.Background()
	counts := func(snapshot bool) (first, second int, took bool) {
		b.tx(t, func(tx core.Tx) error {
			if snapshot {
				took = tx.(core.OneSnapshot).ReadOneSnapshot()
			}
			ms, err := tx.Members(ctx, b.ws.ID)
			if err != nil {
				return err
			}
			first = len(ms)
			b.member(t, b.ws, fmt.Sprintf("joined-%t", snapshot)) // another transaction, committed meanwhile
			ms, err = tx.Members(ctx, b.ws.ID)
			second = len(ms)
			return err
		})
		return first, second, took
	}
	if first, second, took := counts(true); !took || second != first {
		t.Fatalf("one snapshot (took %t): %d members, then %d after another transaction added one; want the same", took, first, second)
	}
	if first, second, _ := counts(false); second != first+1 {
		t.Fatalf("read committed: %d members, then %d after another transaction added one; want one more", first, second)
	}
	// Too late once a statement went, and read only when it took.
	b.tx(t, func(tx core.Tx) error {
		if _, err := tx.Members(ctx, b.ws.ID); err != nil {
			return err
		}
		if tx.(core.OneSnapshot).ReadOneSnapshot() {
			t.Error("ReadOneSnapshot after a statement took effect; want false")
		}
		return nil
	})
	err := b.try(func(tx core.Tx) error {
		tx.(core.OneSnapshot).ReadOneSnapshot()
		_, err := tx.EnsureWorkspace(ctx, core.Slack, "T-SNAPSHOT", "snapshot", core.Settings{})
		return err
	})
	if err == nil {
		t.Fatal("a write in a one-snapshot transaction succeeded; want it refused (read only)")
	}
}
