package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/migrations"
)

// DB is referbot's PostgreSQL database. It implements core.Store.
type DB struct {
	pool     *pgxpool.Pool
	codes    *codes
	settings settingsCache
}

var _ core.Store = (*DB)(nil)

// DefaultMaxConns is the pool size unless Options or the URL's
// pool_max_conns say otherwise.
const DefaultMaxConns = 20

// Options tune the connection pool.
type Options struct {
	// MaxConns caps the pool; 0 means the URL's pool_max_conns, or
	// DefaultMaxConns when the URL names none.
	MaxConns int32
	// Tracer, if set, sees every statement (and, if it is also a
	// pgx.BatchTracer, every batch): the plan check records with it, the query check checks with it.
	Tracer pgx.QueryTracer
}

// Open connects to the database at url with the default options.
func Open(ctx context.Context, url string) (*DB, error) {
	return OpenOptions(ctx, url, Options{})
}

// OpenOptions connects to the database at url. It checks the connection
// before returning.
func OpenOptions(ctx context.Context, url string, opts Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	switch {
	case opts.MaxConns > 0:
		cfg.MaxConns = opts.MaxConns
	case !strings.Contains(url, "pool_max_conns"):
		cfg.MaxConns = DefaultMaxConns
	}
	if opts.Tracer != nil {
		cfg.ConnConfig.Tracer = opts.Tracer
	}
	if _, set := cfg.ConnConfig.RuntimeParams["jit"]; !set {
		// referbot's statements each read at most a workspace's rows and
		// run in milliseconds; JIT compiling them costs 100–500 ms, which
		// PostgreSQL decides to spend on cost estimates alone.
		cfg.ConnConfig.RuntimeParams["jit"] = "off"
	}
	shards := &shardSlots{}
	cfg.BeforeConnect = func(_ context.Context, cc *pgx.ConnConfig) error {
		shards.take(cc)
		return nil
	}
	cfg.BeforeClose = shards.giveBack
	cfg.AfterConnect = func(_ context.Context, conn *pgx.Conn) error {
		// Times come back in UTC whatever the server's TimeZone; core
		// renders them in the workspace's zone.
		conn.TypeMap().RegisterType(&pgtype.Type{Name: "timestamptz", OID: pgtype.TimestamptzOID,
			Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC}})
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	// The referral code counter's own pool (see codes): it connects when
	// first needed.
	codeCfg := cfg.Copy()
	codeCfg.MaxConns, codeCfg.MinConns = 2, 0
	codeCfg.BeforeConnect, codeCfg.BeforeClose = nil, nil // it writes no referrals
	codePool, err := pgxpool.NewWithConfig(ctx, codeCfg)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return &DB{pool: pool, codes: newCodes(codePool)}, nil
}

// Close closes the pools' connections.
func (db *DB) Close() { db.pool.Close(); db.codes.pool.Close() }

// Ping checks the database answers (for /readyz).
func (db *DB) Ping(ctx context.Context) error { return db.pool.Ping(ctx) }

// Migrate brings the schema up to date. Several replicas may call it at
// once: the migrator holds an advisory lock.
func (db *DB) Migrate(ctx context.Context) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	defer conn.Release()
	return migrations.Migrate(ctx, conn.Conn())
}

// InTx runs fn in a READ COMMITTED transaction, committing if fn returns nil
// and rolling back otherwise (also if fn panics). BEGIN travels with the
// first statement and COMMIT with the last writes (see pipe).
func (db *DB) InTx(ctx context.Context, fn func(core.Tx) error) (err error) {
	p, err := beginPipe(ctx, db.pool)
	if err != nil {
		wrap(&err, "transaction")
		return err
	}
	defer p.release()
	t := &tx{q: p, pipe: p, db: db}
	defer func() {
		if r := recover(); r != nil {
			p.rollback(ctx)
			t.rolledBack()
			panic(r)
		}
	}()
	if err := fn(t); err != nil {
		p.rollback(ctx)
		// Rolled back: what the transaction took is free again.
		t.rolledBack()
		// core's own error, or one the tx methods already translated.
		return err
	}
	sure, err := p.commit(ctx)
	if err != nil {
		p.rollback(ctx)
		if sure {
			t.rolledBack()
		}
	}
	wrap(&err, "transaction")
	return err
}

// DBTX is what queries need: a pool, a connection or a transaction.
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// tx implements core.Tx inside one database transaction.
type tx struct {
	q    DBTX
	pipe *pipe // q, to queue writes with later
	db   *DB
	// undo runs if the transaction rolls back (codes taken, say).
	undo []func()
}

var _ core.OneSnapshot = (*tx)(nil)

// ReadOneSnapshot makes the transaction a read-only one at repeatable
// read, if no statement has been sent or queued yet.
func (t *tx) ReadOneSnapshot() bool { return t.pipe.readOnlySnapshot() }

// rolledBack runs the undo functions of a transaction that rolled back.
func (t *tx) rolledBack() {
	for _, f := range t.undo {
		f()
	}
}

var _ core.Tx = (*tx)(nil)

// Messages of the translated errors. They are deliberately generic: core
// replaces them where the user needs to hear more.
const (
	msgNotFound = "I couldn't find that in this network."
	msgConflict = "That already exists."
	msgInvalid  = "That refers to something that isn't in this network, or a value that isn't allowed."
	msgBusy     = "Someone changed the same thing at the same moment, so nothing was saved. Please try again."
)

// constraintMessages explain the checks a user can run into.
var constraintMessages = map[string]string{
	"referrals_contact_needs_consent": "I only store a client's contact details once they agreed to the introduction.",
	"referrals_won_has_value":         "A won deal needs its value.",
	"referrals_worked_has_receiver":   "A referral past the open stage needs a receiver.",
}

// translate turns database errors into core's: no rows is ENOTFOUND, a
// unique violation ECONFLICT, a foreign key or check violation EINVALID. The
// original error stays in the chain for the log. Errors that already carry
// a *core.Error pass unchanged.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var ce *core.Error
	if errors.As(err, &ce) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return core.Errorf(core.ENOTFOUND, msgNotFound)
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "23505": // unique_violation
		ce = core.Errorf(core.ECONFLICT, msgConflict)
	case "23503", "23514", "23502": // foreign_key, check, not_null
		msg := msgInvalid
		if m, ok := constraintMessages[pe.ConstraintName]; ok {
			msg = m
		}
		ce = core.Errorf(core.EINVALID, "%s", msg)
	case "40001", "40P01": // serialization_failure, deadlock_detected
		ce = core.Errorf(core.ECONFLICT, msgBusy)
	default:
		return err
	}
	return fmt.Errorf("%w (%w)", ce, err)
}

// wrap translates *err and prefixes it with what was being done, keeping
// errors.As to *core.Error working:
//
//	defer wrap(&err, "referral(%d)", code)
func wrap(err *error, format string, args ...any) {
	if *err != nil {
		*err = fmt.Errorf("postgres: %s: %w", fmt.Sprintf(format, args...), translate(*err))
	}
}

// notFound is returned when a statement that must touch one row touched none.
func notFound() error { return core.Errorf(core.ENOTFOUND, msgNotFound) }

// collect reads every row of a query with scan and closes the rows; the
// query's own error passes through. No rows is a nil slice.
func collect[T any](rows pgx.Rows, err error, scan func(pgx.Row) (*T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	return pgx.AppendRows([]T(nil), rows, func(row pgx.CollectableRow) (T, error) {
		v, err := scan(row)
		if err != nil {
			var zero T
			return zero, err
		}
		return *v, nil
	})
}

// Helpers for the columns that are NULL where core has a zero value.

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func nullText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func texts(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func orDefault[T ~string](v, def T) T {
	if v == "" {
		return def
	}
	return v
}

// Readers of nullable scan targets.

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func strOf(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func int64Of(v *int64) int64 {
	if v == nil {
		return 0
	}
	return *v
}
