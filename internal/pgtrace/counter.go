package pgtrace

import (
	"context"
	"strings"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
)

// Counter is a pgx tracer (queries and batches) that counts. Safe for
// concurrent use.
type Counter struct {
	roundTrips, statements, commits atomic.Int64
}

var (
	_ pgx.QueryTracer = (*Counter)(nil)
	_ pgx.BatchTracer = (*Counter)(nil)
)

// Counts is a snapshot of a Counter.
type Counts struct{ RoundTrips, Statements, Commits int64 }

// Sub is c minus an earlier snapshot.
func (c Counts) Sub(o Counts) Counts {
	return Counts{c.RoundTrips - o.RoundTrips, c.Statements - o.Statements, c.Commits - o.Commits}
}

// Counts returns the totals so far.
func (c *Counter) Counts() Counts {
	return Counts{c.roundTrips.Load(), c.statements.Load(), c.commits.Load()}
}

func (c *Counter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	c.roundTrips.Add(1)
	c.statement(d.SQL)
	return ctx
}

func (c *Counter) statement(sql string) {
	c.statements.Add(1)
	if strings.EqualFold(strings.TrimSpace(sql), "commit") {
		c.commits.Add(1)
	}
}

func (c *Counter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c *Counter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.roundTrips.Add(1)
	return ctx
}

func (c *Counter) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	c.statement(d.SQL)
}

func (c *Counter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}
