-- 042_network_rollups: the network's folded figures kept apart.
--
-- The network's summary of many workspaces at once (NetworkTotals: the
-- quarterly celebration, the weekly digest) reads the stats rollups of
-- subject 0, a few dozen rows a month per workspace. A month's rows are
-- written all through it among the members' rows, so each row read was a
-- heap page of its own: at a tenth of BNI (1,131 workspaces, 367,000
-- network rows among 3.5 million) the quarterly celebration's two
-- quarters of every workspace were 92,000 pages, 16.2 s on a server just
-- started. An index holding n and cents made them a few index pages (0.9
-- s) but cost every rollup update its HOT update (PostgreSQL tells HOT
-- apart by column, whatever a partial index's predicate): 1–3 kB more WAL
-- a /refer.
--
-- So the folded network rows (shard -1: the daily fold's, bulk loads')
-- are kept again here, one row each, by statement triggers on
-- stats_rollups: rows a workspace's fold writes together lie together.
-- The /refer path writes its writer's shard only, so its statements find
-- nothing to copy. NetworkTotals reads these rows, and the network's rows
-- not folded yet through stats_rollups_unfolded_idx (031).
CREATE TABLE network_rollups (
    workspace_id bigint NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    measure      smallint NOT NULL,
    bucket       timestamptz NOT NULL,
    role         smallint NOT NULL,
    status       text NOT NULL,
    currency     text NOT NULL,
    private      boolean NOT NULL,
    n            bigint NOT NULL,
    n_amount     bigint NOT NULL,
    cents        bigint NOT NULL,
    PRIMARY KEY (workspace_id, measure, bucket, role, status, currency, private)
);

INSERT INTO network_rollups (workspace_id, measure, bucket, role, status, currency, private, n, n_amount, cents)
SELECT workspace_id, measure, bucket, role, status, currency, private, n, n_amount, cents
FROM stats_rollups WHERE subject = 0 AND shard = -1
ORDER BY workspace_id, measure, bucket, role, status, currency, private;

-- network_rollups_add adds what a statement changed in the folded network
-- rows: the rows after it (sign 1) and before it (sign -1), summed by key.
-- A key's row is only updated when nothing is added to it (a deletion):
-- a workspace deleted takes its rows with it, and nothing may be inserted
-- for it meanwhile.
CREATE FUNCTION network_rollups_add(after stats_rollups[], before stats_rollups[]) RETURNS void
LANGUAGE sql AS $$
    WITH d AS (
        SELECT x.workspace_id, x.measure, x.bucket, x.role, x.status, x.currency, x.private,
            sum(x.n * x.sign) AS n, sum(x.n_amount * x.sign) AS n_amount, sum(x.cents * x.sign) AS cents,
            bool_or(x.sign > 0) AS added
        FROM (SELECT a.*, 1 AS sign FROM unnest(after) a UNION ALL SELECT b.*, -1 FROM unnest(before) b) x
        WHERE x.subject = 0 AND x.shard = -1
        GROUP BY 1, 2, 3, 4, 5, 6, 7
    ), upd AS (
        UPDATE network_rollups t SET n = t.n + d.n, n_amount = t.n_amount + d.n_amount, cents = t.cents + d.cents
        FROM d
        WHERE NOT d.added AND t.workspace_id = d.workspace_id AND t.measure = d.measure AND t.bucket = d.bucket
            AND t.role = d.role AND t.status = d.status AND t.currency = d.currency AND t.private = d.private
    )
    INSERT INTO network_rollups AS t (workspace_id, measure, bucket, role, status, currency, private, n, n_amount, cents)
    SELECT workspace_id, measure, bucket, role, status, currency, private, n, n_amount, cents
    FROM d WHERE d.added
    ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (workspace_id, measure, bucket, role, status, currency, private) DO UPDATE
    SET n = t.n + excluded.n, n_amount = t.n_amount + excluded.n_amount, cents = t.cents + excluded.cents
$$;

CREATE FUNCTION stats_rollups_network_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    after stats_rollups[];
    before stats_rollups[];
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        after := ARRAY(SELECT a FROM added a WHERE a.subject = 0 AND a.shard = -1);
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        before := ARRAY(SELECT r FROM removed r WHERE r.subject = 0 AND r.shard = -1);
    END IF;
    IF cardinality(after) > 0 OR cardinality(before) > 0 THEN
        PERFORM network_rollups_add(COALESCE(after, '{}'), COALESCE(before, '{}'));
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER stats_rollups_network_inserted
    AFTER INSERT ON stats_rollups
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION stats_rollups_network_changed();
CREATE TRIGGER stats_rollups_network_updated
    AFTER UPDATE ON stats_rollups
    REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION stats_rollups_network_changed();
CREATE TRIGGER stats_rollups_network_deleted
    AFTER DELETE ON stats_rollups
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION stats_rollups_network_changed();

---- create above / drop below ----

DROP TRIGGER IF EXISTS stats_rollups_network_deleted ON stats_rollups;
DROP TRIGGER IF EXISTS stats_rollups_network_updated ON stats_rollups;
DROP TRIGGER IF EXISTS stats_rollups_network_inserted ON stats_rollups;
DROP FUNCTION IF EXISTS stats_rollups_network_changed();
DROP FUNCTION IF EXISTS network_rollups_add(stats_rollups[], stats_rollups[]);
DROP TABLE IF EXISTS network_rollups;
