-- 033_member_totals: the network's per-member breakdown from one row per
-- member instead of every member's rollup rows (issue 15, acceptance line 2).
--
-- The breakdown of `stats network` (and the quarterly report) counts per
-- member what they gave and received, and the deals won of both, per
-- currency. stats_rollups keeps those split by month, role, status and
-- shard: all time at the full-size chapter is 172,000 rows read and
-- grouped for 12,190 members. member_totals keeps the same sums per member,
-- UTC quarter (or all time: '-infinity'), currency, private and shard, so a
-- period of whole quarters reads about one row per member.
--
-- It is kept as a mirror of stats_rollups, not of referrals: statement
-- triggers over the rollups' transition tables add what each statement
-- added to the rollups and take away what it took away. Every writer of
-- the rollups (the referral triggers of 016–032, the nightly fold, a
-- workspace's deletion) is mirrored whatever it is, and the sums stay
-- equal to the rollups' by construction. The shard is the rollup row's
-- own, so concurrent writers of one member touch the rows they already
-- hold in the rollups, and the fold moves sums from the writers' shards
-- to shard -1 here as it does there.

CREATE TABLE member_totals (
    workspace_id   bigint NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    member_id      bigint NOT NULL,
    bucket         timestamptz NOT NULL, -- UTC quarter start, or '-infinity' (all time)
    currency       text NOT NULL,        -- the deals' as in the rollups ('' = DefaultCurrency)
    private        boolean NOT NULL,     -- the deals' (counts are kept under '' and false)
    shard          smallint NOT NULL,
    given          bigint NOT NULL,      -- referrals created, the member the referrer
    received       bigint NOT NULL,      -- referrals created, the member receiver or co-owner
    given_deals    bigint NOT NULL,      -- deals won of those given
    given_cents    bigint NOT NULL,
    received_deals bigint NOT NULL,      -- deals won of those received or co-owned
    received_cents bigint NOT NULL,
    PRIMARY KEY (workspace_id, bucket, member_id, currency, private, shard)
);

-- member_total_facts is what one rollup row adds to member_totals (sign
-- 1) or takes away (-1): nothing for the network's rows or the funnel's
-- (measure 3). One plain SELECT, inlined into the triggers' statements.
CREATE FUNCTION member_total_facts(s stats_rollups, sign int)
RETURNS TABLE (workspace_id bigint, member_id bigint, bucket timestamptz, currency text, private boolean,
               shard smallint, given bigint, received bigint, given_deals bigint, given_cents bigint,
               received_deals bigint, received_cents bigint)
LANGUAGE sql STABLE AS $$
    SELECT s.workspace_id, s.subject, date_trunc('quarter', s.bucket, 'UTC'),
        -- counts are read whatever their currency and privacy: one key
        CASE WHEN s.measure = 1 THEN '' ELSE s.currency END, s.measure = 2 AND s.private, s.shard,
        CASE WHEN s.measure = 1 AND s.role & 1 <> 0 THEN s.n * sign ELSE 0 END,
        CASE WHEN s.measure = 1 AND s.role & 6 <> 0 THEN s.n * sign ELSE 0 END,
        CASE WHEN s.measure = 2 AND s.role & 1 <> 0 THEN s.n * sign ELSE 0 END,
        CASE WHEN s.measure = 2 AND s.role & 1 <> 0 THEN s.cents * sign ELSE 0 END,
        CASE WHEN s.measure = 2 AND s.role & 6 <> 0 THEN s.n * sign ELSE 0 END,
        CASE WHEN s.measure = 2 AND s.role & 6 <> 0 THEN s.cents * sign ELSE 0 END
    WHERE s.subject <> 0 AND s.measure IN (1, 2)
$$;

-- member_totals_add adds the summed facts of the rows a statement put
-- into the rollups and takes away those of the rows it took out, each key
-- once and in key order (transactions that share rows lock them in the
-- same order), leaving out keys whose changes cancel (a status change
-- moves a referral between rollup rows of one member total). The rows come
-- as arrays: a transition table is visible only to its trigger's function.
-- PL/pgSQL, not SQL: its statement's plan is kept for the session, where a
-- SQL function's would be planned again on every call (on every write).
CREATE FUNCTION member_totals_add(added stats_rollups[], removed stats_rollups[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO member_totals AS t (workspace_id, member_id, bucket, currency, private, shard,
        given, received, given_deals, given_cents, received_deals, received_cents)
    SELECT f.workspace_id, f.member_id, f.bucket, f.currency, f.private, f.shard,
        sum(f.given), sum(f.received), sum(f.given_deals), sum(f.given_cents), sum(f.received_deals),
        sum(f.received_cents)
    FROM (SELECT a, 1 FROM unnest(added) a UNION ALL SELECT r, -1 FROM unnest(removed) r) AS c (s, sign)
    CROSS JOIN LATERAL member_total_facts(c.s, c.sign) f
    -- a workspace being deleted: its rows go with it, nothing to add
    WHERE EXISTS (SELECT 1 FROM workspaces w WHERE w.id = f.workspace_id)
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(f.given) <> 0 OR sum(f.received) <> 0 OR sum(f.given_deals) <> 0 OR sum(f.given_cents) <> 0
        OR sum(f.received_deals) <> 0 OR sum(f.received_cents) <> 0
    ORDER BY 1, 3, 2, 4, 5, 6
    ON CONFLICT (workspace_id, bucket, member_id, currency, private, shard) DO UPDATE
    SET given = t.given + EXCLUDED.given, received = t.received + EXCLUDED.received,
        given_deals = t.given_deals + EXCLUDED.given_deals, given_cents = t.given_cents + EXCLUDED.given_cents,
        received_deals = t.received_deals + EXCLUDED.received_deals,
        received_cents = t.received_cents + EXCLUDED.received_cents;
END;
$$;

-- One trigger function per event: a trigger with transition tables has
-- one event. A statement that changed no member's row costs one array
-- test (ON CONFLICT fires both the insert and the update trigger).
CREATE FUNCTION stats_rollups_totals_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    rows stats_rollups[] := ARRAY(SELECT a FROM added a WHERE a.subject <> 0 AND a.measure < 3);
BEGIN
    IF cardinality(rows) > 0 THEN
        PERFORM member_totals_add(rows, '{}');
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION stats_rollups_totals_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    new_rows stats_rollups[] := ARRAY(SELECT a FROM added a WHERE a.subject <> 0 AND a.measure < 3);
    old_rows stats_rollups[] := ARRAY(SELECT r FROM removed r WHERE r.subject <> 0 AND r.measure < 3);
BEGIN
    IF cardinality(new_rows) + cardinality(old_rows) > 0 THEN
        PERFORM member_totals_add(new_rows, old_rows);
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION stats_rollups_totals_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    rows stats_rollups[] := ARRAY(SELECT r FROM removed r WHERE r.subject <> 0 AND r.measure < 3);
BEGIN
    IF cardinality(rows) > 0 THEN
        PERFORM member_totals_add('{}', rows);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER stats_rollups_totals_inserted
    AFTER INSERT ON stats_rollups
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION stats_rollups_totals_inserted();
CREATE TRIGGER stats_rollups_totals_updated
    AFTER UPDATE ON stats_rollups
    REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION stats_rollups_totals_updated();
CREATE TRIGGER stats_rollups_totals_deleted
    AFTER DELETE ON stats_rollups
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION stats_rollups_totals_deleted();

-- member_totals_rebuild recomputes one workspace's totals from its rollups
-- (a load without triggers, as the seed's --trusted, or a check).
CREATE FUNCTION member_totals_rebuild(ws bigint) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM member_totals WHERE workspace_id = ws;
    INSERT INTO member_totals (workspace_id, member_id, bucket, currency, private, shard,
        given, received, given_deals, given_cents, received_deals, received_cents)
    SELECT f.workspace_id, f.member_id, f.bucket, f.currency, f.private, f.shard,
        sum(f.given), sum(f.received), sum(f.given_deals), sum(f.given_cents), sum(f.received_deals),
        sum(f.received_cents)
    FROM stats_rollups s CROSS JOIN LATERAL member_total_facts(s, 1) f
    WHERE s.workspace_id = ws AND s.subject <> 0 AND s.measure < 3
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(f.given) <> 0 OR sum(f.received) <> 0 OR sum(f.given_deals) <> 0 OR sum(f.given_cents) <> 0
        OR sum(f.received_deals) <> 0 OR sum(f.received_cents) <> 0;
$$;

SELECT member_totals_rebuild(id) FROM workspaces;

---- create above / drop below ----

DROP TRIGGER stats_rollups_totals_deleted ON stats_rollups;
DROP TRIGGER stats_rollups_totals_updated ON stats_rollups;
DROP TRIGGER stats_rollups_totals_inserted ON stats_rollups;
DROP FUNCTION member_totals_rebuild(bigint);
DROP FUNCTION stats_rollups_totals_deleted();
DROP FUNCTION stats_rollups_totals_updated();
DROP FUNCTION stats_rollups_totals_inserted();
DROP FUNCTION member_totals_add(stats_rollups[], stats_rollups[]);
DROP FUNCTION member_total_facts(stats_rollups, int);
DROP TABLE member_totals;
