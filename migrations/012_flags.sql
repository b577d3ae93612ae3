-- Private amounts: a member who keeps their deal amounts private. It lives
-- on the member row, not the profile, so erasing one's data (which deletes
-- the profile) never makes amounts public. A referral's amounts are
-- private when any of its parties keeps amounts private: the stores work
-- that out when they read it (see core/visibility.go).
ALTER TABLE members ADD COLUMN amounts_private boolean NOT NULL DEFAULT false;

-- Abuse flags are computed, not stored; an admin's dismissal is. It covers
-- the evidence (referral codes) the flag had when dismissed: the same flag
-- with new evidence is raised again.
CREATE TABLE flag_dismissals (
    workspace_id bigint NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    flag_key     text NOT NULL,
    codes        bigint[] NOT NULL DEFAULT '{}',
    reason       text NOT NULL CHECK (reason <> ''),
    member_id    bigint,
    at           timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, flag_key)
);

---- create above / drop below ----

DROP TABLE flag_dismissals;
ALTER TABLE members DROP COLUMN amounts_private;
