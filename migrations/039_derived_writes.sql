-- 039_derived_writes: what a referral's change costs in the tables kept
-- from it (issue 15: the stale release and the lead expiry pass over
-- every workspace, and every command that moves a referral).
--
-- An UPDATE of referrals fired two statement triggers (the stats and pair
-- rollups; the leaderboard's tallies), each joining the rows before and
-- after again and computing every fact of every changed referral, even
-- for tables the change could not move: a release moves a referral from
-- a working stage to declined, so its pair and board facts go out and
-- come back in unchanged, summed to nothing, and so do its members'
-- totals, which the rollups' own triggers then worked out a second time
-- from every rollup row written (an array of them built, unnested and
-- summed to nothing). Two row triggers ran per referral besides: the
-- pair client keys (a lead released loses its receiver: one UPDATE and
-- one DELETE per key) and the thank-yous' taken-on date.
--
-- Now one statement trigger reads the rows before and after once, marks
-- for each referral which kept tables its change moves (the columns each
-- table's facts read; a superset is harmless, as sums of nothing are
-- left out), and writes each table from those referrals only:
--   board_rollups, stats_rollups, pair_rollups, member_totals in one
--   statement, in the order the insert triggers lock them (board, then
--   stats, pairs, totals: PostgreSQL runs a WITH's unread inserts after
--   the statement's own, the last-written first), the totals from the
--   same facts and shard as the rollup rows, so the rollups' mirror
--   triggers skip the statement (referbot.totals_written, as 037 does
--   for inserts);
--   then, only when some referral's client or pair changed, the pair
--   client keys, and only when some taken-on date changed, the thanks.
-- The facts are the same functions', so what is left is what the
-- triggers left before (TestSetBasedTriggers_LeaveWhatTheRowTriggersLeft
-- plays the same histories against 031's row triggers).
--
-- amounts_private is worked out again only when a party (or the flag,
-- which a member's change flips to have it worked out) changes, not on
-- every UPDATE that names a party's column: a release names them all.
--
-- The /refer insert trigger writes its members' totals in the same
-- statement as the rollups (below).

CREATE FUNCTION referrals_derived_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    writer_shard smallint := COALESCE(NULLIF(current_setting('referbot.rollup_shard', true), '')::smallint,
        pg_backend_pid() % 8);
    rekeyed boolean;
    retaken boolean;
    gone_ws bigint[];
    gone_from bigint[];
    gone_to bigint[];
    gone_key text[];
BEGIN
    PERFORM set_config('referbot.totals_written', 'on', true);
    WITH moved AS MATERIALIZED (
        SELECT x.* FROM (
            SELECT n.workspace_id AS ws, o::referrals AS o, n::referrals AS n,
                (o.status, o.referrer_id, o.receiver_id, o.co_owner_id, o.created_at, o.closed_at, o.estimate_cents,
                    o.estimate_currency, o.won_value_cents, o.won_currency, o.amounts_private, o.funnel_reached)
                IS DISTINCT FROM (n.status, n.referrer_id, n.receiver_id, n.co_owner_id, n.created_at, n.closed_at,
                    n.estimate_cents, n.estimate_currency, n.won_value_cents, n.won_currency, n.amounts_private,
                    n.funnel_reached) AS stats,
                (o.referrer_id, o.receiver_id, o.created_at, o.status = 'won')
                IS DISTINCT FROM (n.referrer_id, n.receiver_id, n.created_at, n.status = 'won') AS pairs,
                (o.referrer_id, o.created_at, o.receiver_id IS NULL, o.status = 'won', ow.deal,
                    CASE WHEN ow.deal THEN o.closed_at END, CASE WHEN ow.deal THEN o.won_currency END,
                    CASE WHEN ow.deal THEN o.won_value_cents END)
                IS DISTINCT FROM (n.referrer_id, n.created_at, n.receiver_id IS NULL, n.status = 'won', nw.deal,
                    CASE WHEN nw.deal THEN n.closed_at END, CASE WHEN nw.deal THEN n.won_currency END,
                    CASE WHEN nw.deal THEN n.won_value_cents END) AS board,
                (o.referrer_id, o.receiver_id, o.co_owner_id, o.created_at, ow.won,
                    CASE WHEN ow.won THEN o.closed_at END, CASE WHEN ow.won THEN o.won_currency END,
                    CASE WHEN ow.won THEN o.won_value_cents END, CASE WHEN ow.won THEN o.amounts_private END)
                IS DISTINCT FROM (n.referrer_id, n.receiver_id, n.co_owner_id, n.created_at, nw.won,
                    CASE WHEN nw.won THEN n.closed_at END, CASE WHEN nw.won THEN n.won_currency END,
                    CASE WHEN nw.won THEN n.won_value_cents END, CASE WHEN nw.won THEN n.amounts_private END) AS totals,
                (o.client_name, o.client_contact, o.referrer_id, o.receiver_id)
                IS DISTINCT FROM (n.client_name, n.client_contact, n.referrer_id, n.receiver_id) AS keys,
                o.accepted_at IS DISTINCT FROM n.accepted_at AS taken
            FROM old_rows o JOIN new_rows n ON n.workspace_id = o.workspace_id AND n.id = o.id
            -- a won deal as the totals (closed) and the leaderboard (confirmed too) count it
            CROSS JOIN LATERAL (SELECT o.status = 'won' AND o.closed_at IS NOT NULL AS won,
                o.status = 'won' AND o.closed_at IS NOT NULL AND o.won_confirmation = 'confirmed' AS deal) ow
            CROSS JOIN LATERAL (SELECT n.status = 'won' AND n.closed_at IS NOT NULL AS won,
                n.status = 'won' AND n.closed_at IS NOT NULL AND n.won_confirmation = 'confirmed' AS deal) nw
        ) x
        WHERE x.stats OR x.board OR x.keys OR x.taken
    ), totals AS (
        INSERT INTO member_totals AS t (workspace_id, member_id, bucket, currency, private, shard,
            given, received, given_deals, given_cents, received_deals, received_cents)
        SELECT g.* FROM (
            SELECT f.workspace_id, f.member_id, f.bucket, f.currency, f.private, f.shard,
                sum(f.given) AS given, sum(f.received) AS received, sum(f.given_deals) AS given_deals,
                sum(f.given_cents) AS given_cents, sum(f.received_deals) AS received_deals,
                sum(f.received_cents) AS received_cents
            FROM moved m
            CROSS JOIN LATERAL (
                SELECT * FROM stats_rollup_facts(m.o, -1) UNION ALL SELECT * FROM stats_rollup_facts(m.n, 1)) s
            CROSS JOIN LATERAL member_total_facts(ROW(m.ws, s.subject, s.measure, s.bucket, s.role, s.status,
                s.currency, s.private, writer_shard, s.n, s.n_amount, s.cents)::stats_rollups, 1) f
            WHERE m.totals
            GROUP BY 1, 2, 3, 4, 5, 6
            HAVING sum(f.given) <> 0 OR sum(f.received) <> 0 OR sum(f.given_deals) <> 0 OR sum(f.given_cents) <> 0
                OR sum(f.received_deals) <> 0 OR sum(f.received_cents) <> 0
        ) g
        -- a workspace being deleted: its rows go with it, nothing to add
        WHERE EXISTS (SELECT 1 FROM workspaces w WHERE w.id = g.workspace_id)
        ORDER BY 1, 3, 2, 4, 5, 6
        ON CONFLICT (workspace_id, bucket, member_id, currency, private, shard) DO UPDATE
        SET given = t.given + EXCLUDED.given, received = t.received + EXCLUDED.received,
            given_deals = t.given_deals + EXCLUDED.given_deals, given_cents = t.given_cents + EXCLUDED.given_cents,
            received_deals = t.received_deals + EXCLUDED.received_deals,
            received_cents = t.received_cents + EXCLUDED.received_cents
    ), pairs AS (
        INSERT INTO pair_rollups AS p (workspace_id, bucket, referrer_id, receiver_id, shard, n, won)
        SELECT m.ws, f.bucket, f.referrer_id, f.receiver_id, writer_shard, sum(f.n), sum(f.won)
        FROM moved m CROSS JOIN LATERAL (
            SELECT * FROM pair_rollup_facts(m.o, -1) UNION ALL SELECT * FROM pair_rollup_facts(m.n, 1)) f
        WHERE m.pairs
        GROUP BY 1, 2, 3, 4
        HAVING sum(f.n) <> 0 OR sum(f.won) <> 0
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (workspace_id, bucket, referrer_id, receiver_id, shard) DO UPDATE
        SET n = p.n + EXCLUDED.n, won = p.won + EXCLUDED.won
    ), stats AS (
        INSERT INTO stats_rollups AS s (workspace_id, subject, measure, bucket, role, status, currency, private,
            shard, n, n_amount, cents)
        SELECT m.ws, f.subject, f.measure, f.bucket, f.role, f.status, f.currency, f.private,
            writer_shard, sum(f.n), sum(f.n_amount), sum(f.cents)
        FROM moved m CROSS JOIN LATERAL (
            SELECT * FROM stats_rollup_facts(m.o, -1) UNION ALL SELECT * FROM stats_rollup_facts(m.n, 1)) f
        WHERE m.stats
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
        HAVING sum(f.n) <> 0 OR sum(f.n_amount) <> 0 OR sum(f.cents) <> 0
        ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
        ON CONFLICT (workspace_id, subject, measure, bucket, role, status, currency, private, shard) DO UPDATE
        SET n = s.n + EXCLUDED.n, n_amount = s.n_amount + EXCLUDED.n_amount, cents = s.cents + EXCLUDED.cents
    ), board AS (
        INSERT INTO board_rollups AS b (workspace_id, bucket, member_id, measure, currency, n, cents, to_partner,
            to_partner_won)
        SELECT m.ws, f.bucket, f.member_id, f.measure, f.currency,
            sum(f.n), sum(f.cents), sum(f.to_partner), sum(f.to_partner_won)
        FROM moved m CROSS JOIN LATERAL (
            SELECT * FROM board_rollup_facts(m.o, -1) UNION ALL SELECT * FROM board_rollup_facts(m.n, 1)) f
        WHERE m.board
        GROUP BY 1, 2, 3, 4, 5
        HAVING sum(f.n) <> 0 OR sum(f.cents) <> 0 OR sum(f.to_partner) <> 0 OR sum(f.to_partner_won) <> 0
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (workspace_id, bucket, member_id, measure, currency) DO UPDATE
        SET n = b.n + EXCLUDED.n, cents = b.cents + EXCLUDED.cents,
            to_partner = b.to_partner + EXCLUDED.to_partner, to_partner_won = b.to_partner_won + EXCLUDED.to_partner_won
    )
    SELECT COALESCE(bool_or(m.keys), false), COALESCE(bool_or(m.taken), false) INTO rekeyed, retaken FROM moved m;
    PERFORM set_config('referbot.totals_written', '', true);

    IF rekeyed THEN
        -- each referral's keys out of its old pair, into its new one, summed
        -- per pair and key; a count that drops to nothing goes
        WITH keyed AS (
            SELECT DISTINCT k.* FROM old_rows o JOIN new_rows n ON n.workspace_id = o.workspace_id AND n.id = o.id
            CROSS JOIN LATERAL (
                SELECT o.workspace_id AS ws, o.id, o.referrer_id, COALESCE(o.receiver_id, 0) AS receiver_id, u.k, -1 AS d
                FROM unnest(client_keys(o.client_name, o.client_contact)) AS u (k)
                UNION ALL
                SELECT n.workspace_id, n.id, n.referrer_id, COALESCE(n.receiver_id, 0), u.k, 1
                FROM unnest(client_keys(n.client_name, n.client_contact)) AS u (k)) k
            WHERE (o.client_name, o.client_contact, o.referrer_id, o.receiver_id)
                IS DISTINCT FROM (n.client_name, n.client_contact, n.referrer_id, n.receiver_id)
        ), counted AS (
            INSERT INTO pair_client_key_counts AS c (workspace_id, referrer_id, receiver_id, key, n)
            SELECT keyed.ws, keyed.referrer_id, keyed.receiver_id, keyed.k, sum(keyed.d)
            FROM keyed
            GROUP BY 1, 2, 3, 4
            HAVING sum(keyed.d) <> 0
            ORDER BY 1, 2, 3, 4
            ON CONFLICT (workspace_id, referrer_id, receiver_id, key) DO UPDATE SET n = c.n + EXCLUDED.n
            RETURNING c.workspace_id, c.referrer_id, c.receiver_id, c.key, c.n
        )
        SELECT array_agg(workspace_id), array_agg(referrer_id), array_agg(receiver_id), array_agg(key)
        INTO gone_ws, gone_from, gone_to, gone_key
        FROM counted WHERE n <= 0;
        IF gone_ws IS NOT NULL THEN
            DELETE FROM pair_client_key_counts c
            USING unnest(gone_ws, gone_from, gone_to, gone_key) AS g (ws, referrer_id, receiver_id, key)
            WHERE c.workspace_id = g.ws AND c.referrer_id = g.referrer_id AND c.receiver_id = g.receiver_id
                AND c.key = g.key AND c.n <= 0;
        END IF;
    END IF;

    IF retaken THEN
        UPDATE thanks th SET accepted_at = n.accepted_at
        FROM old_rows o JOIN new_rows n ON n.workspace_id = o.workspace_id AND n.id = o.id
        WHERE o.accepted_at IS DISTINCT FROM n.accepted_at
            AND th.workspace_id = n.workspace_id AND th.referral_id = n.id
            AND th.accepted_at IS DISTINCT FROM n.accepted_at;
    END IF;
    RETURN NULL;
END;
$$;

DROP TRIGGER referrals_stats_rollup_update ON referrals;
DROP TRIGGER referrals_board_rollups_update ON referrals;
DROP TRIGGER referrals_pair_client_keys_update ON referrals;
DROP TRIGGER referrals_thanks_accepted_at ON referrals;
CREATE TRIGGER referrals_derived_update
    AFTER UPDATE ON referrals
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION referrals_derived_updated();

DROP TRIGGER referrals_amounts_private ON referrals;
CREATE TRIGGER referrals_amounts_private_insert
    BEFORE INSERT ON referrals
    FOR EACH ROW EXECUTE FUNCTION referrals_amounts_private();
CREATE TRIGGER referrals_amounts_private_update
    BEFORE UPDATE OF referrer_id, receiver_id, co_owner_id, amounts_private ON referrals
    FOR EACH ROW WHEN ((OLD.referrer_id, OLD.receiver_id, OLD.co_owner_id, OLD.amounts_private)
        IS DISTINCT FROM (NEW.referrer_id, NEW.receiver_id, NEW.co_owner_id, NEW.amounts_private))
    EXECUTE FUNCTION referrals_amounts_private();

-- A new referral (every /refer) writes its members' totals in the rollups'
-- statement: its facts computed once, no array of rollup rows built for
-- member_totals_add to unnest (037 wrote them in a statement of their own).
-- The workspace exists (the referral's key refers to it): no probe of it.
CREATE OR REPLACE FUNCTION referrals_stats_rollup_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    writer_shard smallint := COALESCE(NULLIF(current_setting('referbot.rollup_shard', true), '')::smallint,
        pg_backend_pid() % 8);
BEGIN
    PERFORM set_config('referbot.totals_written', 'on', true);
    WITH facts AS MATERIALIZED (
        SELECT r.workspace_id AS ws, f.* FROM inserted r CROSS JOIN LATERAL stats_rollup_facts(r::referrals, 1) f
    ), totals AS (
        INSERT INTO member_totals AS t (workspace_id, member_id, bucket, currency, private, shard,
            given, received, given_deals, given_cents, received_deals, received_cents)
        SELECT x.workspace_id, x.member_id, x.bucket, x.currency, x.private, x.shard,
            sum(x.given), sum(x.received), sum(x.given_deals), sum(x.given_cents), sum(x.received_deals),
            sum(x.received_cents)
        FROM facts f
        CROSS JOIN LATERAL member_total_facts(ROW(f.ws, f.subject, f.measure, f.bucket, f.role, f.status, f.currency,
            f.private, writer_shard, f.n, f.n_amount, f.cents)::stats_rollups, 1) x
        GROUP BY 1, 2, 3, 4, 5, 6
        HAVING sum(x.given) <> 0 OR sum(x.received) <> 0 OR sum(x.given_deals) <> 0 OR sum(x.given_cents) <> 0
            OR sum(x.received_deals) <> 0 OR sum(x.received_cents) <> 0
        ORDER BY 1, 3, 2, 4, 5, 6
        ON CONFLICT (workspace_id, bucket, member_id, currency, private, shard) DO UPDATE
        SET given = t.given + EXCLUDED.given, received = t.received + EXCLUDED.received,
            given_deals = t.given_deals + EXCLUDED.given_deals, given_cents = t.given_cents + EXCLUDED.given_cents,
            received_deals = t.received_deals + EXCLUDED.received_deals,
            received_cents = t.received_cents + EXCLUDED.received_cents
    ), pairs AS (
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
    SELECT f.ws, f.subject, f.measure, f.bucket, f.role, f.status, f.currency, f.private,
        writer_shard, sum(f.n), sum(f.n_amount), sum(f.cents)
    FROM facts f
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT (workspace_id, subject, measure, bucket, role, status, currency, private, shard) DO UPDATE
    SET n = s.n + EXCLUDED.n, n_amount = s.n_amount + EXCLUDED.n_amount, cents = s.cents + EXCLUDED.cents;
    PERFORM set_config('referbot.totals_written', '', true);
    RETURN NULL;
END;
$$;
-- set last, as CREATE OR REPLACE drops a function's SET (037)
ALTER FUNCTION referrals_stats_rollup_inserted() SET plan_cache_mode = force_generic_plan;

-- 001's index of open leads by expiry alone, across workspaces: 018's
-- (workspace_id, expires_at) serves the lead expiry (ExpireLeads, the
-- only statement that reads referrals by expires_at; its plan on the
-- seeded tenth of BNI reads 018's), and no scan used it in a whole
-- scalebench run (every command and job). Each lead created or reopened
-- wrote an entry in it.
DROP INDEX referrals_open_expiry_idx;

---- create above / drop below ----

CREATE INDEX referrals_open_expiry_idx ON referrals (expires_at) WHERE status = 'open';

-- 037's body again
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
ALTER FUNCTION referrals_stats_rollup_inserted() SET plan_cache_mode = force_generic_plan;


DROP TRIGGER referrals_amounts_private_update ON referrals;
DROP TRIGGER referrals_amounts_private_insert ON referrals;
CREATE TRIGGER referrals_amounts_private
    BEFORE INSERT OR UPDATE OF referrer_id, receiver_id, co_owner_id, amounts_private ON referrals
    FOR EACH ROW EXECUTE FUNCTION referrals_amounts_private();

DROP TRIGGER referrals_derived_update ON referrals;
DROP FUNCTION referrals_derived_updated();
CREATE TRIGGER referrals_thanks_accepted_at
    AFTER UPDATE OF accepted_at ON referrals
    FOR EACH ROW WHEN (OLD.accepted_at IS DISTINCT FROM NEW.accepted_at)
    EXECUTE FUNCTION referrals_thanks_accepted_at();
CREATE TRIGGER referrals_pair_client_keys_update
    AFTER UPDATE OF client_name, client_contact, referrer_id, receiver_id ON referrals
    FOR EACH ROW WHEN (OLD.client_name IS DISTINCT FROM NEW.client_name OR OLD.client_contact IS DISTINCT FROM NEW.client_contact
        OR OLD.referrer_id IS DISTINCT FROM NEW.referrer_id OR OLD.receiver_id IS DISTINCT FROM NEW.receiver_id)
    EXECUTE FUNCTION referrals_pair_client_keys();
CREATE TRIGGER referrals_board_rollups_update
    AFTER UPDATE ON referrals
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION referrals_board_rollups_updated();
CREATE TRIGGER referrals_stats_rollup_update
    AFTER UPDATE ON referrals
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION referrals_stats_rollup_updated();
