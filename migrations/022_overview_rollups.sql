-- 022_overview_rollups: the dashboard's funnel and who-referred-whom
-- graph from rollups, as the stats read them (issue 14, issue 15): their
-- cost follows the months of the period, not the referrals of the history.
--
-- The funnel counts a period's referrals by the furthest stage each
-- reached (core/overview.go); a lost one by the furthest stage its history
-- records (contacted, meeting, proposal; moves that were undone left out),
-- else taken on. That stage lives in referral_events, so a lost referral
-- keeps it on its row (funnel_reached), kept current by triggers: when it
-- becomes lost, and when an event of a lost referral adds or undoes a move.
-- The rollup trigger then counts lost referrals by that stage (measure 3,
-- network rows only) in the same transaction, like every other figure.
--
-- The graph counts referrals (and those won) per referrer and receiver
-- and cohort month (pair_rollups), and each member's referrals given and
-- received (those with a receiver) to choose the most active without
-- reading every pair; sharded per writer as stats_rollups is (migration
-- 021), written in the same statement as the stats rows.
--
-- docs/rollups.md explains the design.

-- The furthest of contacted (1), meeting (2), proposal (3) a lost
-- referral's history reached; NULL: none (taken on). Meaningless unless
-- status = 'lost'.
ALTER TABLE referrals ADD COLUMN funnel_reached smallint;

-- referral_funnel_reached is the funnel's rule read from the history: the
-- statement the dashboard ran for every lost referral of the period.
CREATE FUNCTION referral_funnel_reached(ws bigint, referral bigint) RETURNS smallint
LANGUAGE sql STABLE AS $$
    SELECT max(array_position(ARRAY['contacted', 'meeting', 'proposal'], e.to_status))::smallint
    FROM referral_events e
    WHERE e.workspace_id = ws AND e.referral_id = referral AND e.to_status IN ('contacted', 'meeting', 'proposal')
        AND NOT EXISTS (SELECT 1 FROM referral_events u WHERE u.workspace_id = ws AND u.undoes = e.id)
$$;

-- A referral becoming lost (or written as lost) reads its history once.
CREATE FUNCTION referrals_funnel_reached() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.funnel_reached := referral_funnel_reached(NEW.workspace_id, NEW.id);
    RETURN NEW;
END;
$$;
CREATE TRIGGER referrals_funnel_reached_insert
    BEFORE INSERT ON referrals
    FOR EACH ROW WHEN (NEW.status = 'lost')
    EXECUTE FUNCTION referrals_funnel_reached();
-- Only on the way in: while lost, the trigger on referral_events keeps it.
CREATE TRIGGER referrals_funnel_reached_update
    BEFORE UPDATE OF status ON referrals
    FOR EACH ROW WHEN (NEW.status = 'lost' AND OLD.status IS DISTINCT FROM 'lost')
    EXECUTE FUNCTION referrals_funnel_reached();

-- History is append-only (migration 001): a new move, or an undo, is the
-- only way a referral's furthest stage changes. Only lost referrals keep
-- it; the others (every move of the pipeline) match no row. Events a
-- /refer writes ('created': offered or open) don't fire it.
CREATE FUNCTION referral_events_funnel_reached() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE referrals r SET funnel_reached = referral_funnel_reached(r.workspace_id, r.id)
    WHERE r.workspace_id = NEW.workspace_id AND r.status = 'lost'
        AND r.id IN (NEW.referral_id, (SELECT u.referral_id FROM referral_events u
            WHERE u.workspace_id = NEW.workspace_id AND u.id = NEW.undoes))
        AND r.funnel_reached IS DISTINCT FROM referral_funnel_reached(r.workspace_id, r.id);
    RETURN NULL;
END;
$$;
CREATE TRIGGER referral_events_funnel_reached
    AFTER INSERT ON referral_events
    FOR EACH ROW WHEN (NEW.to_status IN ('contacted', 'meeting', 'proposal') OR NEW.undoes IS NOT NULL)
    EXECUTE FUNCTION referral_events_funnel_reached();

UPDATE referrals SET funnel_reached = referral_funnel_reached(workspace_id, id) WHERE status = 'lost';

-- The stats' thank-you latency (hours from acceptance to thanks) is read
-- from the thank-yous alone: each carries its referral's accepted_at, set
-- when it is written and whenever the referral's changes (a claim, an
-- undo), so the stats no longer look up each thank-you's referral.
ALTER TABLE thanks ADD COLUMN accepted_at timestamptz;
UPDATE thanks th SET accepted_at = r.accepted_at
FROM referrals r
WHERE r.workspace_id = th.workspace_id AND r.id = th.referral_id AND r.accepted_at IS NOT NULL;

CREATE FUNCTION thanks_accepted_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.accepted_at := (SELECT r.accepted_at FROM referrals r
        WHERE r.workspace_id = NEW.workspace_id AND r.id = NEW.referral_id);
    RETURN NEW;
END;
$$;
CREATE TRIGGER thanks_accepted_at
    BEFORE INSERT OR UPDATE OF workspace_id, referral_id, accepted_at ON thanks
    FOR EACH ROW EXECUTE FUNCTION thanks_accepted_at();

CREATE FUNCTION referrals_thanks_accepted_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE thanks SET accepted_at = NEW.accepted_at
    WHERE workspace_id = NEW.workspace_id AND referral_id = NEW.id AND accepted_at IS DISTINCT FROM NEW.accepted_at;
    RETURN NULL;
END;
$$;
CREATE TRIGGER referrals_thanks_accepted_at
    AFTER UPDATE OF accepted_at ON referrals
    FOR EACH ROW WHEN (OLD.accepted_at IS DISTINCT FROM NEW.accepted_at)
    EXECUTE FUNCTION referrals_thanks_accepted_at();

-- stats_rollup_facts as in 016, plus measure 3: a lost referral counted by
-- the furthest stage it reached (status: accepted, contacted, meeting or
-- proposal), for the network only, with no amounts. A new referral is never
-- lost: a /refer writes no more rows than before.
CREATE OR REPLACE FUNCTION stats_rollup_facts(r referrals, sign int)
RETURNS TABLE (subject bigint, measure smallint, bucket timestamptz, role smallint, status text,
               currency text, private boolean, n bigint, n_amount bigint, cents bigint)
LANGUAGE sql STABLE AS $$
    SELECT s.id, m.measure,
        CASE WHEN a.all_time THEN '-infinity'::timestamptz
            WHEN m.measure = 2 THEN date_trunc('month', r.closed_at, 'UTC')
            ELSE date_trunc('month', r.created_at, 'UTC') END,
        CASE WHEN s.id <> 0 THEN s.role
            WHEN m.measure = 2 THEN 2::smallint
            WHEN m.measure = 3 THEN 1::smallint
            WHEN r.receiver_id IS NOT NULL THEN 3::smallint
            ELSE 1::smallint END,
        CASE m.measure WHEN 1 THEN r.status
            WHEN 3 THEN COALESCE((ARRAY['contacted', 'meeting', 'proposal'])[r.funnel_reached], 'accepted')
            ELSE '' END,
        CASE m.measure WHEN 1 THEN r.estimate_currency WHEN 2 THEN COALESCE(r.won_currency, '') ELSE '' END,
        r.amounts_private AND m.measure <> 3,
        sign::bigint,
        (CASE WHEN m.measure = 2 OR (m.measure = 1 AND r.estimate_cents > 0) THEN sign ELSE 0 END)::bigint,
        (CASE m.measure WHEN 1 THEN r.estimate_cents WHEN 2 THEN COALESCE(r.won_value_cents, 0) ELSE 0 END
            * sign)::bigint
    FROM (VALUES
        (0::bigint, 0::smallint),
        (r.referrer_id, (1 | CASE WHEN r.receiver_id = r.referrer_id THEN 2 ELSE 0 END
            | CASE WHEN r.co_owner_id = r.referrer_id THEN 4 ELSE 0 END)::smallint),
        (CASE WHEN r.receiver_id <> r.referrer_id THEN r.receiver_id END,
            (2 | CASE WHEN r.co_owner_id = r.receiver_id THEN 4 ELSE 0 END)::smallint),
        (CASE WHEN r.co_owner_id <> r.referrer_id AND r.co_owner_id IS DISTINCT FROM r.receiver_id
            THEN r.co_owner_id END, 4::smallint)
    ) AS s (id, role)
    CROSS JOIN (VALUES (1::smallint), (2::smallint), (3::smallint)) AS m (measure)
    CROSS JOIN (VALUES (false), (true)) AS a (all_time)
    WHERE r.id IS NOT NULL AND s.id IS NOT NULL
        AND (m.measure = 1 OR (m.measure = 2 AND r.status = 'won' AND r.closed_at IS NOT NULL)
            OR (m.measure = 3 AND s.id = 0 AND r.status = 'lost'))
$$;

-- Who referred whom: per referrer, receiver and UTC month of created_at
-- ('-infinity': all time), the referrals and how many of them are won;
-- with receiver 0, what the referrer gave (to anyone), with referrer 0,
-- what the receiver received (member ids start at 1). Sharded per writer
-- and summed by readers, as stats_rollups.
CREATE TABLE pair_rollups (
    workspace_id bigint NOT NULL,
    bucket       timestamptz NOT NULL,  -- UTC month start, or '-infinity' (all time)
    referrer_id  bigint NOT NULL,       -- 0: any
    receiver_id  bigint NOT NULL,       -- 0: any
    shard        smallint NOT NULL,
    n            bigint NOT NULL,       -- referrals
    won          bigint NOT NULL,       -- of which won
    PRIMARY KEY (workspace_id, bucket, referrer_id, receiver_id, shard)
) WITH (fillfactor = 50);
-- The members' rows alone: the graph ranks members from these, then reads
-- the pairs of the few it keeps.
CREATE INDEX pair_rollups_members_idx ON pair_rollups (workspace_id, bucket)
    WHERE referrer_id = 0 OR receiver_id = 0;

-- pair_rollup_facts is what one referral adds to pair_rollups (sign 1) or
-- takes away (-1) when it has a receiver: its pair and each side's row,
-- for its month and all time. The trigger, the rebuild and the readers (a
-- period's edges) share it.
CREATE FUNCTION pair_rollup_facts(r referrals, sign int)
RETURNS TABLE (bucket timestamptz, referrer_id bigint, receiver_id bigint, n bigint, won bigint)
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN a.all_time THEN '-infinity'::timestamptz ELSE date_trunc('month', r.created_at, 'UTC') END,
        p.referrer_id, p.receiver_id, sign::bigint, (CASE WHEN r.status = 'won' THEN sign ELSE 0 END)::bigint
    FROM (VALUES (false), (true)) AS a (all_time)
    CROSS JOIN (VALUES (r.referrer_id, r.receiver_id), (r.referrer_id, 0::bigint), (0::bigint, r.receiver_id))
        AS p (referrer_id, receiver_id)
    WHERE r.id IS NOT NULL AND r.receiver_id IS NOT NULL
$$;

-- The trigger of 021, writing the pair rows in the same statement (a
-- data-modifying WITH) before the stats rows, each set in key order.
CREATE OR REPLACE FUNCTION referrals_stats_rollup() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    writer_shard smallint := COALESCE(NULLIF(current_setting('referbot.rollup_shard', true), '')::smallint,
        pg_backend_pid() % 8);
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- A new referral (every /refer): its own facts alone, each key once.
        WITH pairs AS (
            INSERT INTO pair_rollups AS p (workspace_id, bucket, referrer_id, receiver_id, shard, n, won)
            SELECT NEW.workspace_id, f.bucket, f.referrer_id, f.receiver_id, writer_shard, f.n, f.won
            FROM pair_rollup_facts(NEW, 1) f
            ORDER BY 2, 3, 4
            ON CONFLICT (workspace_id, bucket, referrer_id, receiver_id, shard) DO UPDATE
            SET n = p.n + EXCLUDED.n, won = p.won + EXCLUDED.won
        )
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
    -- a workspace being deleted takes its rollups with it
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM workspaces w WHERE w.id = OLD.workspace_id) THEN
        RETURN NULL;
    END IF;
    WITH pairs AS (
        INSERT INTO pair_rollups AS p (workspace_id, bucket, referrer_id, receiver_id, shard, n, won)
        SELECT COALESCE(NEW.workspace_id, OLD.workspace_id), f.bucket, f.referrer_id, f.receiver_id, writer_shard,
            sum(f.n), sum(f.won)
        FROM (SELECT * FROM pair_rollup_facts(OLD, -1) UNION ALL SELECT * FROM pair_rollup_facts(NEW, 1)) f
        GROUP BY 1, 2, 3, 4, 5
        HAVING sum(f.n) <> 0 OR sum(f.won) <> 0
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (workspace_id, bucket, referrer_id, receiver_id, shard) DO UPDATE
        SET n = p.n + EXCLUDED.n, won = p.won + EXCLUDED.won
    )
    INSERT INTO stats_rollups AS s (workspace_id, subject, measure, bucket, role, status, currency, private, shard,
        n, n_amount, cents)
    SELECT COALESCE(NEW.workspace_id, OLD.workspace_id), f.subject, f.measure, f.bucket, f.role, f.status,
        f.currency, f.private, writer_shard, sum(f.n), sum(f.n_amount), sum(f.cents)
    FROM (SELECT * FROM stats_rollup_facts(OLD, -1) UNION ALL SELECT * FROM stats_rollup_facts(NEW, 1)) f
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

-- The update trigger also fires when a lost referral's furthest stage
-- changes (referral_events_funnel_reached).
DROP TRIGGER referrals_stats_rollup_update ON referrals;
CREATE TRIGGER referrals_stats_rollup_update
    AFTER UPDATE ON referrals
    FOR EACH ROW WHEN ((OLD.status, OLD.referrer_id, OLD.receiver_id, OLD.co_owner_id, OLD.created_at,
        OLD.closed_at, OLD.estimate_cents, OLD.estimate_currency, OLD.won_value_cents, OLD.won_currency,
        OLD.amounts_private, OLD.funnel_reached)
        IS DISTINCT FROM (NEW.status, NEW.referrer_id, NEW.receiver_id, NEW.co_owner_id, NEW.created_at,
        NEW.closed_at, NEW.estimate_cents, NEW.estimate_currency, NEW.won_value_cents, NEW.won_currency,
        NEW.amounts_private, NEW.funnel_reached))
    EXECUTE FUNCTION referrals_stats_rollup();

-- The rebuild (a load without triggers, or a check) reads each lost
-- referral's history again, each thank-you's referral's accepted_at, and
-- fills both tables.
CREATE OR REPLACE FUNCTION stats_rollups_rebuild(ws bigint) RETURNS void
LANGUAGE sql AS $$
    UPDATE referrals SET funnel_reached = referral_funnel_reached(workspace_id, id)
    WHERE workspace_id = ws AND status = 'lost'
        AND funnel_reached IS DISTINCT FROM referral_funnel_reached(workspace_id, id);
    UPDATE thanks th SET accepted_at = r.accepted_at
    FROM referrals r
    WHERE th.workspace_id = ws AND r.workspace_id = ws AND r.id = th.referral_id
        AND th.accepted_at IS DISTINCT FROM r.accepted_at;
    DELETE FROM stats_rollups WHERE workspace_id = ws;
    INSERT INTO stats_rollups (workspace_id, subject, measure, bucket, role, status, currency, private, shard,
        n, n_amount, cents)
    SELECT ws, f.subject, f.measure, f.bucket, f.role, f.status, f.currency, f.private, 0,
        sum(f.n), sum(f.n_amount), sum(f.cents)
    FROM referrals r CROSS JOIN LATERAL stats_rollup_facts(r, 1) f
    WHERE r.workspace_id = ws
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
    DELETE FROM pair_rollups WHERE workspace_id = ws;
    INSERT INTO pair_rollups (workspace_id, bucket, referrer_id, receiver_id, shard, n, won)
    SELECT ws, f.bucket, f.referrer_id, f.receiver_id, 0, sum(f.n), sum(f.won)
    FROM referrals r CROSS JOIN LATERAL pair_rollup_facts(r, 1) f
    WHERE r.workspace_id = ws
    GROUP BY 1, 2, 3, 4, 5;
$$;

-- Backfill: the lost referrals' funnel rows and every pair.
INSERT INTO stats_rollups (workspace_id, subject, measure, bucket, role, status, currency, private, shard,
    n, n_amount, cents)
SELECT r.workspace_id, f.subject, f.measure, f.bucket, f.role, f.status, f.currency, f.private, 0,
    sum(f.n), sum(f.n_amount), sum(f.cents)
FROM referrals r CROSS JOIN LATERAL stats_rollup_facts(r, 1) f
WHERE r.status = 'lost' AND f.measure = 3
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
ON CONFLICT (workspace_id, subject, measure, bucket, role, status, currency, private, shard) DO UPDATE
SET n = stats_rollups.n + EXCLUDED.n;
INSERT INTO pair_rollups (workspace_id, bucket, referrer_id, receiver_id, shard, n, won)
SELECT r.workspace_id, f.bucket, f.referrer_id, f.receiver_id, 0, sum(f.n), sum(f.won)
FROM referrals r CROSS JOIN LATERAL pair_rollup_facts(r, 1) f
GROUP BY 1, 2, 3, 4, 5;

-- rollups_compact folds one workspace's rollup rows of every writer's
-- shard into shard -1, which no writer uses: readers sum one row a key
-- (plus what was written since) however many connections wrote them — a
-- pool of 20 spreads each all-time row over up to 20 shards. Rows a writer
-- holds are skipped (SKIP LOCKED) and folded next time; the fold never
-- waits for a writer, and writers never lock shard -1, so neither can
-- deadlock the other. Rows that sum to nothing go. The nightly retention
-- job calls it (core/postgres/retention.go). Returns the rows folded.
CREATE FUNCTION rollups_compact(ws bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    folded bigint;
    pairs bigint;
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

CREATE OR REPLACE FUNCTION workspaces_drop_keyless_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM stats_rollups WHERE workspace_id = OLD.id;
    DELETE FROM pair_rollups WHERE workspace_id = OLD.id;
    DELETE FROM inbound_requests WHERE workspace_id = OLD.id;
    RETURN NULL;
END;
$$;

---- create above / drop below ----

CREATE OR REPLACE FUNCTION workspaces_drop_keyless_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM stats_rollups WHERE workspace_id = OLD.id;
    DELETE FROM inbound_requests WHERE workspace_id = OLD.id;
    RETURN NULL;
END;
$$;
DROP FUNCTION IF EXISTS rollups_compact(bigint);
DELETE FROM stats_rollups WHERE measure = 3;
CREATE OR REPLACE FUNCTION stats_rollups_rebuild(ws bigint) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM stats_rollups WHERE workspace_id = ws;
    INSERT INTO stats_rollups (workspace_id, subject, measure, bucket, role, status, currency, private, shard,
        n, n_amount, cents)
    SELECT ws, f.subject, f.measure, f.bucket, f.role, f.status, f.currency, f.private, 0,
        sum(f.n), sum(f.n_amount), sum(f.cents)
    FROM referrals r CROSS JOIN LATERAL stats_rollup_facts(r, 1) f
    WHERE r.workspace_id = ws
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
$$;
DROP TRIGGER referrals_stats_rollup_update ON referrals;
CREATE TRIGGER referrals_stats_rollup_update
    AFTER UPDATE ON referrals
    FOR EACH ROW WHEN ((OLD.status, OLD.referrer_id, OLD.receiver_id, OLD.co_owner_id, OLD.created_at,
        OLD.closed_at, OLD.estimate_cents, OLD.estimate_currency, OLD.won_value_cents, OLD.won_currency,
        OLD.amounts_private)
        IS DISTINCT FROM (NEW.status, NEW.referrer_id, NEW.receiver_id, NEW.co_owner_id, NEW.created_at,
        NEW.closed_at, NEW.estimate_cents, NEW.estimate_currency, NEW.won_value_cents, NEW.won_currency,
        NEW.amounts_private))
    EXECUTE FUNCTION referrals_stats_rollup();
CREATE OR REPLACE FUNCTION referrals_stats_rollup() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    writer_shard smallint := COALESCE(NULLIF(current_setting('referbot.rollup_shard', true), '')::smallint,
        pg_backend_pid() % 8);
BEGIN
    IF TG_OP = 'INSERT' THEN
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
    WHERE TG_OP <> 'DELETE' OR EXISTS (SELECT 1 FROM workspaces w WHERE w.id = OLD.workspace_id)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    HAVING sum(f.n) <> 0 OR sum(f.n_amount) <> 0 OR sum(f.cents) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    ON CONFLICT (workspace_id, subject, measure, bucket, role, status, currency, private, shard) DO UPDATE
    SET n = s.n + EXCLUDED.n, n_amount = s.n_amount + EXCLUDED.n_amount, cents = s.cents + EXCLUDED.cents;
    RETURN NULL;
END;
$$;
DROP FUNCTION IF EXISTS pair_rollup_facts(referrals, int);
DROP TABLE IF EXISTS pair_rollups;
CREATE OR REPLACE FUNCTION stats_rollup_facts(r referrals, sign int)
RETURNS TABLE (subject bigint, measure smallint, bucket timestamptz, role smallint, status text,
               currency text, private boolean, n bigint, n_amount bigint, cents bigint)
LANGUAGE sql STABLE AS $$
    SELECT s.id, m.measure,
        CASE WHEN a.all_time THEN '-infinity'::timestamptz
            WHEN m.measure = 1 THEN date_trunc('month', r.created_at, 'UTC')
            ELSE date_trunc('month', r.closed_at, 'UTC') END,
        CASE WHEN s.id <> 0 THEN s.role
            WHEN m.measure = 2 THEN 2::smallint
            WHEN r.receiver_id IS NOT NULL THEN 3::smallint
            ELSE 1::smallint END,
        CASE WHEN m.measure = 1 THEN r.status ELSE '' END,
        CASE WHEN m.measure = 1 THEN r.estimate_currency ELSE COALESCE(r.won_currency, '') END,
        r.amounts_private,
        sign::bigint,
        (CASE WHEN m.measure = 2 OR r.estimate_cents > 0 THEN sign ELSE 0 END)::bigint,
        (CASE WHEN m.measure = 1 THEN r.estimate_cents ELSE COALESCE(r.won_value_cents, 0) END * sign)::bigint
    FROM (VALUES
        (0::bigint, 0::smallint),
        (r.referrer_id, (1 | CASE WHEN r.receiver_id = r.referrer_id THEN 2 ELSE 0 END
            | CASE WHEN r.co_owner_id = r.referrer_id THEN 4 ELSE 0 END)::smallint),
        (CASE WHEN r.receiver_id <> r.referrer_id THEN r.receiver_id END,
            (2 | CASE WHEN r.co_owner_id = r.receiver_id THEN 4 ELSE 0 END)::smallint),
        (CASE WHEN r.co_owner_id <> r.referrer_id AND r.co_owner_id IS DISTINCT FROM r.receiver_id
            THEN r.co_owner_id END, 4::smallint)
    ) AS s (id, role)
    CROSS JOIN (VALUES (1::smallint), (2::smallint)) AS m (measure)
    CROSS JOIN (VALUES (false), (true)) AS a (all_time)
    WHERE r.id IS NOT NULL AND s.id IS NOT NULL
        AND (m.measure = 1 OR (r.status = 'won' AND r.closed_at IS NOT NULL))
$$;
DROP TRIGGER IF EXISTS referrals_thanks_accepted_at ON referrals;
DROP FUNCTION IF EXISTS referrals_thanks_accepted_at();
DROP TRIGGER IF EXISTS thanks_accepted_at ON thanks;
DROP FUNCTION IF EXISTS thanks_accepted_at();
ALTER TABLE thanks DROP COLUMN IF EXISTS accepted_at;
DROP TRIGGER IF EXISTS referral_events_funnel_reached ON referral_events;
DROP FUNCTION IF EXISTS referral_events_funnel_reached();
DROP TRIGGER IF EXISTS referrals_funnel_reached_update ON referrals;
DROP TRIGGER IF EXISTS referrals_funnel_reached_insert ON referrals;
DROP FUNCTION IF EXISTS referrals_funnel_reached();
DROP FUNCTION IF EXISTS referral_funnel_reached(bigint, bigint);
ALTER TABLE referrals DROP COLUMN IF EXISTS funnel_reached;
