package postgres_test

import (
	"context"
	"testing"

	"github.com/referbot/referbot/migrations"
)

// Referrals made before 029 are counted per referrer and receiver in the
// migration, from their stored keys: a client bob gave alice twice is a
// repeat of that pair (by name and by mail), the one he gave carol and
// the lead nobody took yet are counted once each. And 029 goes down and
// up again cleanly.
func TestMigrate029_OldReferralsAreCountedPerPair(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, url := connAtVersion(t, 28)
	_, err := conn.Exec(ctx, `
		INSERT INTO workspaces (platform, external_id) VALUES ('slack', 'T1');
		INSERT INTO members (workspace_id, user_id, display_name) VALUES (1, 'U1', 'bob'), (1, 'U2', 'alice'), (1, 'U3', 'carol');
		INSERT INTO referrals (workspace_id, code, referrer_id, receiver_id, client_name, client_contact, consent, status,
			created_at, updated_at)
		VALUES (1, 1001, 1, 2, 'Jane Doe', 'jane@doe.example', true, 'offered', now(), now()),
			(1, 1002, 1, 2, 'JANE DOE, Inc', 'Jane@Doe.example', true, 'offered', now(), now()),
			(1, 1003, 1, 3, 'Jane Doe', NULL, false, 'offered', now(), now()),
			(1, 1004, 1, NULL, 'Jane Doe', NULL, false, 'open', now(), now())`)
	if err != nil {
		t.Fatal(err)
	}
	if err := migrations.MigrateURL(ctx, url); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(ctx, `SELECT receiver_id, key, n FROM pair_client_key_counts
		WHERE workspace_id = 1 AND referrer_id = 1 ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	type count struct {
		receiver int64
		key      string
		n        int64
	}
	var got []count
	for rows.Next() {
		var c count
		if err := rows.Scan(&c.receiver, &c.key, &c.n); err != nil {
			t.Fatal(err)
		}
		got = append(got, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []count{{0, "name:jane doe", 1}, {2, "mail:jane@doe.example", 2}, {2, "name:jane doe", 2}, {3, "name:jane doe", 1}}
	if len(got) != len(want) {
		t.Fatalf("pair counts %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("pair count %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if err := migrations.MigrateURLTo(ctx, url, 28); err != nil {
		t.Fatalf("down: %v", err)
	}
	if err := migrations.MigrateURL(ctx, url); err != nil {
		t.Fatalf("up again: %v", err)
	}
	var repeated int64
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pair_client_key_counts WHERE n > 1`).Scan(&repeated); err != nil || repeated != 2 {
		t.Errorf("after down and up: %d repeated pair keys (%v), want 2", repeated, err)
	}
}
