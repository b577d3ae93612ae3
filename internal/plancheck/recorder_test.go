package plancheck

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
)

// statement is one distinct SQL text the product ran, with the arguments
// of its first run.
type statement struct {
	sql   string
	args  []any
	calls int
}

// recorder is a pgx tracer keeping every distinct statement run while on.
type recorder struct {
	on    atomic.Bool
	mu    sync.Mutex
	byKey map[string]*statement
	order []*statement
}

func newRecorder() *recorder { return &recorder{byKey: map[string]*statement{}} }

func (r *recorder) add(sql string, args []any) {
	if !r.on.Load() {
		return
	}
	key := strings.Join(strings.Fields(sql), " ")
	r.mu.Lock()
	defer r.mu.Unlock()
	if st := r.byKey[key]; st != nil {
		st.calls++
		return
	}
	st := &statement{sql: sql, args: args, calls: 1}
	r.byKey[key] = st
	r.order = append(r.order, st)
}

func (r *recorder) statements() []*statement {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*statement(nil), r.order...)
}

func (r *recorder) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.add(d.SQL, d.Args)
	return ctx
}

func (r *recorder) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (r *recorder) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	for _, q := range d.Batch.QueuedQueries {
		r.add(q.SQL, q.Arguments)
	}
	return ctx
}

func (r *recorder) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (r *recorder) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

var _ pgx.BatchTracer = (*recorder)(nil)
