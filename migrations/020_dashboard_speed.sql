-- 020_dashboard_speed: what the dashboard's leaderboard reads.
--
-- Newcomers' first wins: each member's first deal whose value was
-- confirmed, as referrer, receiver or co-owner, found by one probe of
-- each index instead of sorting every confirmed deal of the history.
CREATE INDEX IF NOT EXISTS referrals_first_win_referrer_idx ON referrals (workspace_id, referrer_id, closed_at, id)
    WHERE status = 'won' AND won_confirmation = 'confirmed';
CREATE INDEX IF NOT EXISTS referrals_first_win_receiver_idx ON referrals (workspace_id, receiver_id, closed_at, id)
    WHERE status = 'won' AND won_confirmation = 'confirmed';
CREATE INDEX IF NOT EXISTS referrals_first_win_co_owner_idx ON referrals (workspace_id, co_owner_id, closed_at, id)
    WHERE status = 'won' AND won_confirmation = 'confirmed' AND co_owner_id IS NOT NULL;

---- create above / drop below ----

DROP INDEX IF EXISTS referrals_first_win_co_owner_idx;
DROP INDEX IF EXISTS referrals_first_win_receiver_idx;
DROP INDEX IF EXISTS referrals_first_win_referrer_idx;
