package postgres_test

import (
	"context"
	"testing"

	"github.com/referbot/referbot/core"
)

// A request key is its team's workspace's: the same key from another team
// is another request, and a team's very first request (the app just
// installed, no command yet) makes its workspace so the key has one.
func TestFirstDelivery_KeysBelongToTheTeamsWorkspace(t *testing.T) {
	t.Parallel()
	b := setup(t) // workspace T1 on Slack
	ctx := context.Background()
	first := func(p core.Platform, team, key string) bool {
		t.Helper()
		ok, err := b.db.FirstDelivery(ctx, p, team, key, t0)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !first(core.Slack, "T1", "event:Ev1") || first(core.Slack, "T1", "event:Ev1") {
		t.Error("a known team's key: want new once, then seen")
	}
	if !first(core.Slack, "T9", "event:Ev1") || first(core.Slack, "T9", "event:Ev1") {
		t.Error("a new team's key: want new once, then seen")
	}
	if !first(core.Discord, "T1", "event:Ev1") {
		t.Error("the same team id on another platform is another workspace")
	}
	if n := b.count(t, `SELECT count(*) FROM workspaces w JOIN inbound_requests i ON i.workspace_id = w.id
		WHERE i.key = 'event:Ev1'`); n != 3 {
		t.Errorf("the key is recorded in %d workspaces, want 3 (T1, T9, Discord's T1)", n)
	}
	if n := b.count(t, `SELECT count(*) FROM workspaces WHERE external_id = 'T9' AND platform = 'slack'`); n != 1 {
		t.Errorf("workspaces of the new team: %d, want 1", n)
	}
}
