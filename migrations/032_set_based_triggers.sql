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
-- referral or many, the rows left are those the row triggers left.
-- Updates and deletes keep their row triggers.

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

-- Each new referral's keys (once each) stored, and counted per key.
CREATE FUNCTION referrals_client_keys_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    WITH fresh AS (
        SELECT DISTINCT r.workspace_id, r.id, u.k
        FROM added r CROSS JOIN LATERAL unnest(client_keys(r.client_name, r.client_contact)) AS u (k)
    ), stored AS (
        INSERT INTO referral_client_keys (workspace_id, referral_id, key)
        SELECT fresh.workspace_id, fresh.id, fresh.k FROM fresh
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

---- create above / drop below ----

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
