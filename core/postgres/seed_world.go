package postgres

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/referbot/referbot/core"
)

// What a seeded world looks like:
//   - workspace sizes follow a power law (weights 1/rank^0.8: at BNI scale
//     the biggest of 11,300 networks has ~3.7% of all members), and so do
//     their referrals, with some noise;
//   - within a workspace, who gives and who receives is Zipf-distributed:
//     a few members give and receive most;
//   - referrals spread over the years of history, more of them recently,
//     each taken through the stages the product would with ordered times
//     (created < accepted < each stage < closed), stopping where its next
//     step would fall after Now: old referrals are mostly closed, recent
//     ones in progress, and a share stall at every stage;
//   - every change is an event and the notices the product would enqueue
//     for it, delivered; thank-yous, feedback, fees, partnerships and their
//     touchpoints follow the referrals as the product logs them.

// world holds the shape of the whole data set; workspaces are generated one
// by one from it, each from a random source of its own.
type world struct {
	spec    SeedSpec
	ids     map[string]int64 // the next id of each table
	members []int            // per workspace, biggest first
	refs    []int            // per workspace
	start   time.Time        // when history begins
	// keepSince: delivered notices sent before are left out (retention).
	keepSince time.Time

	firstWorkspace int64
}

func newWorld(spec SeedSpec, ids map[string]int64) *world {
	r := rand.New(rand.NewPCG(spec.Seed, math.MaxUint64))
	w := &world{spec: spec, ids: ids}
	w.start = spec.Now.Add(-time.Duration(spec.Years * 365.25 * 24 * float64(time.Hour)))
	if spec.OutboxDays >= 0 {
		w.keepSince = spec.Now.AddDate(0, 0, -spec.OutboxDays)
	}
	w.members = powerShares(spec.Workspaces, spec.Members, 2, func(i int) float64 { return math.Pow(float64(i+1), -0.8) })
	w.refs = powerShares(spec.Workspaces, spec.Referrals, 0, func(i int) float64 {
		return float64(w.members[i]) * (0.5 + r.Float64())
	})
	return w
}

// next hands out the next id of a table.
func (w *world) next(table string) int64 {
	id := w.ids[table]
	w.ids[table]++
	return id
}

func (w *world) workspaceIDs() []int64 {
	out := make([]int64, w.spec.Workspaces)
	for i := range out {
		out[i] = w.firstWorkspace + int64(i)
	}
	return out
}

// generate makes every workspace in order and hands sink chunks of about
// limit rows. Small workspaces share a chunk. A big one is split: first a
// header chunk (the workspace, its members, profiles, partnerships and job
// runs) that must be loaded before the rest, then its referrals with
// everything hanging off them, a chunk at a time. Its header needs what
// only its referrals reveal (when members were last active, each
// partnership's last touch), so a big workspace is generated twice, the
// first time to learn those and discard the rows; every phase draws from a
// random source of its own, so both passes make the same world.
func (w *world) generate(limit int, sink func(*seedChunk) error) error {
	w.firstWorkspace = w.ids["workspaces"]
	c := newChunk()
	for i := range w.spec.Workspaces {
		if w.refs[i]*12+w.members[i] < limit { // about 12 rows per referral
			g := newWorkspaceGen(w, i, c)
			g.referralPhase(nil)
			g.manualTouches()
			g.headerRows()
			if c.n >= limit {
				if err := sink(c); err != nil {
					return err
				}
				c = newChunk()
			}
			continue
		}
		ids := maps.Clone(w.ids)
		dry := newWorkspaceGen(w, i, &seedChunk{discard: true})
		dry.referralPhase(nil)
		dry.manualTouches()
		w.ids = ids
		head := newChunk()
		g := newWorkspaceGen(w, i, head)
		for k, m := range g.members {
			m.lastActive = dry.members[k].lastActive
		}
		g.pairList = dry.pairList
		g.headerRows()
		head.header = true
		if err := sink(head); err != nil {
			return err
		}
		g.pairs, g.pairList = map[[2]int64]*seedPair{}, nil
		g.c = c
		err := g.referralPhase(func() error {
			if g.c.n < limit {
				return nil
			}
			err := sink(g.c)
			g.c = newChunk()
			return err
		})
		if err != nil {
			return err
		}
		g.manualTouches()
		c = g.c
	}
	if c.n > 0 {
		return sink(c)
	}
	return nil
}

func newChunk() *seedChunk { return &seedChunk{rows: map[string][][]any{}} }

// The phases of a workspace's generation, each with a random source of its
// own (see generate).
const (
	phaseSetup = iota
	phaseReferrals
	phaseTouches
	phaseMembers
	phaseProfiles
	phaseJobs
)

// phase switches to the random source of phase k.
func (g *workspaceGen) phase(k uint64) {
	g.r = rand.New(rand.NewPCG(g.w.spec.Seed, uint64(g.index)<<8|k))
}

// powerShares splits total into n shares, each at least least, in
// proportion to weight(i), rounding by largest remainder.
func powerShares(n, total, least int, weight func(i int) float64) []int {
	out := make([]int, n)
	ws := make([]float64, n)
	sum := 0.0
	for i := range n {
		ws[i] = weight(i)
		sum += ws[i]
	}
	rest := total - n*least
	frac := make([]float64, n)
	given := 0
	for i := range n {
		exact := float64(rest) * ws[i] / sum
		out[i] = least + int(exact)
		given += int(exact)
		frac[i] = exact - math.Floor(exact)
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case frac[a] > frac[b]:
			return -1
		case frac[a] < frac[b]:
			return 1
		}
		return 0
	})
	for k := 0; given < rest; k++ {
		out[order[k%n]]++
		given++
	}
	return out
}

// seedMember is a member being generated.
type seedMember struct {
	id         int64
	userID     string
	name       string
	role       core.Role
	status     core.MemberStatus
	joined     time.Time
	lastActive time.Time
}

func (m *seedMember) active(at time.Time) {
	if at.After(m.lastActive) {
		m.lastActive = at
	}
}

func (m *seedMember) recipient() core.Recipient {
	return core.Recipient{MemberID: m.id, Name: m.name}
}

// workspaceGen generates one workspace and everything in it.
type workspaceGen struct {
	w        *world
	r        *rand.Rand
	c        *seedChunk
	index    int
	id       int64
	platform core.Platform
	settings core.Settings
	created  time.Time
	now      time.Time
	members  []*seedMember
	pairs    map[[2]int64]*seedPair
	pairList []*seedPair
}

func newWorkspaceGen(w *world, index int, c *seedChunk) *workspaceGen {
	g := &workspaceGen{w: w, c: c, index: index, now: w.spec.Now, pairs: map[[2]int64]*seedPair{}}
	g.phase(phaseSetup)
	g.id = w.next("workspaces")
	g.platform = core.Slack
	if g.r.IntN(7) == 0 {
		g.platform = core.Discord
	}
	g.settings = core.DefaultSettings()
	g.settings.Channel = g.channelID()
	g.settings.Currency = pick(g.r, currencies)
	if index == 0 {
		g.settings.Currency = "USD" // the biggest network, the one benchmarks use
	}
	switch n := g.r.IntN(20); {
	case n < 3:
		g.settings.Fee = core.FeeTerms{Kind: core.FeePercent, BasisPts: 1000}
	case n < 5:
		g.settings.Fee = core.FeeTerms{Kind: core.FeeReciprocal}
	case n < 6:
		g.settings.Fee = core.FeeTerms{Kind: core.FeeFixed, FixedCents: 10000}.In(g.settings.Currency)
	}
	g.created = w.start.Add(-time.Duration(30+g.r.IntN(60)) * 24 * time.Hour)
	g.newMembers()
	return g
}

// currencies: most networks count in dollars, a few in euros, pounds, yen.
var currencies = []string{"USD", "USD", "USD", "USD", "USD", "USD", "USD", "USD", "USD", "USD", "USD", "USD",
	"EUR", "EUR", "GBP", "JPY"}

func (g *workspaceGen) channelID() string {
	if g.platform == core.Discord {
		return fmt.Sprint(1100000000000000000 + g.id*1000)
	}
	return fmt.Sprintf("C%08X", g.id)
}

func (g *workspaceGen) externalID() string {
	if g.platform == core.Discord {
		return fmt.Sprint(1000000000000000000 + g.id)
	}
	return fmt.Sprintf("T%08X", g.id)
}

func (g *workspaceGen) userID(memberID int64) string {
	if g.platform == core.Discord {
		return fmt.Sprint(1200000000000000000 + memberID)
	}
	return fmt.Sprintf("U%09X", memberID)
}

// newMembers makes the workspace's members (their rows come later, once
// their activity is known).
func (g *workspaceGen) newMembers() {
	n := g.w.members[g.index]
	g.members = make([]*seedMember, n)
	for i := range g.members {
		id := g.w.next("members")
		joined := g.created.Add(time.Duration(g.r.Float64() * 30 * 24 * float64(time.Hour)))
		if g.r.IntN(10) < 3 { // a third joined later on
			joined = g.between(g.created, g.now.Add(-24*time.Hour))
		}
		m := &seedMember{id: id, userID: g.userID(id), role: core.RoleMember, status: core.MemberActive, joined: joined}
		m.name = fmt.Sprintf("%s.%c%d", pick(g.r, firstNames), 'a'+rune(g.r.IntN(26)), i+1)
		if i < 2 {
			m.role = core.RoleAdmin
			m.joined = g.created
		} else if g.r.IntN(50) == 0 {
			m.status = core.MemberRemoved
		}
		m.lastActive = m.joined
		g.members[i] = m
	}
}

// headerRows writes the rows everything else of the workspace points to:
// the workspace, members, profiles and partnerships; and its job runs.
func (g *workspaceGen) headerRows() {
	settings, _ := json.Marshal(g.settings)
	g.c.add("workspaces", g.id, string(g.platform), g.externalID(), fmt.Sprintf("Chapter %d", g.id), settings, g.created)
	// The product's referrals carry on after the seeded codes (see codes.go).
	g.c.add("referral_codes", g.id, int64(core.FirstCode)+int64(g.w.refs[g.index]))
	g.phase(phaseMembers)
	g.memberRows()
	g.phase(phaseProfiles)
	g.profileRows()
	g.partnershipRows()
	g.phase(phaseJobs)
	g.jobRuns()
}

func (g *workspaceGen) memberRows() {
	for i, m := range g.members {
		var buddy *int64
		if i >= 2 && m.joined.Sub(g.created) > 30*24*time.Hour && g.r.IntN(2) == 0 {
			buddy = &g.members[0].id // the organiser mentors a late joiner
		}
		g.c.add("members", m.id, g.id, m.userID, m.name, string(m.role), string(m.status), buddy,
			g.r.IntN(30) == 0, 0, m.joined, m.lastActive, g.r.IntN(50) == 0)
	}
}

func (g *workspaceGen) profileRows() {
	for _, m := range g.members {
		if g.r.IntN(10) >= 7 {
			continue
		}
		avail := core.Open
		switch g.r.IntN(20) {
		case 0:
			avail = core.Paused
		case 1, 2:
			avail = core.Busy
		}
		s := pick(g.r, services)
		g.c.add("profiles", m.id, g.id, s.what, s.tags[:1+g.r.IntN(len(s.tags))], s.niche, s.industry,
			zoneOf(g.settings.Currency), string(avail), g.between(m.joined, g.now))
	}
}

// between is a random instant in [from, to).
func (g *workspaceGen) between(from, to time.Time) time.Time {
	if !to.After(from) {
		return from
	}
	return from.Add(time.Duration(g.r.Int64N(int64(to.Sub(from)))))
}

// after is from plus a random delay in [lo, hi).
func (g *workspaceGen) after(from time.Time, lo, hi time.Duration) time.Time {
	return from.Add(lo + time.Duration(g.r.Int64N(int64(hi-lo)+1)))
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func zoneOf(currency string) string {
	switch currency {
	case "EUR":
		return "Europe/Berlin"
	case "GBP":
		return "Europe/London"
	case "JPY":
		return "Asia/Tokyo"
	}
	return "America/New_York"
}

var firstNames = []string{"alice", "bob", "carol", "dan", "erin", "frank", "grace", "heidi", "ivan", "judy",
	"mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yuki", "zoe",
	"maria", "li", "ana", "omar", "priya", "kenji", "fatima", "lars", "chloe"}

var services = []struct {
	what, niche, industry string
	tags                  []string
}{
	{"brand identity, logos and packaging", "packaging", "consumer goods", []string{"branding", "logo", "packaging"}},
	{"websites and online shops", "shopify stores", "retail", []string{"web-dev", "shopify", "ecommerce"}},
	{"copywriting and newsletters", "newsletters", "media", []string{"copywriting", "content", "email"}},
	{"bookkeeping and tax returns", "small agencies", "services", []string{"tax", "bookkeeping", "payroll"}},
	{"photography for restaurants", "food", "hospitality", []string{"photography", "food", "social"}},
	{"employment law", "startups", "legal", []string{"legal", "contracts", "hr"}},
	{"mobile apps", "fitness apps", "health", []string{"mobile", "ios", "android"}},
	{"commercial insurance", "trades", "insurance", []string{"insurance", "liability"}},
	{"interior design", "offices", "real estate", []string{"interiors", "fitout", "design"}},
	{"IT support and cloud", "clinics", "health", []string{"it", "cloud", "security"}},
}
