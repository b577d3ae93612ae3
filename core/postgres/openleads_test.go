package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

func TestOpenLeads_EachWorkspacesNewestAsListReferralsReadsThem(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	other := b.workspace(t, core.Slack, "T2")
	var ids []int64
	for _, ws := range []*core.Workspace{b.ws, other} {
		ids = append(ids, ws.ID)
		alice, bob := b.member(t, ws, "alice"), b.member(t, ws, "bob")
		// Twelve leads (two created at the same instant), a claimed one and
		// a direct referral: only the ten newest unclaimed leads count.
		for i := range 12 {
			b.referral(t, alice, nil, func(r *core.Referral) { r.CreatedAt = t0.Add(time.Duration(i/2) * time.Hour) })
		}
		b.referral(t, alice, nil, func(r *core.Referral) { r.CreatedAt, r.ReceiverID = t0.Add(time.Minute), bob.ID })
		b.referral(t, alice, bob)
	}
	empty := b.workspace(t, core.Slack, "T3")
	ids = append(ids, empty.ID)

	var across []core.Referral
	alone := map[int64][]core.Referral{}
	b.tx(t, func(tx core.Tx) (err error) {
		if across, err = tx.OpenLeads(ctx, ids, 10); err != nil {
			return err
		}
		for _, id := range ids {
			if alone[id], err = tx.ListReferrals(ctx, id, core.ListFilter{OpenLeads: true, Limit: 10}); err != nil {
				return err
			}
		}
		return nil
	})
	var want []core.Referral
	for _, id := range ids {
		want = append(want, alone[id]...)
	}
	if len(across) != 20 || len(want) != 20 {
		t.Fatalf("%d leads across, %d one workspace at a time; want 10 of each of two workspaces", len(across), len(want))
	}
	for i := range want {
		if a, w := across[i], want[i]; a.WorkspaceID != w.WorkspaceID || a.ID != w.ID || a.Code != w.Code ||
			a.ReferrerName != w.ReferrerName || !a.CreatedAt.Equal(w.CreatedAt) {
			t.Errorf("lead %d: %+v, want %+v", i, a, w)
		}
	}
}
