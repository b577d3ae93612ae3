package sqlcheck

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
)

// Tracer checks every statement a pgx connection runs (queries and batch
// queries) with Statement and keeps the problems found, each once.
// internal/testenv installs one on every test's pool, so the whole test
// suite is the query check.
type Tracer struct {
	Tables Tables

	mu       sync.Mutex
	seen     map[string]bool
	problems map[string]string // problem → its statement
}

var (
	_ pgx.QueryTracer = (*Tracer)(nil)
	_ pgx.BatchTracer = (*Tracer)(nil)
)

func (t *Tracer) check(sql string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seen[sql] {
		return
	}
	if t.seen == nil {
		t.seen, t.problems = map[string]bool{}, map[string]string{}
	}
	t.seen[sql] = true
	for _, p := range Statement(sql, t.Tables) {
		t.problems[p] = sql
	}
}

// Problems returns what the statements run so far have against
// distribution by workspace, each with its statement, sorted.
func (t *Tracer) Problems() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]string, 0, len(t.problems))
	for p, sql := range t.problems {
		out = append(out, fmt.Sprintf("%s in:\n%s", p, strings.TrimSpace(sql)))
	}
	sort.Strings(out)
	return out
}

// TraceQueryStart checks the statement.
func (t *Tracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	t.check(data.SQL)
	return ctx
}

// TraceQueryEnd does nothing.
func (t *Tracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TraceBatchStart does nothing: each query is checked as it is sent.
func (t *Tracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

// TraceBatchQuery checks one statement of a batch.
func (t *Tracer) TraceBatchQuery(_ context.Context, _ *pgx.Conn, data pgx.TraceBatchQueryData) {
	t.check(data.SQL)
}

// TraceBatchEnd does nothing.
func (t *Tracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}
