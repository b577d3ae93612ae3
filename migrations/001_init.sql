-- 001_init: the referral exchange.
--
-- Every table carries workspace_id, and every reference to a member, a
-- referral or a partnership is a composite foreign key on (workspace_id, id):
-- the database itself refuses a row that points into another workspace.
-- Members are never hard-deleted (forget anonymises them), so references to
-- members use the default NO ACTION; deleting a workspace cascades, except
-- that a referral's history (referral_events) can never be deleted.

CREATE TABLE workspaces (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform    text NOT NULL CHECK (platform IN ('slack', 'discord', 'console')),
    external_id text NOT NULL CHECK (external_id <> ''),
    name        text NOT NULL DEFAULT '',
    settings    jsonb NOT NULL DEFAULT '{}',            -- core.Settings
    next_code   bigint NOT NULL DEFAULT 1001 CHECK (next_code > 0), -- referral codes count up per workspace
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (platform, external_id)
);

CREATE TABLE members (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    user_id      text NOT NULL CHECK (user_id <> ''),  -- platform user id
    display_name text NOT NULL,
    role         text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin')),
    status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'removed', 'forgotten')),
    buddy_id     bigint,
    muted        boolean NOT NULL DEFAULT false,
    cadence_days integer NOT NULL DEFAULT 0 CHECK (cadence_days >= 0), -- 0 = the workspace's
    joined_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, user_id),
    UNIQUE (workspace_id, id),
    CHECK (buddy_id <> id),
    FOREIGN KEY (workspace_id, buddy_id) REFERENCES members (workspace_id, id)
);
-- MemberByName.
CREATE INDEX members_name_idx ON members (workspace_id, lower(display_name));

CREATE TABLE profiles (
    member_id           bigint PRIMARY KEY,
    workspace_id        bigint NOT NULL,
    services            text NOT NULL DEFAULT '',
    tags                text[] NOT NULL DEFAULT '{}',
    niche               text NOT NULL DEFAULT '',
    industry            text NOT NULL DEFAULT '',
    client_size         text NOT NULL DEFAULT '',
    budget_range        text NOT NULL DEFAULT '',
    triggers            text[] NOT NULL DEFAULT '{}',
    billing             text NOT NULL DEFAULT '',
    min_budget_cents    bigint NOT NULL DEFAULT 0 CHECK (min_budget_cents >= 0),
    min_budget_currency text NOT NULL DEFAULT '',
    outcomes            text NOT NULL DEFAULT '',
    links               text[] NOT NULL DEFAULT '{}',
    contact_pref        text NOT NULL DEFAULT '',
    time_zone           text NOT NULL DEFAULT '',
    availability        text NOT NULL DEFAULT 'open' CHECK (availability IN ('open', 'busy', 'paused')),
    updated_at          timestamptz NOT NULL,
    FOREIGN KEY (workspace_id, member_id) REFERENCES members (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX profiles_workspace_idx ON profiles (workspace_id);

CREATE TABLE referrals (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id      bigint NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    code              bigint NOT NULL CHECK (code > 0),
    referrer_id       bigint NOT NULL,
    receiver_id       bigint,                 -- NULL: an open lead nobody has claimed
    co_owner_id       bigint,
    client_name       text NOT NULL DEFAULT '',
    client_contact    text,
    consent           boolean NOT NULL DEFAULT false,
    need              text NOT NULL DEFAULT '',
    tags              text[] NOT NULL DEFAULT '{}',
    estimate_cents    bigint NOT NULL DEFAULT 0 CHECK (estimate_cents >= 0),
    estimate_currency text NOT NULL DEFAULT '',
    temperature       text NOT NULL DEFAULT 'warm' CHECK (temperature IN ('hot', 'warm', 'cold')),
    status            text NOT NULL CHECK (status IN ('offered', 'open', 'accepted', 'declined', 'expired',
                                                      'contacted', 'meeting', 'proposal', 'won', 'lost')),
    fee_kind          text NOT NULL DEFAULT 'none' CHECK (fee_kind IN ('none', 'reciprocal', 'percent', 'fixed')),
    fee_basis_points  integer NOT NULL DEFAULT 0 CHECK (fee_basis_points BETWEEN 0 AND 10000),
    fee_fixed_cents   bigint NOT NULL DEFAULT 0 CHECK (fee_fixed_cents >= 0),
    fee_status        text NOT NULL DEFAULT 'none' CHECK (fee_status IN ('none', 'owed', 'paid')),
    won_value_cents   bigint CHECK (won_value_cents >= 0),
    won_currency      text,
    lost_reason       text NOT NULL DEFAULT '',
    decline_reason    text NOT NULL DEFAULT '',
    expires_at        timestamptz,            -- open leads only
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    accepted_at       timestamptz,
    closed_at         timestamptz,
    UNIQUE (workspace_id, code),
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, referrer_id) REFERENCES members (workspace_id, id),
    FOREIGN KEY (workspace_id, receiver_id) REFERENCES members (workspace_id, id),
    FOREIGN KEY (workspace_id, co_owner_id) REFERENCES members (workspace_id, id),
    -- Contact details are stored only once the client agreed to the introduction.
    CONSTRAINT referrals_contact_needs_consent CHECK (client_contact IS NULL OR consent),
    CONSTRAINT referrals_won_has_value CHECK (status <> 'won' OR won_value_cents IS NOT NULL),
    CONSTRAINT referrals_worked_has_receiver CHECK (receiver_id IS NOT NULL OR status IN ('open', 'expired'))
);
CREATE INDEX referrals_referrer_idx ON referrals (workspace_id, referrer_id);
CREATE INDEX referrals_receiver_idx ON referrals (workspace_id, receiver_id);
CREATE INDEX referrals_co_owner_idx ON referrals (workspace_id, co_owner_id) WHERE co_owner_id IS NOT NULL;
-- Lists (newest first) and the stats' "created in the period" cohort.
CREATE INDEX referrals_created_idx ON referrals (workspace_id, created_at);
-- Stats: deals won in the period.
CREATE INDEX referrals_won_idx ON referrals (workspace_id, closed_at) WHERE status = 'won';
-- Open leads awaiting a claim, and their expiry.
CREATE INDEX referrals_open_idx ON referrals (workspace_id, created_at) WHERE status = 'open';
CREATE INDEX referrals_open_expiry_idx ON referrals (expires_at) WHERE status = 'open';

-- A referral's history: append-only.
CREATE TABLE referral_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL,
    referral_id  bigint NOT NULL,
    kind         text NOT NULL CHECK (kind <> ''),
    from_status  text,
    to_status    text NOT NULL,
    actor_id     bigint,                       -- NULL: the system (expiry)
    note         text NOT NULL DEFAULT '',
    at           timestamptz NOT NULL,
    FOREIGN KEY (workspace_id, referral_id) REFERENCES referrals (workspace_id, id),
    FOREIGN KEY (workspace_id, actor_id) REFERENCES members (workspace_id, id)
);
CREATE INDEX referral_events_referral_idx ON referral_events (workspace_id, referral_id, id);

CREATE FUNCTION referral_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'referral_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER referral_events_append_only
    BEFORE UPDATE OR DELETE ON referral_events
    FOR EACH ROW EXECUTE FUNCTION referral_events_append_only();

-- Raised hands on open leads.
CREATE TABLE referral_interest (
    workspace_id bigint NOT NULL,
    referral_id  bigint NOT NULL,
    member_id    bigint NOT NULL,
    at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (referral_id, member_id),
    FOREIGN KEY (workspace_id, referral_id) REFERENCES referrals (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, member_id) REFERENCES members (workspace_id, id)
);

CREATE TABLE partnerships (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    member_a     bigint NOT NULL,
    member_b     bigint NOT NULL,
    type         text NOT NULL DEFAULT 'advocate' CHECK (type IN ('advocate', 'strategic', 'affiliate', 'reseller')),
    trust        integer NOT NULL DEFAULT 1 CHECK (trust BETWEEN 1 AND 5),
    cadence_days integer NOT NULL CHECK (cadence_days > 0),
    last_touch   timestamptz,
    next_due     timestamptz,
    created_at   timestamptz NOT NULL,
    CHECK (member_a < member_b),               -- one row per pair
    UNIQUE (workspace_id, member_a, member_b),
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, member_a) REFERENCES members (workspace_id, id),
    FOREIGN KEY (workspace_id, member_b) REFERENCES members (workspace_id, id)
);
CREATE INDEX partnerships_member_b_idx ON partnerships (workspace_id, member_b);
-- Touchpoint reminders: partnerships past their cadence.
CREATE INDEX partnerships_next_due_idx ON partnerships (next_due);

CREATE TABLE touchpoints (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id   bigint NOT NULL,
    partnership_id bigint NOT NULL,
    actor_id       bigint NOT NULL,
    kind           text NOT NULL CHECK (kind <> ''),
    note           text NOT NULL DEFAULT '',
    at             timestamptz NOT NULL,
    FOREIGN KEY (workspace_id, partnership_id) REFERENCES partnerships (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, actor_id) REFERENCES members (workspace_id, id)
);
CREATE INDEX touchpoints_partnership_idx ON touchpoints (workspace_id, partnership_id, at);

CREATE TABLE thanks (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL,
    referral_id  bigint NOT NULL,
    from_id      bigint NOT NULL,
    to_id        bigint NOT NULL,
    message      text NOT NULL DEFAULT '',
    at           timestamptz NOT NULL,
    UNIQUE (referral_id, from_id),
    FOREIGN KEY (workspace_id, referral_id) REFERENCES referrals (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, from_id) REFERENCES members (workspace_id, id),
    FOREIGN KEY (workspace_id, to_id) REFERENCES members (workspace_id, id)
);
CREATE INDEX thanks_at_idx ON thanks (workspace_id, at);
CREATE INDEX thanks_to_idx ON thanks (workspace_id, to_id);

CREATE TABLE feedback (
    workspace_id bigint NOT NULL,
    referral_id  bigint NOT NULL,
    member_id    bigint NOT NULL,
    score        integer NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment      text NOT NULL DEFAULT '',
    at           timestamptz NOT NULL,
    PRIMARY KEY (referral_id, member_id),
    FOREIGN KEY (workspace_id, referral_id) REFERENCES referrals (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, member_id) REFERENCES members (workspace_id, id)
);
CREATE INDEX feedback_at_idx ON feedback (workspace_id, at);

-- Notices waiting to be delivered, written in the same transaction as the
-- change that causes them.
CREATE TABLE outbox (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id        bigint NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    recipient_member_id bigint,                -- NULL: a channel post
    channel             text NOT NULL DEFAULT '',
    kind                text NOT NULL CHECK (kind <> ''),
    payload             jsonb NOT NULL,        -- core.Notice
    dedupe_key          text,                  -- NULL: never deduplicated
    status              text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts            integer NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NOT NULL DEFAULT '-infinity',
    last_error          text,
    ref                 text,                  -- platform message id once delivered
    created_at          timestamptz NOT NULL DEFAULT now(),
    sent_at             timestamptz,
    -- Per workspace, so no workspace's notice can ever suppress another's.
    UNIQUE (workspace_id, dedupe_key),
    FOREIGN KEY (workspace_id, recipient_member_id) REFERENCES members (workspace_id, id)
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status = 'pending';

-- One row per scheduled job run and period: every replica fires every cron
-- job, and the INSERT ... ON CONFLICT DO NOTHING decides which one runs it.
CREATE TABLE job_runs (
    job          text NOT NULL,
    workspace_id bigint NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    period       text NOT NULL,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    PRIMARY KEY (job, workspace_id, period)
);
CREATE INDEX job_runs_workspace_idx ON job_runs (workspace_id, job, started_at);

---- create above / drop below ----

DROP TABLE job_runs, outbox, feedback, thanks, touchpoints, partnerships,
    referral_interest, referral_events, referrals, profiles, members, workspaces;
DROP FUNCTION referral_events_append_only();
