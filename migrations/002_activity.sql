-- When a member last used referbot, so reminders they keep ignoring can
-- stop and ask instead of piling up.
ALTER TABLE members ADD COLUMN last_active_at timestamptz;

-- Reminders sent to a member since a time (the "ignored" count).
CREATE INDEX outbox_recipient_idx ON outbox (recipient_member_id, created_at) WHERE recipient_member_id IS NOT NULL;

---- create above / drop below ----

DROP INDEX outbox_recipient_idx;
ALTER TABLE members DROP COLUMN last_active_at;
