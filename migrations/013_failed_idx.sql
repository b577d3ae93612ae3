-- Messages that failed for good, by workspace, newest first: what
-- `/refer undelivered` lists and /metrics counts, without reading the
-- (large, mostly delivered) outbox.
CREATE INDEX IF NOT EXISTS outbox_failed_idx ON outbox (workspace_id, id DESC) WHERE status = 'failed';

---- create above / drop below ----

DROP INDEX IF EXISTS outbox_failed_idx;
