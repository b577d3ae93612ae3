package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/migrations"
)

// Referrals made before 023 get their client keys in the migration, and a
// same-client flag dismissed under the key the old SQL computed
// ("janedoe") stays dismissed under the new one ("jane doe").
func TestMigrate023_OldReferralsGetKeysAndDismissedFlagsStayDismissed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, url := connAtVersion(t, 22)
	_, err := conn.Exec(ctx, `
		INSERT INTO workspaces (platform, external_id) VALUES ('slack', 'T1');
		INSERT INTO members (workspace_id, user_id, display_name) VALUES (1, 'U1', 'bob'), (1, 'U2', 'alice');
		INSERT INTO referrals (workspace_id, code, referrer_id, receiver_id, client_name, client_contact, consent, status,
			created_at, updated_at)
		VALUES (1, 1001, 1, 2, 'Jane Doe', NULL, false, 'offered', now(), now()),
			(1, 1002, 2, 1, 'JANE DOE', 'jane@doe.example', true, 'offered', now(), now()),
			(1, 1003, 1, 2, 'jane doe, inc', NULL, false, 'offered', now(), now());
		INSERT INTO flag_dismissals (workspace_id, flag_key, codes, reason, member_id, at)
		VALUES (1, 'same-client:' || md5('name:janedoe'), '{1001,1002,1003}', 'a big client', 1, now())`)
	if err != nil {
		t.Fatal(err)
	}
	if err := migrations.MigrateURL(ctx, url); err != nil {
		t.Fatal(err)
	}
	var keys int
	if err := conn.QueryRow(ctx, `SELECT n FROM client_key_counts WHERE workspace_id = 1 AND key = 'name:jane doe'`).Scan(&keys); err != nil || keys != 3 {
		t.Errorf("name:jane doe counts %d (%v); want 3", keys, err)
	}
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.InTx(ctx, func(tx core.Tx) error {
		fs, err := tx.Flags(ctx, 1, core.FlagQuery{Period: core.Period{To: time.Now().Add(time.Hour)}, TimeZone: "UTC"})
		if err != nil {
			return err
		}
		ds, err := tx.FlagDismissals(ctx, 1)
		if err != nil {
			return err
		}
		if len(fs) != 1 || fs[0].Kind != core.FlagSameClient {
			t.Fatalf("flags: %+v", fs)
		}
		if d, ok := ds[fs[0].Key]; !ok || d.Reason != "a big client" || len(d.Codes) != 3 {
			t.Errorf("the flag %s is no longer dismissed: %+v", fs[0].Key, ds)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
