-- Platform deliveries already handled (Slack trigger ids and event ids,
-- Discord interaction ids): a retried or replayed request is applied once.
CREATE TABLE inbound_requests (
    platform    text NOT NULL,
    key         text NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (platform, key)
);
CREATE INDEX inbound_requests_received_idx ON inbound_requests (received_at);

-- Finding the channel post about a referral, to update it in place.
CREATE INDEX outbox_referral_idx ON outbox (workspace_id, kind, ((payload->'referral'->>'id')::bigint)) WHERE status = 'sent';

---- create above / drop below ----

DROP INDEX outbox_referral_idx;
DROP TABLE inbound_requests;
