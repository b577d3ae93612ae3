package core

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
	"unicode"
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
//     any of its contacts match.
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
	return inTx(ctx, s, func(tx Tx) (*Leaderboard, error) { return s.leaderboard(ctx, tx, c.Workspace, p) })
}

// leaderboard computes the leaderboard of ws over p (see the rules above).
func (s *Service) leaderboard(ctx context.Context, tx Tx, ws Workspace, p Period) (*Leaderboard, error) {
	lb := &Leaderboard{Period: p, Currency: cmp.Or(ws.Settings.Currency, DefaultCurrency)}
	ms, err := tx.Members(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	active := map[int64]Member{}
	for _, m := range ms {
		if m.Status == MemberActive {
			active[m.ID] = m
		}
	}
	now, err := boardEntries(ctx, tx, ws.ID, p, active)
	if err != nil {
		return nil, err
	}
	for _, e := range now {
		if e.Deals > 0 || e.Given > 0 {
			lb.Givers = append(lb.Givers, e)
		}
	}
	slices.SortFunc(lb.Givers, lb.rank)
	lb.Givers = lb.Givers[:min(len(lb.Givers), BoardSize)]

	if prev, ok := p.Before(); ok {
		lb.Previous = &prev
		before, err := boardEntries(ctx, tx, ws.ID, prev, active)
		if err != nil {
			return nil, err
		}
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
	slices.SortFunc(lb.FirstWins, func(a, b FirstWin) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Code, b.Code)) })
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

// BoardReferral is what a leaderboard reads of a referral: its parties,
// its client, when it was given and closed, whether it was won with its
// value confirmed (Referral.ValueConfirmed), and that value.
type BoardReferral struct {
	ReferrerID, ReceiverID    int64
	ClientName, ClientContact string
	CreatedAt, ClosedAt       time.Time
	ValueConfirmed            bool
	WonValue                  Money
}

// boardEntries are the figures of each active member over p.
func boardEntries(ctx context.Context, tx Tx, workspaceID int64, p Period, active map[int64]Member) (map[int64]BoardEntry, error) {
	rs, err := tx.BoardReferrals(ctx, workspaceID, p)
	if err != nil {
		return nil, err
	}
	var given, won []BoardReferral
	for _, r := range rs {
		if _, ok := active[r.ReferrerID]; !ok {
			continue
		}
		if p.Contains(r.CreatedAt) {
			given = append(given, r)
		}
		if r.ValueConfirmed && p.Contains(r.ClosedAt) {
			won = append(won, r)
		}
	}
	out := map[int64]BoardEntry{}
	entry := func(id int64) BoardEntry {
		e, ok := out[id]
		if !ok {
			e = BoardEntry{MemberID: id, Name: active[id].DisplayName}
		}
		return e
	}
	for _, g := range repeatGroups(given) {
		e := entry(g[0].ReferrerID)
		e.Given, e.Referred = e.Given+1, e.Referred+len(g)
		out[e.MemberID] = e
	}
	for _, g := range repeatGroups(won) {
		e := entry(g[0].ReferrerID)
		e.Deals, e.Won = e.Deals+1, e.Won+len(g)
		sums := map[string]int64{}
		var curs []string
		for _, r := range g {
			cur := cmp.Or(r.WonValue.Currency, DefaultCurrency)
			if _, ok := sums[cur]; !ok {
				curs = append(curs, cur)
			}
			sums[cur] += r.WonValue.Cents
		}
		n := int64(len(g))
		for _, cur := range curs {
			e.Value = e.Value.plus(Money{Cents: (sums[cur] + n/2) / n, Currency: cur})
		}
		out[e.MemberID] = e
	}
	return out, nil
}

// repeatGroups splits referrals into groups of repeats: the same client
// referred by the same referrer to the same receiver. Referrals whose
// client can't be told (no name, no contact) are groups of their own.
func repeatGroups(rs []BoardReferral) [][]*BoardReferral {
	parent := make([]int, len(rs))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
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
	seen := make(map[pairKey]int, 2*len(rs))
	for i := range rs {
		for _, k := range clientKeys(rs[i].ClientName, rs[i].ClientContact) {
			pk := pairKey{rs[i].ReferrerID, rs[i].ReceiverID, k}
			if j, ok := seen[pk]; ok {
				parent[find(i)] = find(j)
			} else {
				seen[pk] = i
			}
		}
	}
	// groups in the order their first referral comes
	group := make([]int, len(rs))
	for i := range group {
		group[i] = -1
	}
	var out [][]*BoardReferral
	for i := range rs {
		root := find(i)
		if group[root] < 0 {
			group[root] = len(out)
			out = append(out, nil)
		}
		out[group[root]] = append(out[group[root]], &rs[i])
	}
	return out
}

// legalForms are the words of a company's name that say what kind of
// company it is, not which: "Acme Inc." and "ACME" are one client.
var legalForms = map[string]bool{
	"inc": true, "incorporated": true, "ltd": true, "limited": true, "llc": true, "llp": true, "plc": true,
	"corp": true, "corporation": true, "co": true, "company": true, "gmbh": true, "ag": true, "kg": true,
	"sa": true, "sas": true, "sarl": true, "srl": true, "spa": true, "bv": true, "nv": true, "oy": true, "ab": true,
}

// clientKeys are what tell one client from another: its name, in lower
// case without punctuation or a legal form ("Acme, Inc." is "acme"), and
// each of its contacts — an e-mail in lower case, a phone number's
// digits, a link without its scheme or "www.".
func clientKeys(name, contact string) []string {
	var keys []string
	words := strings.FieldsFunc(strings.ToLower(name), func(c rune) bool {
		return !unicode.IsLetter(c) && !unicode.IsDigit(c)
	})
	for len(words) > 1 && legalForms[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	if len(words) > 1 && words[0] == "the" {
		words = words[1:]
	}
	if len(words) > 0 {
		keys = append(keys, "name:"+strings.Join(words, " "))
	}
	for part := range strings.FieldsFuncSeq(contact, func(c rune) bool { return c == ',' || c == ';' }) {
		if k := contactKey(part); k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

// contactKey normalises one contact (see clientKeys); "" if empty.
func contactKey(s string) string {
	s = strings.ToLower(strings.Trim(strings.TrimSpace(s), "[]()<>"))
	s = strings.TrimPrefix(s, "mailto:")
	digits := strings.Map(func(c rune) rune {
		if c >= '0' && c <= '9' {
			return c
		}
		return -1
	}, s)
	switch {
	case s == "":
		return ""
	case strings.Contains(s, "@") && !strings.ContainsAny(s, " /"):
		return "mail:" + s
	case len(digits) >= 6 && strings.Trim(s, "0123456789 +-.()/") == "":
		return "tel:" + digits
	}
	for _, p := range []string{"https://", "http://", "www."} {
		s = strings.TrimPrefix(s, p)
	}
	return "contact:" + strings.TrimSuffix(strings.Join(strings.Fields(s), " "), "/")
}
