-- 035_thanks_to_cover: a member's thank-yous of a period from the index
-- alone (issue 15, acceptance line 2).
--
-- The breakdown's top rows (core/postgres/stats_top.go) count the period's
-- thank-yous of the ten members shown, and a member's own figures count
-- theirs: by (workspace, member) the old index found every thank-you the
-- member ever got, then fetched each row for its date and retraction
-- (22,000 heap rows for the full-size chapter's top ten). The same key
-- with the date and the retraction in the index answers it by itself. It
-- replaces the old index (a prefix of it), so a thank-you still writes one
-- entry to it, and a /refer none.

DROP INDEX IF EXISTS thanks_to_idx;
CREATE INDEX thanks_to_idx ON thanks (workspace_id, to_id, at) INCLUDE (retracted_at);

---- create above / drop below ----

DROP INDEX IF EXISTS thanks_to_idx;
CREATE INDEX thanks_to_idx ON thanks (workspace_id, to_id);
