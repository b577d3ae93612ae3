package migrations_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/internal/pgtest"
	"github.com/referbot/referbot/internal/sqlcheck"
	"github.com/referbot/referbot/migrations"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// connect opens a fresh database migrated to the latest schema.
func connect(t *testing.T) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.NewDB(t, "referbot", migrations.MigrateURL))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// The schema check of docs/distributed.md: every table (but the root and
// tern's) carries workspace_id, every primary and unique key includes it,
// and every foreign key between workspace tables matches it.
func TestSchema_EveryTableKeyAndReferenceCarriesWorkspaceID(t *testing.T) {
	t.Parallel()
	problems, err := sqlcheck.Schema(context.Background(), connect(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// The check reads the catalog, whatever the tables: a table added
// without workspace_id, a key or a reference that leaves it out is found.
func TestSchema_FindsTablesKeysAndReferencesWithoutWorkspaceID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := connect(t)
	for _, s := range []string{
		`CREATE TABLE loose (id bigint PRIMARY KEY)`,
		`CREATE TABLE notes (id bigint PRIMARY KEY, workspace_id bigint REFERENCES workspaces,
			referral_id bigint, member_id bigint, owner_ws bigint REFERENCES workspaces,
			FOREIGN KEY (member_id, workspace_id) REFERENCES members (id, workspace_id),
			FOREIGN KEY (workspace_id, referral_id) REFERENCES referrals (id, workspace_id))`,
		`CREATE UNIQUE INDEX notes_referral_idx ON notes (referral_id) WHERE referral_id IS NOT NULL`,
	} {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	problems, err := sqlcheck.Schema(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(problems, "\n")
	for _, want := range []string{
		"table loose has no workspace_id column",
		"table notes: workspace_id may be NULL",
		"table notes: primary key notes_pkey does not include workspace_id",
		"table notes: unique key notes_referral_idx does not include workspace_id",
		"table notes: foreign key notes_workspace_id_referral_id_fkey to referrals does not match workspace_id to its workspace_id",
		"table notes: foreign key notes_owner_ws_fkey to workspaces does not match workspace_id to its id",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the check missed %q; it found:\n%s", want, got)
		}
	}
	if strings.Contains(got, "foreign key notes_member_id_workspace_id_fkey") {
		t.Errorf("a foreign key matching workspace_id in another column order was reported:\n%s", got)
	}
}
