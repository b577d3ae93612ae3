// Package sqlcheck holds the checks that keep referbot ready to be
// distributed by workspace (docs/distributed.md):
//
//   - schema.go: Schema reads a migrated database's catalog and reports
//     every table without workspace_id, every primary or unique key (or
//     unique index) without it, and every foreign key between workspace
//     tables that does not carry it;
//   - query.go: Statement reads one SQL statement and reports every scan of
//     a workspace table that no workspace_id predicate confines, and every
//     join to one that is not on workspace_id;
//   - tracer.go: Tracer applies Statement to every statement a pgx pool
//     runs, so the tests that use internal/testenv check every query the
//     product sends.
//
// Test support only: imported by tests and test helpers, never by the bot.
package sqlcheck
