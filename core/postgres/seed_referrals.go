package postgres

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/referbot/referbot/core"
)

const (
	hour = time.Hour
	day  = 24 * time.Hour
)

// referralPhase generates the workspace's referrals, oldest first (ids and
// codes count up with time, as the product's do), with their events,
// delivered notices, thank-yous, feedback and touchpoints. after, if set,
// is called after each referral (to hand on a full chunk).
func (g *workspaceGen) referralPhase(after func() error) error {
	g.phase(phaseReferrals)
	n := g.w.refs[g.index]
	if n == 0 {
		return nil
	}
	givers, takers := g.zipfMembers(1.2), g.zipfMembers(1.1)
	type draft struct {
		from, to *seedMember
		at       time.Time
	}
	drafts := make([]draft, n)
	for i := range drafts {
		from, to := givers(), takers()
		for to == from {
			to = takers()
		}
		lo := maxTime(from.joined, to.joined, g.w.start)
		at := lo.Add(time.Duration(float64(g.now.Sub(lo)) * math.Sqrt(g.r.Float64()))) // more of them lately
		drafts[i] = draft{from, to, at.Truncate(time.Second)}
	}
	slices.SortStableFunc(drafts, func(a, b draft) int { return a.at.Compare(b.at) })
	clients := newClientPool(g)
	for i, d := range drafts {
		l := &seedLife{g: g, at: d.at, referrer: d.from, receiver: d.to}
		l.r = core.Referral{ID: g.w.next("referrals"), WorkspaceID: g.id, Code: core.FirstCode + core.Code(i),
			ReferrerID: d.from.id, ReferrerName: d.from.name, Temperature: pick(g.r, temperatures),
			Need: pick(g.r, needs), Tags: g.tags(), Fee: g.settings.Fee,
			FeeStatus: core.FeeNotDue, WonConfirmation: core.NotWon, CreatedAt: d.at, UpdatedAt: d.at}
		client := clients.next(d.from.id, l.r.ID)
		l.r.ClientName, l.r.ClientContact, l.r.Consent = client.name, client.contact, client.contact != ""
		if g.r.IntN(10) < 7 {
			l.r.Estimate = g.amount(0)
		}
		if g.r.IntN(10) == 0 {
			l.lead()
		} else {
			l.direct()
		}
		l.flush()
		g.c.add("referrals", l.row()...)
		if after != nil {
			if err := after(); err != nil {
				return err
			}
		}
	}
	return nil
}

// zipfMembers draws members with a Zipf law over a shuffled order: a few
// give (or receive) most.
func (g *workspaceGen) zipfMembers(s float64) func() *seedMember {
	order := slices.Clone(g.members)
	g.r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	z := rand.NewZipf(g.r, s, 8, uint64(len(order)-1))
	return func() *seedMember { return order[z.Uint64()] }
}

// amount is a deal's value in the workspace's currency: log-normal around
// a few thousand dollars; near is an estimate to land close to.
func (g *workspaceGen) amount(near int64) core.Money {
	cur := g.settings.Currency
	if near > 0 {
		return core.Money{Cents: int64(float64(near) * (0.6 + 0.8*g.r.Float64())), Currency: cur}
	}
	dollars := math.Min(math.Max(math.Exp(math.Log(3000)+g.r.NormFloat64()), 100), 500000)
	switch core.MinorDigits(cur) {
	case 0:
		return core.Money{Cents: int64(dollars*150/100) * 100, Currency: cur}
	case 3:
		return core.Money{Cents: int64(dollars) * 1000, Currency: cur}
	}
	return core.Money{Cents: int64(dollars) * 100, Currency: cur}
}

func (g *workspaceGen) tags() []string {
	s := pick(g.r, services)
	return s.tags[:1+g.r.IntN(2)]
}

// seedLife takes one referral through its stages, writing what the product
// writes at each: the row's columns, an event, the notices.
type seedLife struct {
	g                  *workspaceGen
	r                  core.Referral
	referrer, receiver *seedMember
	at                 time.Time // of the last step
	notices            []seedNotice
}

// step moves the clock on by a random delay; false (and no move) when that
// would be after Now: the referral stays where it is.
func (l *seedLife) step(lo, hi time.Duration) bool {
	t := l.g.after(l.at, lo, hi)
	if !t.Before(l.g.now) {
		return false
	}
	l.at = t
	return true
}

func (l *seedLife) direct() {
	l.r.Status, l.r.ReceiverID, l.r.ReceiverName = core.StatusOffered, l.receiver.id, l.receiver.name
	ev := l.event(core.EvCreated, "", l.referrer, "", core.Money{})
	l.notify(ev, core.NoticeOffered, l.receiver, l.referrer, "")
	l.g.touch(l.referrer, l.receiver, l.referrer, core.TouchReferral, l.r.Code.String(), l.at)
	if l.g.r.IntN(10) == 0 {
		if l.step(hour, 3*day) {
			l.r.Status, l.r.DeclineReason, l.r.ClosedAt, l.r.UpdatedAt = core.StatusDeclined, pick(l.g.r, declineReasons), l.at, l.at
			ev := l.event(core.EvDeclined, core.StatusOffered, l.receiver, l.r.DeclineReason, core.Money{})
			l.notify(ev, core.NoticeDeclined, l.referrer, l.receiver, l.r.DeclineReason)
			l.card(ev)
		}
		return
	}
	if !l.step(hour, 4*day) {
		return
	}
	l.r.Status, l.r.AcceptedAt, l.r.UpdatedAt = core.StatusAccepted, l.at, l.at
	ev = l.event(core.EvAccepted, core.StatusOffered, l.receiver, "", core.Money{})
	l.notify(ev, core.NoticeAccepted, l.referrer, l.receiver, "")
	l.card(ev)
	l.pipeline()
}

// lead is an open lead: claimed, still open, or expired unclaimed.
func (l *seedLife) lead() {
	claimer := l.receiver
	l.receiver = nil
	l.r.Status, l.r.ExpiresAt = core.StatusOpen, l.at.AddDate(0, 0, l.g.settings.LeadExpiryDays)
	ev := l.event(core.EvCreated, "", l.referrer, "", core.Money{})
	l.notify(ev, core.NoticeLeadPosted, nil, l.referrer, "")
	claimAt := l.g.after(l.at, 30*time.Minute, 6*day)
	if l.g.r.IntN(10) < 7 && claimAt.Before(l.r.ExpiresAt) && claimAt.Before(l.g.now) {
		l.at, l.receiver = claimAt, claimer
		l.r.ReceiverID, l.r.ReceiverName = claimer.id, claimer.name
		l.r.Status, l.r.AcceptedAt, l.r.UpdatedAt = core.StatusAccepted, l.at, l.at
		ev := l.event(core.EvClaimed, core.StatusOpen, claimer, claimer.name, core.Money{})
		l.g.touch(l.referrer, claimer, claimer, core.TouchReferral, l.r.Code.String(), l.at)
		l.notify(ev, core.NoticeLeadClaimed, nil, claimer, "")
		l.notify(ev, core.NoticeClaimedDM, l.referrer, claimer, "")
		l.pipeline()
		return
	}
	// The hourly job expires it at the first run past its time.
	run := l.r.ExpiresAt.Truncate(hour).Add(hour)
	if !run.Before(l.g.now) {
		return
	}
	l.at = run
	l.r.Status, l.r.ClosedAt, l.r.UpdatedAt = core.StatusExpired, l.at, l.at
	ev = l.event(core.EvExpired, core.StatusOpen, nil, "", core.Money{})
	l.notify(ev, core.NoticeLeadExpired, l.referrer, nil, "")
}

// pipeline takes an accepted referral on through the stages; some stall
// along the way, some are lost, about half of those that reach a proposal
// are won.
func (l *seedLife) pipeline() {
	stages := []struct {
		to     core.Status
		lo, hi time.Duration
	}{
		{core.StatusContacted, 6 * hour, 5 * day},
		{core.StatusMeeting, day, 14 * day},
		{core.StatusProposal, 2 * day, 21 * day},
	}
	for _, s := range stages {
		switch n := l.g.r.IntN(100); {
		case n < 10:
			l.thank()
			l.stall()
			return
		case n < 18:
			l.lose()
			return
		}
		if !l.step(s.lo, s.hi) {
			return
		}
		from := l.r.Status
		l.r.Status, l.r.UpdatedAt = s.to, l.at
		ev := l.event(core.EvStage, from, l.receiver, "", core.Money{})
		l.notify(ev, core.NoticeStage, l.referrer, l.receiver, "")
		l.card(ev)
	}
	if l.g.r.IntN(100) < 45 {
		l.lose()
		return
	}
	l.win()
}

// stall: the referral goes quiet; most are closed lost weeks later, as the
// release job and the stale nudges see to, so only recent ones stay open.
func (l *seedLife) stall() {
	if l.g.r.IntN(10) < 8 {
		l.loseAfter(14*day, 60*day, "went quiet")
	}
}

func (l *seedLife) lose() { l.loseAfter(day, 30*day, pick(l.g.r, lostReasons)) }

func (l *seedLife) loseAfter(lo, hi time.Duration, reason string) {
	if !l.step(lo, hi) {
		return
	}
	from := l.r.Status
	l.r.Status, l.r.LostReason, l.r.ClosedAt, l.r.UpdatedAt = core.StatusLost, reason, l.at, l.at
	ev := l.event(core.EvStage, from, l.receiver, l.r.LostReason, core.Money{})
	l.notify(ev, core.NoticeLost, l.referrer, l.receiver, l.r.LostReason)
	l.card(ev)
	l.feedback()
}

func (l *seedLife) win() {
	if !l.step(day, 30*day) {
		return
	}
	from := l.r.Status
	l.r.Status, l.r.WonValue, l.r.ClosedAt, l.r.UpdatedAt = core.StatusWon, l.g.amount(l.r.Estimate.Cents), l.at, l.at
	l.r.WonConfirmation = core.Unconfirmed
	money := l.r.Fee.Kind == core.FeePercent || l.r.Fee.Kind == core.FeeFixed
	if money {
		l.r.FeeStatus = core.FeeAwaiting
	}
	ev := l.event(core.EvStage, from, l.receiver, "", l.r.WonValue)
	l.notify(ev, core.NoticeWon, l.referrer, l.receiver, "")
	l.card(ev)
	l.thank()
	// The referrer confirms most won values and disputes a few.
	v := wonVerdicts[0]
	if n := l.g.r.IntN(100); n >= 90 {
		v.conf = ""
	} else if n >= 85 {
		v = wonVerdicts[1]
	}
	if v.conf != "" && l.step(2*hour, 5*day) {
		l.r.WonConfirmation, l.r.UpdatedAt = v.conf, l.at
		if money {
			l.r.FeeStatus = v.fee
		}
		ev := l.event(v.ev, core.StatusWon, l.referrer, v.note, core.Money{})
		l.notify(ev, v.notice, l.receiver, l.referrer, v.note)
		if money && v.conf == core.Confirmed {
			l.fee()
		}
	}
	l.feedback()
}

var wonVerdicts = []struct {
	conf   core.Confirmation
	fee    core.FeeStatus
	ev     core.EventKind
	notice core.NoticeKind
	note   string
}{
	{core.Confirmed, core.FeeOwed, core.EvWonConfirmed, core.NoticeWonConfirmed, ""},
	{core.Disputed, core.FeeDisputed, core.EvWonDisputed, core.NoticeWonDisputed, "the client paid less"},
}

// fee: most owed fees are paid, and most payments confirmed received.
func (l *seedLife) fee() {
	if l.g.r.IntN(10) >= 6 || !l.step(3*day, 40*day) {
		return
	}
	l.r.FeeStatus, l.r.FeePaidAt, l.r.UpdatedAt = core.FeePaid, l.at, l.at
	ev := l.event(core.EvFeePaid, core.StatusWon, l.receiver, "", core.Money{})
	l.notify(ev, core.NoticeFeePaid, l.referrer, l.receiver, "")
	if l.g.r.IntN(10) >= 7 || !l.step(day, 10*day) {
		return
	}
	l.r.FeeStatus, l.r.UpdatedAt = core.FeeReceived, l.at
	ev = l.event(core.EvFeeReceived, core.StatusWon, l.referrer, "", core.Money{})
	l.notify(ev, core.NoticeFeeReceived, l.receiver, l.referrer, "")
}

// thank: the receiver thanks the referrer for most won deals and a few
// others, in public.
func (l *seedLife) thank() {
	share := 15
	if l.r.Status == core.StatusWon {
		share = 60
	}
	if l.r.Status == core.StatusOffered || l.g.r.IntN(100) >= share || !l.step(hour, 3*day) {
		return
	}
	msg := pick(l.g.r, thankYous)
	l.g.c.add("thanks", l.g.w.next("thanks"), l.g.id, l.r.ID, l.receiver.id, l.referrer.id, msg, l.at)
	ev := l.event(core.EvThanked, l.r.Status, l.receiver, msg, core.Money{})
	l.g.touch(l.receiver, l.referrer, l.receiver, core.TouchThanks, l.r.Code.String(), l.at)
	l.r.Thanked = true
	l.notify(ev, core.NoticeThanks, nil, l.receiver, msg)
	l.notify(ev, core.NoticeThanksDM, l.referrer, l.receiver, msg)
}

// feedback: the receiver rates a share of closed referrals.
func (l *seedLife) feedback() {
	if l.g.r.IntN(100) >= 35 || !l.step(hour, 7*day) {
		return
	}
	score := 3 + l.g.r.IntN(3)
	if l.r.Status == core.StatusLost {
		score = 1 + l.g.r.IntN(4)
	}
	comment := pick(l.g.r, feedbackComments)
	l.g.c.add("feedback", l.g.id, l.r.ID, l.receiver.id, score, comment, l.at)
	l.event(core.EvFeedback, l.r.Status, l.receiver, fmt.Sprintf("%d/5 %s", score, comment), core.Money{})
}

// event appends a history entry for the referral as it now stands.
func (l *seedLife) event(kind core.EventKind, from core.Status, actor *seedMember, note string, value core.Money) int64 {
	id := l.g.w.next("referral_events")
	var actorID *int64
	if actor != nil {
		actorID = &actor.id
		actor.active(l.at)
	}
	var cents *int64
	if value.Cents != 0 {
		cents = &value.Cents
	}
	l.g.c.add("referral_events", id, l.g.id, l.r.ID, string(kind), nullText(string(from)), string(l.r.Status),
		actorID, note, l.at, cents, nullText(value.Currency))
	return id
}

// card refreshes the receiver's card of a direct referral, as the product
// does after every change.
func (l *seedLife) card(ev int64) {
	if l.r.CreatedAsLead() {
		return
	}
	l.notify(ev, core.NoticeCard, l.receiver, nil, "")
}

// notify records a delivered notice about the referral as it now stands to
// a member (to nil: the channel); flush writes those retention keeps.
func (l *seedLife) notify(ev int64, kind core.NoticeKind, to, actor *seedMember, text string) {
	l.notices = append(l.notices, seedNotice{ev: ev, kind: kind, to: to, actor: actor, text: text, snap: l.r, at: l.at})
}

type seedNotice struct {
	ev        int64
	kind      core.NoticeKind
	to, actor *seedMember
	text      string
	snap      core.Referral
	at        time.Time
}

// flush writes the referral's delivered notices with the payload and
// dedupe key the product writes. Like retention, it leaves out those sent
// before the kept days, except the posts a later change of a referral still
// in progress edits in place.
func (l *seedLife) flush() {
	closed := !l.r.ClosedAt.IsZero()
	for _, n := range l.notices {
		if n.at.Before(l.g.w.keepSince) && (closed || n.kind != core.NoticeLeadPosted && n.kind != core.NoticeOffered) {
			continue
		}
		l.g.outbox(n)
	}
	l.notices = l.notices[:0]
}

func (g *workspaceGen) outbox(sn seedNotice) {
	snap := sn.snap
	n := core.Notice{Kind: sn.kind, Text: sn.text}
	var recipient *int64
	dest := g.settings.Channel
	if sn.to == nil {
		n.To = core.Recipient{Channel: dest}
	} else {
		n.To, recipient, dest = sn.to.recipient(), &sn.to.id, fmt.Sprint("m", sn.to.id)
	}
	if sn.to == nil || !snap.IsParty(sn.to.id) {
		snap = snap.Public()
		if sn.kind != core.NoticeThanks && sn.kind != core.NoticeLeadPosted {
			n.Text = ""
		}
	}
	n.Referral = &snap
	if sn.actor != nil {
		n.Actor = sn.actor.name
	}
	// pgx encodes the notice as JSON in the loader's goroutine, not here.
	id := g.w.next("outbox")
	sent := sn.at.Add(time.Duration(200+g.r.IntN(20000)) * time.Millisecond)
	var prio int16
	if sn.kind.Interactive() {
		prio = 1
	}
	g.c.add("outbox", id, g.id, recipient, dest, string(sn.kind), n, fmt.Sprintf("ev:%d:%s:%s", sn.ev, sn.kind, dest),
		"sent", 1, nil, g.messageRef(sent, id), sn.at, sent, prio)
}

// messageRef is the platform's id of a delivered message: a Slack ts, a
// Discord snowflake.
func (g *workspaceGen) messageRef(sent time.Time, id int64) string {
	if g.platform == core.Discord {
		return fmt.Sprint((sent.UnixMilli()-1420070400000)<<22 | id&0x3fffff)
	}
	return fmt.Sprintf("%d.%06d", sent.Unix(), sent.Nanosecond()/1000)
}

// row is the referral's columns in seedTables' order.
func (l *seedLife) row() []any {
	r := &l.r
	wonCents, wonCur := wonValue(r.WonValue)
	return []any{r.ID, r.WorkspaceID, int64(r.Code), r.ReferrerID, nullID(r.ReceiverID), r.ClientName,
		nullText(r.ClientContact), r.Consent, r.Need, texts(r.Tags), r.Estimate.Cents, r.Estimate.Currency,
		string(r.Temperature), string(r.Status), string(r.Fee.Kind), r.Fee.BasisPts, r.Fee.FixedCents,
		r.Fee.Currency, string(r.FeeStatus), wonCents, wonCur, r.LostReason, r.DeclineReason,
		nullTime(r.ExpiresAt), r.CreatedAt, r.UpdatedAt, nullTime(r.AcceptedAt), nullTime(r.ClosedAt),
		string(r.WonConfirmation), nullTime(r.FeePaidAt)}
}

func maxTime(ts ...time.Time) time.Time {
	out := ts[0]
	for _, t := range ts[1:] {
		if t.After(out) {
			out = t
		}
	}
	return out
}

// seedClient is a client as referrals name it.
type seedClient struct{ name, contact string }

// clientPool draws each referral's client as life does: mostly one
// nobody referred before, now and then one the referrer referred already
// (repeatClientPercent), to the same partner or another. Names alone
// still collide now and then, as real ones do. It takes the draws it
// took when every client was one of 180 names from the workspace's
// stream (so the rest of the seed is as it was) and the rest from its own.
type clientPool struct {
	r, own     *rand.Rand
	byReferrer map[int64][]seedClient
	fresh      int
}

// repeatClientPercent is how many referrals of the seed name a client
// their referrer referred before.
const repeatClientPercent = 4

func newClientPool(g *workspaceGen) *clientPool {
	return &clientPool{r: g.r, own: rand.New(rand.NewPCG(uint64(g.id), 29)), byReferrer: map[int64][]seedClient{}}
}

func (p *clientPool) next(referrerID, referralID int64) seedClient {
	word, kind, contact := pick(p.r, clientWords), pick(p.r, clientKinds), p.r.IntN(10) < 4
	mine := p.byReferrer[referrerID]
	if len(mine) > 0 && p.own.IntN(100) < repeatClientPercent {
		return mine[p.own.IntN(len(mine))]
	}
	p.fresh++
	c := seedClient{name: fmt.Sprintf("%s %s %s %d", word, kind, pick(p.own, clientTowns), p.fresh)}
	if p.own.IntN(1000) == 0 { // the odd name shared by unrelated clients
		c.name = word + " " + kind
	}
	if contact {
		c.contact = fmt.Sprintf("hello@client%d.example", referralID)
	}
	p.byReferrer[referrerID] = append(mine, c)
	return c
}

var (
	temperatures     = []core.Temperature{core.Hot, core.Warm, core.Warm, core.Warm, core.Cold}
	clientWords      = []string{"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell", "Soylent", "Wonka", "Cyberdyne", "Gringotts", "Monarch", "Oscorp"}
	clientKinds      = []string{"Bakery", "Imports", "Florist", "Dental", "Studio", "Logistics", "Books", "Cafe", "Motors", "Clinic", "Labs", "Partners"}
	clientTowns      = []string{"Leeds", "Lyon", "Porto", "Graz", "Austin", "Cork", "Ghent", "Turku", "Malmo", "Bern", "Utrecht", "Bristol"}
	needs            = []string{"new website and online shop", "logo refresh", "bookkeeping for a small agency", "menu and newsletter copy", "year-end tax return", "booking website", "packaging design", "employment contracts", "office fit-out", "product photos", "fleet insurance", "cloud migration"}
	declineReasons   = []string{"fully booked until March", "not my field", "too small a budget for me", "conflict of interest"}
	lostReasons      = []string{"went with an in-house hire", "budget cut", "chose a cheaper quote", "project postponed", "no reply after the proposal"}
	thankYous        = []string{"Thank you for thinking of me!", "Great intro, thanks!", "Much appreciated", "Thanks, they signed!"}
	feedbackComments = []string{"happy client", "good fit", "client wasn't ready", "great brief", "slow to reply"}
)
