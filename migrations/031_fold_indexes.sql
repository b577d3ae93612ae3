-- 031_fold_indexes: the nightly fold of the rollups finds what was
-- written since the last fold through an index, instead of reading every
-- rollup row of the workspace (issue 15: the retention job).
--
-- rollups_compact (022), which the retention job calls for each workspace,
-- and the job's probe of whether there is anything to fold, picked the
-- rows of writers' shards (shard <> -1) out of all the workspace's rollup
-- rows: shard is in no index. Each night read all 7.4 M rollup rows of the
-- BNI-scale set at least once, however little was written, and the fold
-- read a workspace's folded rows once more to drop those that summed to
-- nothing. Now the unfolded rows have partial indexes of their own (a
-- day's writes: small), and the fold drops rows that sum to nothing only
-- when it made one. Writers never change a row's shard, so their updates
-- of n and cents stay HOT.

CREATE INDEX IF NOT EXISTS stats_rollups_unfolded_idx ON stats_rollups (workspace_id) WHERE shard <> -1;
CREATE INDEX IF NOT EXISTS pair_rollups_unfolded_idx ON pair_rollups (workspace_id) WHERE shard <> -1;

-- As in 022, but the rows that sum to nothing are looked for among the
-- keys just folded into, and only if one of them came to nothing: before a
-- fold, shard -1 holds no such row (the fold is the only writer of shard
-- -1, and it drops them).
CREATE OR REPLACE FUNCTION rollups_compact(ws bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    folded bigint;
    pairs bigint;
    emptied bigint;
BEGIN
    -- one fold of a workspace at a time
    PERFORM pg_advisory_xact_lock(hashtextextended('rollups-compact:' || ws, 0));
    WITH moved AS (
        DELETE FROM stats_rollups s
        WHERE s.workspace_id = ws AND s.ctid = ANY (ARRAY(
            SELECT x.ctid FROM stats_rollups x WHERE x.workspace_id = ws AND x.shard <> -1 FOR UPDATE SKIP LOCKED))
        RETURNING s.*
    ), added AS (
        INSERT INTO stats_rollups AS s (workspace_id, subject, measure, bucket, role, status, currency, private,
            shard, n, n_amount, cents)
        SELECT ws, subject, measure, bucket, role, status, currency, private, -1, sum(n), sum(n_amount), sum(cents)
        FROM moved
        GROUP BY subject, measure, bucket, role, status, currency, private
        HAVING sum(n) <> 0 OR sum(n_amount) <> 0 OR sum(cents) <> 0
        ON CONFLICT (workspace_id, subject, measure, bucket, role, status, currency, private, shard) DO UPDATE
        SET n = s.n + EXCLUDED.n, n_amount = s.n_amount + EXCLUDED.n_amount, cents = s.cents + EXCLUDED.cents
        RETURNING s.n, s.n_amount, s.cents
    )
    SELECT (SELECT count(*) FROM moved), (SELECT count(*) FROM added WHERE n = 0 AND n_amount = 0 AND cents = 0)
    INTO folded, emptied;
    IF emptied > 0 THEN
        DELETE FROM stats_rollups WHERE workspace_id = ws AND shard = -1 AND n = 0 AND n_amount = 0 AND cents = 0;
    END IF;
    WITH moved AS (
        DELETE FROM pair_rollups p
        WHERE p.workspace_id = ws AND p.ctid = ANY (ARRAY(
            SELECT x.ctid FROM pair_rollups x WHERE x.workspace_id = ws AND x.shard <> -1 FOR UPDATE SKIP LOCKED))
        RETURNING p.*
    ), added AS (
        INSERT INTO pair_rollups AS p (workspace_id, bucket, referrer_id, receiver_id, shard, n, won)
        SELECT ws, bucket, referrer_id, receiver_id, -1, sum(n), sum(won)
        FROM moved
        GROUP BY bucket, referrer_id, receiver_id
        HAVING sum(n) <> 0 OR sum(won) <> 0
        ON CONFLICT (workspace_id, bucket, referrer_id, receiver_id, shard) DO UPDATE
        SET n = p.n + EXCLUDED.n, won = p.won + EXCLUDED.won
        RETURNING p.n, p.won
    )
    SELECT (SELECT count(*) FROM moved), (SELECT count(*) FROM added WHERE n = 0 AND won = 0)
    INTO pairs, emptied;
    IF emptied > 0 THEN
        DELETE FROM pair_rollups WHERE workspace_id = ws AND shard = -1 AND n = 0 AND won = 0;
    END IF;
    RETURN folded + pairs;
END;
$$;

---- create above / drop below ----

CREATE OR REPLACE FUNCTION rollups_compact(ws bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    folded bigint;
    pairs bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('rollups-compact:' || ws, 0));
    WITH moved AS (
        DELETE FROM stats_rollups s
        WHERE s.workspace_id = ws AND s.ctid = ANY (ARRAY(
            SELECT x.ctid FROM stats_rollups x WHERE x.workspace_id = ws AND x.shard <> -1 FOR UPDATE SKIP LOCKED))
        RETURNING s.*
    ), added AS (
        INSERT INTO stats_rollups AS s (workspace_id, subject, measure, bucket, role, status, currency, private,
            shard, n, n_amount, cents)
        SELECT ws, subject, measure, bucket, role, status, currency, private, -1, sum(n), sum(n_amount), sum(cents)
        FROM moved
        GROUP BY subject, measure, bucket, role, status, currency, private
        HAVING sum(n) <> 0 OR sum(n_amount) <> 0 OR sum(cents) <> 0
        ON CONFLICT (workspace_id, subject, measure, bucket, role, status, currency, private, shard) DO UPDATE
        SET n = s.n + EXCLUDED.n, n_amount = s.n_amount + EXCLUDED.n_amount, cents = s.cents + EXCLUDED.cents
    )
    SELECT count(*) INTO folded FROM moved;
    DELETE FROM stats_rollups WHERE workspace_id = ws AND shard = -1 AND n = 0 AND n_amount = 0 AND cents = 0;
    WITH moved AS (
        DELETE FROM pair_rollups p
        WHERE p.workspace_id = ws AND p.ctid = ANY (ARRAY(
            SELECT x.ctid FROM pair_rollups x WHERE x.workspace_id = ws AND x.shard <> -1 FOR UPDATE SKIP LOCKED))
        RETURNING p.*
    ), added AS (
        INSERT INTO pair_rollups AS p (workspace_id, bucket, referrer_id, receiver_id, shard, n, won)
        SELECT ws, bucket, referrer_id, receiver_id, -1, sum(n), sum(won)
        FROM moved
        GROUP BY bucket, referrer_id, receiver_id
        HAVING sum(n) <> 0 OR sum(won) <> 0
        ON CONFLICT (workspace_id, bucket, referrer_id, receiver_id, shard) DO UPDATE
        SET n = p.n + EXCLUDED.n, won = p.won + EXCLUDED.won
    )
    SELECT count(*) INTO pairs FROM moved;
    DELETE FROM pair_rollups WHERE workspace_id = ws AND shard = -1 AND n = 0 AND won = 0;
    RETURN folded + pairs;
END;
$$;
DROP INDEX IF EXISTS pair_rollups_unfolded_idx;
DROP INDEX IF EXISTS stats_rollups_unfolded_idx;
