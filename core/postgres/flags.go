package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/referbot/referbot/core"
)

// flagsSQL computes every kind of abuse flag core/flags.go describes in
// one statement over the referrals created in the period, for many
// workspaces at once (the network-health job asks for a batch of them):
//
//	$1 the workspaces, $2 and $3 the period, $4 SameClientMin, $5
//	RingMaxMembers, $6 RingWindow in seconds, $7 each workspace's daily cap
//	(0: none), $8 the zone whose days it counts, $9 NeverConvertsMin, $10 MaxRings, $11 how many codes
//	of a never-converts flag to read, the newest (0: all); $12 to $17 how
//	the period is read from the rollups (coverage: all time, the buckets,
//	the edges); $18 whether the same-client flags are read from the
//	period's referrals (see sameClientFromReferrals).
//
// A ring is found over pairs of members from its smallest member id only,
// so each is found once per direction, then kept if a window of RingWindow
// holds a referral of each of its steps. Same-client flags read the
// client keys kept with the referrals (migration 023): a key enters a
// flag's only hashed.
const flagsSQL = `
WITH ws AS (
	-- the workspaces asked for, each with its daily cap and the zone whose
	-- days it counts
	SELECT * FROM unnest($1::bigint[], $7::int[], $8::text[]) AS w (id, cap, tz)
), edge AS (
	-- a step of a ring: a referral with a finder's fee, taken or in work
	-- (referrals_ring_step_idx: only those)
	SELECT r.workspace_id AS ws, r.code, r.referrer_id AS a, r.receiver_id AS b, r.created_at AS at
	FROM referrals r
	WHERE r.workspace_id = ANY($1::bigint[]) AND r.created_at >= $2 AND r.created_at < $3
		AND r.receiver_id IS NOT NULL AND r.receiver_id <> r.referrer_id
		AND r.fee_kind IN ('percent', 'fixed') AND r.status NOT IN ('declined', 'expired')
), pair AS MATERIALIZED (
	-- rings are found over pairs of members, not referrals
	SELECT DISTINCT ws, a, b FROM edge
), ring (ws, path) AS (
	-- A→B→A and A→B→C→A from A, the ring's smallest member (RingMaxMembers
	-- is 3: see ringsUpTo3), each found once per direction
	SELECT p.ws, ARRAY[p.a, p.b, p.a] FROM pair p JOIN pair q ON q.ws = p.ws AND q.a = p.b AND q.b = p.a
	WHERE p.b > p.a AND $5::int >= 2
	UNION ALL
	SELECT p.ws, ARRAY[p.a, p.b, q.b, p.a]
	FROM pair p JOIN pair q ON q.ws = p.ws AND q.a = p.b JOIN pair r ON r.ws = p.ws AND r.a = q.b AND r.b = p.a
	WHERE p.b > p.a AND q.b > p.a AND q.b <> p.b AND $5::int >= 3
), ring_ref AS (
	-- each step i of each ring, with its referrals
	SELECT g.ws, g.path, g.steps, g.i, e.code, e.at
	FROM (SELECT ws, path, cardinality(path) - 1 AS steps, generate_series(1, cardinality(path) - 1) AS i
		FROM ring) g
	JOIN edge e ON e.ws = g.ws AND e.a = g.path[g.i] AND e.b = g.path[g.i + 1]
), next_ref AS (
	-- from each referral of a ring on, the first referral of each step
	SELECT ws, path, steps, code, at,
		min(at) FILTER (WHERE i = 1) OVER later AS n1, min(at) FILTER (WHERE i = 2) OVER later AS n2,
		min(at) FILTER (WHERE i = 3) OVER later AS n3, min(at) FILTER (WHERE i = 4) OVER later AS n4
	FROM ring_ref
	WINDOW later AS (PARTITION BY ws, path ORDER BY at DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
), window_start AS (
	-- each referral of a ring, and the last referral at or before it that
	-- starts a window of RingWindow holding a referral of every step: the
	-- referral is evidence when it lies in that window (a window that
	-- starts earlier ends earlier). Computed along each ring's referrals,
	-- never joined back to them (a join of the ring's referrals to their
	-- windows, misestimated at a row, ran a nested loop per referral)
	SELECT ws, path, steps, code, at,
		max(at) FILTER (WHERE n1 IS NOT NULL AND n2 IS NOT NULL AND (steps < 3 OR n3 IS NOT NULL)
			AND (steps < 4 OR n4 IS NOT NULL) AND greatest(n1, n2, n3, n4) <= at + $6::bigint * interval '1 second')
			OVER (PARTITION BY ws, path ORDER BY at RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS started
	FROM next_ref
), ring_evidence AS (
	-- the evidence: every referral in such a window, ranked in its
	-- workspace by most evidence first
	SELECT r.ws, 'ring:' || array_to_string(r.path[1:r.steps], '-') AS key,
		r.path[1:r.steps] AS members, array_agg(DISTINCT r.code ORDER BY r.code) AS codes,
		count(DISTINCT r.code) AS n, min(r.code) AS first,
		row_number() OVER (PARTITION BY r.ws ORDER BY count(DISTINCT r.code) DESC, r.path) AS rank
	FROM window_start r
	WHERE r.at <= r.started + $6::bigint * interval '1 second'
	GROUP BY r.ws, r.path, r.steps
), rings AS (
	-- at most maxRings a workspace
	SELECT ws, 'ring' AS kind, key, members, codes, '' AS day, n, first
	FROM ring_evidence WHERE rank <= $10
), same_client AS (
	-- a client's key (migration 023) that three or more referrals of the
	-- period share, among the keys the workspace has three times or more
	-- (client_key_counts_flagged_idx, migration 029: see sameClientMin3).
	-- Read ($18) from the period's referrals, each probing its keys, or
	-- from the flagged keys, each reading its referrals: whichever reads
	-- fewer referrals (sameClientFromReferrals)
	SELECT r.workspace_id, 'same-client', 'same-client:' || md5(k.key), NULL::bigint[], array_agg(r.code ORDER BY r.code), '',
		count(*), min(r.code)
	FROM ws w
	-- each workspace its own index range (OFFSET 0: joined flat, the
	-- planner read every referral)
	CROSS JOIN LATERAL (SELECT r.workspace_id, r.id, r.code FROM referrals r
		WHERE $18::boolean AND r.workspace_id = w.id AND r.created_at >= $2 AND r.created_at < $3 OFFSET 0) r
	JOIN referral_client_keys k ON k.workspace_id = r.workspace_id AND k.referral_id = r.id
	WHERE EXISTS (SELECT 1 FROM client_key_counts c WHERE c.workspace_id = k.workspace_id AND c.key = k.key AND c.n >= 3)
	GROUP BY r.workspace_id, k.key
	HAVING count(*) >= $4
	UNION ALL
	SELECT c.workspace_id, 'same-client', 'same-client:' || md5(k.key), NULL::bigint[], array_agg(r.code ORDER BY r.code), '',
		count(*), min(r.code)
	FROM client_key_counts c
	JOIN referral_client_keys k ON k.workspace_id = c.workspace_id AND k.key = c.key
	JOIN referrals r ON r.workspace_id = k.workspace_id AND r.id = k.referral_id
	WHERE NOT $18::boolean AND c.workspace_id = ANY($1::bigint[]) AND c.n >= 3 AND r.created_at >= $2 AND r.created_at < $3
	GROUP BY c.workspace_id, k.key
	HAVING count(*) >= $4
), capped AS (
	SELECT ws, 'daily-cap', 'daily-cap:' || referrer_id || ':' || day, ARRAY[referrer_id], codes, day, cardinality(codes)::bigint, codes[1]
	FROM (SELECT w.id AS ws, r.referrer_id, to_char(r.created_at AT TIME ZONE w.tz, 'YYYY-MM-DD') AS day,
			array_agg(r.code ORDER BY r.code) AS codes
		FROM ws w JOIN referrals r ON r.workspace_id = w.id
		WHERE w.cap > 0 AND r.created_at >= $2 AND r.created_at < $3
		GROUP BY w.id, w.cap, 2, 3
		HAVING count(*) >= w.cap) x
), never_who AS (
	-- counted from board_rollups (migration 029: per referrer and month,
	-- the referrals a partner has and how many of those are won) and the
	-- referrals at the period's edges ($12 all time, $13 and $14 the
	-- buckets read, $15 to $17 the edges: see coverage), not from every
	-- referral of the period
	SELECT f.ws, f.member_id AS referrer_id, sum(f.to_partner) AS n
	FROM (
		SELECT b.workspace_id AS ws, b.member_id, b.to_partner, b.to_partner_won
		FROM board_rollups b
		WHERE b.workspace_id = ANY($1::bigint[]) AND b.bucket >= $13 AND b.bucket < $14
			AND $12::boolean = (b.bucket = '-infinity') AND b.measure = 1
		UNION ALL
		SELECT w.id, f.member_id, f.to_partner, f.to_partner_won
		FROM ws w CROSS JOIN unnest($15::timestamptz[], $16::timestamptz[], $17::int[]) AS x (lo, hi, sign)
		-- each edge its own index range (OFFSET 0: joined flat, the
		-- planner read every referral of the workspace)
		CROSS JOIN LATERAL (SELECT * FROM referrals r
			WHERE r.workspace_id = w.id AND r.created_at >= x.lo AND r.created_at < x.hi OFFSET 0) r
		CROSS JOIN LATERAL board_rollup_facts(r::referrals, x.sign) f
		WHERE f.measure = 1 AND f.bucket > '-infinity'
	) f
	GROUP BY 1, 2
	HAVING sum(f.to_partner) >= $9 AND sum(f.to_partner_won) = 0
), never AS (
	SELECT w.ws, 'never-converts', 'never-converts:' || w.referrer_id, ARRAY[w.referrer_id],
		ARRAY(SELECT c.code FROM (
				SELECT r.code FROM referrals r
				WHERE r.workspace_id = w.ws AND r.referrer_id = w.referrer_id AND r.created_at >= $2 AND r.created_at < $3
					AND r.receiver_id IS NOT NULL
				ORDER BY r.created_at DESC, r.code DESC
				LIMIT NULLIF($11::int, 0)) c
			ORDER BY c.code), '', w.n,
		(SELECT min(r.code) FROM referrals r
			WHERE r.workspace_id = w.ws AND r.referrer_id = w.referrer_id AND r.created_at >= $2 AND r.created_at < $3
				AND r.receiver_id IS NOT NULL)
	FROM never_who w
), flags AS (
	SELECT * FROM rings UNION ALL SELECT * FROM same_client UNION ALL SELECT * FROM capped UNION ALL SELECT * FROM never
)
SELECT f.ws, f.kind, f.key, COALESCE(f.members, '{}'),
	-- each name by its key (a join reads every member once per flag)
	ARRAY(SELECT n.name FROM (
			SELECT (SELECT m.display_name FROM members m WHERE m.workspace_id = f.ws AND m.id = u.id) AS name, u.i
			FROM unnest(f.members) WITH ORDINALITY AS u (id, i)) n
		WHERE n.name IS NOT NULL ORDER BY n.i),
	f.codes, f.day, f.n
FROM flags f
ORDER BY f.ws, CASE f.kind WHEN 'ring' THEN 0 WHEN 'same-client' THEN 1 WHEN 'daily-cap' THEN 2 ELSE 3 END, f.first, f.key`

// sameClientFromReferrals reports whether the same-client flags of the
// workspaces over [from, to) are read from the period's referrals (each
// probing its keys) rather than from the flagged keys (each reading its
// referrals of all time): whichever reads fewer referrals. The flagged
// keys' referrals are counted from client_key_counts; the period's are
// counted only up to that many, so the choice costs no more than the
// cheaper read. At the full-size chapter over 90 days: 5,550 referrals
// of 1,732 flagged keys against 57,000 of the period (0.2 s against 1 s);
// at a chapter whose clients share 180 names, the other way round.
func (t *tx) sameClientFromReferrals(ctx context.Context, ids []int64, from, to pgtype.Timestamptz) (bool, error) {
	var byKey int64
	if err := t.q.QueryRow(ctx, `SELECT COALESCE(sum(n), 0)::bigint FROM client_key_counts
		WHERE workspace_id = ANY ($1::bigint[]) AND n >= 3`, ids).Scan(&byKey); err != nil {
		return false, err
	}
	var byPeriod int64
	if err := t.q.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM referrals
		WHERE workspace_id = ANY ($1::bigint[]) AND created_at >= $2 AND created_at < $3 LIMIT $4) x`,
		ids, from, to, byKey+1).Scan(&byPeriod); err != nil {
		return false, err
	}
	return byPeriod < byKey, nil
}

// ringsUpTo3 fails to compile unless core.RingMaxMembers is 3: flagsSQL
// joins pairs of members into rings of two and three members (as a
// recursive walk it took more than twice as long); a longer ring needs one
// more join there.
const ringsUpTo3 = uint(3-core.RingMaxMembers) + uint(core.RingMaxMembers-3)

// sameClientMin3 fails to compile unless core.SameClientMin is 3: the
// same-client flags read the keys of client_key_counts_flagged_idx
// (migration 029, n >= 3); another minimum needs an index of its own.
const sameClientMin3 = uint(3-core.SameClientMin) + uint(core.SameClientMin-3)

// Flags computes the abuse flags of a period in one statement.
func (t *tx) Flags(ctx context.Context, workspaceID int64, q core.FlagQuery) (_ []core.Flag, err error) {
	fs, err := t.FlagsAcross(ctx, q, []core.FlagScope{{WorkspaceID: workspaceID, DailyCap: q.DailyCap, TimeZone: q.TimeZone}})
	return fs[workspaceID], err
}

// FlagsAcross computes the abuse flags of a period for many workspaces in
// one statement; q's DailyCap and TimeZone are the scopes' own.
func (t *tx) FlagsAcross(ctx context.Context, q core.FlagQuery, scopes []core.FlagScope) (_ map[int64][]core.Flag, err error) {
	defer wrap(&err, "flags(%d workspaces)", len(scopes))
	if len(scopes) == 0 {
		return nil, nil
	}
	from, to := bounds(q.Period)
	keep := core.FlagCodesKept
	if q.AllCodes {
		keep = 0
	}
	now := q.Now
	if now.IsZero() {
		now = time.Now()
	}
	ids := make([]int64, len(scopes))
	caps := make([]int32, len(scopes))
	zones := make([]string, len(scopes))
	capOf := make(map[int64]int, len(scopes))
	for i, sc := range scopes {
		ids[i], caps[i], zones[i] = sc.WorkspaceID, int32(sc.DailyCap), sc.TimeZone
		capOf[sc.WorkspaceID] = sc.DailyCap
	}
	cov := coverPeriod(q.Period.From, q.Period.To, now)
	byPeriod, err := t.sameClientFromReferrals(ctx, ids, from, to)
	if err != nil {
		return nil, err
	}
	rows, err := t.q.Query(ctx, flagsSQL, ids, from, to, core.SameClientMin, core.RingMaxMembers,
		int64(core.RingWindow/time.Second), caps, zones, core.NeverConvertsMin, core.MaxRings, keep,
		cov.all, cov.lo, cov.hi, cov.edgeLo, cov.edgeHi, cov.edgeSign, byPeriod)
	type wsFlag struct {
		ws int64
		core.Flag
	}
	fs, err := collect(rows, err, func(row pgx.Row) (*wsFlag, error) {
		var f wsFlag
		var codes []int64
		if err := row.Scan(&f.ws, &f.Kind, &f.Key, &f.MemberIDs, &f.Members, &codes, &f.Day, &f.Count); err != nil {
			return nil, err
		}
		for _, c := range codes {
			f.Codes = append(f.Codes, core.Code(c))
		}
		if f.Kind == core.FlagDailyCap {
			f.Cap = capOf[f.ws]
		}
		return &f, nil
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]core.Flag, len(scopes))
	// A client found by name and by contact is one flag.
	seen := map[string]bool{}
	for _, f := range fs {
		if f.Kind == core.FlagSameClient {
			k := fmt.Sprint(f.ws, ":", codesKey(f.Codes))
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		if keep > 0 && len(f.Codes) > keep {
			f.Codes = f.Codes[len(f.Codes)-keep:]
		}
		out[f.ws] = append(out[f.ws], f.Flag)
	}
	return out, nil
}

func codesKey(cs []core.Code) string {
	b := make([]byte, 0, len(cs)*6)
	for _, c := range cs {
		b = append(b, c.String()...)
		b = append(b, ',')
	}
	return string(b)
}

func (t *tx) FlagDismissals(ctx context.Context, workspaceID int64) (_ map[string]core.Dismissal, err error) {
	ds, err := t.FlagDismissalsAcross(ctx, []int64{workspaceID})
	return ds[workspaceID], err
}

// FlagDismissalsAcross reads the dismissals of many workspaces in one
// statement, by workspace and flag key.
func (t *tx) FlagDismissalsAcross(ctx context.Context, workspaceIDs []int64) (_ map[int64]map[string]core.Dismissal, err error) {
	defer wrap(&err, "flag dismissals(%d workspaces)", len(workspaceIDs))
	rows, err := t.q.Query(ctx, `
		SELECT d.workspace_id, d.flag_key, d.codes, d.reason, COALESCE(d.member_id, 0), COALESCE(m.display_name, ''), d.at
		FROM flag_dismissals d LEFT JOIN members m ON m.workspace_id = d.workspace_id AND m.id = d.member_id
		WHERE d.workspace_id = ANY($1::bigint[])`, workspaceIDs)
	type wsDismissal struct {
		ws int64
		core.Dismissal
	}
	ds, err := collect(rows, err, func(row pgx.Row) (*wsDismissal, error) {
		var d wsDismissal
		var codes []int64
		if err := row.Scan(&d.ws, &d.Key, &codes, &d.Reason, &d.MemberID, &d.By, &d.At); err != nil {
			return nil, err
		}
		for _, c := range codes {
			d.Codes = append(d.Codes, core.Code(c))
		}
		return &d, nil
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]map[string]core.Dismissal, len(workspaceIDs))
	for _, id := range workspaceIDs {
		out[id] = map[string]core.Dismissal{}
	}
	for _, d := range ds {
		out[d.ws][d.Key] = d.Dismissal
	}
	return out, nil
}

func (t *tx) DismissFlag(ctx context.Context, workspaceID int64, d core.Dismissal) (err error) {
	defer wrap(&err, "dismiss flag(%d, %s)", workspaceID, d.Key)
	codes := make([]int64, len(d.Codes))
	for i, c := range d.Codes {
		codes[i] = int64(c)
	}
	_, err = t.q.Exec(ctx, `
		INSERT INTO flag_dismissals (workspace_id, flag_key, codes, reason, member_id, at)
		VALUES ($1, $2, $3, $4, $5, COALESCE($6, now()))
		ON CONFLICT (workspace_id, flag_key) DO UPDATE SET
			codes = excluded.codes, reason = excluded.reason, member_id = excluded.member_id, at = excluded.at`,
		workspaceID, d.Key, codes, d.Reason, nullID(d.MemberID), nullTime(d.At))
	return err
}

// CountGiven first takes the member's daily-cap lock (an advisory lock
// held until the transaction ends, per workspace and member: nobody else
// waits), then counts, in a statement of its own so that it sees what the
// lock's previous holder committed: two referrals of one member at once
// count each other, and referrals of different members don't queue.
func (t *tx) CountGiven(ctx context.Context, workspaceID, memberID int64, since time.Time) (_ int, err error) {
	defer wrap(&err, "count given(%d, %d)", workspaceID, memberID)
	t.pipe.later(`SELECT pg_advisory_xact_lock(hashtextextended('daily-cap:' || $1::bigint || ':' || $2::bigint, 0))`,
		workspaceID, memberID)
	var n int
	err = t.q.QueryRow(ctx, `SELECT count(*) FROM referrals WHERE workspace_id = $1 AND referrer_id = $2 AND created_at >= $3`,
		workspaceID, memberID, since).Scan(&n)
	return n, err
}
