-- 015_dashboard: sign-in links to the web dashboard, the sessions they
-- open, and the secret that signs both.
--
-- A link is a row: `/refer dashboard` inserts it (valid 15 minutes),
-- visiting it marks it used in one UPDATE ... WHERE used_at IS NULL AND
-- expires_at > now, so it works once even under concurrent clicks, and the
-- row then stands for the browser session it opened (until session_until,
-- or ended_at: signed out, or the member left). Keyed by workspace like
-- every table.

-- One signing secret per workspace, generated on first use when
-- REFERBOT_SECRET is unset (INSERT ... ON CONFLICT DO NOTHING, then read:
-- every replica ends up with the same one).
CREATE TABLE dashboard_secrets (
    workspace_id bigint PRIMARY KEY REFERENCES workspaces ON DELETE CASCADE,
    secret       bytea NOT NULL CHECK (length(secret) >= 32),
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dashboard_links (
    workspace_id  bigint NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    id            text NOT NULL CHECK (id ~ '^[0-9a-f]{32}$'), -- random; named in the link and the session cookie
    member_id     bigint NOT NULL,
    issued_at     timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,  -- the link's end: issued_at + 15 minutes
    used_at       timestamptz,           -- when the link was visited: its session began
    session_until timestamptz,           -- used_at + 12 hours
    ended_at      timestamptz,           -- signed out, or the member was removed or left
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, member_id) REFERENCES members (workspace_id, id),
    CHECK ((used_at IS NULL) = (session_until IS NULL))
);
-- A member's links: ended when they leave, pruned when they ask for a new one.
CREATE INDEX dashboard_links_member_idx ON dashboard_links (workspace_id, member_id);

---- create above / drop below ----

DROP TABLE IF EXISTS dashboard_links;
DROP TABLE IF EXISTS dashboard_secrets;
