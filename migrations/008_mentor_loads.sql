-- Auto-assigned buddies rotate with a cap per mentor (core.assignBuddy):
-- each join that assigns one counts every mentor's recent newcomers.
CREATE INDEX members_buddy_idx ON members (workspace_id, buddy_id, joined_at) WHERE buddy_id IS NOT NULL;

---- create above / drop below ----

DROP INDEX members_buddy_idx;
