-- 037_generic_trigger_plans: the /refer triggers' statements are planned
-- once per connection, not again and again (issue 15, the hot path).
--
-- PL/pgSQL keeps a statement's plan for the session, but a statement with
-- a parameter (a variable such as the writer's shard, or the arrays
-- member_totals_add is given) gets a custom plan for its first five runs,
-- and again five times after every invalidation (each autoanalyze of a
-- table it reads), and keeps custom plans when the generic one looks
-- dearer. Under load (loadbench -statements) the rollups' insert
-- statement was planned in 6–11% of its runs at 4–17 ms a plan — more
-- than it took to run — and member_totals_add's in 8%. These statements
-- have one shape whatever their arguments: an aggregate of the
-- statement's own rows into an upsert, no join whose order depends on
-- how many rows come (no join of two transition tables: the update
-- triggers, which do join them, keep the default). Forcing the generic
-- plan cut their planning to 1–2% of runs (invalidations alone).

ALTER FUNCTION referrals_stats_rollup_inserted() SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION member_totals_add(stats_rollups[], stats_rollups[]) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION stats_rollups_totals_inserted() SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION stats_rollups_totals_updated() SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION stats_rollups_totals_deleted() SET plan_cache_mode = force_generic_plan;

---- create above / drop below ----

ALTER FUNCTION stats_rollups_totals_deleted() RESET plan_cache_mode;
ALTER FUNCTION stats_rollups_totals_updated() RESET plan_cache_mode;
ALTER FUNCTION stats_rollups_totals_inserted() RESET plan_cache_mode;
ALTER FUNCTION member_totals_add(stats_rollups[], stats_rollups[]) RESET plan_cache_mode;
ALTER FUNCTION referrals_stats_rollup_inserted() RESET plan_cache_mode;
