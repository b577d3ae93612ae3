package core

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
)

// Leaderboards that reward value over volume, and more than the same few
// people (PRODUCT.md §9, items 2, 4 and 5). The same rules make
// /refer leaderboard and the quarterly celebration's top givers:
//
//   - Only deals whose value the referrer confirmed count (see fees.go).
//   - Repeat referrals of the same client by the same referrer to the same
//     receiver within the period count 1/n each: n referrals of one client
//     count as one referral, n deals with one client as one deal worth
//     their average. A client is the same when its name (normalised) or
//     any of its contacts match: the keys migrations/023_client_keys.sql
//     keeps with each referral.
//   - Top givers are ranked by the deals won from the referrals they gave
//     (counted so), then by that won value in the network's currency (sums
//     in other currencies are shown, never converted), then by the
//     referrals they gave (counted so), then by name.
//   - Most improved compares each member's figures with the period before
//     (Period.Before), in the same order.
//   - Newcomers' first wins are the first confirmed won deals, given or
//     received, of members who joined at most NewcomerDays before.

// Leaderboard sizes, and how recently a member joined to be a newcomer.
const (
	BoardSize    = 10
	ImprovedSize = 3
	NewcomerDays = 90
)

// RankRule says how top givers are ranked, for people.
const RankRule = "Ranked by confirmed won deals from referrals given, then their value in %s, then referrals given; " +
	"repeat referrals of a client to the same partner count once."

// BoardEntry is a member's figures over a period, as the leaderboards
// count them.
type BoardEntry struct {
	MemberID int64  `json:"member_id"`
	Name     string `json:"name"`
	// Deals are the confirmed won deals from referrals they gave, repeats
	// of a client counted once; Won counts each.
	Deals int `json:"deals"`
	Won   int `json:"won"`
	// Value is the confirmed won value of those deals per currency, each
	// repeat at its share (1/n); Count is deals, repeats counted once.
	Value Amounts `json:"value"`
	// Given are the referrals they gave in the period, repeats of a client
	// counted once; Referred counts each.
	Given    int `json:"given"`
	Referred int `json:"referred"`
}

// Improvement is a member's figures against the period before.
type Improvement struct {
	Now    BoardEntry `json:"now"`
	Before BoardEntry `json:"before"`
}

// FirstWin is a member's first confirmed won deal.
type FirstWin struct {
	MemberID int64     `json:"member_id"`
	Name     string    `json:"name"`
	Code     Code      `json:"code"`
	At       time.Time `json:"at"`   // when it was won
	Gave     bool      `json:"gave"` // they referred it (else they won it)
}

// Leaderboard is what /refer leaderboard and the quarterly celebration
// show: top givers, the most improved and newcomers' first wins.
type Leaderboard struct {
	Period    Period        `json:"period"`
	Previous  *Period       `json:"previous,omitempty"` // most improved is against it; nil for all time
	Currency  string        `json:"currency"`           // the network's: ties in value are broken in it
	Givers    []BoardEntry  `json:"givers"`             // ranked, at most BoardSize
	Improved  []Improvement `json:"improved,omitempty"` // at most ImprovedSize
	FirstWins []FirstWin    `json:"first_wins,omitempty"`
}

// Leaderboard ranks the network's members over a period (as ParsePeriod
// reads it; all time by default). Everyone may read it.
func (s *Service) Leaderboard(ctx context.Context, c Caller, period string) (*Leaderboard, error) {
	p, err := ParsePeriod(period, s.now(), s.Location(c.Workspace))
	if err != nil {
		return nil, err
	}
	return inTx(ctx, s, func(tx Tx) (*Leaderboard, error) {
		// Its pages are statements of their own: one snapshot, so a win
		// committed meanwhile is in all of them or in none.
		if o, ok := tx.(OneSnapshot); ok {
			o.ReadOneSnapshot()
		}
		return s.leaderboard(ctx, tx, c.Workspace, p)
	})
}

// leaderboard computes the leaderboard of ws over p (see the rules
// above): best first when it can (leaderboard_top.go), else from every
// member's figures.
func (s *Service) leaderboard(ctx context.Context, tx Tx, ws Workspace, p Period) (*Leaderboard, error) {
	lb, ok, err := s.leaderboardTop(ctx, tx, ws, p)
	if ok || err != nil {
		return lb, err
	}
	return s.leaderboardWhole(ctx, tx, ws, p)
}

// leaderboardWhole computes the leaderboard of ws over p from every
// member's figures.
func (s *Service) leaderboardWhole(ctx context.Context, tx Tx, ws Workspace, p Period) (*Leaderboard, error) {
	lb := &Leaderboard{Period: p, Currency: cmp.Or(ws.Settings.Currency, DefaultCurrency)}
	ms, err := tx.Members(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	active := activeByID(ms)
	// the period and the one before (if any) in one read
	ps := []Period{p}
	prev, hasPrev := p.Before()
	if hasPrev {
		ps = append(ps, prev)
	}
	both, err := boardEntries(ctx, tx, ws.ID, ps, s.now(), active, nil)
	if err != nil {
		return nil, err
	}
	now := both[0]
	for _, e := range now {
		if e.Deals > 0 || e.Given > 0 {
			lb.Givers = append(lb.Givers, e)
		}
	}
	slices.SortFunc(lb.Givers, lb.rank)
	lb.Givers = lb.Givers[:min(len(lb.Givers), BoardSize)]

	if hasPrev {
		lb.Previous = &prev
		before := both[1]
		for id, e := range now {
			b := before[id]
			b.MemberID, b.Name = e.MemberID, e.Name
			if lb.gain(e, b).compare(gain{}) > 0 {
				lb.Improved = append(lb.Improved, Improvement{Now: e, Before: b})
			}
		}
		slices.SortFunc(lb.Improved, func(x, y Improvement) int {
			return cmp.Or(lb.gain(y.Now, y.Before).compare(lb.gain(x.Now, x.Before)), lb.rank(x.Now, y.Now))
		})
		lb.Improved = lb.Improved[:min(len(lb.Improved), ImprovedSize)]
	}

	// Only members who joined at most NewcomerDays before the period's
	// start can have their first win in it soon enough after joining.
	var newcomers []int64
	for _, m := range ms {
		if m.Status == MemberActive && (p.From.IsZero() || !m.JoinedAt.Before(p.From.Add(-NewcomerDays*24*time.Hour))) {
			newcomers = append(newcomers, m.ID)
		}
	}
	firsts, err := tx.FirstWins(ctx, ws.ID, newcomers)
	if err != nil {
		return nil, err
	}
	for _, f := range firsts {
		m, ok := active[f.MemberID]
		if ok && p.Contains(f.At) && f.At.Sub(m.JoinedAt) <= NewcomerDays*24*time.Hour {
			f.Name = m.DisplayName
			lb.FirstWins = append(lb.FirstWins, f)
		}
	}
	slices.SortFunc(lb.FirstWins, FirstWin.compare)
	return lb, nil
}

// rank orders top givers (see the rules above).
func (lb *Leaderboard) rank(a, b BoardEntry) int {
	return cmp.Or(
		cmp.Compare(b.Deals, a.Deals),
		cmp.Compare(b.Value.Get(lb.Currency).Cents, a.Value.Get(lb.Currency).Cents),
		cmp.Compare(b.Given, a.Given),
		strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)),
		cmp.Compare(a.MemberID, b.MemberID))
}

// gain is how much better now is than before, in the figures top givers
// are ranked by and in that order (see compare).
type gain struct {
	deals int
	value int64 // in the network's currency
	given int
}

func (lb *Leaderboard) gain(now, before BoardEntry) gain {
	return gain{deals: now.Deals - before.Deals, given: now.Given - before.Given,
		value: now.Value.Get(lb.Currency).Cents - before.Value.Get(lb.Currency).Cents}
}

// compare orders gains: more deals first, then more value, then more
// referrals given.
func (g gain) compare(h gain) int {
	return cmp.Or(cmp.Compare(g.deals, h.deals), cmp.Compare(g.value, h.value), cmp.Compare(g.given, h.given))
}

// BoardTally is what a leaderboard reads of a period, counted by the
// store: what each member gave and won, and the few referrals that may
// repeat a client, one by one. A referral repeats a client when it shares
// a client key with another referral of the same referrer to the same
// receiver in the same set (given in the period; won in it): keys are
// kept with each referral (migrations/023_client_keys.sql: its name,
// normalised, and each of its contacts), and never leave the store: a
// repeat carries its key as a number.
type BoardTally struct {
	Given   []BoardGiven // per referrer: referrals created in the period
	Won     []BoardWon   // per referrer and currency: deals won in it, value confirmed
	Repeats []BoardRepeat
}

// BoardGiven is how many referrals a member gave in a period.
type BoardGiven struct {
	ReferrerID int64
	Referrals  int
}

// BoardWon is a member's confirmed won deals of a period in one currency
// ("" is DefaultCurrency) and their value.
type BoardWon struct {
	ReferrerID int64
	Currency   string
	Deals      int
	Cents      int64
}

// BoardRepeat is one key of a referral that shares it with another of its
// set, of the same referrer and receiver (0: none yet). A referral with
// several such keys comes once for each; Value is its won value (Won).
type BoardRepeat struct {
	Won                    bool // of the won deals (else of the referrals given)
	ReferralID             int64
	ReferrerID, ReceiverID int64
	Key                    int64
	Value                  Money
}

// boardEntries are the figures of each active member over each period of
// ps (of the members given, unless nil), read at now in one round trip.
func boardEntries(ctx context.Context, tx Tx, workspaceID int64, ps []Period, now time.Time, active map[int64]Member,
	members []int64) ([]map[int64]BoardEntry, error) {
	tallies, err := tx.BoardTally(ctx, workspaceID, ps, now, members)
	if err != nil {
		return nil, err
	}
	out := make([]map[int64]BoardEntry, len(tallies))
	for i, t := range tallies {
		out[i] = tallyEntries(t, active)
	}
	return out, nil
}

// tallyEntries are the figures of each active member in a tally.
func tallyEntries(tally *BoardTally, active map[int64]Member) map[int64]BoardEntry {
	out := map[int64]BoardEntry{}
	entry := func(id int64) BoardEntry {
		e, ok := out[id]
		if !ok {
			e = BoardEntry{MemberID: id, Name: active[id].DisplayName}
		}
		return e
	}
	// Every referral counts alone first; repeats are then taken out and
	// put back as one per group.
	for _, g := range tally.Given {
		if _, ok := active[g.ReferrerID]; ok {
			e := entry(g.ReferrerID)
			e.Given, e.Referred = e.Given+g.Referrals, e.Referred+g.Referrals
			out[g.ReferrerID] = e
		}
	}
	type sum struct {
		deals int
		cents int64
	}
	values := map[int64]map[string]sum{}
	add := func(id int64, cur string, deals int, cents int64) {
		if values[id] == nil {
			values[id] = map[string]sum{}
		}
		cur = cmp.Or(cur, DefaultCurrency)
		s := values[id][cur]
		values[id][cur] = sum{s.deals + deals, s.cents + cents}
	}
	for _, w := range tally.Won {
		if _, ok := active[w.ReferrerID]; ok {
			e := entry(w.ReferrerID)
			e.Deals, e.Won = e.Deals+w.Deals, e.Won+w.Deals
			out[w.ReferrerID] = e
			add(w.ReferrerID, w.Currency, w.Deals, w.Cents)
		}
	}
	var given, won []BoardRepeat
	for _, r := range tally.Repeats {
		if _, ok := active[r.ReferrerID]; !ok {
			continue
		}
		if r.Won {
			won = append(won, r)
		} else {
			given = append(given, r)
		}
	}
	for _, g := range repeatGroups(given) {
		e := out[g[0].ReferrerID]
		e.Given -= len(g) - 1
		out[e.MemberID] = e
	}
	for _, g := range repeatGroups(won) {
		e := out[g[0].ReferrerID]
		e.Deals -= len(g) - 1
		out[e.MemberID] = e
		// n deals with one client are one deal worth their average
		sums := map[string]int64{}
		for _, r := range g {
			add(r.ReferrerID, r.Value.Currency, -1, -r.Value.Cents)
			sums[cmp.Or(r.Value.Currency, DefaultCurrency)] += r.Value.Cents
		}
		n := int64(len(g))
		for cur, cents := range sums {
			add(e.MemberID, cur, 1, (cents+n/2)/n)
		}
	}
	for id, byCurrency := range values {
		e := out[id]
		for cur, s := range byCurrency {
			if s.deals > 0 {
				e.Value = append(e.Value, Amount{Currency: cur, Cents: s.cents, Count: s.deals})
			}
		}
		e.Value = e.Value.Sort()
		out[id] = e
	}
	return out
}

// repeatGroups splits the repeats of one set into groups of referrals of
// the same client (linked by any key, directly or through others) by the
// same referrer to the same receiver: each group, n referrals, counts as
// one. Each referral is in it once.
func repeatGroups(rs []BoardRepeat) [][]*BoardRepeat {
	parent := map[int64]int64{}
	var find func(int64) int64
	find = func(id int64) int64 {
		for parent[id] != id {
			parent[id] = parent[parent[id]]
			id = parent[id]
		}
		return id
	}
	type pairKey struct{ referrer, receiver, key int64 }
	seen := make(map[pairKey]int64, len(rs))
	var order []*BoardRepeat // each referral once, in the store's order
	for i := range rs {
		r := &rs[i]
		if _, ok := parent[r.ReferralID]; !ok {
			parent[r.ReferralID] = r.ReferralID
			order = append(order, r)
		}
		pk := pairKey{r.ReferrerID, r.ReceiverID, r.Key}
		if other, ok := seen[pk]; ok {
			parent[find(r.ReferralID)] = find(other)
		} else {
			seen[pk] = r.ReferralID
		}
	}
	group := map[int64]int{}
	var out [][]*BoardRepeat
	for _, r := range order {
		root := find(r.ReferralID)
		i, ok := group[root]
		if !ok {
			i = len(out)
			group[root] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], r)
	}
	return out
}

// compare orders first wins by when they were won, then by referral, and
// the two parties of one referral giver first: a total order, so that
// every read of the board lists them alike whatever order the store gave.
func (a FirstWin) compare(b FirstWin) int {
	gaveFirst := func(f FirstWin) int {
		if f.Gave {
			return 0
		}
		return 1
	}
	return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Code, b.Code), cmp.Compare(gaveFirst(a), gaveFirst(b)),
		cmp.Compare(a.MemberID, b.MemberID))
}
