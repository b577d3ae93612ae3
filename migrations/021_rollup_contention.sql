-- 021_rollup_contention: a referral's rollups no longer queue it behind
-- the other referrals of its receiver (issue 15, the hot path).
--
-- Every referral adds to its parties' rollup rows (migration 016), each
-- row locked until the referral commits: referrals to one receiver waited
-- for each other one by one. Member rows are now sharded by the writer's
-- backend, as network rows were: concurrent referrals add to different
-- rows and readers, who sum over shards, see the same figures.
--
-- The foreign keys to workspaces of the rollups and of the request keys
-- (one per command) go, as the others did in migration 014: each new row
-- share-locked its workspace's row, which every command of the workspace
-- then shared. Workspaces are never deleted; if one is, a trigger deletes
-- those rows.
ALTER TABLE stats_rollups DROP CONSTRAINT IF EXISTS stats_rollups_workspace_id_fkey;
ALTER TABLE inbound_requests DROP CONSTRAINT IF EXISTS inbound_requests_workspace_id_fkey;

-- Rollup rows are counters, updated in place by every referral: room left
-- on each page lets PostgreSQL keep the new version there (a HOT update,
-- no new entries in the two indexes).
ALTER TABLE stats_rollups SET (fillfactor = 50);

CREATE OR REPLACE FUNCTION workspaces_drop_keyless_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM stats_rollups WHERE workspace_id = OLD.id;
    DELETE FROM inbound_requests WHERE workspace_id = OLD.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER workspaces_drop_keyless_rows
    AFTER DELETE ON workspaces
    FOR EACH ROW EXECUTE FUNCTION workspaces_drop_keyless_rows();

-- The same statement as 016's, every row sharded: by the shard referbot
-- gives each connection of its pool (referbot.rollup_shard, set when it
-- connects: core/postgres/shards.go), so that its concurrent transactions
-- never share a row; by backend pid for other writers (psql, tests).
CREATE OR REPLACE FUNCTION referrals_stats_rollup() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    writer_shard smallint := COALESCE(NULLIF(current_setting('referbot.rollup_shard', true), '')::smallint,
        pg_backend_pid() % 8);
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- A new referral (every /refer): its own facts alone, each key once.
        INSERT INTO stats_rollups AS s (workspace_id, subject, measure, bucket, role, status, currency, private,
            shard, n, n_amount, cents)
        SELECT NEW.workspace_id, f.subject, f.measure, f.bucket, f.role, f.status, f.currency, f.private,
            writer_shard, f.n, f.n_amount, f.cents
        FROM stats_rollup_facts(NEW, 1) f
        ORDER BY 2, 3, 4, 5, 6, 7, 8
        ON CONFLICT (workspace_id, subject, measure, bucket, role, status, currency, private, shard) DO UPDATE
        SET n = s.n + EXCLUDED.n, n_amount = s.n_amount + EXCLUDED.n_amount, cents = s.cents + EXCLUDED.cents;
        RETURN NULL;
    END IF;
    INSERT INTO stats_rollups AS s (workspace_id, subject, measure, bucket, role, status, currency, private, shard,
        n, n_amount, cents)
    SELECT COALESCE(NEW.workspace_id, OLD.workspace_id), f.subject, f.measure, f.bucket, f.role, f.status,
        f.currency, f.private, writer_shard, sum(f.n), sum(f.n_amount), sum(f.cents)
    FROM (SELECT * FROM stats_rollup_facts(OLD, -1) UNION ALL SELECT * FROM stats_rollup_facts(NEW, 1)) f
    -- a workspace being deleted takes its rollups with it
    WHERE TG_OP <> 'DELETE' OR EXISTS (SELECT 1 FROM workspaces w WHERE w.id = OLD.workspace_id)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    HAVING sum(f.n) <> 0 OR sum(f.n_amount) <> 0 OR sum(f.cents) <> 0
    -- In key order: transactions that share rows lock them in the same
    -- order, so one waits for the other rather than deadlock.
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    ON CONFLICT (workspace_id, subject, measure, bucket, role, status, currency, private, shard) DO UPDATE
    SET n = s.n + EXCLUDED.n, n_amount = s.n_amount + EXCLUDED.n_amount, cents = s.cents + EXCLUDED.cents;
    RETURN NULL;
END;
$$;

---- create above / drop below ----

CREATE OR REPLACE FUNCTION referrals_stats_rollup() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    writer_shard smallint := pg_backend_pid() % 8;
BEGIN
    INSERT INTO stats_rollups AS s (workspace_id, subject, measure, bucket, role, status, currency, private, shard,
        n, n_amount, cents)
    SELECT COALESCE(NEW.workspace_id, OLD.workspace_id), f.subject, f.measure, f.bucket, f.role, f.status,
        f.currency, f.private, CASE WHEN f.subject = 0 THEN writer_shard ELSE 0 END,
        sum(f.n), sum(f.n_amount), sum(f.cents)
    FROM (SELECT * FROM stats_rollup_facts(OLD, -1) UNION ALL SELECT * FROM stats_rollup_facts(NEW, 1)) f
    WHERE TG_OP <> 'DELETE' OR EXISTS (SELECT 1 FROM workspaces w WHERE w.id = OLD.workspace_id)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    HAVING sum(f.n) <> 0 OR sum(f.n_amount) <> 0 OR sum(f.cents) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    ON CONFLICT (workspace_id, subject, measure, bucket, role, status, currency, private, shard) DO UPDATE
    SET n = s.n + EXCLUDED.n, n_amount = s.n_amount + EXCLUDED.n_amount, cents = s.cents + EXCLUDED.cents;
    RETURN NULL;
END;
$$;
ALTER TABLE stats_rollups RESET (fillfactor);
DROP TRIGGER IF EXISTS workspaces_drop_keyless_rows ON workspaces;
DROP FUNCTION IF EXISTS workspaces_drop_keyless_rows();
ALTER TABLE inbound_requests ADD CONSTRAINT inbound_requests_workspace_id_fkey
    FOREIGN KEY (workspace_id) REFERENCES workspaces ON DELETE CASCADE;
ALTER TABLE stats_rollups ADD CONSTRAINT stats_rollups_workspace_id_fkey
    FOREIGN KEY (workspace_id) REFERENCES workspaces ON DELETE CASCADE;
