-- Referral codes are handed out in blocks (see core/postgres/codes.go):
-- a short statement of its own, committed at once, takes the next block
-- of a workspace's codes, so no referral's transaction holds a lock every
-- other referral of the workspace needs (the counter used to live on the
-- workspace row, locked until each referral committed). Codes stay unique
-- per workspace; codes of a block a process never used are skipped.
-- No foreign key: the block is taken outside the transaction that may
-- be creating the workspace, and must not wait for it.
CREATE TABLE IF NOT EXISTS referral_codes (
    workspace_id bigint PRIMARY KEY,
    next_code    bigint NOT NULL CHECK (next_code > 0)
);

INSERT INTO referral_codes (workspace_id, next_code)
SELECT id, next_code FROM workspaces
ON CONFLICT (workspace_id) DO NOTHING;

ALTER TABLE workspaces DROP COLUMN IF EXISTS next_code;

---- create above / drop below ----

ALTER TABLE workspaces ADD COLUMN IF NOT EXISTS next_code bigint NOT NULL DEFAULT 1001 CHECK (next_code > 0);
UPDATE workspaces w SET next_code = c.next_code FROM referral_codes c WHERE c.workspace_id = w.id;
DROP TABLE IF EXISTS referral_codes;
