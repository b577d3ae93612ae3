package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/referbot/referbot/core"
)

// pipe is one transaction on one connection that spares round trips:
// statements nobody reads an answer of — BEGIN, and writes queued with
// later — wait in a batch and travel with the next statement that is
// read, or with COMMIT. A command that reads twice and writes five
// things is then four round trips, not nine. It implements DBTX.
//
// A queued write that fails makes the statement it travels with fail
// with the write's error; the transaction then rolls back as usual.
type pipe struct {
	conn    *pgxpool.Conn
	pending pgx.Batch
	begun   bool // BEGIN has gone to the server
	// read is a profile read along with the last statement, valid until
	// the next one (see tx.Profile).
	read *readProfile
}

// readProfile is a workspace's member's profile as a statement read it.
type readProfile struct {
	workspaceID int64
	profile     core.Profile
}

var _ DBTX = (*pipe)(nil)

func beginPipe(ctx context.Context, pool *pgxpool.Pool) (*pipe, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	p := &pipe{conn: conn}
	p.pending.Queue("begin isolation level read committed")
	return p, nil
}

// readOnlySnapshot makes the transaction, before anything reached the
// server, a read-only one at repeatable read: each of its statements then
// reads the same snapshot. It reports whether it could (false once a
// statement has gone, or was queued, after BEGIN).
func (p *pipe) readOnlySnapshot() bool {
	if p.begun || p.pending.Len() != 1 {
		return false
	}
	p.pending = pgx.Batch{}
	p.pending.Queue("begin isolation level repeatable read read only")
	return true
}

// later queues a write whose answer nobody needs.
func (p *pipe) later(sql string, args ...any) {
	p.read = nil
	p.pending.Queue(sql, args...)
}

// send sends what is pending with sql, reads the pending answers, and
// returns the results positioned at sql's. Nothing pending: nil, nil.
func (p *pipe) send(ctx context.Context, sql string, args ...any) (pgx.BatchResults, error) {
	p.read = nil // whatever this statement does, a profile read before is no longer current
	n := p.pending.Len()
	if n == 0 {
		return nil, nil
	}
	b := p.pending
	p.pending = pgx.Batch{}
	b.Queue(sql, args...)
	return p.sendBatch(ctx, &b, n)
}

// sendBatch sends b, whose first n statements are the pending ones, and
// reads their answers.
func (p *pipe) sendBatch(ctx context.Context, b *pgx.Batch, n int) (pgx.BatchResults, error) {
	p.begun = true
	br := p.conn.SendBatch(ctx, b)
	for range n {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return nil, err
		}
	}
	return br, nil
}

func (p *pipe) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	br, err := p.send(ctx, sql, args...)
	switch {
	case err != nil:
		return pgconn.CommandTag{}, err
	case br == nil:
		return p.conn.Exec(ctx, sql, args...)
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return tag, err
}

func (p *pipe) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	br, err := p.send(ctx, sql, args...)
	switch {
	case err != nil:
		return nil, err
	case br == nil:
		return p.conn.Query(ctx, sql, args...)
	}
	rows, err := br.Query()
	if err != nil {
		rows.Close()
		br.Close()
		return nil, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

func (p *pipe) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	br, err := p.send(ctx, sql, args...)
	switch {
	case err != nil:
		return errRow{err}
	case br == nil:
		return p.conn.QueryRow(ctx, sql, args...)
	}
	return batchRow{row: br.QueryRow(), br: br}
}

func (p *pipe) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	p.read = nil
	n := p.pending.Len()
	if n == 0 {
		return p.conn.SendBatch(ctx, b)
	}
	all := p.pending
	p.pending = pgx.Batch{}
	// The queued queries themselves, not copies: their result callbacks
	// (Query, QueryRow, Exec on a QueuedQuery) run as Close reads them.
	all.QueuedQueries = append(all.QueuedQueries, b.QueuedQueries...)
	br, err := p.sendBatch(ctx, &all, n)
	if err != nil {
		return errBatch{err}
	}
	return br
}

// commit sends what is pending and COMMIT. sure says the transaction
// certainly did not commit when err is not nil (a queued write failed),
// so what it took may be handed out again.
func (p *pipe) commit(ctx context.Context) (sure bool, err error) {
	if !p.begun && p.pending.Len() == 1 { // nothing but BEGIN: nothing happened
		p.pending = pgx.Batch{}
		return true, nil
	}
	n := p.pending.Len()
	b := p.pending
	p.pending = pgx.Batch{}
	b.Queue("commit")
	br, err := p.sendBatch(ctx, &b, n)
	if err != nil {
		return true, err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err == nil && tag.String() == "ROLLBACK" {
		return true, pgx.ErrTxCommitRollback
	}
	return err == nil, err
}

// rollback ends a transaction that failed; queued writes are dropped.
func (p *pipe) rollback(ctx context.Context) {
	p.pending = pgx.Batch{}
	if p.begun {
		// An error leaves the connection busy or in a failed transaction:
		// the pool then closes it rather than reuse it.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		p.conn.Exec(ctx, "rollback")
	}
}

func (p *pipe) release() { p.conn.Release() }

// batchRow is a row read from a batch; scanning it finishes the batch.
type batchRow struct {
	row pgx.Row
	br  pgx.BatchResults
}

func (r batchRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if cerr := r.br.Close(); err == nil {
		err = cerr
	}
	return err
}

// batchRows are rows read from a batch; closing them finishes the batch.
type batchRows struct {
	pgx.Rows
	br       pgx.BatchResults
	closeErr error
	closed   bool
}

func (r *batchRows) Close() {
	r.Rows.Close()
	if !r.closed {
		r.closed = true
		r.closeErr = r.br.Close()
	}
}

func (r *batchRows) Err() error {
	if err := r.Rows.Err(); err != nil {
		return err
	}
	return r.closeErr
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

type errBatch struct{ err error }

func (b errBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, b.err }
func (b errBatch) Query() (pgx.Rows, error)         { return nil, b.err }
func (b errBatch) QueryRow() pgx.Row                { return errRow{b.err} }
func (b errBatch) Close() error                     { return b.err }
func (b errBatch) Tx() pgx.Tx                       { return nil }
