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

-- Every referral, its partnership and its notices checked their
-- workspace_id against the workspace row with FOR KEY SHARE: all the
-- commands of a workspace locked that one row, and PostgreSQL kept a
-- multixact of its lockers up to date on every one. The composite keys to
-- members (workspace_id, id) — a referrer, a pair, a recipient, all NOT
-- NULL but a channel notice's — already say the workspace exists (members
-- reference workspaces). Workspaces are never deleted; one that is must
-- have these rows deleted first.
ALTER TABLE referrals DROP CONSTRAINT IF EXISTS referrals_workspace_id_fkey;
ALTER TABLE partnerships DROP CONSTRAINT IF EXISTS partnerships_workspace_id_fkey;
ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_workspace_id_fkey;

---- create above / drop below ----

ALTER TABLE referrals ADD CONSTRAINT referrals_workspace_id_fkey
    FOREIGN KEY (workspace_id) REFERENCES workspaces ON DELETE CASCADE;
ALTER TABLE partnerships ADD CONSTRAINT partnerships_workspace_id_fkey
    FOREIGN KEY (workspace_id) REFERENCES workspaces ON DELETE CASCADE;
ALTER TABLE outbox ADD CONSTRAINT outbox_workspace_id_fkey
    FOREIGN KEY (workspace_id) REFERENCES workspaces ON DELETE CASCADE;

ALTER TABLE workspaces ADD COLUMN IF NOT EXISTS next_code bigint NOT NULL DEFAULT 1001 CHECK (next_code > 0);
UPDATE workspaces w SET next_code = c.next_code FROM referral_codes c WHERE c.workspace_id = w.id;
DROP TABLE IF EXISTS referral_codes;
