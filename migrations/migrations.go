package migrations

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/tern/v2/migrate"
)

// FS holds the migration files.
//
//go:embed *.sql
var FS embed.FS

// VersionTable records how far the schema has been migrated.
const VersionTable = "schema_version"

// Migrate brings the database conn is connected to up to the latest schema.
// It is safe to call from several processes at once.
func Migrate(ctx context.Context, conn *pgx.Conn) error { return MigrateTo(ctx, conn, -1) }

// MigrateTo brings the database to the given schema version (up or
// down); -1 is the latest. Tests of a data migration start from the
// version before it.
func MigrateTo(ctx context.Context, conn *pgx.Conn, version int32) error {
	m, err := migrate.NewMigrator(ctx, conn, VersionTable)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if err := m.LoadMigrations(FS); err != nil {
		return fmt.Errorf("migrations: load: %w", err)
	}
	if version < 0 {
		err = m.Migrate(ctx)
	} else {
		err = m.MigrateTo(ctx, version)
	}
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	return nil
}

// MigrateURL connects to the database at url, migrates it and disconnects.
func MigrateURL(ctx context.Context, url string) error { return MigrateURLTo(ctx, url, -1) }

// MigrateURLTo is MigrateTo over a connection of its own to url.
func MigrateURLTo(ctx context.Context, url string, version int32) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("migrations: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	return MigrateTo(ctx, conn, version)
}
