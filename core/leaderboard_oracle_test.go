package core_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/testenv"
)

// TestLeaderboard_StoredKeysMatchTheGoRules plays random histories
// through the service — clients under several spellings of their names
// and contacts, leads claimed, referrals declined and reassigned, wins in
// three currencies confirmed or not, corrected and undone, client names and contacts changed, a member who
// forgets (their leads lose their contacts) — and compares every period's
// top givers with what the rules computed before migration 023: every
// referral of the period read, its keys built in Go (goClientKeys), its
// repeats grouped in Go (oracleEntries).
func TestLeaderboard_StoredKeysMatchTheGoRules(t *testing.T) {
	t.Parallel()
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			h := &boardHistory{b: b, rng: rand.New(rand.NewPCG(seed, 14))}
			b.clock.t = time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC)
			for _, n := range []string{"organiser", "ana", "ben", "cy", "dee"} {
				h.people = append(h.people, b.join(t, "T1", n))
			}
			if seed == 2 {
				// codes past 16,000: the leaderboard is planned for its
				// values, as a big workspace's is (core/postgres
				// planModeBySizeSQL), and its statements checked so too
				b.exec(t, `INSERT INTO referral_codes (workspace_id, next_code) VALUES ($1, 20000)
					ON CONFLICT (workspace_id) DO UPDATE SET next_code = 20000`, h.people[0].Workspace.ID)
			}
			// a start with repeats won for sure: one client under three
			// spellings, three times from ana to ben, in two currencies
			who := map[string]core.Caller{"ana": h.people[1], "ben": h.people[2]}
			at := b.clock.t
			for i, c := range [][2]string{{"Acme Inc.", ""}, {"ACME", "jane@acme.example"}, {"Acme Bakery", "JANE@acme.example"}} {
				h.codes = append(h.codes, b.play(t, who, []deal{{"ana", "ben", c[0], c[1], at.Add(time.Duration(i) * 24 * time.Hour),
					boardValues[i+1], true}})[0].Code)
			}
			for round := range 4 {
				for range 70 {
					h.step(t)
				}
				if round == 2 {
					h.forget(t)
				}
				h.check(t)
			}
			// the histories must have had what the rules are about
			if h.repeatsGiven == 0 || h.repeatsWon == 0 || h.currencies < 2 || h.reassigned == 0 {
				t.Fatalf("a history without repeats given (%d), repeats won (%d), several currencies (%d) or reassignments (%d of %d declined)",
					h.repeatsGiven, h.repeatsWon, h.currencies, h.reassigned, h.declined)
			}
		})
	}
}

type boardHistory struct {
	b      *bundle
	rng    *rand.Rand
	people []core.Caller
	codes  []core.Code
	gone   map[int64]bool
	last   [2]core.Caller // the pair of the step before
	// what the checks saw: members whose repeats counted once, most
	// currencies in one member's value
	repeatsGiven, repeatsWon, currencies int
	// referrals declined and sent to someone else (their pair changes)
	declined, reassigned int
}

var (
	boardClients  = []string{"Acme Inc.", "ACME", "acme, inc", "The Acme Co", "Beta LLC", "beta", "Gamma GmbH", "Café Müller", "CAFÉ MÜLLER", ""}
	boardContacts = []string{"", "", "jane@acme.example", "JANE@acme.example ", "+1 555 123 4567", "1-555-123-4567",
		"https://www.beta.example/", "beta.example", "jane@acme.example; +1 555 123 4567", "mailto:cafe@muller.example"}
	boardValues = []core.Money{{Cents: 100000, Currency: "USD"}, {Cents: 250050, Currency: "USD"}, {Cents: 70000, Currency: "EUR"},
		{Cents: 33333, Currency: "EUR"}, {Cents: 99999, Currency: "GBP"}, {Cents: 100001}}
)

func (h *boardHistory) pick() core.Caller { return h.people[h.rng.IntN(len(h.people))] }

func (h *boardHistory) member(t *testing.T, id int64) (core.Caller, bool) {
	for _, p := range h.people {
		if p.Member.ID == id {
			return p, !h.gone[id]
		}
	}
	t.Fatalf("no member %d", id)
	return core.Caller{}, false
}

// step does one random thing; what the rules refuse (a stage out of
// order, a member who left) is simply not done.
func (h *boardHistory) step(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	b, rng := h.b, h.rng
	b.clock.Add(time.Duration(1+rng.IntN(60)) * time.Hour)
	from, to := h.pick(), h.pick()
	if rng.IntN(2) == 0 && h.last[0].Member.ID != 0 {
		from, to = h.last[0], h.last[1] // the same pair again: repeats
	}
	h.last = [2]core.Caller{from, to}
	if h.gone[from.Member.ID] {
		return
	}
	client, contact := boardClients[rng.IntN(len(boardClients))], boardContacts[rng.IntN(len(boardContacts))]
	switch op := rng.IntN(10); {
	case op < 3 && from.Member.ID != to.Member.ID && !h.gone[to.Member.ID] && client != "":
		r, err := b.svc.Refer(ctx, from, core.ReferInput{To: ref(to), ClientName: client, Contact: contact,
			Consent: contact != "", Need: "a website"})
		if err == nil {
			h.codes = append(h.codes, r.Code)
		}
	case op < 4:
		r, err := b.svc.PostLead(ctx, from, core.LeadInput{ClientName: client, Contact: contact, Consent: contact != "",
			Need: "a website for a client"})
		if err == nil {
			h.codes = append(h.codes, r.Code)
		}
	case len(h.codes) == 0:
	default:
		// mostly the latest referrals, so that many go all the way
		code := h.codes[rng.IntN(len(h.codes))]
		if rng.IntN(4) > 0 {
			code = h.codes[max(0, len(h.codes)-1-rng.IntN(4))]
		}
		d, err := b.svc.Show(ctx, h.people[0], code)
		if err != nil {
			t.Fatal(err)
		}
		r := d.Referral
		referrer, ok1 := h.member(t, r.ReferrerID)
		receiver, ok2 := core.Caller{}, false
		if r.ReceiverID != 0 {
			receiver, ok2 = h.member(t, r.ReceiverID)
		}
		switch {
		case r.Status == core.StatusOpen && !h.gone[to.Member.ID]:
			_, _ = b.svc.Claim(ctx, to, code)
		case r.Status == core.StatusOffered && ok2 && rng.IntN(4) == 0:
			_, _ = b.svc.Decline(ctx, receiver, code, "not my field")
			h.declined++
		case r.Status == core.StatusOffered && ok2:
			_, _ = b.svc.Accept(ctx, receiver, code)
		case r.Status == core.StatusDeclined && ok1 && !h.gone[to.Member.ID] && to.Member.ID != r.ReferrerID:
			// reassigned: the same client, now of another pair
			if _, err := b.svc.Reassign(ctx, referrer, code, ref(to)); err == nil {
				h.reassigned++
			}
		case r.Status == core.StatusWon && ok1 && r.WonConfirmation == core.Unconfirmed && rng.IntN(6) > 0:
			_, _ = b.svc.ConfirmWon(ctx, referrer, code)
		case r.Status == core.StatusWon && rng.IntN(4) == 0:
			_, _ = b.svc.Correct(ctx, h.people[0], code, boardValues[rng.IntN(len(boardValues))], "typo")
		case r.Status == core.StatusWon && ok2 && rng.IntN(6) == 0:
			_, _ = b.svc.Undo(ctx, receiver, code)
		case r.Status == core.StatusAccepted && ok2:
			_, _ = b.svc.Advance(ctx, receiver, code, core.StatusWon, core.AdvanceInput{Value: boardValues[rng.IntN(len(boardValues))]})
		default:
			// a client's name or contact set again (no command does yet;
			// the keys must follow whatever writes them)
			if err := testenv.Exec(t, b.url, `UPDATE referrals SET client_name = $2, client_contact = $3::text, consent = $3::text IS NOT NULL
				WHERE workspace_id = $1 AND code = $4`, h.people[0].Workspace.ID, client, nullIfEmpty(contact), int64(code)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// forget has one member erase their data: their leads nobody took lose
// their contacts, and they leave every board.
func (h *boardHistory) forget(t *testing.T) {
	t.Helper()
	p := h.people[1+h.rng.IntN(len(h.people)-1)]
	if err := h.b.svc.Forget(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if h.gone == nil {
		h.gone = map[int64]bool{}
	}
	h.gone[p.Member.ID] = true
}

// check compares the top givers of periods of every shape.
func (h *boardHistory) check(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if n := keysDrift(t, h.b.url); n != 0 {
		t.Fatalf("%d stored client keys or counts differ from the referrals'", n)
	}
	if n := boardRollupsDrift(t, h.b.url); n != 0 {
		t.Fatalf("%d board rollups differ from the referrals'", n)
	}
	if n := firstWinsDrift(t, h.b.url); n != 0 {
		t.Fatalf("%d members' first wins differ from the referrals'", n)
	}
	viewer := h.people[0]
	for _, period := range []string{"all", "this-quarter", "last-quarter", "2025-Q4", "2025-10..2026-01", "30d", "this-month"} {
		got, err := h.b.svc.Leaderboard(ctx, viewer, period)
		if err != nil {
			t.Fatal(err)
		}
		want := oracleGivers(t, h.b, viewer, got.Period, got.Currency)
		if !reflect.DeepEqual(got.Givers, want) {
			t.Fatalf("%s: top givers\n got  %+v\n want %+v", period, got.Givers, want)
		}
		for _, e := range got.Givers {
			if e.Given < e.Referred {
				h.repeatsGiven++
			}
			if e.Deals < e.Won {
				h.repeatsWon++
			}
			h.currencies = max(h.currencies, len(e.Value))
		}
	}
}

// oracleGivers ranks the members as the leaderboard did before migration
// 023: from every referral of the period, keys built in Go. The one
// difference kept on purpose: a member's value lists its currencies in
// Amounts.Sort's order (the old order depended on which deal came first).
func oracleGivers(t *testing.T, b *bundle, viewer core.Caller, p core.Period, currency string) []core.BoardEntry {
	t.Helper()
	ctx := context.Background()
	conn := dbConn(t, b.url)
	active := map[int64]string{}
	rows, err := conn.Query(ctx, `SELECT id, display_name FROM members WHERE workspace_id = $1 AND status = 'active'`,
		viewer.Workspace.ID)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	var name string
	if _, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error { active[id] = name; return nil }); err != nil {
		t.Fatal(err)
	}
	var from, to any = p.From, p.To
	if p.From.IsZero() {
		from = "-infinity"
	}
	if p.To.IsZero() {
		to = "infinity"
	}
	rows, err = conn.Query(ctx, `
		SELECT r.referrer_id, COALESCE(r.receiver_id, 0), r.client_name, COALESCE(r.client_contact, ''),
			r.created_at >= $2 AND r.created_at < $3,
			r.status = 'won' AND r.won_confirmation = 'confirmed' AND r.closed_at >= $2 AND r.closed_at < $3,
			COALESCE(r.won_value_cents, 0), COALESCE(r.won_currency, '')
		FROM referrals r WHERE r.workspace_id = $1
		ORDER BY r.created_at, r.id`, viewer.Workspace.ID, from, to)
	if err != nil {
		t.Fatal(err)
	}
	var given, won []oracleReferral
	var r oracleReferral
	var inGiven, inWon bool
	if _, err := pgx.ForEachRow(rows, []any{&r.referrer, &r.receiver, &r.client, &r.contact, &inGiven, &inWon,
		&r.value.Cents, &r.value.Currency}, func() error {
		if _, ok := active[r.referrer]; ok && inGiven {
			given = append(given, r)
		}
		if _, ok := active[r.referrer]; ok && inWon {
			won = append(won, r)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	out := map[int64]core.BoardEntry{}
	entry := func(id int64) core.BoardEntry {
		e, ok := out[id]
		if !ok {
			e = core.BoardEntry{MemberID: id, Name: active[id]}
		}
		return e
	}
	for _, g := range oracleGroups(given) {
		e := entry(g[0].referrer)
		e.Given, e.Referred = e.Given+1, e.Referred+len(g)
		out[e.MemberID] = e
	}
	for _, g := range oracleGroups(won) {
		e := entry(g[0].referrer)
		e.Deals, e.Won = e.Deals+1, e.Won+len(g)
		sums := map[string]int64{}
		for _, r := range g {
			sums[cmp.Or(r.value.Currency, core.DefaultCurrency)] += r.value.Cents
		}
		n := int64(len(g))
		for cur, cents := range sums {
			e.Value = plusAmount(e.Value, cur, (cents+n/2)/n)
		}
		out[e.MemberID] = e
	}
	var givers []core.BoardEntry
	for _, e := range out {
		e.Value = e.Value.Sort()
		if e.Deals > 0 || e.Given > 0 {
			givers = append(givers, e)
		}
	}
	slices.SortFunc(givers, func(a, b core.BoardEntry) int {
		return cmp.Or(cmp.Compare(b.Deals, a.Deals),
			cmp.Compare(b.Value.Get(currency).Cents, a.Value.Get(currency).Cents),
			cmp.Compare(b.Given, a.Given),
			strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)),
			cmp.Compare(a.MemberID, b.MemberID))
	})
	return givers[:min(len(givers), core.BoardSize)]
}

func plusAmount(as core.Amounts, cur string, cents int64) core.Amounts {
	for i := range as {
		if as[i].Currency == cur {
			as[i].Cents += cents
			as[i].Count++
			return as
		}
	}
	return append(as, core.Amount{Currency: cur, Cents: cents, Count: 1})
}

type oracleReferral struct {
	referrer, receiver int64
	client, contact    string
	value              core.Money
}

// oracleGroups is the old repeatGroups: referrals of the same referrer to
// the same receiver sharing a key, directly or through others, in the
// order their first referral comes.
func oracleGroups(rs []oracleReferral) [][]oracleReferral {
	parent := make([]int, len(rs))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	type pairKey struct {
		referrer, receiver int64
		client             string
	}
	seen := map[pairKey]int{}
	for i, r := range rs {
		for _, k := range goClientKeys(r.client, r.contact) {
			pk := pairKey{r.referrer, r.receiver, k}
			if j, ok := seen[pk]; ok {
				parent[find(i)] = find(j)
			} else {
				seen[pk] = i
			}
		}
	}
	group := map[int]int{}
	var out [][]oracleReferral
	for i := range rs {
		root := find(i)
		g, ok := group[root]
		if !ok {
			g = len(out)
			group[root] = g
			out = append(out, nil)
		}
		out[g] = append(out[g], rs[i])
	}
	return out
}

// boardRollupsDrift counts the board rollups (migration 029) that differ
// from the referrals as they are now (rows counted down to nothing stay,
// as zeros).
func boardRollupsDrift(t testing.TB, url string) int {
	t.Helper()
	return testenv.Count(t, url, `
		WITH now_rows AS (
			SELECT r.workspace_id, f.bucket, f.member_id, f.measure, f.currency, sum(f.n) AS n, sum(f.cents) AS cents,
				sum(f.to_partner) AS to_partner, sum(f.to_partner_won) AS to_partner_won
			FROM referrals r CROSS JOIN LATERAL board_rollup_facts(r, 1) f
			GROUP BY 1, 2, 3, 4, 5
		), kept AS (
			SELECT workspace_id, bucket, member_id, measure, currency, n, cents, to_partner, to_partner_won
			FROM board_rollups WHERE n <> 0 OR cents <> 0 OR to_partner <> 0 OR to_partner_won <> 0
		)
		SELECT count(*) FROM ((SELECT * FROM now_rows EXCEPT SELECT * FROM kept) UNION ALL (SELECT * FROM kept EXCEPT SELECT * FROM now_rows)) x`)
}

// firstWinsDrift counts the members whose kept first win (migration 029)
// differs from the first confirmed won deal of the referrals as they are
// now, given, received or co-owned.
func firstWinsDrift(t testing.TB, url string) int {
	t.Helper()
	return testenv.Count(t, url, `
		WITH now_first AS (
			SELECT DISTINCT ON (r.workspace_id, p.member_id) r.workspace_id, p.member_id, r.id, r.code, r.closed_at, p.gave
			FROM referrals r
			CROSS JOIN LATERAL (VALUES (r.referrer_id, true), (r.receiver_id, false), (r.co_owner_id, false)) AS p (member_id, gave)
			WHERE r.status = 'won' AND r.won_confirmation = 'confirmed' AND p.member_id IS NOT NULL
			ORDER BY r.workspace_id, p.member_id, r.closed_at, r.id, p.gave DESC
		), kept AS (
			SELECT workspace_id, member_id, referral_id, code, closed_at, gave FROM member_first_wins
		)
		SELECT count(*) FROM ((SELECT * FROM now_first EXCEPT SELECT * FROM kept) UNION ALL (SELECT * FROM kept EXCEPT SELECT * FROM now_first)) x`)
}
