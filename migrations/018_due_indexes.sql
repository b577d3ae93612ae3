-- 018_due_indexes: the scheduled jobs read only what is due.
--
-- Each job is one pass over all workspaces; per workspace it range-scans
-- one of these partial indexes over its time window (see
-- core/postgres/due.go), so its cost follows what fell due, not the years
-- of history. Each leads with workspace_id. On a big installation, create
-- them beforehand with CREATE INDEX CONCURRENTLY under the same names:
-- IF NOT EXISTS then keeps them.

-- Thank-you nudges: referrals taken on, by when.
CREATE INDEX IF NOT EXISTS referrals_taken_on_idx ON referrals (workspace_id, accepted_at)
    WHERE status IN ('accepted', 'contacted', 'meeting', 'proposal', 'won');
-- Stale follow-ups and releases: working referrals, by last update.
CREATE INDEX IF NOT EXISTS referrals_working_idx ON referrals (workspace_id, updated_at)
    WHERE status IN ('accepted', 'contacted', 'meeting', 'proposal');
-- Lead expiry: open leads of a workspace, by expiry.
CREATE INDEX IF NOT EXISTS referrals_open_expiry_ws_idx ON referrals (workspace_id, expires_at) WHERE status = 'open';
-- Touchpoint reminders: partnerships by due date.
CREATE INDEX IF NOT EXISTS partnerships_due_idx ON partnerships (workspace_id, next_due);
-- Buddy reminders: newcomers with a mentor, by when they joined.
CREATE INDEX IF NOT EXISTS members_newcomers_idx ON members (workspace_id, joined_at) WHERE buddy_id IS NOT NULL;
-- Ask-before-more: a member's reminders since their last activity
-- (core.reminderKinds; the query names the same kinds).
CREATE INDEX IF NOT EXISTS outbox_reminders_idx ON outbox (workspace_id, recipient_member_id, created_at)
    WHERE kind IN ('nudge.thanks', 'nudge.stale', 'digest.stale', 'reminder.touch', 'reminder.buddy');

---- create above / drop below ----

DROP INDEX IF EXISTS outbox_reminders_idx;
DROP INDEX IF EXISTS members_newcomers_idx;
DROP INDEX IF EXISTS partnerships_due_idx;
DROP INDEX IF EXISTS referrals_open_expiry_ws_idx;
DROP INDEX IF EXISTS referrals_working_idx;
DROP INDEX IF EXISTS referrals_taken_on_idx;
