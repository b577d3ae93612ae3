// Package plancheck holds the plan check (issue 15): a test that records
// every statement the product runs while a scenario drives every command,
// every scheduled job and the outbox's delivery over a seeded database,
// then EXPLAINs each with the arguments it ran with and fails on a
// sequential scan (or a scan of a whole index) of a big table: a query
// that would read a whole table once the network is BNI's size.
//
// The planner is told not to scan sequentially nor to join but by nested
// loop (enable_seqscan, enable_hashjoin, enable_mergejoin off), so a whole
// scan left in a plan means no index can serve the query at all, whatever
// the data's size; that lets `make test` run it on a small seed. Reads of
// a whole workspace's history (an index on workspace_id alone, in a table
// that keeps every year) are listed in the log, not failed: issue 15 moves
// those to rollups.
// A scan that is right (every workspace visited by the scheduler, say) is
// allowed by name in allowed, with the reason.
//
// It has no code of its own: only its tests, which may import bot, core,
// core/postgres and internal test support. Nothing imports it.
package plancheck
