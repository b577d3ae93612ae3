-- 016_stats_rollups: figures whose cost follows the work, not the history.
--
-- stats_rollups keeps, per workspace, subject and calendar month (UTC),
-- the sums the stats are made of, so a summary reads a few rows per month
-- instead of every referral ever made. docs/rollups.md explains the design;
-- in short:
--
--   subject   0 for the whole network, else a member (a party of the referral)
--   bucket    the UTC month of created_at (measure 1, the cohort) or of
--             closed_at (measure 2, a won deal); '-infinity' is the
--             all-time row of the same sums (for `who` and "all time")
--   role      bits: 1 gave (referrer), 2 received (receiver), 4 co-owner;
--             for the network: 1 always, and 2 when it has a receiver
--             (measure 1) or always (measure 2: the network's revenue)
--   status    the referral's stage (measure 1 only)
--   currency  as stored on the referral ('' = DefaultCurrency, applied when
--             read, as the direct queries do)
--   private   a party keeps amounts private (referrals.amounts_private):
--             kept apart, so a reader leaves them out or counts them as
--             private (core/visibility.go)
--   shard     network rows only: the writer's backend pid modulo 8, so that
--             concurrent referrals of one workspace add to different rows
--             and never queue on one row lock (sums are additive; a row
--             may go negative, the sum over shards never does)
--
-- A trigger keeps the rows current in the same transaction as every write
-- to referrals, whatever the code path (insert, claim, status, correction,
-- undo, reassignment, a member making amounts private): each write takes
-- the old row's contribution away and adds the new one's.

-- A party's amounts_private setting, kept on the referral so that the
-- rollup can move a referral between private and not in the same
-- transaction as the change, under the referral's row lock.
ALTER TABLE referrals ADD COLUMN amounts_private boolean NOT NULL DEFAULT false;
UPDATE referrals r SET amounts_private = true
WHERE EXISTS (SELECT 1 FROM members pm WHERE pm.workspace_id = r.workspace_id
    AND pm.id IN (r.referrer_id, r.receiver_id, r.co_owner_id) AND pm.amounts_private);

CREATE FUNCTION referrals_amounts_private() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.amounts_private := EXISTS (SELECT 1 FROM members pm WHERE pm.workspace_id = NEW.workspace_id
        AND pm.id IN (NEW.referrer_id, NEW.receiver_id, NEW.co_owner_id) AND pm.amounts_private);
    RETURN NEW;
END;
$$;
CREATE TRIGGER referrals_amounts_private
    BEFORE INSERT OR UPDATE OF referrer_id, receiver_id, co_owner_id, amounts_private ON referrals
    FOR EACH ROW EXECUTE FUNCTION referrals_amounts_private();

-- A member changing the setting moves their referrals (the BEFORE trigger
-- above reads the setting again; the rollup trigger below moves the sums).
CREATE FUNCTION members_amounts_private() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE referrals SET amounts_private = NOT amounts_private
    WHERE workspace_id = NEW.workspace_id AND NEW.id IN (referrer_id, receiver_id, co_owner_id);
    RETURN NULL;
END;
$$;
CREATE TRIGGER members_amounts_private
    AFTER UPDATE OF amounts_private ON members
    FOR EACH ROW WHEN (OLD.amounts_private IS DISTINCT FROM NEW.amounts_private)
    EXECUTE FUNCTION members_amounts_private();

CREATE TABLE stats_rollups (
    workspace_id bigint NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    subject      bigint NOT NULL,       -- 0 = the network, else a member id
    measure      smallint NOT NULL,     -- 1 created (cohort), 2 won
    bucket       timestamptz NOT NULL,  -- UTC month start, or '-infinity' (all time)
    role         smallint NOT NULL,
    status       text NOT NULL,
    currency     text NOT NULL,
    private      boolean NOT NULL,
    shard        smallint NOT NULL,
    n            bigint NOT NULL,       -- referrals (measure 1) or deals (2)
    n_amount     bigint NOT NULL,       -- of which with an amount (estimate > 0; every deal)
    cents        bigint NOT NULL,       -- estimates (1) or won values (2), minor units
    PRIMARY KEY (workspace_id, subject, measure, bucket, role, status, currency, private, shard)
);
-- The network's breakdown and `who` read every member's rows of some
-- months (or all time), not every month of some members.
CREATE INDEX stats_rollups_bucket_idx ON stats_rollups (workspace_id, bucket);

-- stats_rollup_facts is what one referral adds to the rollups (sign 1) or
-- takes away (sign -1): per subject (the network, each party once, with
-- the bits of its roles), per measure (created; won) and per bucket (its
-- month; all time). Readers use it too, on the few referrals at a
-- period's edges, so both sides count a referral the same way. One plain
-- SELECT, so that the planner inlines it into the statement that calls it.
CREATE FUNCTION stats_rollup_facts(r referrals, sign int)
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

-- referrals_stats_rollup moves one referral's facts, old out and new in, in
-- one statement.
CREATE FUNCTION referrals_stats_rollup() RETURNS trigger
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
    -- a workspace being deleted takes its rollups with it
    WHERE TG_OP <> 'DELETE' OR EXISTS (SELECT 1 FROM workspaces w WHERE w.id = OLD.workspace_id)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    HAVING sum(f.n) <> 0 OR sum(f.n_amount) <> 0 OR sum(f.cents) <> 0
    -- In key order: concurrent referrals of a workspace (they don't queue
    -- on anything else) lock the rows they share in the same order, so one
    -- waits for the other rather than deadlock.
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    ON CONFLICT (workspace_id, subject, measure, bucket, role, status, currency, private, shard) DO UPDATE
    SET n = s.n + EXCLUDED.n, n_amount = s.n_amount + EXCLUDED.n_amount, cents = s.cents + EXCLUDED.cents;
    RETURN NULL;
END;
$$;
CREATE TRIGGER referrals_stats_rollup_insert
    AFTER INSERT OR DELETE ON referrals
    FOR EACH ROW EXECUTE FUNCTION referrals_stats_rollup();
-- Only the columns the figures read: notes, fees and reminders cost nothing.
CREATE TRIGGER referrals_stats_rollup_update
    AFTER UPDATE ON referrals
    FOR EACH ROW WHEN ((OLD.status, OLD.referrer_id, OLD.receiver_id, OLD.co_owner_id, OLD.created_at,
        OLD.closed_at, OLD.estimate_cents, OLD.estimate_currency, OLD.won_value_cents, OLD.won_currency,
        OLD.amounts_private)
        IS DISTINCT FROM (NEW.status, NEW.referrer_id, NEW.receiver_id, NEW.co_owner_id, NEW.created_at,
        NEW.closed_at, NEW.estimate_cents, NEW.estimate_currency, NEW.won_value_cents, NEW.won_currency,
        NEW.amounts_private))
    EXECUTE FUNCTION referrals_stats_rollup();

-- stats_rollups_rebuild recomputes one workspace's rollups from its
-- referrals: for a bulk load that ran with triggers disabled (a seeder),
-- or to check the rollups against the referrals.
CREATE FUNCTION stats_rollups_rebuild(ws bigint) RETURNS void
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

-- Backfill.
SELECT stats_rollups_rebuild(id) FROM workspaces;

-- A member's referrals, newest first (list, and the stats' edges and
-- corrections for one member): these replace the indexes on the party
-- alone, which they cover.
CREATE INDEX referrals_referrer_created_idx ON referrals (workspace_id, referrer_id, created_at);
CREATE INDEX referrals_receiver_created_idx ON referrals (workspace_id, receiver_id, created_at);
CREATE INDEX referrals_co_owner_created_idx ON referrals (workspace_id, co_owner_id, created_at)
    WHERE co_owner_id IS NOT NULL;
DROP INDEX referrals_referrer_idx;
DROP INDEX referrals_receiver_idx;
DROP INDEX referrals_co_owner_idx;
-- Deals won in a period with what the median time to close reads, without
-- visiting the table (index-only scans).
CREATE INDEX referrals_won_close_idx ON referrals (workspace_id, closed_at)
    INCLUDE (created_at, referrer_id, receiver_id, co_owner_id) WHERE status = 'won';
DROP INDEX referrals_won_idx;
-- Private deals won in a period that were created before it (the stats'
-- "left out" count): few rows, read without the rest.
CREATE INDEX referrals_won_private_idx ON referrals (workspace_id, closed_at)
    WHERE status = 'won' AND amounts_private;
-- `who`: what each member received lately.
CREATE INDEX referrals_received_recent_idx ON referrals (workspace_id, (COALESCE(accepted_at, created_at)))
    INCLUDE (receiver_id) WHERE receiver_id IS NOT NULL;

---- create above / drop below ----

DROP INDEX IF EXISTS referrals_received_recent_idx;
DROP INDEX IF EXISTS referrals_won_private_idx;
CREATE INDEX IF NOT EXISTS referrals_won_idx ON referrals (workspace_id, closed_at) WHERE status = 'won';
DROP INDEX IF EXISTS referrals_won_close_idx;
CREATE INDEX IF NOT EXISTS referrals_referrer_idx ON referrals (workspace_id, referrer_id);
CREATE INDEX IF NOT EXISTS referrals_receiver_idx ON referrals (workspace_id, receiver_id);
CREATE INDEX IF NOT EXISTS referrals_co_owner_idx ON referrals (workspace_id, co_owner_id) WHERE co_owner_id IS NOT NULL;
DROP INDEX IF EXISTS referrals_co_owner_created_idx;
DROP INDEX IF EXISTS referrals_receiver_created_idx;
DROP INDEX IF EXISTS referrals_referrer_created_idx;
DROP TRIGGER IF EXISTS referrals_stats_rollup_update ON referrals;
DROP TRIGGER IF EXISTS referrals_stats_rollup_insert ON referrals;
DROP FUNCTION IF EXISTS referrals_stats_rollup();
DROP FUNCTION IF EXISTS stats_rollups_rebuild(bigint);
DROP FUNCTION IF EXISTS stats_rollup_facts(referrals, int);
DROP TABLE IF EXISTS stats_rollups;
DROP TRIGGER IF EXISTS members_amounts_private ON members;
DROP FUNCTION IF EXISTS members_amounts_private();
DROP TRIGGER IF EXISTS referrals_amounts_private ON referrals;
DROP FUNCTION IF EXISTS referrals_amounts_private();
ALTER TABLE referrals DROP COLUMN IF EXISTS amounts_private;
