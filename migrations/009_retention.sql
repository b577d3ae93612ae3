-- Retention (core.JobRetention): each workspace's delivered notices are
-- purged by age, in batches taken in (sent_at, id) order. Job runs are
-- found through job_runs_workspace_idx, request keys through
-- inbound_requests_received_idx: neither needs an index of its own.
--
-- On a large outbox this build holds back writes to the outbox while it
-- runs (seconds per few million delivered rows). To avoid even that, create
-- the same index beforehand with CREATE INDEX CONCURRENTLY: it is then kept.
CREATE INDEX IF NOT EXISTS outbox_sent_idx ON outbox (workspace_id, sent_at, id) WHERE status = 'sent';

---- create above / drop below ----

DROP INDEX outbox_sent_idx;
