package plancheck

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// allowed are the statements that may read a whole big table, each with
// why that is right: a fragment of the SQL, and the reason.
var allowed = map[string]string{
	"FROM workspaces w ORDER BY w.id": "the scheduler visits every workspace: the list of them all is the work itself",
}

// TestPlans_NoQueryScansABigTableWhole records every statement of the
// scenario over a seeded database and EXPLAINs each with its arguments.
func TestPlans_NoQueryScansABigTableWhole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testenv.URL(t)
	rec := newRecorder()
	db, err := postgres.OpenOptions(ctx, url, postgres.Options{Tracer: rec})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	st, err := db.Seed(ctx, postgres.SeedSpec{Workspaces: 5, Members: 150, Referrals: 3000, Seed: 1, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })

	s := newScene(t, db, conn, st.WorkspaceIDs[0], now)
	rec.on.Store(true)
	s.play()
	s.jobs()
	rec.on.Store(false)
	for _, name := range grammar.Subcommands() {
		if s.ran[name] == 0 && name != "refer" {
			t.Errorf("the scenario never ran /refer %s successfully: its queries go unchecked", name)
		}
	}

	partial := planner(t, conn)
	checked, flagged := 0, 0
	var history []string
	for _, stmt := range rec.statements() {
		if !explainable(stmt.sql) {
			continue
		}
		scans, plan, err := explain(ctx, conn, partial, stmt)
		if err != nil {
			t.Errorf("EXPLAIN %s\n  with %v: %v", oneLine(stmt.sql), stmt.args, err)
			continue
		}
		checked++
		var whole []scan
		for _, sc := range scans {
			if sc.history {
				history = append(history, fmt.Sprintf("%s: %s", sc, short(stmt.sql)))
			} else {
				whole = append(whole, sc)
			}
		}
		scans = whole
		if len(scans) == 0 || allowedFor(stmt.sql) != "" {
			continue
		}
		flagged++
		t.Errorf("%s\n  reads a big table whole even with sequential scans off (no index fits): %s\n  query (run %d times, args %v):\n    %s\n  plan:\n%s",
			describe(scans), scansList(scans), stmt.calls, stmt.args, oneLine(stmt.sql), plan)
	}
	t.Logf("%d statements recorded, %d explained, %d flagged", len(rec.statements()), checked, flagged)
	// Not a failure (yet): reads whose cost grows with the years kept.
	t.Logf("%d reads of a whole workspace's history:\n  %s", len(history), strings.Join(history, "\n  "))
	if checked < 50 {
		t.Errorf("only %d statements were explained: the scenario no longer drives the product", checked)
	}
	for fragment := range allowed {
		if !anyHas(rec.statements(), fragment) {
			t.Errorf("allowed %q matches no statement any more: remove it", fragment)
		}
	}
}

// TestPlans_TheCheckFlagsAQueryNoIndexServes runs the check itself on
// statements no index can serve, and on ones an index does.
func TestPlans_TheCheckFlagsAQueryNoIndexServes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testenv.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	partial := planner(t, conn)
	for _, c := range []struct {
		sql  string
		args []any
		want string
	}{
		{`SELECT id FROM referrals WHERE need = $1`, []any{"x"}, "Seq Scan on referrals"},
		{`SELECT r.id FROM referrals r JOIN thanks t ON t.message = r.need WHERE r.id = $1`, []any{1}, "Seq Scan on thanks"},
		{`SELECT id FROM referrals WHERE id = $1`, []any{1}, ""},
		{`SELECT id FROM outbox WHERE workspace_id = $1 AND dedupe_key = $2`, []any{1, "x"}, ""},
		{`SELECT id FROM outbox WHERE status = 'pending' AND no_such_column IS NULL`, nil, "error"},
		{`SELECT count(*) FROM referrals WHERE workspace_id = $1 AND status = 'lost'`, []any{1}, "of a whole workspace"},
	} {
		scans, _, err := explain(ctx, conn, partial, &statement{sql: c.sql, args: c.args})
		got := fmt.Sprint(scans)
		switch {
		case c.want == "error":
			if err == nil {
				t.Errorf("%s: explained, want an error", c.sql)
			}
		case err != nil:
			t.Errorf("%s: %v", c.sql, err)
		case c.want == "" && len(scans) > 0, c.want != "" && !strings.Contains(got, c.want):
			t.Errorf("%s: found %s, want %q", c.sql, got, c.want)
		}
	}
}

// planner turns off sequential scans, and joins other than by nested loop,
// on conn: a plan that still reads a table or an index whole has no index
// to go by. It returns the partial indexes.
func planner(t *testing.T, conn *pgx.Conn) map[string]bool {
	t.Helper()
	ctx := context.Background()
	for _, set := range []string{"enable_seqscan", "enable_hashjoin", "enable_mergejoin"} {
		if _, err := conn.Exec(ctx, "SET "+set+" = off"); err != nil {
			t.Fatal(err)
		}
	}
	partial, err := partialIndexes(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	return partial
}

func allowedFor(sql string) string {
	flat := oneLine(sql)
	for fragment, why := range allowed {
		if strings.Contains(flat, fragment) {
			return why
		}
	}
	return ""
}

func anyHas(sts []*statement, fragment string) bool {
	for _, st := range sts {
		if strings.Contains(oneLine(st.sql), fragment) {
			return true
		}
	}
	return false
}

// short is the start of a statement, on one line, for a list.
func short(sql string) string {
	s := oneLine(sql)
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

func oneLine(sql string) string { return strings.Join(strings.Fields(sql), " ") }

func describe(scans []scan) string {
	tables := map[string]bool{}
	var names []string
	for _, s := range scans {
		if !tables[s.table] {
			tables[s.table] = true
			names = append(names, s.table)
		}
	}
	return "a query on " + strings.Join(names, ", ")
}

func scansList(scans []scan) string {
	out := make([]string, len(scans))
	for i, s := range scans {
		out[i] = s.String()
	}
	return fmt.Sprint(strings.Join(out, "; "))
}
