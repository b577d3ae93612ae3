-- 043_duration_counts: the network's all-time medians found by counts,
-- not by walking to the middle of an index.
--
-- `stats network` over all time takes its median days to close and its
-- median thank-you latency from the middle entry (or two) of an index
-- holding the very values (027): exact, but reaching the middle reads
-- half the index. At the full-size chapter that is 75,000 won deals and
-- 55,000 thank-yous, 18 and 11 ms of a 51 ms summary, and it grows with
-- the years kept.
--
-- duration_counts counts the same entries per workspace and whole unit of
-- their value (a day to close, an hour of latency): a few hundred rows a
-- workspace. The statement sums them to find the unit the middle falls
-- in and how many entries lie below it, then reads the index from that
-- unit's first entry: the same entries, the same float8 arithmetic as
-- percentile_cont, a few hundred entries read instead of half of them.
--
-- Kept by row triggers whose WHEN names the rows counted: a won deal, a
-- thank-you with an acceptance not retracted. The condition is tested
-- without calling anything, so a /refer (a new referral is never won)
-- and most updates pass by at the cost of the test; a write that does not
-- move an entry to another unit writes nothing.
CREATE TABLE duration_counts (
    workspace_id bigint NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    measure      smallint NOT NULL, -- 1: won deals by days to close; 2: thank-yous by hours after acceptance
    unit         integer NOT NULL,  -- floor of the value (as referrals_won_days_idx, thanks_latency_idx hold it)
    n            bigint NOT NULL,
    PRIMARY KEY (workspace_id, measure, unit)
);

-- duration_counts_move takes an entry out of its old unit and puts it in
-- its new one (NULL: none), nothing when they are the same. A workspace
-- being deleted gets nothing added (its rows go with it).
CREATE FUNCTION duration_counts_move(old_ws bigint, old_unit integer, new_ws bigint, new_unit integer, m smallint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF old_ws IS NOT DISTINCT FROM new_ws AND old_unit IS NOT DISTINCT FROM new_unit THEN
        RETURN;
    END IF;
    INSERT INTO duration_counts AS d (workspace_id, measure, unit, n)
    SELECT x.ws, m, x.unit, sum(x.k)
    FROM (VALUES (old_ws, old_unit, -1), (new_ws, new_unit, 1)) AS x (ws, unit, k)
    WHERE x.unit IS NOT NULL AND EXISTS (SELECT 1 FROM workspaces w WHERE w.id = x.ws)
    GROUP BY x.ws, x.unit
    ORDER BY x.ws, x.unit
    ON CONFLICT (workspace_id, measure, unit) DO UPDATE SET n = d.n + EXCLUDED.n;
END;
$$;

-- The units, in the expressions of referrals_won_days_idx and
-- thanks_latency_idx (027): an entry with a NULL value (a deal won
-- without a closing date) is in no unit, as no median reads it.
CREATE FUNCTION won_days_unit(r referrals) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN r.status = 'won'
        THEN floor((extract(epoch FROM r.closed_at - r.created_at) / 86400)::float8)::integer END
$$;

CREATE FUNCTION latency_hours_unit(t thanks) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN t.retracted_at IS NULL AND t.accepted_at IS NOT NULL
        THEN floor((extract(epoch FROM t.at - t.accepted_at) / 3600)::float8)::integer END
$$;

CREATE FUNCTION duration_counts_referral() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM duration_counts_move(
        CASE WHEN TG_OP <> 'INSERT' THEN OLD.workspace_id END, CASE WHEN TG_OP <> 'INSERT' THEN won_days_unit(OLD) END,
        CASE WHEN TG_OP <> 'DELETE' THEN NEW.workspace_id END, CASE WHEN TG_OP <> 'DELETE' THEN won_days_unit(NEW) END,
        1::smallint);
    RETURN NULL;
END;
$$;

CREATE FUNCTION duration_counts_thanks() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM duration_counts_move(
        CASE WHEN TG_OP <> 'INSERT' THEN OLD.workspace_id END, CASE WHEN TG_OP <> 'INSERT' THEN latency_hours_unit(OLD) END,
        CASE WHEN TG_OP <> 'DELETE' THEN NEW.workspace_id END, CASE WHEN TG_OP <> 'DELETE' THEN latency_hours_unit(NEW) END,
        2::smallint);
    RETURN NULL;
END;
$$;

CREATE TRIGGER duration_counts_inserted AFTER INSERT ON referrals
    FOR EACH ROW WHEN (NEW.status = 'won') EXECUTE FUNCTION duration_counts_referral();
CREATE TRIGGER duration_counts_updated AFTER UPDATE ON referrals
    FOR EACH ROW WHEN (OLD.status = 'won' OR NEW.status = 'won') EXECUTE FUNCTION duration_counts_referral();
CREATE TRIGGER duration_counts_deleted AFTER DELETE ON referrals
    FOR EACH ROW WHEN (OLD.status = 'won') EXECUTE FUNCTION duration_counts_referral();
CREATE TRIGGER duration_counts_inserted AFTER INSERT ON thanks
    FOR EACH ROW WHEN (NEW.retracted_at IS NULL AND NEW.accepted_at IS NOT NULL) EXECUTE FUNCTION duration_counts_thanks();
CREATE TRIGGER duration_counts_updated AFTER UPDATE ON thanks
    FOR EACH ROW WHEN ((OLD.retracted_at IS NULL AND OLD.accepted_at IS NOT NULL)
        OR (NEW.retracted_at IS NULL AND NEW.accepted_at IS NOT NULL)) EXECUTE FUNCTION duration_counts_thanks();
CREATE TRIGGER duration_counts_deleted AFTER DELETE ON thanks
    FOR EACH ROW WHEN (OLD.retracted_at IS NULL AND OLD.accepted_at IS NOT NULL) EXECUTE FUNCTION duration_counts_thanks();

-- duration_counts_rebuild recomputes one workspace's counts from its rows
-- (a load without triggers, as the seed's --trusted, or a check).
CREATE FUNCTION duration_counts_rebuild(ws bigint) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM duration_counts WHERE workspace_id = ws;
    INSERT INTO duration_counts (workspace_id, measure, unit, n)
    SELECT ws, x.measure, x.unit, count(*)
    FROM (SELECT 1::smallint, won_days_unit(r) FROM referrals r WHERE r.workspace_id = ws AND r.status = 'won'
        UNION ALL
        SELECT 2::smallint, latency_hours_unit(t) FROM thanks t
        WHERE t.workspace_id = ws AND t.retracted_at IS NULL AND t.accepted_at IS NOT NULL) AS x (measure, unit)
    WHERE x.unit IS NOT NULL
    GROUP BY x.measure, x.unit;
$$;

SELECT duration_counts_rebuild(id) FROM workspaces;

---- create above / drop below ----

DROP TRIGGER duration_counts_deleted ON thanks;
DROP TRIGGER duration_counts_updated ON thanks;
DROP TRIGGER duration_counts_inserted ON thanks;
DROP TRIGGER duration_counts_deleted ON referrals;
DROP TRIGGER duration_counts_updated ON referrals;
DROP TRIGGER duration_counts_inserted ON referrals;
DROP FUNCTION duration_counts_rebuild(bigint);
DROP FUNCTION duration_counts_thanks();
DROP FUNCTION duration_counts_referral();
DROP FUNCTION latency_hours_unit(thanks);
DROP FUNCTION won_days_unit(referrals);
DROP FUNCTION duration_counts_move(bigint, integer, bigint, integer, smallint);
DROP TABLE duration_counts;
