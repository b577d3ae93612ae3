// Package migrations holds referbot's database schema as numbered SQL files
// (001_init.sql, 002_..., in jackc/tern's format) embedded in the binary,
// and applies them.
//
// Migrate runs at start-up and from `referbot migrate`. tern takes a
// PostgreSQL advisory lock around the run, so several replicas starting at
// once apply each migration exactly once.
//
// A migration that has landed is never edited: change the schema by adding
// the next number. tern evaluates each file as a text/template, so SQL here
// must not contain a double opening brace.
//
// This package imports only pgx and tern; core/postgres and the test
// harness call it.
package migrations
