-- 045_won_pair_idx: a pair's confirmed wins of a period from the pair's
-- own range (the leaderboard's repeat wins, the quarterly celebration).
--
-- The won repeaters (core/postgres/board.go) read, for each repeated pair
-- (a referrer, a receiver, a client key), the referrer's confirmed wins
-- closed in the period, through referrals_first_win_referrer_idx: every
-- win of the referrer, the pair's kept by a filter. At the full-size
-- chapter a busy referrer's 250 wins of two quarters were read for each of
-- their pairs' 5 (67,582 buffers for 264 pairs, 27 of the leaderboard's 51
-- ms). The receiver in the key (as the statement compares it: COALESCE to
-- 0) makes each pair one range. Only confirmed wins are in it: a /refer,
-- whose referral is offered, writes no entry.
CREATE INDEX IF NOT EXISTS referrals_won_pair_idx
    ON referrals (workspace_id, referrer_id, (COALESCE(receiver_id, 0)), closed_at)
    WHERE status = 'won' AND won_confirmation = 'confirmed';

---- create above / drop below ----

DROP INDEX IF EXISTS referrals_won_pair_idx;
