package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/internal/pgtest"
	"github.com/referbot/referbot/migrations"
)

// connAtVersion returns a connection to a database of its own migrated
// up to version and no further (its URL too, to migrate the rest), for
// tests of what a later migration does to rows written before it.
func connAtVersion(t *testing.T, version int32) (*pgx.Conn, string) {
	t.Helper()
	ctx := context.Background()
	url := pgtest.NewDB(t, fmt.Sprintf("v%d", version), func(ctx context.Context, url string) error {
		return migrations.MigrateURLTo(ctx, url, version)
	})
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn, url
}
