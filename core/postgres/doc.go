// Package postgres implements core.Store on PostgreSQL with pgx/v5. It is
// the only place in referbot with SQL.
//
// Every operation of core runs in one READ COMMITTED transaction (InTx);
// notices the operation causes are written to the outbox table in that same
// transaction. pipeline.go spares round trips: BEGIN and writes nobody
// reads an answer of travel with the next statement read, or with COMMIT.
// codes.go hands out referral codes in blocks taken outside the
// transaction, so referrals of a workspace don't wait for each other;
// settingscache.go decodes a workspace's settings once per stored JSON. The one exception is Purge, the retention pass: it deletes
// old rows in bounded batches, each committed on its own, so it never holds
// a long transaction. Every statement is scoped by workspace_id and joins
// on (workspace_id, id); the few that read across workspaces on purpose
// say so in a comment ("-- across workspaces (table): why"), which the
// query check of internal/sqlcheck reads (docs/distributed.md). Every key
// starts with workspace_id, and the composite foreign keys keep rows from
// pointing across workspaces: an id from another workspace is simply not
// found.
//
// The scheduled jobs' queries (due.go) read many workspaces at once, each
// through a bounded range scan of a partial index over its time window,
// in shapes whose plans don't flip when statistics are stale (see there).
//
// Errors leave this package through one translation (translate): no rows
// becomes core.ENOTFOUND, a unique violation core.ECONFLICT, a foreign key
// or check violation core.EINVALID, each with a generic message that core
// rewrites where it matters. Anything else is an internal error whose
// details belong in the log.
//
// Stats (stats.go) read monthly sums from stats_rollups, which a trigger
// on referrals keeps current in the transaction of every write, whatever
// the code path; coverage.go splits a period into those months and the few
// referrals at its edges (docs/rollups.md). The overview's funnel and
// graph (overview.go) read the same way, from stats_rollups and
// pair_rollups; Purge also folds the rollups' shards (rollups_compact).
//
// Timestamps are the ones core passes (core runs on an injected clock);
// the database's now() only fills times core does not provide.
//
// Seed (seed*.go) loads a generated data set for benchmarks and the plan
// check with COPY: rows as the product writes them, ids given after the
// largest already there, the identity sequences moved past them after.
//
// This package imports core, migrations and pgx; nothing in referbot but
// cmd imports it.
package postgres
