package main

import (
	"context"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
)

// printSize prints the database's size and its biggest tables (with
// their indexes).
func printSize(ctx context.Context, url string, out io.Writer) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var total string
	if err := conn.QueryRow(ctx, `SELECT pg_size_pretty(pg_database_size(current_database()))`).Scan(&total); err != nil {
		return err
	}
	fmt.Fprintf(out, "database size %s; biggest tables (with indexes):\n", total)
	rows, err := conn.Query(ctx, `SELECT c.relname, c.reltuples::bigint, pg_size_pretty(pg_total_relation_size(c.oid))
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind = 'r'
		ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 8`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name, size string
		var n int64
		if err := rows.Scan(&name, &n, &size); err != nil {
			return err
		}
		fmt.Fprintf(out, "  %-18s %12d rows %10s\n", name, n, size)
	}
	return rows.Err()
}
