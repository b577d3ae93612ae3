-- 025_scale_indexes: three commands whose cost followed the history.
--
-- On a workspace of 691,000 referrals and 12,190 members (make
-- bench-scale) `/refer won` spent 7–12 s finding the largest public won
-- value to compare a new one with, `/refer who` 1–2.5 s counting every
-- referral received in 90 days (219,000) to pick a few partners, and
-- `/refer config` read every member to list the admins. With these, the
-- first is one probe (the top of the index), the second one short range
-- per member whose profile matches the need, the third the admins alone.
-- On a big installation, create them beforehand with CREATE INDEX
-- CONCURRENTLY under the same names.

-- The largest won value per currency among deals whose amounts are public.
CREATE INDEX IF NOT EXISTS referrals_won_value_idx
    ON referrals (workspace_id, won_currency, won_value_cents DESC NULLS LAST)
    WHERE status = 'won' AND NOT amounts_private;

-- What each member received lately (who's fair rotation).
CREATE INDEX IF NOT EXISTS referrals_received_by_idx
    ON referrals (workspace_id, receiver_id, (COALESCE(accepted_at, created_at)))
    WHERE receiver_id IS NOT NULL;

-- The active admins (/refer config lists them).
CREATE INDEX IF NOT EXISTS members_admins_idx ON members (workspace_id) WHERE role = 'admin' AND status = 'active';

---- create above / drop below ----

DROP INDEX IF EXISTS members_admins_idx;
DROP INDEX IF EXISTS referrals_received_by_idx;
DROP INDEX IF EXISTS referrals_won_value_idx;
