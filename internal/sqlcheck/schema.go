package sqlcheck

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/jackc/pgx/v5"
)

// Root is the table whose id is the workspace id: the distribution column
// of every other table refers to it.
const Root = "workspaces"

// Exempt are the tables that need no workspace_id, and why. Keep it short:
// every other table is a workspace's.
var Exempt = map[string]string{
	// The root itself: its primary key (id) is the workspace id, and its
	// unique (platform, external_id) finds a team's workspace. In Citus
	// terms a reference table (or distributed by id); see docs/distributed.md.
	Root: "the workspaces themselves",
	// tern's record of the migrations applied (migrations.VersionTable):
	// one row, no workspace's data.
	"schema_version": "tern's migration record",
}

// Querier runs a query: a connection, a pool or a transaction.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

type column struct {
	table   string
	num     int16
	notNull bool
}

// Schema reads the catalog of the current schema of the database q is
// connected to and returns what stands against distribution by
// workspace, one line per problem, sorted; none means the schema passes.
func Schema(ctx context.Context, q Querier) ([]string, error) {
	tables, err := workspaceColumns(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []string
	for name, c := range tables {
		if _, ok := Exempt[name]; ok {
			continue
		}
		switch {
		case c == nil:
			out = append(out, fmt.Sprintf("table %s has no workspace_id column", name))
		case !c.notNull:
			out = append(out, fmt.Sprintf("table %s: workspace_id may be NULL", name))
		}
	}
	keys, err := uniqueKeys(ctx, q, tables)
	if err != nil {
		return nil, err
	}
	fks, err := foreignKeys(ctx, q, tables)
	if err != nil {
		return nil, err
	}
	out = append(append(out, keys...), fks...)
	sort.Strings(out)
	return out, nil
}

// workspaceColumns maps every ordinary or partitioned table of the
// current schema to its workspace_id column (nil: it has none); the
// root's entry is its id.
func workspaceColumns(ctx context.Context, q Querier) (map[string]*column, error) {
	rows, err := q.Query(ctx, `
		SELECT c.relname, a.attnum, a.attnotnull
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND NOT a.attisdropped
			AND a.attname = CASE WHEN c.relname = $1 THEN 'id' ELSE 'workspace_id' END
		WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')`, Root)
	if err != nil {
		return nil, fmt.Errorf("sqlcheck: tables: %w", err)
	}
	defer rows.Close()
	out := map[string]*column{}
	for rows.Next() {
		var name string
		var num *int16
		var notNull *bool
		if err := rows.Scan(&name, &num, &notNull); err != nil {
			return nil, err
		}
		out[name] = nil
		if num != nil {
			out[name] = &column{table: name, num: *num, notNull: *notNull}
		}
	}
	return out, rows.Err()
}

// uniqueKeys reports primary keys, unique constraints and unique indexes
// (partial ones too) of workspace tables that leave workspace_id out: in
// a distributed database each shard can only enforce a key that holds
// the distribution column.
func uniqueKeys(ctx context.Context, q Querier, tables map[string]*column) ([]string, error) {
	rows, err := q.Query(ctx, `
		SELECT t.relname, i.relname, x.indisprimary, x.indkey::int2[]
		FROM pg_index x
		JOIN pg_class i ON i.oid = x.indexrelid
		JOIN pg_class t ON t.oid = x.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema() AND x.indisunique AND t.relkind IN ('r', 'p')`)
	if err != nil {
		return nil, fmt.Errorf("sqlcheck: unique keys: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var table, index string
		var primary bool
		var cols []int16
		if err := rows.Scan(&table, &index, &primary, &cols); err != nil {
			return nil, err
		}
		c := tables[table]
		if _, ok := Exempt[table]; ok || c == nil || slices.Contains(cols, c.num) {
			continue // exempt, or already reported for lacking the column
		}
		what := "unique key"
		if primary {
			what = "primary key"
		}
		out = append(out, fmt.Sprintf("table %s: %s %s does not include workspace_id", table, what, index))
	}
	return out, rows.Err()
}

// foreignKeys reports foreign keys from a workspace table that do not
// match its workspace_id to the referenced table's (to the root's id):
// such a key can point into another workspace, and a distributed
// database cannot check it within one shard.
func foreignKeys(ctx context.Context, q Querier, tables map[string]*column) ([]string, error) {
	rows, err := q.Query(ctx, `
		SELECT t.relname, k.conname, r.relname, k.conkey, k.confkey
		FROM pg_constraint k
		JOIN pg_class t ON t.oid = k.conrelid
		JOIN pg_class r ON r.oid = k.confrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema() AND k.contype = 'f'`)
	if err != nil {
		return nil, fmt.Errorf("sqlcheck: foreign keys: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var table, name, ref string
		var from, to []int16
		if err := rows.Scan(&table, &name, &ref, &from, &to); err != nil {
			return nil, err
		}
		c, rc := tables[table], tables[ref]
		if _, ok := Exempt[table]; ok || c == nil {
			continue
		}
		if rc == nil {
			out = append(out, fmt.Sprintf("table %s: foreign key %s references %s, which has no workspace_id", table, name, ref))
			continue
		}
		matched := false
		for i := range from {
			matched = matched || from[i] == c.num && i < len(to) && to[i] == rc.num
		}
		if !matched {
			want := "workspace_id"
			if ref == Root {
				want = "id"
			}
			out = append(out, fmt.Sprintf("table %s: foreign key %s to %s does not match workspace_id to its %s",
				table, name, ref, want))
		}
	}
	return out, rows.Err()
}
