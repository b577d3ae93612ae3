package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
)

// TestStats_RollupsMatchDirectQueries drives a workspace through a random
// history — referrals in four currencies (one stored without a currency),
// leads, co-owners, every stage, won values corrected and undone,
// reassignments, deletions, members making their amounts private and
// public again, moves and undos recorded in the history, thank-yous and
// acceptances moved or undone — straight in SQL, so only the triggers
// keep the rollups current, and compares Stats with the direct queries it
// replaced (OracleStats) for the network and each member, seen by no one, by
// themselves and by others, over periods of every shape: calendar months
// and quarters in UTC and in other time zones, arbitrary instants, since
// the beginning, to now and beyond.
func TestStats_RollupsMatchDirectQueries(t *testing.T) {
	t.Parallel()
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			h := newHistory(t, seed)
			for round := range statsRounds {
				for range 60 {
					h.step()
				}
				h.check(round, round == statsRounds-1)
			}
		})
	}
}

type history struct {
	t       *testing.T
	b       *bundle
	conn    *pgx.Conn
	rnd     *rand.Rand
	members []*core.Member
	ids     []int64         // referrals, deleted ones included
	other   *core.Workspace // a workspace of nothing
}

func newHistory(t *testing.T, seed uint64) *history {
	b := setup(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, b.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	h := &history{t: t, b: b, conn: conn, rnd: rand.New(rand.NewPCG(seed, 16)), other: b.workspace(t, core.Slack, "T-OTHER")}
	for _, name := range []string{"ann", "ben", "cat", "dan", "eve", "fay"} {
		h.members = append(h.members, b.member(t, b.ws, name))
	}
	return h
}

// at is a random instant of 2025–2026, to the second.
func (h *history) at() time.Time {
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	return start.Add(time.Duration(h.rnd.Int64N(2*365*24*3600)) * time.Second)
}

func (h *history) member() *core.Member { return h.members[h.rnd.IntN(len(h.members))] }

func (h *history) money() core.Money {
	curs := []string{"", "USD", "EUR", "JPY"}
	return core.Money{Cents: h.rnd.Int64N(5) * 100000, Currency: curs[h.rnd.IntN(len(curs))]}
}

// exec runs one change; a change the schema refuses (a check, a foreign
// key) is simply not made, as in the product.
func (h *history) exec(sql string, args ...any) {
	if _, err := h.conn.Exec(context.Background(), sql, args...); err != nil {
		h.t.Logf("refused (fine): %v", err)
	}
}

func (h *history) referral() int64 { return h.ids[h.rnd.IntN(len(h.ids))] }

func (h *history) step() {
	if len(h.ids) < 5 || h.rnd.IntN(4) == 0 {
		h.insert()
		return
	}
	id := h.referral()
	switch h.rnd.IntN(15) {
	case 0: // a stage change, as a claim, an update or an undo would make
		st := []string{"offered", "accepted", "contacted", "meeting", "proposal", "lost", "declined", "expired"}
		h.exec(`UPDATE referrals SET status = $2, closed_at = CASE WHEN $2 IN ('lost', 'declined') THEN created_at + interval '3 days' END
			WHERE id = $1 AND receiver_id IS NOT NULL`, id, st[h.rnd.IntN(len(st))])
	case 1: // won, with a value
		m := h.money()
		h.exec(`UPDATE referrals SET status = 'won', won_value_cents = $2, won_currency = NULLIF($3, ''),
			closed_at = created_at + make_interval(secs => $4) WHERE id = $1 AND receiver_id IS NOT NULL`,
			id, m.Cents, m.Currency, h.rnd.IntN(90*24*3600))
	case 2: // a corrected value
		m := h.money()
		h.exec(`UPDATE referrals SET won_value_cents = $2, won_currency = $3 WHERE id = $1 AND status = 'won'`, id, m.Cents, m.Currency)
	case 3: // undo of a win
		h.exec(`UPDATE referrals SET status = 'proposal', won_value_cents = NULL, won_currency = NULL, closed_at = NULL
			WHERE id = $1 AND status = 'won'`, id)
	case 4: // reassignment
		h.exec(`UPDATE referrals SET receiver_id = $2 WHERE id = $1 AND receiver_id IS NOT NULL
			AND referrer_id <> $2 AND co_owner_id IS DISTINCT FROM $2`, id, h.member().ID)
	case 5: // a co-owner comes or goes
		if h.rnd.IntN(2) == 0 {
			h.exec(`UPDATE referrals SET co_owner_id = NULL WHERE id = $1`, id)
		} else {
			h.exec(`UPDATE referrals SET co_owner_id = $2 WHERE id = $1 AND receiver_id IS NOT NULL
				AND referrer_id <> $2 AND receiver_id <> $2`, id, h.member().ID)
		}
	case 6: // an estimate corrected
		m := h.money()
		h.exec(`UPDATE referrals SET estimate_cents = $2, estimate_currency = $3 WHERE id = $1`, id, m.Cents, m.Currency)
	case 7: // a member makes amounts private, or public again
		h.exec(`UPDATE members SET amounts_private = NOT amounts_private WHERE id = $1`, h.member().ID)
	case 8:
		h.exec(`DELETE FROM referrals WHERE id = $1`, id)
	case 9: // a move recorded in the history (the funnel's furthest stage)
		h.move(id)
	case 10:
		h.undoMove()
	case 11: // a thank-you, from either party
		h.exec(`INSERT INTO thanks (workspace_id, referral_id, from_id, to_id, at)
			SELECT workspace_id, id, CASE WHEN $2 THEN receiver_id ELSE referrer_id END,
				CASE WHEN $2 THEN referrer_id ELSE receiver_id END, created_at + make_interval(secs => $3)
			FROM referrals WHERE id = $1 AND receiver_id IS NOT NULL`, id, h.rnd.IntN(2) == 0, h.rnd.IntN(90*24*3600))
	case 13: // feedback from the giver, on a referral received or co-owned
		h.exec(`INSERT INTO feedback (workspace_id, referral_id, member_id, score, at)
			SELECT workspace_id, id, referrer_id, $2, created_at + make_interval(secs => $3)
			FROM referrals WHERE id = $1 AND receiver_id IS NOT NULL
			ON CONFLICT (workspace_id, referral_id, member_id) DO UPDATE SET score = excluded.score`,
			id, h.rnd.IntN(5)+1, h.rnd.IntN(90*24*3600))
	case 14: // a thank-you retracted
		h.exec(`UPDATE thanks SET retracted_at = at + interval '1 hour' WHERE referral_id = $1`, id)
	case 12: // taken on again, later or never (a claim, an undo)
		h.exec(`UPDATE referrals SET accepted_at = CASE WHEN $2 THEN NULL ELSE created_at + make_interval(secs => $3) END
			WHERE id = $1`, id, h.rnd.IntN(3) == 0, h.rnd.IntN(30*24*3600))
	}
}

// move records a move of referral id in its history.
func (h *history) move(id int64) {
	st := []string{"accepted", "contacted", "meeting", "proposal", "won", "lost"}
	h.exec(`INSERT INTO referral_events (workspace_id, referral_id, kind, to_status, at)
		VALUES ($1, $2, 'stage', $3, now())`, h.b.ws.ID, id, st[h.rnd.IntN(len(st))])
}

// undoMove records the undo of a move not undone yet, itself a move back
// to a stage.
func (h *history) undoMove() {
	st := []string{"accepted", "contacted", "meeting"}
	h.exec(`INSERT INTO referral_events (workspace_id, referral_id, kind, to_status, undoes, at)
		SELECT e.workspace_id, e.referral_id, 'undo', $3, e.id, now()
		FROM referral_events e
		WHERE e.workspace_id = $1 AND NOT EXISTS (SELECT 1 FROM referral_events u WHERE u.undoes = e.id)
		ORDER BY (e.id * $2) % 1009, e.id LIMIT 1`, h.b.ws.ID, h.rnd.Int64N(1000)+1, st[h.rnd.IntN(len(st))])
}

func (h *history) insert() {
	// Now and then several in one statement, as a batch of /refer
	// requests writes them (the rollups' statement trigger, 028).
	n := 1
	if h.rnd.IntN(3) == 0 {
		n = 2 + h.rnd.IntN(4)
	}
	rs, firsts := make([]*core.Referral, n), make([]*core.Event, n)
	for i := range rs {
		rs[i] = h.draft()
		firsts[i] = &core.Event{Kind: core.EvCreated, To: rs[i].Status, ActorID: rs[i].ReferrerID, At: rs[i].CreatedAt}
	}
	h.b.tx(h.t, func(tx core.Tx) error {
		if n == 1 {
			return tx.InsertReferral(context.Background(), rs[0], nil)
		}
		return tx.(core.ReferBatchTx).InsertReferrals(context.Background(), rs, firsts)
	})
	for _, r := range rs {
		h.ids = append(h.ids, r.ID)
	}
}

// draft is a random referral of the history, not yet inserted.
func (h *history) draft() *core.Referral {
	from := h.member()
	var to *core.Member
	if h.rnd.IntN(5) > 0 {
		if to = h.member(); to.ID == from.ID {
			to = nil
		}
	}
	created := h.at()
	return draftReferral(from, to, func(r *core.Referral) {
		r.CreatedAt, r.UpdatedAt, r.Estimate = created, created, h.money()
		if to == nil {
			return
		}
		r.AcceptedAt = created.Add(time.Hour)
		if co := h.member(); h.rnd.IntN(4) == 0 && co.ID != from.ID && co.ID != to.ID {
			r.CoOwnerID = co.ID
		}
		switch h.rnd.IntN(4) {
		case 0:
			r.Status, r.ClosedAt, r.WonValue = core.StatusWon, created.Add(time.Duration(h.rnd.IntN(60*24))*time.Hour), h.money()
			r.WonValue.Cents += 50000 // a won deal has a value
		case 1:
			r.Status = core.StatusProposal
		}
	})
}

// periods are the shapes of period the product asks for.
func (h *history) periods(now time.Time) []core.Period {
	ny, _ := time.LoadLocation("America/New_York")
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	a, b := h.at(), h.at()
	if b.Before(a) {
		a, b = b, a
	}
	return []core.Period{
		{To: now.Add(time.Microsecond)}, // all
		{To: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)},
		{To: time.Date(2025, 9, 17, 13, 5, 0, 0, time.UTC)}, // all, up to a past instant
		core.QuarterOf(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)),
		core.QuarterOf(time.Date(2025, 8, 1, 0, 0, 0, 0, ny)),
		core.QuarterOf(time.Date(2026, 5, 1, 0, 0, 0, 0, kolkata)),
		{From: time.Date(2026, 3, 1, 0, 0, 0, 0, ny), To: time.Date(2026, 4, 1, 0, 0, 0, 0, ny)},
		{From: now.AddDate(0, 0, -30), To: now.Add(time.Microsecond)},
		{From: a, To: b},
		{From: a, To: a.Add(36 * time.Hour)},
	}
}

// statsRounds are the rounds of 60 steps of TestStats_RollupsMatchDirectQueries.
const statsRounds = 4

// check compares every kept figure with the direct queries. A full check
// reads every member's stats; others read the network's and a third of
// the members' (a different third each round): the members' reads are
// most of the test's time, and a rollup gone wrong stays wrong until a
// later change happens to cancel it.
func (h *history) check(round int, full bool) {
	ctx := context.Background()
	h.checkMemberTotals(round)
	h.checkCounts(round)
	now := time.Date(2026, 6, 10, 15, 30, 0, 0, time.UTC)
	h.checkNetworkTotals(round, now)
	subjects := []int64{0}
	for i, m := range h.members {
		if full || (i+round)%3 == 0 {
			subjects = append(subjects, m.ID)
		}
	}
	for _, p := range h.periods(now) {
		for _, subject := range subjects {
			viewers := []int64{0, h.member().ID}
			if subject != 0 {
				viewers = append(viewers, subject)
			}
			for _, viewer := range viewers {
				q := core.StatsQuery{MemberID: subject, Period: p, Now: now, Viewer: viewer}
				var got, want *core.Stats
				h.b.tx(h.t, func(tx core.Tx) (err error) {
					if got, err = tx.Stats(ctx, h.b.ws.ID, q); err != nil {
						return err
					}
					want, err = postgres.OracleStats(ctx, tx, h.b.ws.ID, q)
					return err
				})
				if g, w := asJSON(h.t, got), asJSON(h.t, want); g != w {
					h.t.Fatalf("round %d, member %d seen by %d over %s – %s:\n rollups %s\n  direct %s",
						round, subject, viewer, p.From, p.To, g, w)
				}
				h.checkTop(q, want)
			}
		}
	}
}

// checkNetworkTotals compares NetworkTotals, every period asked at once
// (weeks across month ends among them) and a workspace with nothing
// between them, with the direct queries' network figures seen by no one.
func (h *history) checkNetworkTotals(round int, now time.Time) {
	ctx := context.Background()
	ps := h.periods(now)
	for _, end := range []time.Time{time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), time.Date(2025, 12, 29, 9, 0, 0, 0, time.UTC), h.at()} {
		ps = append(ps, core.Period{From: end.AddDate(0, 0, -7), To: end})
	}
	var qs []core.TotalsQuery
	for _, p := range ps {
		qs = append(qs, core.TotalsQuery{WorkspaceID: h.b.ws.ID, Period: p, Now: now},
			core.TotalsQuery{WorkspaceID: h.b.ws.ID, Period: p, Now: now, Closing: true},
			core.TotalsQuery{WorkspaceID: h.other.ID, Period: p, Now: now, Closing: true})
	}
	var got []core.Stats
	h.b.tx(h.t, func(tx core.Tx) (err error) {
		got, err = tx.NetworkTotals(ctx, qs)
		return err
	})
	if len(got) != len(qs) {
		h.t.Fatalf("round %d: %d network totals for %d queries", round, len(got), len(qs))
	}
	for i, q := range qs {
		var want *core.Stats
		h.b.tx(h.t, func(tx core.Tx) (err error) {
			want, err = postgres.OracleStats(ctx, tx, q.WorkspaceID, core.StatsQuery{Period: q.Period, Now: now})
			return err
		})
		if !q.Closing { // the closing figures are read for closing queries alone
			want.MedianDaysToClose, want.HasMedianDays, want.Thanks = 0, false, 0
		}
		totals := func(st *core.Stats) string {
			return asJSON(h.t, []any{st.Given, st.Received, st.TakenOn, st.Won, st.Lost, st.InProgress, st.Deals,
				st.Revenue, st.RCR, st.HasRCR, st.AvgDeal, st.MedianDaysToClose, st.HasMedianDays, st.Thanks, st.Period})
		}
		g, w := totals(&got[i]), totals(want)
		if g != w {
			h.t.Fatalf("round %d, network totals of workspace %d over %s – %s:\n read %s\n want %s",
				round, q.WorkspaceID, q.Period.From, q.Period.To, g, w)
		}
	}
}

// checkTop compares the breakdown's top rows (StatsQuery.Top: 2, where
// ties at the second row are common) and the figures without a breakdown
// with the whole figures, want.
func (h *history) checkTop(q core.StatsQuery, want *core.Stats) {
	ctx := context.Background()
	for _, top := range []int{2, core.NoBreakdown} {
		q.Top = top
		var got *core.Stats
		h.b.tx(h.t, func(tx core.Tx) (err error) {
			got, err = tx.Stats(ctx, h.b.ws.ID, q)
			return err
		})
		cut := *want
		cut.ByPartner = nil
		if top > 0 && len(want.ByPartner) > 0 {
			cut.ByPartner = want.ByPartner[:min(top, len(want.ByPartner))]
			cut.MorePartners = len(want.ByPartner) - len(cut.ByPartner)
		}
		if g, w := asJSON(h.t, got), asJSON(h.t, &cut); g != w {
			h.t.Fatalf("top %d, member %d seen by %d over %s – %s:\n read %s\n want %s",
				top, q.MemberID, q.Viewer, q.Period.From, q.Period.To, g, w)
		}
	}
}

// checkMemberTotals compares member_totals (migration 033, kept by the
// rollups' statement triggers) with the same sums computed afresh from
// the rollups, each key summed over its shards: no key differs.
func (h *history) checkMemberTotals(round int) {
	const differing = `
		WITH kept AS (
			SELECT member_id, bucket, currency, private, sum(given) AS given, sum(received) AS received,
				sum(given_deals) AS given_deals, sum(given_cents) AS given_cents,
				sum(received_deals) AS received_deals, sum(received_cents) AS received_cents
			FROM member_totals WHERE workspace_id = $1
			GROUP BY 1, 2, 3, 4
		), fresh AS (
			SELECT f.member_id, f.bucket, f.currency, f.private, sum(f.given) AS given, sum(f.received) AS received,
				sum(f.given_deals) AS given_deals, sum(f.given_cents) AS given_cents,
				sum(f.received_deals) AS received_deals, sum(f.received_cents) AS received_cents
			FROM stats_rollups s CROSS JOIN LATERAL member_total_facts(s, 1) f
			WHERE s.workspace_id = $1
			GROUP BY 1, 2, 3, 4
		)
		-- a key kept at zero and one never written are alike
		SELECT count(*) FROM kept k FULL JOIN fresh f USING (member_id, bucket, currency, private)
		WHERE (COALESCE(k.given, 0), COALESCE(k.received, 0), COALESCE(k.given_deals, 0), COALESCE(k.given_cents, 0),
				COALESCE(k.received_deals, 0), COALESCE(k.received_cents, 0))
			<> (COALESCE(f.given, 0), COALESCE(f.received, 0), COALESCE(f.given_deals, 0), COALESCE(f.given_cents, 0),
				COALESCE(f.received_deals, 0), COALESCE(f.received_cents, 0))`
	if n := h.b.count(h.t, differing, h.b.ws.ID); n != 0 {
		h.t.Fatalf("round %d: %d member_totals keys differ from the rollups' sums", round, n)
	}
	if n := h.b.count(h.t, `SELECT count(*) FROM member_totals WHERE workspace_id = $1`, h.b.ws.ID); n == 0 {
		h.t.Fatalf("round %d: member_totals holds nothing", round)
	}
	// network_rollups (migration 042) holds the folded network rows again
	const networkDiffering = `
		SELECT count(*) FROM (SELECT * FROM network_rollups WHERE workspace_id = $1) k
		FULL JOIN (SELECT * FROM stats_rollups WHERE workspace_id = $1 AND subject = 0 AND shard = -1) s
			USING (workspace_id, measure, bucket, role, status, currency, private)
		WHERE (COALESCE(k.n, 0), COALESCE(k.n_amount, 0), COALESCE(k.cents, 0))
			<> (COALESCE(s.n, 0), COALESCE(s.n_amount, 0), COALESCE(s.cents, 0))`
	if n := h.b.count(h.t, networkDiffering, h.b.ws.ID); n != 0 {
		h.t.Fatalf("round %d: %d network_rollups keys differ from the folded network rows", round, n)
	}
}

// durationsDiffering counts the keys of workspace $1's duration_counts
// (migration 043, kept by row triggers on referrals and thanks) that
// differ from the won deals per whole day to close and the thank-yous per
// whole hour after acceptance counted afresh.
const durationsDiffering = `
	WITH fresh AS (
		SELECT 1::smallint AS measure, floor((extract(epoch FROM closed_at - created_at) / 86400)::float8)::int AS unit,
			count(*) AS n
		FROM referrals WHERE workspace_id = $1 AND status = 'won' AND closed_at IS NOT NULL GROUP BY 1, 2
		UNION ALL
		SELECT 2::smallint, floor((extract(epoch FROM at - accepted_at) / 3600)::float8)::int, count(*)
		FROM thanks WHERE workspace_id = $1 AND retracted_at IS NULL AND accepted_at IS NOT NULL GROUP BY 1, 2
	)
	SELECT count(*) FROM (SELECT * FROM duration_counts WHERE workspace_id = $1 AND n <> 0) k
	FULL JOIN fresh f USING (measure, unit)
	WHERE COALESCE(k.n, 0) <> COALESCE(f.n, 0)`

// checkCounts compares network_counts (migration 035, kept by statement
// triggers on thanks and feedback) and duration_counts (043) with the same
// counts made afresh from the rows, every month and all time: none differs.
func (h *history) checkCounts(round int) {
	const differing = `
		WITH fresh AS (
			SELECT k.bucket, count(*) FILTER (WHERE x.tbl = 't' AND x.retracted_at IS NULL) AS thanks,
				count(*) FILTER (WHERE x.tbl = 't' AND x.retracted_at IS NULL AND x.accepted_at IS NOT NULL) AS accepted,
				count(*) FILTER (WHERE x.tbl = 'f') AS ratings, COALESCE(sum(x.score), 0) AS scores
			FROM (SELECT 't' AS tbl, at, retracted_at, accepted_at, NULL::int AS score FROM thanks WHERE workspace_id = $1
				UNION ALL SELECT 'f', at, NULL, NULL, score FROM feedback WHERE workspace_id = $1) x
			CROSS JOIN LATERAL (VALUES (date_trunc('month', x.at, 'UTC')), ('-infinity'::timestamptz)) AS k (bucket)
			GROUP BY 1
		)
		SELECT count(*) FROM (SELECT * FROM network_counts WHERE workspace_id = $1) k FULL JOIN fresh f USING (bucket)
		WHERE (COALESCE(k.thanks, 0), COALESCE(k.accepted, 0), COALESCE(k.ratings, 0), COALESCE(k.scores, 0))
			<> (COALESCE(f.thanks, 0), COALESCE(f.accepted, 0), COALESCE(f.ratings, 0), COALESCE(f.scores, 0))`
	if n := h.b.count(h.t, differing, h.b.ws.ID); n != 0 {
		h.t.Fatalf("round %d: %d kept thank-you and rating counts differ from the rows'", round, n)
	}
	if n := h.b.count(h.t, durationsDiffering, h.b.ws.ID); n != 0 {
		h.t.Fatalf("round %d: %d kept duration counts differ from the rows'", round, n)
	}
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
