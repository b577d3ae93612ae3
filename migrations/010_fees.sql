-- Fees owed and paid, and won values their referrer confirmed.
--
-- A won value counts (for a fee, for the leaderboards) only once the
-- referrer confirms it: won_confirmation is 'none' until the referral is
-- won, then 'awaiting' the referrer's word, 'confirmed' or 'disputed'.
-- A money fee goes with it: 'awaiting' (confirmation), 'owed' once
-- confirmed, 'disputed', 'paid' (the receiver says so; fee_paid_at is when)
-- and 'received' (the referrer confirmed receipt).
ALTER TABLE referrals DROP CONSTRAINT referrals_fee_status_check;
ALTER TABLE referrals ADD CONSTRAINT referrals_fee_status_check
    CHECK (fee_status IN ('none', 'awaiting', 'owed', 'disputed', 'paid', 'received'));
ALTER TABLE referrals ADD COLUMN won_confirmation text NOT NULL DEFAULT 'none'
    CHECK (won_confirmation IN ('none', 'awaiting', 'confirmed', 'disputed'));
ALTER TABLE referrals ADD COLUMN fee_paid_at timestamptz;

-- Deals won before confirmation existed were never asked about: they keep
-- counting as they did (confirmed), and so do the fees owed on them.
UPDATE referrals SET won_confirmation = 'confirmed' WHERE status = 'won';
UPDATE referrals SET fee_paid_at = updated_at WHERE fee_status = 'paid';

-- Leaderboards: deals won in a period whose value was confirmed.
CREATE INDEX referrals_confirmed_won_idx ON referrals (workspace_id, closed_at)
    WHERE status = 'won' AND won_confirmation = 'confirmed';
-- Fee lists: referrals with a fee, newest deal first.
CREATE INDEX referrals_fee_idx ON referrals (workspace_id, closed_at) WHERE fee_status <> 'none';

---- create above / drop below ----

DROP INDEX referrals_fee_idx;
DROP INDEX referrals_confirmed_won_idx;
UPDATE referrals SET fee_status = 'owed' WHERE fee_status IN ('awaiting', 'disputed');
UPDATE referrals SET fee_status = 'paid' WHERE fee_status = 'received';
ALTER TABLE referrals DROP COLUMN fee_paid_at;
ALTER TABLE referrals DROP COLUMN won_confirmation;
ALTER TABLE referrals DROP CONSTRAINT referrals_fee_status_check;
ALTER TABLE referrals ADD CONSTRAINT referrals_fee_status_check CHECK (fee_status IN ('none', 'owed', 'paid'));
