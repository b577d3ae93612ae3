package localpg_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/internal/localpg"
)

func TestStart_KeepsDataAcrossRestartsAndSurvivesAStalePID(t *testing.T) {
	if _, err := localpg.Find(); err != nil {
		t.Skip(err)
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "pgdata")
	query := func(srv *localpg.Server, sql string) int {
		t.Helper()
		conn, err := pgx.Connect(ctx, srv.URL("referbot"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var n int
		if err := conn.QueryRow(ctx, sql).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	srv, err := localpg.Start(ctx, localpg.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, srv.URL("referbot"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)`); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)

	// A second server on the same data is refused while the first runs.
	if _, err := localpg.Start(ctx, localpg.Options{DataDir: dir}); err == nil || !strings.Contains(err.Error(), "already using") {
		t.Fatalf("second start on a live data dir: %v", err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}

	// A run killed without cleanup leaves postmaster.pid behind.
	if err := os.WriteFile(filepath.Join(dir, "postmaster.pid"), []byte("999999\n"+dir+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	srv, err = localpg.Start(ctx, localpg.Options{DataDir: dir})
	if err != nil {
		t.Fatalf("restart after a stale pid file: %v", err)
	}
	defer srv.Stop()
	if n := query(srv, `SELECT n FROM kept`); n != 42 {
		t.Fatalf("data after restart = %d, want 42", n)
	}
}
