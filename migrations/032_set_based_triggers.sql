-- 032_set_based_triggers: the last per-referral insert triggers become
-- statement triggers (issue 15, the hot path).
--
-- `/refer` requests that arrive together are written by one INSERT
-- (core/refer_batch.go), and 028 made the stats and pair rollups' insert
-- trigger a statement trigger over the rows it inserted. Two insert
-- triggers still ran once per referral, each statement started and
-- planned again: the leaderboard's tallies (board_rollups, 029: two
-- upserts a referral, month and all time) and the client keys (023: the
-- referral's keys stored, each counted in client_key_counts). Both now
-- read the statement's new rows (a transition table) and write each key
-- once, summed, in key order — transactions that share rows lock them in
-- the same order, so one waits for the other rather than deadlock. The
-- facts are the same functions' (board_rollup_facts, client_keys), so one
-- referral or many, the rows left are those the row triggers left. The
-- client keys' trigger also counts them per pair, which 029's own insert
-- trigger did from client_keys() again.
-- The rollups' and tallies' update triggers follow (below); deletes, and
-- the updates of a client's keys, keep their row triggers.

CREATE FUNCTION referrals_board_rollups_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- an insert only adds (n = 1 a fact): no sum is ever zero
    INSERT INTO board_rollups AS b (workspace_id, bucket, member_id, measure, currency, n, cents, to_partner, to_partner_won)
    SELECT r.workspace_id, f.bucket, f.member_id, f.measure, f.currency,
        sum(f.n), sum(f.cents), sum(f.to_partner), sum(f.to_partner_won)
    FROM inserted r CROSS JOIN LATERAL board_rollup_facts(r::referrals, 1) f
    GROUP BY 1, 2, 3, 4, 5
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (workspace_id, bucket, member_id, measure, currency) DO UPDATE
    SET n = b.n + EXCLUDED.n, cents = b.cents + EXCLUDED.cents,
        to_partner = b.to_partner + EXCLUDED.to_partner, to_partner_won = b.to_partner_won + EXCLUDED.to_partner_won;
    RETURN NULL;
END;
$$;
DROP TRIGGER referrals_board_rollups_insert ON referrals;
CREATE TRIGGER referrals_board_rollups_insert
    AFTER INSERT ON referrals
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION referrals_board_rollups_inserted();

-- Each new referral's keys (once each) stored, counted per key, and
-- counted per referrer and receiver (pair_client_key_counts, which 029's
-- own statement trigger counted from client_keys() a second time): one
-- statement, each client's keys computed once. PostgreSQL runs a WITH's
-- inserts that nothing reads after the statement's own, so the counts
-- per key come first and then per pair, in the order the update and
-- delete row triggers (023's, then 029's) take them.
CREATE FUNCTION referrals_client_keys_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    WITH fresh AS (
        SELECT DISTINCT r.workspace_id, r.id, r.referrer_id, COALESCE(r.receiver_id, 0) AS receiver_id, u.k
        FROM added r CROSS JOIN LATERAL unnest(client_keys(r.client_name, r.client_contact)) AS u (k)
    ), stored AS (
        INSERT INTO referral_client_keys (workspace_id, referral_id, key)
        SELECT fresh.workspace_id, fresh.id, fresh.k FROM fresh
    ), paired AS (
        INSERT INTO pair_client_key_counts AS p (workspace_id, referrer_id, receiver_id, key, n)
        SELECT fresh.workspace_id, fresh.referrer_id, fresh.receiver_id, fresh.k, count(*) FROM fresh
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (workspace_id, referrer_id, receiver_id, key) DO UPDATE SET n = p.n + EXCLUDED.n
    )
    INSERT INTO client_key_counts AS c (workspace_id, key, n)
    SELECT fresh.workspace_id, fresh.k, count(*) FROM fresh
    GROUP BY 1, 2
    ORDER BY 1, 2
    ON CONFLICT (workspace_id, key) DO UPDATE SET n = c.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;
DROP TRIGGER referrals_client_keys_insert ON referrals;
CREATE TRIGGER referrals_client_keys_insert
    AFTER INSERT ON referrals
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION referrals_client_keys_added();
-- (its function, referrals_pair_client_keys_added, stays for the down)
DROP TRIGGER referrals_pair_client_keys_insert ON referrals;

-- Updates the same way, over the rows before and after (OLD TABLE, NEW
-- TABLE): the scheduled stale release updates hundreds of referrals in
-- one statement, and the row triggers ran their upserts for each (3.4 ms
-- a row). A statement trigger can have neither a WHEN nor a column list
-- with transition tables, so it fires on every update and keeps the
-- referrals the row trigger's WHEN kept: those where a column its facts
-- read changed. Each referral's facts go out (old, -1) and come in (new,
-- 1), summed per key over the statement; a key whose sum is nothing is
-- left alone, as the row trigger left it for one referral.

-- The stats and pair rollups (016, 021, 022).
CREATE FUNCTION referrals_stats_rollup_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    writer_shard smallint := COALESCE(NULLIF(current_setting('referbot.rollup_shard', true), '')::smallint,
        pg_backend_pid() % 8);
BEGIN
    WITH moved AS MATERIALIZED (
        SELECT n.workspace_id AS ws, o::referrals AS o, n::referrals AS n
        FROM old_rows o JOIN new_rows n ON n.workspace_id = o.workspace_id AND n.id = o.id
        WHERE (o.status, o.referrer_id, o.receiver_id, o.co_owner_id, o.created_at, o.closed_at, o.estimate_cents,
            o.estimate_currency, o.won_value_cents, o.won_currency, o.amounts_private, o.funnel_reached)
            IS DISTINCT FROM (n.status, n.referrer_id, n.receiver_id, n.co_owner_id, n.created_at, n.closed_at,
            n.estimate_cents, n.estimate_currency, n.won_value_cents, n.won_currency, n.amounts_private, n.funnel_reached)
    ), pairs AS (
        INSERT INTO pair_rollups AS p (workspace_id, bucket, referrer_id, receiver_id, shard, n, won)
        SELECT m.ws, f.bucket, f.referrer_id, f.receiver_id, writer_shard, sum(f.n), sum(f.won)
        FROM moved m CROSS JOIN LATERAL (
            SELECT * FROM pair_rollup_facts(m.o, -1) UNION ALL SELECT * FROM pair_rollup_facts(m.n, 1)) f
        GROUP BY 1, 2, 3, 4
        HAVING sum(f.n) <> 0 OR sum(f.won) <> 0
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (workspace_id, bucket, referrer_id, receiver_id, shard) DO UPDATE
        SET n = p.n + EXCLUDED.n, won = p.won + EXCLUDED.won
    )
    INSERT INTO stats_rollups AS s (workspace_id, subject, measure, bucket, role, status, currency, private,
        shard, n, n_amount, cents)
    SELECT m.ws, f.subject, f.measure, f.bucket, f.role, f.status, f.currency, f.private,
        writer_shard, sum(f.n), sum(f.n_amount), sum(f.cents)
    FROM moved m CROSS JOIN LATERAL (
        SELECT * FROM stats_rollup_facts(m.o, -1) UNION ALL SELECT * FROM stats_rollup_facts(m.n, 1)) f
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    HAVING sum(f.n) <> 0 OR sum(f.n_amount) <> 0 OR sum(f.cents) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT (workspace_id, subject, measure, bucket, role, status, currency, private, shard) DO UPDATE
    SET n = s.n + EXCLUDED.n, n_amount = s.n_amount + EXCLUDED.n_amount, cents = s.cents + EXCLUDED.cents;
    RETURN NULL;
END;
$$;
DROP TRIGGER referrals_stats_rollup_update ON referrals;
CREATE TRIGGER referrals_stats_rollup_update
    AFTER UPDATE ON referrals
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION referrals_stats_rollup_updated();

-- The leaderboard's tallies (029).
CREATE FUNCTION referrals_board_rollups_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    WITH moved AS MATERIALIZED (
        SELECT n.workspace_id AS ws, o::referrals AS o, n::referrals AS n
        FROM old_rows o JOIN new_rows n ON n.workspace_id = o.workspace_id AND n.id = o.id
        WHERE (o.referrer_id, o.created_at, o.receiver_id IS NULL, o.status, o.won_confirmation, o.closed_at,
            o.won_currency, o.won_value_cents)
            IS DISTINCT FROM (n.referrer_id, n.created_at, n.receiver_id IS NULL, n.status, n.won_confirmation,
            n.closed_at, n.won_currency, n.won_value_cents)
    )
    INSERT INTO board_rollups AS b (workspace_id, bucket, member_id, measure, currency, n, cents, to_partner, to_partner_won)
    SELECT m.ws, f.bucket, f.member_id, f.measure, f.currency,
        sum(f.n), sum(f.cents), sum(f.to_partner), sum(f.to_partner_won)
    FROM moved m CROSS JOIN LATERAL (
        SELECT * FROM board_rollup_facts(m.o, -1) UNION ALL SELECT * FROM board_rollup_facts(m.n, 1)) f
    GROUP BY 1, 2, 3, 4, 5
    HAVING sum(f.n) <> 0 OR sum(f.cents) <> 0 OR sum(f.to_partner) <> 0 OR sum(f.to_partner_won) <> 0
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (workspace_id, bucket, member_id, measure, currency) DO UPDATE
    SET n = b.n + EXCLUDED.n, cents = b.cents + EXCLUDED.cents,
        to_partner = b.to_partner + EXCLUDED.to_partner, to_partner_won = b.to_partner_won + EXCLUDED.to_partner_won;
    RETURN NULL;
END;
$$;
DROP TRIGGER referrals_board_rollups_update ON referrals;
CREATE TRIGGER referrals_board_rollups_update
    AFTER UPDATE ON referrals
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION referrals_board_rollups_updated();

---- create above / drop below ----

DROP TRIGGER referrals_board_rollups_update ON referrals;
CREATE TRIGGER referrals_board_rollups_update
    AFTER UPDATE OF referrer_id, receiver_id, created_at, status, won_confirmation, closed_at, won_currency, won_value_cents ON referrals
    FOR EACH ROW WHEN (OLD.referrer_id IS DISTINCT FROM NEW.referrer_id OR OLD.created_at IS DISTINCT FROM NEW.created_at
        OR (OLD.receiver_id IS NULL) <> (NEW.receiver_id IS NULL)
        OR OLD.status IS DISTINCT FROM NEW.status OR OLD.won_confirmation IS DISTINCT FROM NEW.won_confirmation
        OR OLD.closed_at IS DISTINCT FROM NEW.closed_at OR OLD.won_currency IS DISTINCT FROM NEW.won_currency
        OR OLD.won_value_cents IS DISTINCT FROM NEW.won_value_cents)
    EXECUTE FUNCTION referrals_board_rollups();
DROP FUNCTION referrals_board_rollups_updated();
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
DROP FUNCTION referrals_stats_rollup_updated();

CREATE TRIGGER referrals_pair_client_keys_insert
    AFTER INSERT ON referrals
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION referrals_pair_client_keys_added();
DROP TRIGGER referrals_client_keys_insert ON referrals;
CREATE TRIGGER referrals_client_keys_insert
    AFTER INSERT ON referrals
    FOR EACH ROW EXECUTE FUNCTION referrals_client_keys();
DROP FUNCTION referrals_client_keys_added();
DROP TRIGGER referrals_board_rollups_insert ON referrals;
CREATE TRIGGER referrals_board_rollups_insert
    AFTER INSERT ON referrals
    FOR EACH ROW EXECUTE FUNCTION referrals_board_rollups();
DROP FUNCTION referrals_board_rollups_inserted();
