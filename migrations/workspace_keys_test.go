package migrations_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/internal/pgtest"
	"github.com/referbot/referbot/migrations"
)

// 017 rebuilds the keys around workspace_id and keeps every row (and the
// foreign keys of tables it does not know); request
// keys that name their team (the welcomes) are kept in its workspace, the
// rest dropped. It goes down and up again cleanly.
func TestMigrate017_KeepsRowsAndTheWelcomeKeysOfEachWorkspace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.NewDB(t, "v16", func(ctx context.Context, url string) error {
		return migrations.MigrateURLTo(ctx, url, 16)
	})
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `
		INSERT INTO workspaces (platform, external_id) VALUES ('slack', 'T1'), ('discord', 'G1');
		INSERT INTO members (workspace_id, user_id, display_name) VALUES (1, 'U1', 'bob'), (1, 'U2', 'alice'), (2, 'D1', 'carol');
		INSERT INTO referrals (workspace_id, code, referrer_id, receiver_id, status, created_at, updated_at)
		VALUES (1, 1001, 1, 2, 'accepted', now(), now()), (2, 1001, 3, NULL, 'open', now(), now());
		INSERT INTO referral_events (workspace_id, referral_id, kind, to_status, actor_id, at)
		VALUES (1, 1, 'created', 'offered', 1, now()), (1, 1, 'accepted', 'accepted', 2, now());
		INSERT INTO referral_events (workspace_id, referral_id, kind, to_status, actor_id, at, undoes)
		VALUES (1, 1, 'undone', 'offered', 2, now(), 2);
		INSERT INTO thanks (workspace_id, referral_id, from_id, to_id, at) VALUES (1, 1, 2, 1, now());
		INSERT INTO outbox (workspace_id, recipient_member_id, kind, payload) VALUES (1, 1, 'x', '{}');
		-- a table another migration before 017 added, pointing at members
		-- and referrals: its keys come through the rebuild as they were
		CREATE TABLE notes (workspace_id bigint NOT NULL, member_id bigint NOT NULL, referral_id bigint,
			FOREIGN KEY (workspace_id, member_id) REFERENCES members (workspace_id, id) ON DELETE CASCADE,
			FOREIGN KEY (workspace_id, referral_id) REFERENCES referrals (workspace_id, id));
		INSERT INTO notes VALUES (1, 2, 1);
		INSERT INTO inbound_requests (platform, key, received_at)
		VALUES ('slack', 'welcome:T1:U1', now()), ('discord', 'welcome:G1', now()),
			('slack', 'command:123.456', now()), ('discord', '998877', now())`); err != nil {
		t.Fatal(err)
	}
	if err := migrations.MigrateURLTo(ctx, url, 17); err != nil {
		t.Fatal(err)
	}
	counts := func(when string, want map[string]int) {
		t.Helper()
		for q, n := range want {
			var got int
			if err := conn.QueryRow(ctx, q).Scan(&got); err != nil {
				t.Fatalf("%s: %s: %v", when, q, err)
			}
			if got != n {
				t.Errorf("%s: %s = %d, want %d", when, q, got, n)
			}
		}
	}
	counts("after 017", map[string]int{
		`SELECT count(*) FROM members`:         3,
		`SELECT count(*) FROM referral_events`: 3,
		`SELECT count(*) FROM thanks`:          1,
		`SELECT count(*) FROM outbox`:          1,
		`SELECT count(*) FROM inbound_requests WHERE workspace_id = 1 AND key = 'welcome:T1:U1'`: 1,
		`SELECT count(*) FROM inbound_requests WHERE workspace_id = 2 AND key = 'welcome:G1'`:    1,
		`SELECT count(*) FROM inbound_requests`:                                                  2,
	})
	counts("after 017", map[string]int{
		`SELECT count(*) FROM pg_constraint WHERE conrelid = 'notes'::regclass AND contype = 'f'`: 2,
		`SELECT count(*) FROM pg_constraint WHERE conname = 'notes_workspace_id_member_id_fkey'
			AND pg_get_constraintdef(oid) LIKE '%ON DELETE CASCADE'`: 1,
	})
	if _, err := conn.Exec(ctx, `INSERT INTO notes VALUES (2, 1, NULL)`); err == nil {
		t.Error("a note of workspace 2 points at a member of workspace 1")
	}
	// The new keys hold: an event cannot undo one of another workspace.
	if _, err := conn.Exec(ctx, `INSERT INTO referral_events (workspace_id, referral_id, kind, to_status, at, undoes)
		VALUES (2, 2, 'undone', 'open', now(), 1)`); err == nil {
		t.Error("an event of workspace 2 undid an event of workspace 1")
	}
	if err := migrations.MigrateURLTo(ctx, url, 16); err != nil {
		t.Fatalf("down: %v", err)
	}
	counts("after going down", map[string]int{
		`SELECT count(*) FROM referral_events`:                              3,
		`SELECT count(*) FROM inbound_requests WHERE platform = 'discord'`:  1,
		`SELECT count(*) FROM inbound_requests WHERE key = 'welcome:T1:U1'`: 1,
	})
	counts("after going down", map[string]int{
		`SELECT count(*) FROM pg_constraint WHERE conrelid = 'notes'::regclass AND contype = 'f'`: 2,
	})
	if err := migrations.MigrateURLTo(ctx, url, 17); err != nil {
		t.Fatalf("up again: %v", err)
	}
}
