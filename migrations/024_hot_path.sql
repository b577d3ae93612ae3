-- 024_hot_path: one index fewer to write on every /refer (issue 15).
--
-- Every referral touches its pair's partnership, moving next_due, so the
-- row's new version goes into each of its indexes. The index on next_due
-- alone (001) serves nothing since migration 018: the touch reminders
-- find what fell due per workspace, through partnerships_due_idx
-- (workspace_id, next_due), as everything else reads partnerships within
-- a workspace.
DROP INDEX IF EXISTS partnerships_next_due_idx;

---- create above / drop below ----

CREATE INDEX IF NOT EXISTS partnerships_next_due_idx ON partnerships (next_due);
