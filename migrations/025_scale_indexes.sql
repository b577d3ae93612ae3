-- 025_scale_indexes: two commands whose cost followed the history.
--
-- On a workspace of 691,000 referrals (make bench-scale) `/refer won`
-- spent 7–12 s finding the largest public won value to compare a new one
-- with, and `/refer who` 1–2.5 s counting every referral received in 90
-- days (219,000) to pick a few partners. With these, the first is one
-- probe (the top of the index) and the second one short range per member
-- whose profile matches the need. On a big installation, create them
-- beforehand with CREATE INDEX CONCURRENTLY under the same names.

-- The largest won value per currency among deals whose amounts are public.
CREATE INDEX IF NOT EXISTS referrals_won_value_idx
    ON referrals (workspace_id, won_currency, won_value_cents DESC NULLS LAST)
    WHERE status = 'won' AND NOT amounts_private;

-- What each member received lately (who's fair rotation).
CREATE INDEX IF NOT EXISTS referrals_received_by_idx
    ON referrals (workspace_id, receiver_id, (COALESCE(accepted_at, created_at)))
    WHERE receiver_id IS NOT NULL;

---- create above / drop below ----

DROP INDEX IF EXISTS referrals_received_by_idx;
DROP INDEX IF EXISTS referrals_won_value_idx;
