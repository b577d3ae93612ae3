-- Every table is a workspace's, keyed by it (issue 15, docs/distributed.md):
-- every primary and unique key starts with workspace_id and every foreign
-- key between workspace tables matches it, so the schema can be
-- distributed by workspace_id (Citus: one shard holds a workspace's rows of
-- every table, and each shard can enforce its keys on its own). Ids stay
-- identity columns; they are unique on their own, the keys just say which
-- workspace a row belongs to first. internal/sqlcheck checks the catalog.
--
-- The workspaces table is the root: its id is the workspace id. Its own
-- keys, id and (platform, external_id), stay as they are.
--
-- Cost on a large install: each primary key is rebuilt (a scan and a sort
-- of its table) and each foreign key to members, referrals and
-- partnerships is validated again (a scan of the referencing table), all
-- in this one transaction, which holds an ACCESS EXCLUSIVE lock on every
-- table until it commits: the bot waits for it (commands time out) while
-- it runs. Measured on a 2-core machine shared with other work (load
-- average 16): 13 to 18 s for 1M outbox rows, 1M referral events, 200k
-- referrals and thank-yous and 20k members, about 6 s per million rows;
-- at a tenth of BNI's scale (6.2M outbox rows, 5.4M events) count on a
-- minute or two. Run it in a quiet hour; nothing else is needed.

-- Request keys: the workspace they came to. Keys of the old form that
-- name their team (the welcomes: Slack's "welcome:TEAM:USER", Discord's
-- "welcome:GUILD") keep it; the rest (trigger, event and interaction ids,
-- body digests) cannot be traced to one and are dropped: they guard
-- against redeliveries for minutes (Slack retries, the 5-minute signature
-- window), so only a request redelivered across the upgrade itself could
-- be applied twice. The platform is the workspace's: the column goes.
ALTER TABLE inbound_requests ADD COLUMN workspace_id bigint REFERENCES workspaces ON DELETE CASCADE;
UPDATE inbound_requests i SET workspace_id = w.id
FROM workspaces w
WHERE i.key LIKE 'welcome:%' AND w.platform = i.platform AND w.external_id = split_part(i.key, ':', 2);
DELETE FROM inbound_requests WHERE workspace_id IS NULL;
ALTER TABLE inbound_requests ALTER COLUMN workspace_id SET NOT NULL,
    DROP CONSTRAINT inbound_requests_pkey,
    ADD PRIMARY KEY (workspace_id, key),
    DROP COLUMN platform;
DROP INDEX inbound_requests_received_idx;
-- Retention purges each workspace's old keys (core.Purge).
CREATE INDEX inbound_requests_received_idx ON inbound_requests (workspace_id, received_at);

-- Every foreign key that rests on a key about to be rebuilt goes first and
-- comes back after, as it was (its definition read from the catalog): those
-- of 001 and those of any table a later migration added (dashboard links,
-- rollups), whichever branches landed before this one. The undo's, which
-- points at an event by id alone, comes back within the workspace.
CREATE TEMPORARY TABLE keys_017_fks ON COMMIT DROP AS
SELECT c.conrelid::regclass AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def
FROM pg_constraint c
WHERE c.contype = 'f' AND c.conindid = ANY (ARRAY[
    'members_pkey', 'members_workspace_id_id_key', 'referrals_pkey', 'referrals_workspace_id_id_key',
    'partnerships_pkey', 'partnerships_workspace_id_id_key', 'profiles_pkey', 'referral_events_pkey',
    'referral_interest_pkey', 'touchpoints_pkey', 'thanks_pkey', 'thanks_referral_id_from_id_key',
    'feedback_pkey', 'outbox_pkey']::regclass[]);
DO $$
DECLARE f record;
BEGIN
    FOR f IN SELECT tbl, conname FROM keys_017_fks LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', f.tbl, f.conname);
    END LOOP;
END $$;

-- Primary keys on (workspace_id, id); the (workspace_id, id) unique keys
-- they replace go.
ALTER TABLE members DROP CONSTRAINT members_pkey, DROP CONSTRAINT members_workspace_id_id_key,
    ADD PRIMARY KEY (workspace_id, id);
ALTER TABLE referrals DROP CONSTRAINT referrals_pkey, DROP CONSTRAINT referrals_workspace_id_id_key,
    ADD PRIMARY KEY (workspace_id, id);
ALTER TABLE partnerships DROP CONSTRAINT partnerships_pkey, DROP CONSTRAINT partnerships_workspace_id_id_key,
    ADD PRIMARY KEY (workspace_id, id);
ALTER TABLE profiles DROP CONSTRAINT profiles_pkey, ADD PRIMARY KEY (workspace_id, member_id);
ALTER TABLE referral_events DROP CONSTRAINT referral_events_pkey, ADD PRIMARY KEY (workspace_id, id);
ALTER TABLE referral_interest DROP CONSTRAINT referral_interest_pkey,
    ADD PRIMARY KEY (workspace_id, referral_id, member_id);
ALTER TABLE touchpoints DROP CONSTRAINT touchpoints_pkey, ADD PRIMARY KEY (workspace_id, id);
ALTER TABLE thanks DROP CONSTRAINT thanks_pkey, ADD PRIMARY KEY (workspace_id, id),
    DROP CONSTRAINT thanks_referral_id_from_id_key, ADD UNIQUE (workspace_id, referral_id, from_id);
ALTER TABLE feedback DROP CONSTRAINT feedback_pkey, ADD PRIMARY KEY (workspace_id, referral_id, member_id);
ALTER TABLE outbox DROP CONSTRAINT outbox_pkey, ADD PRIMARY KEY (workspace_id, id);
-- An undo names the event it reverts within the workspace, once.
DROP INDEX referral_events_undoes_idx;
CREATE UNIQUE INDEX referral_events_undoes_idx ON referral_events (workspace_id, undoes) WHERE undoes IS NOT NULL;

-- The foreign keys again, as they were, on the new keys; the undo's now
-- within the workspace.
DO $$
DECLARE f record;
BEGIN
    FOR f IN SELECT tbl, conname, def FROM keys_017_fks WHERE conname <> 'referral_events_undoes_fkey' LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', f.tbl, f.conname, f.def);
    END LOOP;
END $$;
ALTER TABLE referral_events ADD CONSTRAINT referral_events_workspace_id_undoes_fkey
    FOREIGN KEY (workspace_id, undoes) REFERENCES referral_events (workspace_id, id);

---- create above / drop below ----

-- Back to keys on id alone, in one block: the foreign keys resting on the
-- keys rebuilt are kept (as JSON) and dropped, the keys go back, the
-- foreign keys come back as they were, the undo's by id alone again.
DO $$
DECLARE
    fk record;
    kept jsonb := '[]';
BEGIN
    FOR fk IN SELECT c.conrelid::regclass::text AS t, c.conname AS n, pg_get_constraintdef(c.oid) AS d
        FROM pg_constraint c
        WHERE c.contype = 'f' AND c.conindid = ANY (ARRAY['members_pkey', 'referrals_pkey', 'partnerships_pkey',
            'profiles_pkey', 'referral_events_pkey', 'referral_interest_pkey', 'touchpoints_pkey', 'thanks_pkey',
            'thanks_workspace_id_referral_id_from_id_key', 'feedback_pkey', 'outbox_pkey']::regclass[])
    LOOP
        kept := kept || jsonb_build_object('t', fk.t, 'n', fk.n, 'd', fk.d);
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.t, fk.n);
    END LOOP;

    DROP INDEX referral_events_undoes_idx;
    CREATE UNIQUE INDEX referral_events_undoes_idx ON referral_events (undoes) WHERE undoes IS NOT NULL;
    ALTER TABLE members DROP CONSTRAINT members_pkey, ADD PRIMARY KEY (id), ADD UNIQUE (workspace_id, id);
    ALTER TABLE referrals DROP CONSTRAINT referrals_pkey, ADD PRIMARY KEY (id), ADD UNIQUE (workspace_id, id);
    ALTER TABLE partnerships DROP CONSTRAINT partnerships_pkey, ADD PRIMARY KEY (id), ADD UNIQUE (workspace_id, id);
    ALTER TABLE profiles DROP CONSTRAINT profiles_pkey, ADD PRIMARY KEY (member_id);
    ALTER TABLE referral_events DROP CONSTRAINT referral_events_pkey, ADD PRIMARY KEY (id);
    ALTER TABLE referral_interest DROP CONSTRAINT referral_interest_pkey, ADD PRIMARY KEY (referral_id, member_id);
    ALTER TABLE touchpoints DROP CONSTRAINT touchpoints_pkey, ADD PRIMARY KEY (id);
    ALTER TABLE thanks DROP CONSTRAINT thanks_pkey, ADD PRIMARY KEY (id),
        DROP CONSTRAINT thanks_workspace_id_referral_id_from_id_key, ADD UNIQUE (referral_id, from_id);
    ALTER TABLE feedback DROP CONSTRAINT feedback_pkey, ADD PRIMARY KEY (referral_id, member_id);
    ALTER TABLE outbox DROP CONSTRAINT outbox_pkey, ADD PRIMARY KEY (id);

    FOR fk IN SELECT * FROM jsonb_to_recordset(kept) AS x (t text, n text, d text)
        WHERE n <> 'referral_events_workspace_id_undoes_fkey'
    LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', fk.t, fk.n, fk.d);
    END LOOP;
    ALTER TABLE referral_events ADD CONSTRAINT referral_events_undoes_fkey
        FOREIGN KEY (undoes) REFERENCES referral_events (id);
END $$;

DROP INDEX inbound_requests_received_idx;
ALTER TABLE inbound_requests ADD COLUMN platform text;
UPDATE inbound_requests i SET platform = w.platform FROM workspaces w WHERE w.id = i.workspace_id;
ALTER TABLE inbound_requests DROP CONSTRAINT inbound_requests_pkey, DROP COLUMN workspace_id,
    ALTER COLUMN platform SET NOT NULL, ADD PRIMARY KEY (platform, key);
CREATE INDEX inbound_requests_received_idx ON inbound_requests (received_at);
