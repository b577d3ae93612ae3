-- 026_admin_reads: the admin page's flags and fees from indexes alone.
--
-- On 50,000 referrals of all time, the never-converts flag (`/refer
-- flags`, the health DM, the admin page) counted per referrer every
-- referral partners received, reading each row whole, and the admin
-- page's fee totals read every fee's row (2,500 of them, over 1,500
-- pages) to sum a few columns. These two indexes hold what those reads
-- need, so they come from the index alone: the count in a third of the
-- time, the fees in a fifth. Each flagged referrer's newest codes are
-- the last entries of its range; the fees' index replaces
-- referrals_fee_idx (010), its key and predicate the same. On a big
-- installation, create them beforehand with CREATE INDEX CONCURRENTLY
-- under the same names.

-- What each referrer's referrals that partners received are, and where they stand.
CREATE INDEX IF NOT EXISTS referrals_received_from_idx
    ON referrals (workspace_id, referrer_id, created_at) INCLUDE (code, status)
    WHERE receiver_id IS NOT NULL;

-- Every fee with what its amount and totals read (core.FeeAmount).
CREATE INDEX IF NOT EXISTS referrals_fee_amounts_idx
    ON referrals (workspace_id, closed_at) INCLUDE (id, referrer_id, receiver_id, co_owner_id, fee_status,
        fee_kind, fee_basis_points, fee_fixed_cents, fee_currency, won_value_cents, won_currency, amounts_private, fee_paid_at)
    WHERE fee_status <> 'none';
DROP INDEX IF EXISTS referrals_fee_idx;

---- create above / drop below ----

CREATE INDEX IF NOT EXISTS referrals_fee_idx ON referrals (workspace_id, closed_at) WHERE fee_status <> 'none';
DROP INDEX IF EXISTS referrals_fee_amounts_idx;
DROP INDEX IF EXISTS referrals_received_from_idx;
