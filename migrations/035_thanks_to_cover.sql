-- 035_thanks_to_cover: a member's thank-yous of a period from the index
-- alone, and the network's thank-yous and ratings counted per month
-- (issue 15, acceptance line 2).
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

-- The network's figures count every thank-you and rating of the period:
-- all time at the full-size chapter, 111,000 thank-yous and 164,000
-- ratings read per `stats network`. network_counts keeps them per
-- workspace and UTC month of `at` (and all time: '-infinity'), as
-- stats_rollups keeps the referrals: a period reads its whole months here
-- and the few rows at its edges from the tables (core/postgres/coverage.go).
-- Kept by statement triggers over transition tables, each key once and in
-- key order; thank-yous and ratings are written a few at a time by their
-- own commands (no /refer writes one), so one row a month is enough.
CREATE TABLE network_counts (
    workspace_id bigint NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    bucket       timestamptz NOT NULL, -- UTC month start of at, or '-infinity' (all time)
    thanks       bigint NOT NULL,      -- thank-yous not retracted
    accepted     bigint NOT NULL,      -- of which on an accepted referral (accepted_at set)
    ratings      bigint NOT NULL,      -- feedback given
    scores       bigint NOT NULL,      -- the sum of its scores
    PRIMARY KEY (workspace_id, bucket)
);

-- network_count_facts is what one row of thanks or feedback (as jsonb)
-- adds to network_counts (sign 1) or takes away (-1), in its month and
-- all time.
CREATE FUNCTION network_count_facts(tbl name, j jsonb, sign int)
RETURNS TABLE (workspace_id bigint, bucket timestamptz, thanks bigint, accepted bigint, ratings bigint, scores bigint)
LANGUAGE sql IMMUTABLE AS $$
    SELECT (j->>'workspace_id')::bigint, k.bucket,
        CASE WHEN tbl = 'thanks' AND j->>'retracted_at' IS NULL THEN sign ELSE 0 END,
        CASE WHEN tbl = 'thanks' AND j->>'retracted_at' IS NULL AND j->>'accepted_at' IS NOT NULL THEN sign ELSE 0 END,
        CASE WHEN tbl = 'feedback' THEN sign ELSE 0 END,
        CASE WHEN tbl = 'feedback' THEN sign * (j->>'score')::bigint ELSE 0 END
    FROM (VALUES (date_trunc('month', (j->>'at')::timestamptz, 'UTC')), ('-infinity'::timestamptz)) AS k (bucket)
$$;

-- network_counts_changed adds the rows a statement put into thanks or
-- feedback and takes away those it took out (an update: both), leaving
-- out keys whose changes cancel. A workspace being deleted has nothing
-- added.
CREATE FUNCTION network_counts_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    new_rows jsonb[] := '{}';
    old_rows jsonb[] := '{}';
BEGIN
    IF TG_OP <> 'DELETE' THEN
        new_rows := ARRAY(SELECT to_jsonb(a) FROM added a);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        old_rows := ARRAY(SELECT to_jsonb(r) FROM removed r);
    END IF;
    INSERT INTO network_counts AS c (workspace_id, bucket, thanks, accepted, ratings, scores)
    SELECT f.workspace_id, f.bucket, sum(f.thanks), sum(f.accepted), sum(f.ratings), sum(f.scores)
    FROM (SELECT j, 1 FROM unnest(new_rows) j UNION ALL SELECT j, -1 FROM unnest(old_rows) j) AS x (j, sign)
    CROSS JOIN LATERAL network_count_facts(TG_TABLE_NAME, x.j, x.sign) f
    WHERE EXISTS (SELECT 1 FROM workspaces w WHERE w.id = f.workspace_id)
    GROUP BY 1, 2
    HAVING sum(f.thanks) <> 0 OR sum(f.accepted) <> 0 OR sum(f.ratings) <> 0 OR sum(f.scores) <> 0
    ORDER BY 1, 2
    ON CONFLICT (workspace_id, bucket) DO UPDATE
    SET thanks = c.thanks + EXCLUDED.thanks, accepted = c.accepted + EXCLUDED.accepted,
        ratings = c.ratings + EXCLUDED.ratings, scores = c.scores + EXCLUDED.scores;
    RETURN NULL;
END;
$$;

CREATE TRIGGER network_counts_inserted AFTER INSERT ON thanks
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION network_counts_changed();
CREATE TRIGGER network_counts_updated AFTER UPDATE ON thanks
    REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION network_counts_changed();
CREATE TRIGGER network_counts_deleted AFTER DELETE ON thanks
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION network_counts_changed();
CREATE TRIGGER network_counts_inserted AFTER INSERT ON feedback
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION network_counts_changed();
CREATE TRIGGER network_counts_updated AFTER UPDATE ON feedback
    REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION network_counts_changed();
CREATE TRIGGER network_counts_deleted AFTER DELETE ON feedback
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION network_counts_changed();

-- network_counts_rebuild recomputes one workspace's counts from its rows
-- (a load without triggers, as the seed's --trusted, or a check).
CREATE FUNCTION network_counts_rebuild(ws bigint) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM network_counts WHERE workspace_id = ws;
    INSERT INTO network_counts (workspace_id, bucket, thanks, accepted, ratings, scores)
    SELECT f.workspace_id, f.bucket, sum(f.thanks), sum(f.accepted), sum(f.ratings), sum(f.scores)
    FROM (SELECT 'thanks'::name, to_jsonb(t) FROM thanks t WHERE t.workspace_id = ws
        UNION ALL SELECT 'feedback'::name, to_jsonb(fb) FROM feedback fb WHERE fb.workspace_id = ws) AS x (tbl, j)
    CROSS JOIN LATERAL network_count_facts(x.tbl, x.j, 1) f
    GROUP BY 1, 2;
$$;

SELECT network_counts_rebuild(id) FROM workspaces;

---- create above / drop below ----

DROP TRIGGER network_counts_deleted ON feedback;
DROP TRIGGER network_counts_updated ON feedback;
DROP TRIGGER network_counts_inserted ON feedback;
DROP TRIGGER network_counts_deleted ON thanks;
DROP TRIGGER network_counts_updated ON thanks;
DROP TRIGGER network_counts_inserted ON thanks;
DROP FUNCTION network_counts_rebuild(bigint);
DROP FUNCTION network_counts_changed();
DROP FUNCTION network_count_facts(name, jsonb, int);
DROP TABLE network_counts;

DROP INDEX IF EXISTS thanks_to_idx;
CREATE INDEX thanks_to_idx ON thanks (workspace_id, to_id);
