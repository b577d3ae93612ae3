-- 036_board_deals: the leaderboard's top givers and most improved read
-- through an index ordered by what ranks them first (issue 15, line 2).
--
-- Top givers are ranked by confirmed won deals first (core/leaderboard.go).
-- Reading every member's tallies of the period to show ten (21,000
-- rows at a 12,190-member chapter, all time) made the command follow the
-- members. board_deals keeps, per member and UTC quarter (or all time:
-- '-infinity'), the confirmed won deals in every currency together, and
-- for a quarter those of the quarter before, so that an index hands out
-- the members by deals (top givers) or by deals gained (most improved),
-- best first: core reads them a batch at a time until no member left can
-- outrank the last one shown (deals only ever shrink when repeats count
-- once, so the kept count bounds the shown one).
--
-- It is kept from board_rollups (029, 032), never from referrals: a row
-- trigger on the tallies' measure 2 (deals won, value confirmed) adds
-- what their n gained. A /refer writes measure 1 only, so its whole cost
-- here is the trigger's WHEN on the rows it writes.
CREATE TABLE board_deals (
    workspace_id bigint NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    bucket       timestamptz NOT NULL,  -- a UTC quarter's start, or '-infinity' (all time)
    member_id    bigint NOT NULL,       -- the referrer
    deals        bigint NOT NULL,       -- confirmed won deals closed in the bucket, all currencies
    prev_deals   bigint NOT NULL,       -- a quarter's: those of the quarter before (all time: 0)
    PRIMARY KEY (workspace_id, bucket, member_id)
);
CREATE INDEX board_deals_rank_idx ON board_deals (workspace_id, bucket, deals DESC, member_id);
CREATE INDEX board_deals_gain_idx ON board_deals (workspace_id, bucket, (deals - prev_deals) DESC, member_id);

-- Newcomers' first wins are those of the period won at most 90 days
-- (core.NewcomerDays) after the member joined (core/leaderboard_top.go):
-- read by when they were won through an index of those alone, not member
-- by member (all time at 12,190 members: 47 ms for 637 of 11,606 first
-- wins). The member's joined_at is kept beside their first win for it,
-- set whenever the first win is written and when the member's changes.
ALTER TABLE member_first_wins ADD COLUMN joined_at timestamptz;
UPDATE member_first_wins f SET joined_at = m.joined_at
FROM members m WHERE m.workspace_id = f.workspace_id AND m.id = f.member_id;
CREATE INDEX member_first_wins_newcomer_idx ON member_first_wins (workspace_id, closed_at)
    WHERE closed_at - joined_at <= interval '2160 hours';

CREATE FUNCTION member_first_wins_joined() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.joined_at := (SELECT m.joined_at FROM members m WHERE m.workspace_id = NEW.workspace_id AND m.id = NEW.member_id);
    RETURN NEW;
END;
$$;
CREATE TRIGGER member_first_wins_joined
    BEFORE INSERT OR UPDATE ON member_first_wins
    FOR EACH ROW EXECUTE FUNCTION member_first_wins_joined();

CREATE FUNCTION members_first_win_joined() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE member_first_wins SET joined_at = NEW.joined_at WHERE workspace_id = NEW.workspace_id AND member_id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER members_first_win_joined
    AFTER UPDATE OF joined_at ON members
    FOR EACH ROW WHEN (OLD.joined_at IS DISTINCT FROM NEW.joined_at)
    EXECUTE FUNCTION members_first_win_joined();

-- The quarter a tally bucket (a UTC month, or '-infinity') is in, and the
-- next one, in UTC whatever the session's time zone.
CREATE FUNCTION board_quarter(bucket timestamptz, later int) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN bucket = '-infinity' THEN bucket
        ELSE (date_trunc('quarter', bucket AT TIME ZONE 'UTC') + later * interval '3 months') AT TIME ZONE 'UTC' END
$$;

CREATE FUNCTION board_rollups_deals() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ws bigint := COALESCE(NEW.workspace_id, OLD.workspace_id);
    b timestamptz := COALESCE(NEW.bucket, OLD.bucket);
    m bigint := COALESCE(NEW.member_id, OLD.member_id);
    gained bigint := COALESCE(NEW.n, 0) - COALESCE(OLD.n, 0);
BEGIN
    -- a workspace being deleted takes its deals with it
    IF gained = 0 OR TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM workspaces w WHERE w.id = ws) THEN
        RETURN NULL;
    END IF;
    INSERT INTO board_deals AS d (workspace_id, bucket, member_id, deals, prev_deals)
    VALUES (ws, board_quarter(b, 0), m, gained, 0)
    ON CONFLICT (workspace_id, bucket, member_id) DO UPDATE SET deals = d.deals + EXCLUDED.deals;
    IF b <> '-infinity' THEN
        INSERT INTO board_deals AS d (workspace_id, bucket, member_id, deals, prev_deals)
        VALUES (ws, board_quarter(b, 1), m, 0, gained)
        ON CONFLICT (workspace_id, bucket, member_id) DO UPDATE SET prev_deals = d.prev_deals + EXCLUDED.prev_deals;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER board_rollups_deals_insert
    AFTER INSERT ON board_rollups
    FOR EACH ROW WHEN (NEW.measure = 2)
    EXECUTE FUNCTION board_rollups_deals();
CREATE TRIGGER board_rollups_deals_update
    AFTER UPDATE ON board_rollups
    FOR EACH ROW WHEN (NEW.measure = 2 AND NEW.n <> OLD.n)
    EXECUTE FUNCTION board_rollups_deals();
CREATE TRIGGER board_rollups_deals_delete
    AFTER DELETE ON board_rollups
    FOR EACH ROW WHEN (OLD.measure = 2)
    EXECUTE FUNCTION board_rollups_deals();

-- A workspace's deals from its tallies: the migration and a trusted seed
-- (which loads without triggers) use it.
CREATE FUNCTION board_deals_rebuild(ws bigint) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM board_deals WHERE workspace_id = ws;
    INSERT INTO board_deals (workspace_id, bucket, member_id, deals, prev_deals)
    SELECT ws, q.bucket, b.member_id, sum(q.deals), sum(q.prev_deals)
    FROM board_rollups b
    CROSS JOIN LATERAL (VALUES (board_quarter(b.bucket, 0), b.n, 0::bigint),
        (CASE WHEN b.bucket <> '-infinity' THEN board_quarter(b.bucket, 1) END, 0::bigint, b.n)) AS q (bucket, deals, prev_deals)
    WHERE b.workspace_id = ws AND b.measure = 2 AND q.bucket IS NOT NULL
    GROUP BY 2, 3;
$$;
SELECT board_deals_rebuild(id) FROM workspaces;
ANALYZE board_deals;

---- create above / drop below ----

DROP FUNCTION board_rollups_deals() CASCADE;
DROP FUNCTION board_deals_rebuild(bigint);
DROP FUNCTION board_quarter(timestamptz, int);
DROP TABLE board_deals;
DROP FUNCTION members_first_win_joined() CASCADE;
DROP FUNCTION member_first_wins_joined() CASCADE;
DROP INDEX member_first_wins_newcomer_idx;
ALTER TABLE member_first_wins DROP COLUMN joined_at;
