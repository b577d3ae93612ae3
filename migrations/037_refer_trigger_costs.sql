-- 037_refer_trigger_costs: what the /refer insert triggers cost per
-- referral, cut without changing what they leave (issue 15, the hot path):
-- their statements are planned once per connection, not again and again,
-- and member_totals are written once per insert, not twice.
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

-- member_totals are written once per new referral, not twice through the
-- rollups: 033 keeps them as a mirror of stats_rollups, by statement
-- triggers on it, and the rollups' upsert fires both its insert and its
-- update trigger, each building an array of the rows and running
-- member_totals_add — two more upserts of member_totals a batch. The
-- referrals' insert trigger now adds to member_totals itself, giving
-- member_totals_add the very rollup rows it adds (same shard), and
-- tells the rollups' triggers so for the one statement
-- (referbot.totals_written, local to the transaction, set back at once).
-- Every other writer of the rollups is mirrored as before, and the sums
-- are the same by construction: the mirror adds what each rollup row
-- gained, which is the sum of the facts added.
CREATE OR REPLACE FUNCTION referrals_stats_rollup_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    writer_shard smallint := COALESCE(NULLIF(current_setting('referbot.rollup_shard', true), '')::smallint,
        pg_backend_pid() % 8);
BEGIN
    PERFORM set_config('referbot.totals_written', 'on', true);
    WITH pairs AS (
        INSERT INTO pair_rollups AS p (workspace_id, bucket, referrer_id, receiver_id, shard, n, won)
        SELECT r.workspace_id, f.bucket, f.referrer_id, f.receiver_id, writer_shard, sum(f.n), sum(f.won)
        FROM inserted r CROSS JOIN LATERAL pair_rollup_facts(r::referrals, 1) f
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (workspace_id, bucket, referrer_id, receiver_id, shard) DO UPDATE
        SET n = p.n + EXCLUDED.n, won = p.won + EXCLUDED.won
    )
    INSERT INTO stats_rollups AS s (workspace_id, subject, measure, bucket, role, status, currency, private,
        shard, n, n_amount, cents)
    SELECT r.workspace_id, f.subject, f.measure, f.bucket, f.role, f.status, f.currency, f.private,
        writer_shard, sum(f.n), sum(f.n_amount), sum(f.cents)
    FROM inserted r CROSS JOIN LATERAL stats_rollup_facts(r::referrals, 1) f
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT (workspace_id, subject, measure, bucket, role, status, currency, private, shard) DO UPDATE
    SET n = s.n + EXCLUDED.n, n_amount = s.n_amount + EXCLUDED.n_amount, cents = s.cents + EXCLUDED.cents;
    PERFORM set_config('referbot.totals_written', '', true);
    -- the rollup rows just added, as the mirror would be given them
    PERFORM member_totals_add(ARRAY(
        SELECT ROW(r.workspace_id, s.subject, s.measure, s.bucket, s.role, s.status, s.currency, s.private,
            writer_shard, s.n, s.n_amount, s.cents)::stats_rollups
        FROM inserted r CROSS JOIN LATERAL stats_rollup_facts(r::referrals, 1) s
        WHERE s.subject <> 0 AND s.measure < 3), '{}');
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION stats_rollups_totals_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    rows stats_rollups[];
BEGIN
    IF current_setting('referbot.totals_written', true) = 'on' THEN
        RETURN NULL; -- the referrals' insert trigger wrote them
    END IF;
    rows := ARRAY(SELECT a FROM added a WHERE a.subject <> 0 AND a.measure < 3);
    IF cardinality(rows) > 0 THEN
        PERFORM member_totals_add(rows, '{}');
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION stats_rollups_totals_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    new_rows stats_rollups[];
    old_rows stats_rollups[];
BEGIN
    IF current_setting('referbot.totals_written', true) = 'on' THEN
        RETURN NULL; -- the referrals' insert trigger wrote them
    END IF;
    new_rows := ARRAY(SELECT a FROM added a WHERE a.subject <> 0 AND a.measure < 3);
    old_rows := ARRAY(SELECT r FROM removed r WHERE r.subject <> 0 AND r.measure < 3);
    IF cardinality(new_rows) + cardinality(old_rows) > 0 THEN
        PERFORM member_totals_add(new_rows, old_rows);
    END IF;
    RETURN NULL;
END;
$$;


-- The generic plans (above); set last, as CREATE OR REPLACE drops a function's SET.
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

-- 028's and 033's bodies again
CREATE OR REPLACE FUNCTION referrals_stats_rollup_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    writer_shard smallint := COALESCE(NULLIF(current_setting('referbot.rollup_shard', true), '')::smallint,
        pg_backend_pid() % 8);
BEGIN
    -- Each key once, in key order: transactions that share rows lock them
    -- in the same order, so one waits for the other rather than deadlock.
    WITH pairs AS (
        INSERT INTO pair_rollups AS p (workspace_id, bucket, referrer_id, receiver_id, shard, n, won)
        SELECT r.workspace_id, f.bucket, f.referrer_id, f.receiver_id, writer_shard, sum(f.n), sum(f.won)
        FROM inserted r CROSS JOIN LATERAL pair_rollup_facts(r::referrals, 1) f
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (workspace_id, bucket, referrer_id, receiver_id, shard) DO UPDATE
        SET n = p.n + EXCLUDED.n, won = p.won + EXCLUDED.won
    )
    INSERT INTO stats_rollups AS s (workspace_id, subject, measure, bucket, role, status, currency, private,
        shard, n, n_amount, cents)
    SELECT r.workspace_id, f.subject, f.measure, f.bucket, f.role, f.status, f.currency, f.private,
        writer_shard, sum(f.n), sum(f.n_amount), sum(f.cents)
    FROM inserted r CROSS JOIN LATERAL stats_rollup_facts(r::referrals, 1) f
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT (workspace_id, subject, measure, bucket, role, status, currency, private, shard) DO UPDATE
    SET n = s.n + EXCLUDED.n, n_amount = s.n_amount + EXCLUDED.n_amount, cents = s.cents + EXCLUDED.cents;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION stats_rollups_totals_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    rows stats_rollups[] := ARRAY(SELECT a FROM added a WHERE a.subject <> 0 AND a.measure < 3);
BEGIN
    IF cardinality(rows) > 0 THEN
        PERFORM member_totals_add(rows, '{}');
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION stats_rollups_totals_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    new_rows stats_rollups[] := ARRAY(SELECT a FROM added a WHERE a.subject <> 0 AND a.measure < 3);
    old_rows stats_rollups[] := ARRAY(SELECT r FROM removed r WHERE r.subject <> 0 AND r.measure < 3);
BEGIN
    IF cardinality(new_rows) + cardinality(old_rows) > 0 THEN
        PERFORM member_totals_add(new_rows, old_rows);
    END IF;
    RETURN NULL;
END;
$$;
