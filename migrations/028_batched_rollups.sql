-- 028_batched_rollups: a statement that inserts many referrals adds to
-- the rollups once per key, not once per referral (issue 15, the hot path).
--
-- `/refer` requests that arrive together are written in one transaction
-- with set-based statements (core/refer_batch.go): one INSERT for all their
-- referrals. The row trigger of 016/021/022 ran its two upserts (stats and
-- pair rollups) for every row, each statement started and planned again,
-- and updated a workspace's network rows once per referral. The insert
-- trigger is now a statement trigger over the rows the statement inserted
-- (a transition table): the same facts (stats_rollup_facts,
-- pair_rollup_facts), summed per key, so every insert path — one referral
-- or many, COPY included — leaves the same sums as before. Updates and
-- deletes keep the row trigger function (referrals_stats_rollup) as it
-- was; the delete, which shared the insert's trigger, has its own.
--
-- The client-key trigger (023) stays a row trigger: a referral's keys are
-- its client's, nearly all distinct, so there is nothing to sum per batch.

CREATE FUNCTION referrals_stats_rollup_inserted() RETURNS trigger
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

DROP TRIGGER referrals_stats_rollup_insert ON referrals;
CREATE TRIGGER referrals_stats_rollup_delete
    AFTER DELETE ON referrals
    FOR EACH ROW EXECUTE FUNCTION referrals_stats_rollup();
CREATE TRIGGER referrals_stats_rollup_insert
    AFTER INSERT ON referrals
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION referrals_stats_rollup_inserted();

---- create above / drop below ----

DROP TRIGGER referrals_stats_rollup_insert ON referrals;
DROP TRIGGER referrals_stats_rollup_delete ON referrals;
CREATE TRIGGER referrals_stats_rollup_insert
    AFTER INSERT OR DELETE ON referrals
    FOR EACH ROW EXECUTE FUNCTION referrals_stats_rollup();
DROP FUNCTION referrals_stats_rollup_inserted();
