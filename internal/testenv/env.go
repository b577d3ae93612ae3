package testenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/sender"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/internal/fixture"
	"github.com/referbot/referbot/internal/pgtest"
	"github.com/referbot/referbot/internal/sqlcheck"
	"github.com/referbot/referbot/migrations"
)

// Main runs a package's tests and stops the throwaway PostgreSQL server,
// if one was started. Call it from TestMain.
func Main(m *testing.M) { pgtest.Main(m) }

// Quiet is a logger that drops everything, for code under test that logs.
var Quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// URL returns the URL of a fresh database cloned from the migrated
// template, dropped when the test ends: for a test that hands it to the
// program as DATABASE_URL.
func URL(t testing.TB) string {
	t.Helper()
	return pgtest.NewDB(t, "referbot", migrations.MigrateURL)
}

// DB returns a fresh database cloned from the migrated template, opened
// through core/postgres, and its URL. Both go away when the test ends.
//
// Every statement the store runs is checked (internal/sqlcheck): one that
// scans a workspace table without confining it to a workspace, or joins
// one other than on its workspace, fails the test when it ends.
func DB(t testing.TB) (*postgres.DB, string) {
	t.Helper()
	url := URL(t)
	return OpenDB(t, url), url
}

// OpenDB opens the test's own database at url (a clone of a template of
// the test's making, say) through core/postgres, its statements checked
// as DB's are; it is closed when the test ends.
func OpenDB(t testing.TB, url string) *postgres.DB {
	t.Helper()
	tr := &sqlcheck.Tracer{Tables: workspaceTables(t, url)}
	db, err := postgres.OpenOptions(context.Background(), url, postgres.Options{Tracer: tr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, p := range tr.Problems() {
			t.Errorf("query check (docs/distributed.md): %s", p)
		}
	})
	t.Cleanup(db.Close) // runs first: every statement has been sent
	return db
}

var (
	tablesOnce sync.Once
	tables     sqlcheck.Tables
	tablesErr  error
)

// workspaceTables reads the workspace tables from the catalog once per
// test binary: every test's database is a clone of the same template.
func workspaceTables(t testing.TB, url string) sqlcheck.Tables {
	t.Helper()
	tablesOnce.Do(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			tablesErr = err
			return
		}
		defer conn.Close(ctx)
		tables, tablesErr = sqlcheck.WorkspaceTables(ctx, conn)
	})
	if tablesErr != nil {
		t.Fatalf("query check: reading the workspace tables: %v", tablesErr)
	}
	return tables
}

// Options shape an Env.
type Options struct {
	// At starts Clock at this instant; the zero time leaves the service on
	// the wall clock (and Clock nil), as the adapters' tests over real
	// HTTP want.
	At time.Time
	// Now, if set, is the service's time source instead of Clock, for a
	// test that keeps a clock of its own.
	Now func() time.Time
	// Log is the bot's logger; nil is Quiet.
	Log *slog.Logger
	// PublicURL is where the bot's links point; "" is bot.DefaultPublicURL.
	PublicURL string
	// Secret is REFERBOT_SECRET; nil: each workspace's is generated.
	Secret []byte
}

// Env is the real stack below the adapters over a fresh database: what
// most tests need, in one bundle.
type Env struct {
	T     testing.TB
	URL   string // the test's own database
	DB    *postgres.DB
	Clock *fixture.Clock // nil on the wall clock
	Svc   *core.Service
	Bot   *bot.Bot
}

// New builds an Env for t.
func New(t testing.TB, o Options) *Env {
	t.Helper()
	e := &Env{T: t}
	e.DB, e.URL = DB(t)
	now := o.Now
	if now == nil && !o.At.IsZero() {
		e.Clock = fixture.NewClock(o.At)
		now = e.Clock.Now
	}
	if o.Log == nil {
		o.Log = Quiet
	}
	e.Svc = core.NewService(e.DB, core.Options{Now: now, Secret: o.Secret})
	var opts []bot.Option
	if o.PublicURL != "" {
		opts = append(opts, bot.WithPublicURL(o.PublicURL))
	}
	e.Bot = bot.New(e.Svc, o.Log, opts...)
	return e
}

// Now is the service's time.
func (e *Env) Now() time.Time { return e.Svc.Now() }

// Join makes id a member (the workspace too, the first time) and returns
// them as a request would see them.
func (e *Env) Join(id core.Identity) core.Caller {
	e.T.Helper()
	c, err := e.Svc.Join(context.Background(), id)
	if err != nil {
		e.T.Fatalf("join %s/%s: %v", id.TeamID, id.UserName, err)
	}
	return c
}

// Sender is an outbox sender for platform over the Env's database and
// clock, delivering through m.
func (e *Env) Sender(platform core.Platform, m bot.Messenger) *sender.Sender {
	return &sender.Sender{Outbox: e.DB, Platform: platform, Messenger: m, Now: e.Svc.Now, Log: Quiet}
}

// Deliver runs s until nothing is due, failing the test on error.
func Deliver(t testing.TB, s *sender.Sender) {
	t.Helper()
	if _, err := s.DeliverAll(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// Count runs a query returning one number (a COUNT) on the Env's database.
func (e *Env) Count(query string, args ...any) int {
	e.T.Helper()
	return Count(e.T, e.URL, query, args...)
}

// Count runs a query returning one number on the database at url, so a
// test sees what was, or was not, written.
func Count(t testing.TB, url, query string, args ...any) int {
	t.Helper()
	return pgtest.Count(t, url, query, args...)
}

// Exec runs SQL straight on the database at url, outside the store, and
// returns its error.
func Exec(t testing.TB, url, sql string, args ...any) error {
	t.Helper()
	return pgtest.Exec(t, url, sql, args...)
}

// Must fails the test at once unless ok.
func Must(t testing.TB, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Fatalf(format, args...)
	}
}

// CodeError says how err falls short of a *core.Error with code, or nil
// when it has that code.
func CodeError(err error, code string) error {
	if got := core.ErrorCode(err); got != code {
		return fmt.Errorf("error %v (code %q), want code %q", err, got, code)
	}
	return nil
}

// WantCode fails the test unless err carries code and a message for the
// person who caused it.
func WantCode(t testing.TB, err error, code string) {
	t.Helper()
	if e := CodeError(err, code); e != nil {
		t.Fatal(e)
	}
	var ce *core.Error
	if errors.As(err, &ce) && ce.Message == "" {
		t.Fatalf("error %q has no message", code)
	}
}

// Eventually waits up to 15 s for cond, checking every 10 ms.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never happened: %s", what)
		}
	}
}
