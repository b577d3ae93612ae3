-- 030_stats_cover: stats that read an index instead of the heap (issue 15).
--
-- At 691,000 referrals `stats me` and `stats network` spent their time
-- fetching heap rows one index entry at a time: a member's referrals for
-- the per-partner breakdown and the 12-month partners, the viewer's own
-- referrals to find the few with private amounts, every feedback score
-- and every thank-you of the period. Each index below answers one of
-- those reads by itself (an index-only scan); the two party indexes keep
-- their names and keys, so every statement that used them still can, and
-- a /refer still writes one entry to each.

-- A member's referrals as giver and as receiver, with what the breakdown
-- and the partners count read (core/postgres/stats.go, partnerBreakdownSQL).
DROP INDEX IF EXISTS referrals_referrer_created_idx;
CREATE INDEX referrals_referrer_created_idx ON referrals (workspace_id, referrer_id, created_at)
    INCLUDE (id, receiver_id, co_owner_id, status, closed_at, won_currency, won_value_cents, amounts_private);
DROP INDEX IF EXISTS referrals_receiver_created_idx;
CREATE INDEX referrals_receiver_created_idx ON referrals (workspace_id, receiver_id, created_at)
    INCLUDE (id, referrer_id, co_owner_id, status, closed_at, won_currency, won_value_cents, amounts_private);

-- The viewer's own referrals with private amounts, shown to them (the
-- correction in statsFactsSQL): only private referrals have an entry.
CREATE INDEX IF NOT EXISTS referrals_private_referrer_idx ON referrals (workspace_id, referrer_id) WHERE amounts_private;
CREATE INDEX IF NOT EXISTS referrals_private_receiver_idx ON referrals (workspace_id, receiver_id) WHERE amounts_private;
CREATE INDEX IF NOT EXISTS referrals_private_co_owner_idx ON referrals (workspace_id, co_owner_id) WHERE amounts_private;

-- The network's satisfaction: the scores of the period.
DROP INDEX IF EXISTS feedback_at_idx;
CREATE INDEX feedback_at_idx ON feedback (workspace_id, at) INCLUDE (score);

-- The network's thank-yous of the period, counted and per member.
DROP INDEX IF EXISTS thanks_at_idx;
CREATE INDEX thanks_at_idx ON thanks (workspace_id, at) INCLUDE (to_id, retracted_at);

---- create above / drop below ----

DROP INDEX IF EXISTS thanks_at_idx;
CREATE INDEX thanks_at_idx ON thanks (workspace_id, at);
DROP INDEX IF EXISTS feedback_at_idx;
CREATE INDEX feedback_at_idx ON feedback (workspace_id, at);
DROP INDEX IF EXISTS referrals_private_co_owner_idx;
DROP INDEX IF EXISTS referrals_private_receiver_idx;
DROP INDEX IF EXISTS referrals_private_referrer_idx;
DROP INDEX IF EXISTS referrals_receiver_created_idx;
CREATE INDEX referrals_receiver_created_idx ON referrals (workspace_id, receiver_id, created_at);
DROP INDEX IF EXISTS referrals_referrer_created_idx;
CREATE INDEX referrals_referrer_created_idx ON referrals (workspace_id, referrer_id, created_at);
