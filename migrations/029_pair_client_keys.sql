-- 029_pair_client_keys: repeat clients counted per referrer and receiver,
-- and the keys of a same-client flag read alone (issue 15).
--
-- The leaderboard counts repeat referrals of a client by the same referrer
-- to the same receiver once (core/leaderboard.go). It found them from the
-- keys the workspace has more than once (client_key_counts, migration
-- 023): every referral of a client anyone referred twice, though most of
-- those go to other people. pair_client_key_counts counts each key per
-- referrer and receiver (0: none yet), so that the repeats are the keys
-- counted twice or more there: a partial index holds only those, and a
-- read follows how many repeats there are, not the history.
--
-- The counts are kept by triggers of their own, from client_keys() of the
-- referral's client (not from referral_client_keys, whose trigger may run
-- before or after them): new referrals per statement, set-based, so a
-- statement inserting many counts each key once; a change of client or of
-- either party and a deletion per row. Counts change in key order, so
-- concurrent writes sharing keys wait for each other rather than deadlock.
CREATE TABLE pair_client_key_counts (
    workspace_id bigint NOT NULL,
    referrer_id  bigint NOT NULL,
    receiver_id  bigint NOT NULL,  -- 0: none yet
    key          text NOT NULL,
    n            bigint NOT NULL,
    PRIMARY KEY (workspace_id, referrer_id, receiver_id, key)
);
CREATE INDEX pair_client_key_counts_repeated_idx ON pair_client_key_counts (workspace_id, key, referrer_id, receiver_id)
    WHERE n > 1;

-- A same-client flag needs core.SameClientMin (3) referrals of a key:
-- flags read only the keys counted that often (core/postgres/flags.go).
CREATE INDEX client_key_counts_flagged_idx ON client_key_counts (workspace_id, key) WHERE n >= 3;

CREATE FUNCTION referrals_pair_client_keys_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO pair_client_key_counts AS c (workspace_id, referrer_id, receiver_id, key, n)
    SELECT x.workspace_id, x.referrer_id, x.receiver_id, x.k, count(*)
    FROM (SELECT DISTINCT r.workspace_id, r.id, r.referrer_id, COALESCE(r.receiver_id, 0) AS receiver_id, u.k
        FROM added r CROSS JOIN LATERAL unnest(client_keys(r.client_name, r.client_contact)) AS u (k)) x
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (workspace_id, referrer_id, receiver_id, key) DO UPDATE SET n = c.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;
CREATE TRIGGER referrals_pair_client_keys_insert
    AFTER INSERT ON referrals
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION referrals_pair_client_keys_added();

CREATE FUNCTION referrals_pair_client_keys() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    k text;
    left_ bigint;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        FOR k IN SELECT DISTINCT u.k FROM unnest(client_keys(OLD.client_name, OLD.client_contact)) AS u (k) ORDER BY 1
        LOOP
            UPDATE pair_client_key_counts SET n = n - 1
            WHERE workspace_id = OLD.workspace_id AND referrer_id = OLD.referrer_id
                AND receiver_id = COALESCE(OLD.receiver_id, 0) AND key = k
            RETURNING n INTO left_;
            IF left_ <= 0 THEN
                DELETE FROM pair_client_key_counts
                WHERE workspace_id = OLD.workspace_id AND referrer_id = OLD.referrer_id
                    AND receiver_id = COALESCE(OLD.receiver_id, 0) AND key = k AND n <= 0;
            END IF;
        END LOOP;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO pair_client_key_counts AS c (workspace_id, referrer_id, receiver_id, key, n)
        SELECT DISTINCT NEW.workspace_id, NEW.referrer_id, COALESCE(NEW.receiver_id, 0), u.k, 1::bigint
        FROM unnest(client_keys(NEW.client_name, NEW.client_contact)) AS u (k)
        ORDER BY 4
        ON CONFLICT (workspace_id, referrer_id, receiver_id, key) DO UPDATE SET n = c.n + 1;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER referrals_pair_client_keys_update
    AFTER UPDATE OF client_name, client_contact, referrer_id, receiver_id ON referrals
    FOR EACH ROW WHEN (OLD.client_name IS DISTINCT FROM NEW.client_name OR OLD.client_contact IS DISTINCT FROM NEW.client_contact
        OR OLD.referrer_id IS DISTINCT FROM NEW.referrer_id OR OLD.receiver_id IS DISTINCT FROM NEW.receiver_id)
    EXECUTE FUNCTION referrals_pair_client_keys();
CREATE TRIGGER referrals_pair_client_keys_delete
    AFTER DELETE ON referrals
    FOR EACH ROW EXECUTE FUNCTION referrals_pair_client_keys();

-- The referrals made before this migration, from their stored keys.
INSERT INTO pair_client_key_counts (workspace_id, referrer_id, receiver_id, key, n)
SELECT r.workspace_id, r.referrer_id, COALESCE(r.receiver_id, 0), k.key, count(*)
FROM referral_client_keys k JOIN referrals r ON r.workspace_id = k.workspace_id AND r.id = k.referral_id
GROUP BY 1, 2, 3, 4;
ANALYZE pair_client_key_counts;

---- create above / drop below ----

DROP TRIGGER IF EXISTS referrals_pair_client_keys_delete ON referrals;
DROP TRIGGER IF EXISTS referrals_pair_client_keys_update ON referrals;
DROP TRIGGER IF EXISTS referrals_pair_client_keys_insert ON referrals;
DROP FUNCTION IF EXISTS referrals_pair_client_keys();
DROP FUNCTION IF EXISTS referrals_pair_client_keys_added();
DROP INDEX IF EXISTS client_key_counts_flagged_idx;
DROP TABLE IF EXISTS pair_client_key_counts;
