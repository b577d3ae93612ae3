-- 027_stats_indexes: the network's all-time medians without sorting the
-- history, and a member's thank-yous per partner (issue 15).
--
-- A median can't be summed per month, so `stats network` over all time
-- read every won deal and every thank-you, computed each one's duration
-- and sorted them (28 of its 77 ms at 100,000 referrals, and growing with
-- the years kept). With the durations in an index, in the very expression
-- the median orders by, the median is the middle entry (or two) of an
-- index-only scan: the count comes from the rollups (deals) or a count of
-- the thank-yous, and no value is computed or sorted but the middle ones.
-- The values are bit for bit those percentile_cont sorted, so the result
-- is exact. Only won deals and thank-yous with an acceptance are in them:
-- a `/refer` (a new referral is never won) adds no entry.

-- Won deals by days to close (core/postgres/stats.go, networkAllMedianDaysSQL).
CREATE INDEX IF NOT EXISTS referrals_won_days_idx
    ON referrals (workspace_id, ((extract(epoch FROM closed_at - created_at) / 86400)::float8))
    INCLUDE (created_at, closed_at)
    WHERE status = 'won';

-- Thank-yous by hours after acceptance (networkAllMedianLatencySQL).
CREATE INDEX IF NOT EXISTS thanks_latency_idx
    ON thanks (workspace_id, ((extract(epoch FROM at - accepted_at) / 3600)::float8))
    INCLUDE (at, accepted_at)
    WHERE retracted_at IS NULL AND accepted_at IS NOT NULL;

-- The thank-yous a member sent (their per-partner breakdown, `stats me`,
-- counts them per partner: before, every thank-you each partner received
-- was read, one partner after another).
CREATE INDEX IF NOT EXISTS thanks_from_idx ON thanks (workspace_id, from_id, at);

---- create above / drop below ----

DROP INDEX IF EXISTS thanks_from_idx;
DROP INDEX IF EXISTS thanks_latency_idx;
DROP INDEX IF EXISTS referrals_won_days_idx;
