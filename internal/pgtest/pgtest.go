package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/internal/localpg"
)

// EnvURL names the variable holding an existing server's URL.
const EnvURL = "REFERBOT_TEST_DATABASE_URL"

// ServerSettings are the test server's settings beyond a throwaway one's:
// every test's database is small and short-lived, so autovacuum (which
// visits each of hundreds of cloned databases) and WAL beyond crash
// recovery are work for nothing (core/postgres's tests: 143 → 119 s).
// make bench-load and make bench-scale start servers of their own, with
// both, as a real one has.
var ServerSettings = []string{"autovacuum=off", "wal_level=minimal", "max_wal_senders=0"}

var (
	mu        sync.Mutex
	serverURL string // URL of an admin database on the server
	server    *localpg.Server
	tempDir   string
	templates = map[string]string{} // name → template database
	counter   atomic.Int64
)

// Main runs the tests and stops the throwaway server, if one was started.
// Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	mu.Lock()
	if server != nil {
		_ = server.Stop()
		_ = os.RemoveAll(tempDir)
	}
	mu.Unlock()
	os.Exit(code)
}

func adminURL(t testing.TB) string {
	if serverURL != "" {
		return serverURL
	}
	if u := os.Getenv(EnvURL); u != "" {
		serverURL = u
		return u
	}
	dir, err := os.MkdirTemp("", "referbot-test-")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := localpg.Start(context.Background(), localpg.Options{DataDir: dir + "/data", Ephemeral: true,
		Settings: ServerSettings})
	if err != nil {
		os.RemoveAll(dir)
		t.Fatalf("pgtest: %v", err)
	}
	server, tempDir, serverURL = srv, dir, srv.URL("postgres")
	return serverURL
}

// withDB returns u pointing at another database on the same server.
func withDB(u, name string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	p.Path = "/" + name
	return p.String()
}

// NewDB returns the URL of a new database cloned from the template called
// name, which migrate builds once per test binary. It is dropped when the
// test ends.
func NewDB(t testing.TB, name string, migrate func(ctx context.Context, url string) error) string {
	t.Helper()
	ctx := context.Background()
	admin, tmpl := template(t, name, migrate)
	// Clones of one template may be made side by side (nobody connects to
	// a template once it is migrated), so parallel tests do not queue here.
	db := fmt.Sprintf("t_%d_%d", os.Getpid(), counter.Add(1))
	if err := exec(ctx, admin, `CREATE DATABASE `+db+` TEMPLATE `+tmpl); err != nil {
		t.Fatalf("pgtest: clone: %v", err)
	}
	t.Cleanup(func() {
		_ = exec(context.Background(), admin, `DROP DATABASE IF EXISTS `+db+` WITH (FORCE)`)
	})
	return withDB(admin, db)
}

// template returns the admin URL and the template called name, building
// it the first time.
func template(t testing.TB, name string, migrate func(ctx context.Context, url string) error) (admin, tmpl string) {
	t.Helper()
	ctx := context.Background()
	mu.Lock()
	defer mu.Unlock()
	admin = adminURL(t)
	tmpl, ok := templates[name]
	if !ok {
		tmpl = fmt.Sprintf("tmpl_%s_%d", sanitize(name), os.Getpid())
		if err := exec(ctx, admin, `DROP DATABASE IF EXISTS `+tmpl+` WITH (FORCE)`, `CREATE DATABASE `+tmpl); err != nil {
			t.Fatalf("pgtest: create template: %v", err)
		}
		if err := migrate(ctx, withDB(admin, tmpl)); err != nil {
			t.Fatalf("pgtest: migrate template: %v", err)
		}
		templates[name] = tmpl
	}
	return admin, tmpl
}

// Count runs a query returning one number (a COUNT) on the database at
// url, so tests can check what was, or was not, written.
func Count(t testing.TB, url, query string, args ...any) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// Exec runs one statement on the database at url, outside any store, and
// returns its error (a test may expect one).
func Exec(t testing.TB, url, sql string, args ...any) error {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql, args...)
	return err
}

func exec(ctx context.Context, u string, stmts ...string) error {
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, strings.ToLower(s))
}
