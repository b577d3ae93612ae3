-- 019_dashboard_indexes: what the dashboard's figures read per referral.
--
-- Whether a referral's amounts are private is read from its parties'
-- setting on every read (amountsPrivateSQL in core/postgres): an EXISTS
-- over members for each referral. Without an index that picks the few
-- members who keep amounts private, PostgreSQL scans the workspace's
-- members once per referral (0.1 ms each: seconds over 50,000 referrals).
CREATE INDEX IF NOT EXISTS members_amounts_private_idx ON members (workspace_id, id) WHERE amounts_private;

-- Network health: referrals offered a week ago and still unanswered,
-- without reading every referral older than a week.
CREATE INDEX IF NOT EXISTS referrals_offered_idx ON referrals (workspace_id, created_at) WHERE status = 'offered';

---- create above / drop below ----

DROP INDEX IF EXISTS referrals_offered_idx;
DROP INDEX IF EXISTS members_amounts_private_idx;
