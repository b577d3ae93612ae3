-- 029_pair_client_keys: repeat clients counted per referrer and receiver,
-- the keys of a same-client flag read alone, the leaderboard's tallies
-- per member and month, and each member's first win (issue 15).
--
-- The leaderboard counts repeat referrals of a client by the same referrer
-- to the same receiver once (core/leaderboard.go). It found them from the
-- keys the workspace has more than once (client_key_counts, migration
-- 023): every referral of a client anyone referred twice, though most of
-- those go to other people. pair_client_key_counts counts each key per
-- referrer and receiver (0: none yet), so that the repeats are the keys
-- counted twice or more there: a partial index holds only those, and a
-- read follows how many repeats there are, not the history.
--
-- The counts are kept by triggers of their own, from client_keys() of the
-- referral's client (not from referral_client_keys, whose trigger may run
-- before or after them): new referrals per statement, set-based, so a
-- statement inserting many counts each key once; a change of client or of
-- either party and a deletion per row. Counts change in key order, so
-- concurrent writes sharing keys wait for each other rather than deadlock.
CREATE TABLE pair_client_key_counts (
    workspace_id bigint NOT NULL,
    referrer_id  bigint NOT NULL,
    receiver_id  bigint NOT NULL,  -- 0: none yet
    key          text NOT NULL,
    n            bigint NOT NULL,
    PRIMARY KEY (workspace_id, referrer_id, receiver_id, key)
);
CREATE INDEX pair_client_key_counts_repeated_idx ON pair_client_key_counts (workspace_id, key, referrer_id, receiver_id)
    WHERE n > 1;

-- A same-client flag needs core.SameClientMin (3) referrals of a key:
-- flags read only the keys counted that often (core/postgres/flags.go).
CREATE INDEX client_key_counts_flagged_idx ON client_key_counts (workspace_id, key) WHERE n >= 3;

CREATE FUNCTION referrals_pair_client_keys_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO pair_client_key_counts AS c (workspace_id, referrer_id, receiver_id, key, n)
    SELECT x.workspace_id, x.referrer_id, x.receiver_id, x.k, count(*)
    FROM (SELECT DISTINCT r.workspace_id, r.id, r.referrer_id, COALESCE(r.receiver_id, 0) AS receiver_id, u.k
        FROM added r CROSS JOIN LATERAL unnest(client_keys(r.client_name, r.client_contact)) AS u (k)) x
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (workspace_id, referrer_id, receiver_id, key) DO UPDATE SET n = c.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;
CREATE TRIGGER referrals_pair_client_keys_insert
    AFTER INSERT ON referrals
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION referrals_pair_client_keys_added();

CREATE FUNCTION referrals_pair_client_keys() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    k text;
    left_ bigint;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        FOR k IN SELECT DISTINCT u.k FROM unnest(client_keys(OLD.client_name, OLD.client_contact)) AS u (k) ORDER BY 1
        LOOP
            UPDATE pair_client_key_counts SET n = n - 1
            WHERE workspace_id = OLD.workspace_id AND referrer_id = OLD.referrer_id
                AND receiver_id = COALESCE(OLD.receiver_id, 0) AND key = k
            RETURNING n INTO left_;
            IF left_ <= 0 THEN
                DELETE FROM pair_client_key_counts
                WHERE workspace_id = OLD.workspace_id AND referrer_id = OLD.referrer_id
                    AND receiver_id = COALESCE(OLD.receiver_id, 0) AND key = k AND n <= 0;
            END IF;
        END LOOP;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO pair_client_key_counts AS c (workspace_id, referrer_id, receiver_id, key, n)
        SELECT DISTINCT NEW.workspace_id, NEW.referrer_id, COALESCE(NEW.receiver_id, 0), u.k, 1::bigint
        FROM unnest(client_keys(NEW.client_name, NEW.client_contact)) AS u (k)
        ORDER BY 4
        ON CONFLICT (workspace_id, referrer_id, receiver_id, key) DO UPDATE SET n = c.n + 1;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER referrals_pair_client_keys_update
    AFTER UPDATE OF client_name, client_contact, referrer_id, receiver_id ON referrals
    FOR EACH ROW WHEN (OLD.client_name IS DISTINCT FROM NEW.client_name OR OLD.client_contact IS DISTINCT FROM NEW.client_contact
        OR OLD.referrer_id IS DISTINCT FROM NEW.referrer_id OR OLD.receiver_id IS DISTINCT FROM NEW.receiver_id)
    EXECUTE FUNCTION referrals_pair_client_keys();
CREATE TRIGGER referrals_pair_client_keys_delete
    AFTER DELETE ON referrals
    FOR EACH ROW EXECUTE FUNCTION referrals_pair_client_keys();

-- The referrals made before this migration, from their stored keys.
INSERT INTO pair_client_key_counts (workspace_id, referrer_id, receiver_id, key, n)
SELECT r.workspace_id, r.referrer_id, COALESCE(r.receiver_id, 0), k.key, count(*)
FROM referral_client_keys k JOIN referrals r ON r.workspace_id = k.workspace_id AND r.id = k.referral_id
GROUP BY 1, 2, 3, 4;
ANALYZE pair_client_key_counts;

-- The leaderboard's tallies (core/postgres/board.go): per member and UTC
-- month ('-infinity': all time), the referrals they gave (measure 1, by
-- created_at; with how many a partner has and how many of those are won,
-- for the never-converts flag) and the deals won from them whose value
-- they confirmed (measure 2, by closed_at, per currency, with that value). Counting them
-- from the referrals read every referral and every confirmed deal of the
-- period: 0.33 s and 0.44 s all time at 691,000 referrals. A period reads
-- its whole months here and the few referrals at its edges one by one
-- (core/postgres/coverage.go), through board_rollup_facts, so both sides
-- count a referral the same way. Rows are per member, so two writers meet
-- on a row only when they write for the same member; they lock rows in
-- key order and wait rather than deadlock.
CREATE TABLE board_rollups (
    workspace_id bigint NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    bucket       timestamptz NOT NULL,  -- UTC month start, or '-infinity' (all time)
    member_id    bigint NOT NULL,       -- the referrer
    measure      smallint NOT NULL,     -- 1 given, 2 won with the value confirmed
    currency     text NOT NULL,         -- measure 2: the won value's ('' unset); 1: ''
    n            bigint NOT NULL,
    cents        bigint NOT NULL,
    -- measure 1: of the n, those with a receiver, and of those the won
    -- ones (the never-converts flag, core/flags.go)
    to_partner     bigint NOT NULL DEFAULT 0,
    to_partner_won bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, bucket, member_id, measure, currency)
);

-- board_rollup_facts is what one referral adds to board_rollups (sign 1)
-- or takes away (-1). One plain SELECT: the planner inlines it.
CREATE FUNCTION board_rollup_facts(r referrals, sign int)
RETURNS TABLE (member_id bigint, measure smallint, bucket timestamptz, currency text, n bigint, cents bigint,
               to_partner bigint, to_partner_won bigint)
LANGUAGE sql STABLE AS $$
    SELECT r.referrer_id, m.measure,
        CASE WHEN a.all_time THEN '-infinity'::timestamptz
            WHEN m.measure = 1 THEN date_trunc('month', r.created_at, 'UTC')
            ELSE date_trunc('month', r.closed_at, 'UTC') END,
        CASE WHEN m.measure = 1 THEN '' ELSE COALESCE(r.won_currency, '') END,
        sign::bigint,
        (CASE WHEN m.measure = 1 THEN 0 ELSE COALESCE(r.won_value_cents, 0) END * sign)::bigint,
        (CASE WHEN m.measure = 1 AND r.receiver_id IS NOT NULL THEN sign ELSE 0 END)::bigint,
        (CASE WHEN m.measure = 1 AND r.receiver_id IS NOT NULL AND r.status = 'won' THEN sign ELSE 0 END)::bigint
    FROM (VALUES (1::smallint), (2::smallint)) AS m (measure)
    CROSS JOIN (VALUES (false), (true)) AS a (all_time)
    WHERE r.id IS NOT NULL AND (m.measure = 1
        OR (r.status = 'won' AND r.won_confirmation = 'confirmed' AND r.closed_at IS NOT NULL))
$$;

-- A referral's facts, old out and new in, in one statement: on insert
-- OLD is null and has none, on delete NEW.
CREATE FUNCTION referrals_board_rollups() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO board_rollups AS b (workspace_id, bucket, member_id, measure, currency, n, cents, to_partner, to_partner_won)
    SELECT COALESCE(NEW.workspace_id, OLD.workspace_id), f.bucket, f.member_id, f.measure, f.currency,
        sum(f.n), sum(f.cents), sum(f.to_partner), sum(f.to_partner_won)
    FROM (SELECT * FROM board_rollup_facts(OLD, -1) UNION ALL SELECT * FROM board_rollup_facts(NEW, 1)) f
    -- a workspace being deleted takes its rollups with it
    WHERE TG_OP <> 'DELETE' OR EXISTS (SELECT 1 FROM workspaces w WHERE w.id = OLD.workspace_id)
    GROUP BY 1, 2, 3, 4, 5
    HAVING sum(f.n) <> 0 OR sum(f.cents) <> 0 OR sum(f.to_partner) <> 0 OR sum(f.to_partner_won) <> 0
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (workspace_id, bucket, member_id, measure, currency) DO UPDATE
    SET n = b.n + EXCLUDED.n, cents = b.cents + EXCLUDED.cents,
        to_partner = b.to_partner + EXCLUDED.to_partner, to_partner_won = b.to_partner_won + EXCLUDED.to_partner_won;
    RETURN NULL;
END;
$$;
CREATE TRIGGER referrals_board_rollups_insert
    AFTER INSERT ON referrals
    FOR EACH ROW EXECUTE FUNCTION referrals_board_rollups();
CREATE TRIGGER referrals_board_rollups_update
    AFTER UPDATE OF referrer_id, receiver_id, created_at, status, won_confirmation, closed_at, won_currency, won_value_cents ON referrals
    FOR EACH ROW WHEN (OLD.referrer_id IS DISTINCT FROM NEW.referrer_id OR OLD.created_at IS DISTINCT FROM NEW.created_at
        OR (OLD.receiver_id IS NULL) <> (NEW.receiver_id IS NULL)
        OR OLD.status IS DISTINCT FROM NEW.status OR OLD.won_confirmation IS DISTINCT FROM NEW.won_confirmation
        OR OLD.closed_at IS DISTINCT FROM NEW.closed_at OR OLD.won_currency IS DISTINCT FROM NEW.won_currency
        OR OLD.won_value_cents IS DISTINCT FROM NEW.won_value_cents)
    EXECUTE FUNCTION referrals_board_rollups();
CREATE TRIGGER referrals_board_rollups_delete
    AFTER DELETE ON referrals
    FOR EACH ROW EXECUTE FUNCTION referrals_board_rollups();

-- A workspace's tallies from its referrals: the migration and a trusted
-- seed (which loads without triggers) use it.
CREATE FUNCTION board_rollups_rebuild(ws bigint) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM board_rollups WHERE workspace_id = ws;
    INSERT INTO board_rollups (workspace_id, bucket, member_id, measure, currency, n, cents, to_partner, to_partner_won)
    SELECT r.workspace_id, f.bucket, f.member_id, f.measure, f.currency, sum(f.n), sum(f.cents), sum(f.to_partner),
        sum(f.to_partner_won)
    FROM referrals r CROSS JOIN LATERAL board_rollup_facts(r, 1) f
    WHERE r.workspace_id = ws
    GROUP BY 1, 2, 3, 4, 5;
$$;
SELECT board_rollups_rebuild(id) FROM workspaces;
ANALYZE board_rollups;


-- Each member's first won deal whose value its referrer confirmed, given,
-- received or co-owned (the leaderboard's newcomers' first wins, core/
-- leaderboard.go). Found with three index probes a member (migration 020)
-- on every read, all time probed every member: 0.3–0.9 s at 12,190
-- members. Kept here instead, recomputed for a member (with those probes)
-- whenever one of their confirmed won deals comes, changes or goes: a
-- /refer (never a confirmed win) does nothing. The recomputation holds a
-- lock per member first and reads in a statement of its own, so that it
-- sees what the lock's previous holder committed.
CREATE TABLE member_first_wins (
    workspace_id bigint NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    member_id    bigint NOT NULL,
    referral_id  bigint NOT NULL,
    code         bigint NOT NULL,
    closed_at    timestamptz,       -- null only on a deal won before closing dates were kept
    gave         boolean NOT NULL,  -- they referred it (else received or co-owned it)
    PRIMARY KEY (workspace_id, member_id)
);

CREATE FUNCTION member_first_wins_refresh(ws bigint, member bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('first-win:' || ws || ':' || member, 0));
    WITH first AS (
        SELECT x.id, x.code, x.closed_at, x.gave
        FROM (
            (SELECT r.id, r.code, r.closed_at, true AS gave FROM referrals r
            WHERE r.workspace_id = ws AND r.referrer_id = member AND r.status = 'won' AND r.won_confirmation = 'confirmed'
            ORDER BY r.closed_at, r.id LIMIT 1)
            UNION ALL
            (SELECT r.id, r.code, r.closed_at, false FROM referrals r
            WHERE r.workspace_id = ws AND r.receiver_id = member AND r.status = 'won' AND r.won_confirmation = 'confirmed'
            ORDER BY r.closed_at, r.id LIMIT 1)
            UNION ALL
            (SELECT r.id, r.code, r.closed_at, false FROM referrals r
            WHERE r.workspace_id = ws AND r.co_owner_id = member AND r.status = 'won' AND r.won_confirmation = 'confirmed'
            ORDER BY r.closed_at, r.id LIMIT 1)
        ) x
        ORDER BY x.closed_at, x.id, x.gave DESC
        LIMIT 1
    ), gone AS (
        DELETE FROM member_first_wins f
        WHERE f.workspace_id = ws AND f.member_id = member AND NOT EXISTS (SELECT 1 FROM first)
    )
    INSERT INTO member_first_wins AS f (workspace_id, member_id, referral_id, code, closed_at, gave)
    SELECT ws, member, first.id, first.code, first.closed_at, first.gave FROM first
    ON CONFLICT (workspace_id, member_id) DO UPDATE SET referral_id = EXCLUDED.referral_id, code = EXCLUDED.code,
        closed_at = EXCLUDED.closed_at, gave = EXCLUDED.gave;
END;
$$;

-- Every party of the referral, before and after, in member order.
CREATE FUNCTION referrals_first_wins() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ws bigint := COALESCE(NEW.workspace_id, OLD.workspace_id);
    m bigint;
BEGIN
    -- a workspace being deleted takes its first wins with it
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM workspaces w WHERE w.id = ws) THEN
        RETURN NULL;
    END IF;
    FOR m IN SELECT DISTINCT u.id
        FROM unnest(ARRAY[OLD.referrer_id, OLD.receiver_id, OLD.co_owner_id, NEW.referrer_id, NEW.receiver_id, NEW.co_owner_id]) AS u (id)
        WHERE u.id IS NOT NULL ORDER BY 1
    LOOP
        PERFORM member_first_wins_refresh(ws, m);
    END LOOP;
    RETURN NULL;
END;
$$;
CREATE TRIGGER referrals_first_wins_insert
    AFTER INSERT ON referrals
    FOR EACH ROW WHEN (NEW.status = 'won' AND NEW.won_confirmation = 'confirmed')
    EXECUTE FUNCTION referrals_first_wins();
CREATE TRIGGER referrals_first_wins_update
    AFTER UPDATE OF status, won_confirmation, closed_at, referrer_id, receiver_id, co_owner_id ON referrals
    FOR EACH ROW WHEN (((OLD.status = 'won' AND OLD.won_confirmation = 'confirmed') OR (NEW.status = 'won' AND NEW.won_confirmation = 'confirmed'))
        AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.won_confirmation IS DISTINCT FROM NEW.won_confirmation
            OR OLD.closed_at IS DISTINCT FROM NEW.closed_at OR OLD.referrer_id IS DISTINCT FROM NEW.referrer_id
            OR OLD.receiver_id IS DISTINCT FROM NEW.receiver_id OR OLD.co_owner_id IS DISTINCT FROM NEW.co_owner_id))
    EXECUTE FUNCTION referrals_first_wins();
CREATE TRIGGER referrals_first_wins_delete
    AFTER DELETE ON referrals
    FOR EACH ROW WHEN (OLD.status = 'won' AND OLD.won_confirmation = 'confirmed')
    EXECUTE FUNCTION referrals_first_wins();

-- A workspace's first wins from its referrals, set-based: the migration
-- and a trusted seed (which loads without triggers) use it.
CREATE FUNCTION member_first_wins_rebuild(ws bigint) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM member_first_wins WHERE workspace_id = ws;
    INSERT INTO member_first_wins (workspace_id, member_id, referral_id, code, closed_at, gave)
    SELECT DISTINCT ON (p.member_id) ws, p.member_id, r.id, r.code, r.closed_at, p.gave
    FROM referrals r
    CROSS JOIN LATERAL (VALUES (r.referrer_id, true), (r.receiver_id, false), (r.co_owner_id, false)) AS p (member_id, gave)
    WHERE r.workspace_id = ws AND r.status = 'won' AND r.won_confirmation = 'confirmed' AND p.member_id IS NOT NULL
    ORDER BY p.member_id, r.closed_at, r.id, p.gave DESC;
$$;
SELECT member_first_wins_rebuild(id) FROM workspaces;
ANALYZE member_first_wins;

---- create above / drop below ----

-- (a trigger function's CASCADE drops its triggers)
DROP FUNCTION IF EXISTS referrals_first_wins() CASCADE;
DROP FUNCTION IF EXISTS member_first_wins_rebuild(bigint);
DROP FUNCTION IF EXISTS member_first_wins_refresh(bigint, bigint);
DROP TABLE IF EXISTS member_first_wins;
DROP FUNCTION IF EXISTS referrals_board_rollups() CASCADE;
DROP FUNCTION IF EXISTS board_rollups_rebuild(bigint);
DROP FUNCTION IF EXISTS board_rollup_facts(referrals, int);
DROP TABLE IF EXISTS board_rollups;
DROP FUNCTION IF EXISTS referrals_pair_client_keys() CASCADE;
DROP FUNCTION IF EXISTS referrals_pair_client_keys_added() CASCADE;
DROP INDEX IF EXISTS client_key_counts_flagged_idx;
DROP TABLE IF EXISTS pair_client_key_counts;
