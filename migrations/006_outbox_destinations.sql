-- The sender takes, for each destination (a member's DMs, a channel), its
-- oldest pending notice: messages to one place keep their order and one slow
-- place holds back only itself. Among those, interactive edits (a click's
-- card update, priority 1) go ahead of bulk messages (0).
ALTER TABLE outbox ADD COLUMN priority smallint NOT NULL DEFAULT 0;
CREATE INDEX outbox_destination_idx ON outbox (workspace_id, recipient_member_id, channel, id)
    INCLUDE (next_attempt_at, priority) WHERE status = 'pending';

---- create above / drop below ----

DROP INDEX outbox_destination_idx;
ALTER TABLE outbox DROP COLUMN priority;
