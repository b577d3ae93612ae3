package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

const workspaceCols = `w.id, w.platform, w.external_id, w.name, w.settings, w.created_at`

func scanWorkspace(row pgx.Row, cache *settingsCache) (*core.Workspace, error) {
	var (
		w        core.Workspace
		settings []byte
	)
	if err := row.Scan(&w.ID, &w.Platform, &w.ExternalID, &w.Name, &settings, &w.CreatedAt); err != nil {
		return nil, err
	}
	s, err := cache.decode(w.ID, settings)
	if err != nil {
		return nil, err
	}
	w.Settings = s
	return &w, nil
}

func (t *tx) EnsureWorkspace(ctx context.Context, p core.Platform, externalID, name string, defaults core.Settings) (_ *core.Workspace, err error) {
	defer wrap(&err, "ensure workspace(%s, %s)", p, externalID)
	// The common case, a known workspace whose name has not changed, reads
	// without taking a row lock.
	w, err := scanWorkspace(t.q.QueryRow(ctx, `
		-- across workspaces (workspaces): the workspace of a team, found by its platform id
		SELECT `+workspaceCols+` FROM workspaces w WHERE w.platform = $1 AND w.external_id = $2`, p, externalID), &t.db.settings)
	if err == nil && (name == "" || name == w.Name) {
		return w, nil
	}
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, err
	}
	settings, err := json.Marshal(defaults)
	if err != nil {
		return nil, err
	}
	// Race-free find-or-create: the settings apply to a new workspace only.
	return scanWorkspace(t.q.QueryRow(ctx, `
		INSERT INTO workspaces AS w (platform, external_id, name, settings)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (platform, external_id)
		DO UPDATE SET name = COALESCE(NULLIF(excluded.name, ''), w.name)
		RETURNING `+workspaceCols, p, externalID, name, settings), &t.db.settings)
}

func (t *tx) Workspace(ctx context.Context, id int64) (_ *core.Workspace, err error) {
	defer wrap(&err, "workspace(%d)", id)
	return scanWorkspace(t.q.QueryRow(ctx, `SELECT `+workspaceCols+` FROM workspaces w WHERE w.id = $1`, id), &t.db.settings)
}

func (t *tx) SaveSettings(ctx context.Context, workspaceID int64, s core.Settings) (err error) {
	defer wrap(&err, "save settings(%d)", workspaceID)
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	tag, err := t.q.Exec(ctx, `UPDATE workspaces SET settings = $2 WHERE id = $1`, workspaceID, b)
	if err == nil && tag.RowsAffected() == 0 {
		err = notFound()
	}
	return err
}

const memberCols = `m.id, m.workspace_id, m.user_id, m.display_name, m.role, m.status,
	COALESCE(m.buddy_id, 0), m.muted, m.cadence_days, m.joined_at, COALESCE(m.last_active_at, m.joined_at)`

// memberDest are the scan targets of memberCols.
func memberDest(m *core.Member) []any {
	return []any{&m.ID, &m.WorkspaceID, &m.UserID, &m.DisplayName, &m.Role, &m.Status,
		&m.BuddyID, &m.Muted, &m.CadenceDays, &m.JoinedAt, &m.LastActive}
}

func scanMember(row pgx.Row, extra ...any) (*core.Member, error) {
	var m core.Member
	if err := row.Scan(append(memberDest(&m), extra...)...); err != nil {
		return nil, err
	}
	return &m, nil
}

func collectMembers(rows pgx.Rows, err error) ([]core.Member, error) {
	return collect(rows, err, func(row pgx.Row) (*core.Member, error) { return scanMember(row) })
}

func (t *tx) EnsureMember(ctx context.Context, workspaceID int64, userID, displayName string) (_ *core.Member, created bool, err error) {
	defer wrap(&err, "ensure member(%d, %s)", workspaceID, userID)
	displayName = strings.TrimSpace(displayName)
	if userID == "" {
		return nil, false, core.Errorf(core.EINVALID, "I couldn't tell who that is.")
	}
	// Read first: most calls find the member unchanged and need no lock.
	// Their profile comes along: a partner named in a referral is asked
	// next whether they take referrals (tx.Profile), and answers without
	// another round trip.
	var (
		prof    core.Profile
		updated *time.Time
	)
	m, err := scanMember(t.q.QueryRow(ctx, `
		SELECT `+memberCols+`, `+profileCols+`
		FROM members m LEFT JOIN profiles p ON p.workspace_id = m.workspace_id AND p.member_id = m.id
		WHERE m.workspace_id = $1 AND m.user_id = $2`, workspaceID, userID), profileDest(&prof, &updated)...)
	if err == nil && (displayName == "" || displayName == m.DisplayName) {
		prof.UpdatedAt = timeOf(updated)
		t.pipe.read = &readProfile{workspaceID, prof}
		return m, false, nil
	}
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, false, err
	}
	// Race-free find-or-create. xmax is 0 only on a freshly inserted row.
	m, err = scanMember(t.q.QueryRow(ctx, `
		INSERT INTO members AS m (workspace_id, user_id, display_name)
		VALUES ($1, $2, COALESCE(NULLIF($3, ''), $2))
		ON CONFLICT (workspace_id, user_id)
		DO UPDATE SET display_name = COALESCE(NULLIF(excluded.display_name, ''), m.display_name)
		RETURNING `+memberCols+`, (m.xmax = 0)`, workspaceID, userID, displayName), &created)
	if err != nil {
		return nil, false, err
	}
	return m, created, nil
}

func (t *tx) Member(ctx context.Context, workspaceID, id int64) (_ *core.Member, err error) {
	defer wrap(&err, "member(%d, %d)", workspaceID, id)
	return scanMember(t.q.QueryRow(ctx,
		`SELECT `+memberCols+` FROM members m WHERE m.workspace_id = $1 AND m.id = $2`, workspaceID, id))
}

// MemberByName matches the display name case-insensitively, or the exact
// platform user id. Active members come first; two active members with
// the same name are ambiguous (ECONFLICT) rather than a guess, since a
// referral's client details would go to whichever was picked.
func (t *tx) MemberByName(ctx context.Context, workspaceID int64, name string) (_ *core.Member, err error) {
	defer wrap(&err, "member by name(%d, %q)", workspaceID, name)
	name = strings.TrimPrefix(strings.TrimSpace(name), "@")
	if name == "" {
		return nil, notFound()
	}
	ms, err := collectMatches(t.q.Query(ctx, `
		SELECT `+memberCols+`, m.user_id = $2
		FROM members m
		WHERE m.workspace_id = $1 AND (lower(m.display_name) = lower($2) OR m.user_id = $2)
		ORDER BY m.user_id = $2 DESC, m.status = 'active' DESC, m.id
		LIMIT 3`, workspaceID, name))
	if err != nil {
		return nil, err
	}
	switch {
	case len(ms) == 0:
		return nil, notFound()
	case len(ms) > 1 && !ms[0].byID && ms[0].m.Status == core.MemberActive && ms[1].m.Status == core.MemberActive:
		return nil, core.Errorf(core.ECONFLICT, "More than one member is called @%s.", ms[0].m.DisplayName).
			WithHint("Mention them with @ so I can tell who you mean.")
	}
	return &ms[0].m, nil
}

type namedMatch struct {
	m    core.Member
	byID bool
}

func collectMatches(rows pgx.Rows, err error) ([]namedMatch, error) {
	return collect(rows, err, func(row pgx.Row) (*namedMatch, error) {
		var byID bool
		m, err := scanMember(row, &byID)
		if err != nil {
			return nil, err
		}
		return &namedMatch{*m, byID}, nil
	})
}

func (t *tx) Members(ctx context.Context, workspaceID int64) (_ []core.Member, err error) {
	defer wrap(&err, "members(%d)", workspaceID)
	return collectMembers(t.q.Query(ctx, `
		SELECT `+memberCols+` FROM members m WHERE m.workspace_id = $1
		ORDER BY lower(m.display_name), m.id`, workspaceID))
}

// Admins reads the active admins through members_admins_idx (migration
// 025): /refer config lists them, and read every member to find them
// (12,190 in make bench-scale's biggest chapter).
func (t *tx) Admins(ctx context.Context, workspaceID int64) ([]core.Member, error) {
	return t.AdminsAcross(ctx, []int64{workspaceID})
}

// AdminsAcross reads the active admins of many workspaces, through
// members_admins_idx: the network-health job tells only them.
func (t *tx) AdminsAcross(ctx context.Context, workspaceIDs []int64) (_ []core.Member, err error) {
	defer wrap(&err, "admins(%d workspaces)", len(workspaceIDs))
	return collectMembers(t.q.Query(ctx, `
		SELECT `+memberCols+` FROM members m
		WHERE m.workspace_id = ANY($1::bigint[]) AND m.role = 'admin' AND m.status = 'active'
		ORDER BY m.workspace_id, lower(m.display_name), m.id`, workspaceIDs))
}

func (t *tx) SaveMember(ctx context.Context, m *core.Member) (err error) {
	defer wrap(&err, "save member(%d, %d)", m.WorkspaceID, m.ID)
	tag, err := t.q.Exec(ctx, `
		UPDATE members SET display_name = COALESCE(NULLIF($3, ''), user_id), role = $4, status = $5,
			buddy_id = $6, muted = $7, cadence_days = $8, joined_at = COALESCE($9, joined_at),
			last_active_at = COALESCE($10, last_active_at)
		WHERE workspace_id = $1 AND id = $2`,
		m.WorkspaceID, m.ID, m.DisplayName, orDefault(m.Role, core.RoleMember), orDefault(m.Status, core.MemberActive),
		nullID(m.BuddyID), m.Muted, m.CadenceDays, nullTime(m.JoinedAt), nullTime(m.LastActive))
	if err == nil && tag.RowsAffected() == 0 {
		err = notFound()
	}
	return err
}

func (t *tx) CountMembers(ctx context.Context, workspaceID int64) (n int, err error) {
	defer wrap(&err, "count members(%d)", workspaceID)
	err = t.q.QueryRow(ctx, `SELECT count(*) FROM members WHERE workspace_id = $1`, workspaceID).Scan(&n)
	return n, err
}

// profileCols reads a profile LEFT JOINed as p to its member m: a member
// without a profile row reads as an empty, open profile. Whether amounts
// are private is the member row's.
const profileCols = `m.id, COALESCE(p.services, ''), COALESCE(p.tags, '{}'), COALESCE(p.niche, ''),
	COALESCE(p.industry, ''), COALESCE(p.client_size, ''), COALESCE(p.budget_range, ''),
	COALESCE(p.triggers, '{}'), COALESCE(p.billing, ''), COALESCE(p.min_budget_cents, 0),
	COALESCE(p.min_budget_currency, ''), COALESCE(p.outcomes, ''), COALESCE(p.links, '{}'),
	COALESCE(p.contact_pref, ''), COALESCE(p.time_zone, ''), COALESCE(p.availability, 'open'), p.updated_at,
	m.amounts_private`

func profileDest(p *core.Profile, updated **time.Time) []any {
	return []any{&p.MemberID, &p.Services, &p.Tags, &p.Niche, &p.Industry, &p.ClientSize, &p.BudgetRange,
		&p.Triggers, &p.Billing, &p.MinBudget.Cents, &p.MinBudget.Currency, &p.Outcomes, &p.Links,
		&p.ContactPref, &p.TimeZone, &p.Availability, updated, &p.AmountsPrivate}
}

// Profile reads a member's profile; one read with the member just before
// (EnsureMember), no statement between, is the one returned.
func (t *tx) Profile(ctx context.Context, workspaceID, memberID int64) (_ *core.Profile, err error) {
	if r := t.pipe.read; r != nil && r.workspaceID == workspaceID && r.profile.MemberID == memberID {
		t.pipe.read = nil
		return &r.profile, nil
	}
	defer wrap(&err, "profile(%d, %d)", workspaceID, memberID)
	var (
		p       core.Profile
		updated *time.Time
	)
	err = t.q.QueryRow(ctx, `
		SELECT `+profileCols+`
		FROM members m LEFT JOIN profiles p ON p.workspace_id = m.workspace_id AND p.member_id = m.id
		WHERE m.workspace_id = $1 AND m.id = $2`, workspaceID, memberID).Scan(profileDest(&p, &updated)...)
	if err != nil {
		return nil, err
	}
	p.UpdatedAt = timeOf(updated)
	return &p, nil
}

func (t *tx) SaveProfile(ctx context.Context, workspaceID int64, p *core.Profile) (err error) {
	defer wrap(&err, "save profile(%d, %d)", workspaceID, p.MemberID)
	tag, err := t.q.Exec(ctx, `
		INSERT INTO profiles (member_id, workspace_id, services, tags, niche, industry, client_size,
			budget_range, triggers, billing, min_budget_cents, min_budget_currency, outcomes, links,
			contact_pref, time_zone, availability, updated_at)
		SELECT m.id, m.workspace_id, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
			COALESCE($18, now())
		FROM members m WHERE m.workspace_id = $1 AND m.id = $2
		ON CONFLICT (workspace_id, member_id) DO UPDATE SET
			services = excluded.services, tags = excluded.tags, niche = excluded.niche,
			industry = excluded.industry, client_size = excluded.client_size,
			budget_range = excluded.budget_range, triggers = excluded.triggers, billing = excluded.billing,
			min_budget_cents = excluded.min_budget_cents, min_budget_currency = excluded.min_budget_currency,
			outcomes = excluded.outcomes, links = excluded.links, contact_pref = excluded.contact_pref,
			time_zone = excluded.time_zone, availability = excluded.availability,
			updated_at = excluded.updated_at`,
		workspaceID, p.MemberID, p.Services, texts(p.Tags), p.Niche, p.Industry, p.ClientSize,
		p.BudgetRange, texts(p.Triggers), p.Billing, p.MinBudget.Cents, p.MinBudget.Currency, p.Outcomes,
		texts(p.Links), p.ContactPref, p.TimeZone, orDefault(p.Availability, core.Open), nullTime(p.UpdatedAt))
	if err == nil && tag.RowsAffected() == 0 {
		err = notFound()
	}
	if err != nil {
		return err
	}
	// Kept on the member row, so that erasing the profile keeps it.
	_, err = t.q.Exec(ctx, `UPDATE members SET amounts_private = $3 WHERE workspace_id = $1 AND id = $2`,
		workspaceID, p.MemberID, p.AmountsPrivate)
	return err
}

// Candidates reads every active member with their profile and referral
// counts in one statement. The all-time counts come from the members'
// all-time rollup rows (migration 016), what they received lately from
// the referrals of that window alone: neither reads the history.
func (t *tx) Candidates(ctx context.Context, workspaceID int64, since time.Time) (_ []core.Candidate, err error) {
	defer wrap(&err, "candidates(%d)", workspaceID)
	rows, err := t.q.Query(ctx, `
		WITH counts AS (
			SELECT subject AS member_id, sum(n) FILTER (WHERE role & 1 <> 0) AS given,
				sum(n) FILTER (WHERE role & 2 <> 0) AS received
			FROM stats_rollups
			WHERE workspace_id = $1 AND bucket = '-infinity' AND measure = 1 AND subject <> 0
			GROUP BY subject
		), recent AS (
			SELECT receiver_id AS member_id, count(*) AS recent
			FROM referrals
			WHERE workspace_id = $1 AND receiver_id IS NOT NULL AND COALESCE(accepted_at, created_at) >= $2
			GROUP BY receiver_id
		)
		SELECT `+memberCols+`, `+profileCols+`,
			COALESCE(recent.recent, 0), COALESCE(counts.given, 0), COALESCE(counts.received, 0)
		FROM members m
		LEFT JOIN profiles p ON p.workspace_id = m.workspace_id AND p.member_id = m.id
		LEFT JOIN counts ON counts.member_id = m.id
		LEFT JOIN recent ON recent.member_id = m.id
		WHERE m.workspace_id = $1 AND m.status = 'active'
		ORDER BY m.id`, workspaceID, since)
	return collect(rows, err, func(row pgx.Row) (*core.Candidate, error) {
		var (
			c       core.Candidate
			updated *time.Time
		)
		dst := append(memberDest(&c.Member), profileDest(&c.Profile, &updated)...)
		if err := row.Scan(append(dst, &c.RecentlyGot, &c.Given, &c.Received)...); err != nil {
			return nil, err
		}
		c.Profile.UpdatedAt = timeOf(updated)
		return &c, nil
	})
}

// Profiled reads the workspace's active members with a profile, and no
// count: Who matches them in Go and counts only for those that match
// (ReceivedSince), so its cost follows the profiles, not the history.
// A need narrows the read to the profiles where one of its words stands
// as a whole word (core.ProfileNeed says why no match is missed): the
// profile's words kept with it (migration 044: its text split on anything
// but an ASCII letter or digit) hold a part of the need's word, and a
// profile they can't vouch for (read_anyway) is read whatever it says.
func (t *tx) Profiled(ctx context.Context, workspaceID int64, need core.ProfileNeed) (_ []core.Candidate, err error) {
	defer wrap(&err, "profiled(%d)", workspaceID)
	words, narrow := wordParts(need.Words)
	rows, err := t.q.Query(ctx, `
		SELECT `+memberCols+`, `+profileCols+`
		FROM members m
		JOIN profiles p ON p.workspace_id = m.workspace_id AND p.member_id = m.id
		WHERE m.workspace_id = $1 AND m.status = 'active'
			AND (NOT $2::boolean OR p.tags && $3::text[] OR p.words && $4::text[] OR p.read_anyway)
		ORDER BY m.id`, workspaceID, need.Narrow && narrow, need.Tags, words)
	return collect(rows, err, func(row pgx.Row) (*core.Candidate, error) {
		var (
			c       core.Candidate
			updated *time.Time
		)
		if err := row.Scan(append(memberDest(&c.Member), profileDest(&c.Profile, &updated)...)...); err != nil {
			return nil, err
		}
		c.Profile.UpdatedAt = timeOf(updated)
		return &c, nil
	})
}

// wordParts splits the need's words ([a-z0-9-]) where a profile's words
// are split: "year-end" stands in a text as "year" and "end". A profile
// holding the whole word holds each part, so a read by parts never leaves
// it out. A word with no letter or digit has no part a profile could
// hold: then nothing narrows the read (false).
func wordParts(words []string) ([]string, bool) {
	var parts []string
	for _, w := range words {
		ps := strings.FieldsFunc(w, func(r rune) bool { return r == '-' })
		if len(ps) == 0 {
			return nil, false
		}
		parts = append(parts, ps...)
	}
	return parts, true
}

// ReceivedSince counts what each member received since a time: per member
// one range of referrals_received_by_idx (migration 025), as a scalar
// subquery so no plan turns it into a pass over the workspace's window.
func (t *tx) ReceivedSince(ctx context.Context, workspaceID int64, memberIDs []int64, since time.Time) (_ map[int64]int, err error) {
	defer wrap(&err, "received since(%d, %d members)", workspaceID, len(memberIDs))
	if len(memberIDs) == 0 {
		return map[int64]int{}, nil
	}
	return countsByID(t.q.Query(ctx, `
		SELECT k.id, (SELECT count(*) FROM referrals r WHERE r.workspace_id = $1 AND r.receiver_id = k.id
			AND COALESCE(r.accepted_at, r.created_at) >= $3)
		FROM unnest($2::bigint[]) AS k(id)`, workspaceID, memberIDs, since))
}

// countsByID reads rows of (id, count) into a map.
func countsByID(rows pgx.Rows, err error) (map[int64]int, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// mentorLockClass is the first key of the advisory locks that serialise a
// workspace's buddy assignments (the second is the workspace's hash): the
// two-key space keeps them apart from the migrator's one-key lock.
const mentorLockClass = 0x52425544 // "RBUD"

// MentorLoads takes the workspace's mentoring lock (until the transaction
// ends) and counts each mentor's recent newcomers. The lock is an advisory
// one, not a row lock: it holds back only other joins that assign a buddy,
// never the workspace's referrals or commands.
func (t *tx) MentorLoads(ctx context.Context, workspaceID int64, since time.Time) (_ map[int64]int, err error) {
	defer wrap(&err, "mentor loads(%d)", workspaceID)
	if _, err := t.q.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashint8($2))`, mentorLockClass, workspaceID); err != nil {
		return nil, err
	}
	return countsByID(t.q.Query(ctx, `
		SELECT buddy_id, count(*) FROM members
		WHERE workspace_id = $1 AND buddy_id IS NOT NULL AND joined_at >= $2 AND status = 'active'
		GROUP BY buddy_id`, workspaceID, since))
}
