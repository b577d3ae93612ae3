package postgres

import (
	"strconv"
	"strings"
	"time"

	"github.com/referbot/referbot/core"
)

// seedPair is a partnership being generated: the product opens one the
// first time two members exchange a referral or a thank-you, and logs a
// touchpoint at each.
type seedPair struct {
	id, a, b       int64
	created, last  time.Time
	typ            core.PartnershipType
	trust, cadence int
	members        [2]*seedMember
}

// touch logs a touchpoint between two members, opening their partnership
// if it is the first.
func (g *workspaceGen) touch(x, y, actor *seedMember, kind core.TouchKind, note string, at time.Time) {
	a, b := x, y
	if a.id > b.id {
		a, b = b, a
	}
	p := g.pairs[[2]int64{a.id, b.id}]
	if p == nil {
		p = &seedPair{id: g.w.next("partnerships"), a: a.id, b: b.id, created: at, typ: core.Advocate, trust: 1,
			cadence: g.settings.CadenceDays, members: [2]*seedMember{a, b}}
		g.pairs[[2]int64{a.id, b.id}] = p
		g.pairList = append(g.pairList, p)
	}
	if at.After(p.last) {
		p.last = at
	}
	g.c.add("touchpoints", g.w.next("touchpoints"), g.id, p.id, actor.id, string(kind), note, at)
}

var manualTouches = []core.TouchKind{core.TouchCoffee, core.TouchCall, core.TouchContent, core.TouchIntro, core.TouchMeeting}

// manualTouches adds the touchpoints members log by hand on a share of
// partnerships, and makes some strategic, with more trust.
func (g *workspaceGen) manualTouches() {
	g.phase(phaseTouches)
	for _, p := range g.pairList {
		if g.r.IntN(4) == 0 {
			for range 1 + g.r.IntN(3) {
				actor := p.members[g.r.IntN(2)]
				g.touch(p.members[0], p.members[1], actor, pick(g.r, manualTouches), "", g.between(p.created, g.now))
			}
		}
		if g.r.IntN(10) == 0 {
			p.typ, p.trust = core.Strategic, 2+g.r.IntN(4)
		}
	}
}

// partnershipRows writes every partnership with its last touch and the
// date the next is due.
func (g *workspaceGen) partnershipRows() {
	for _, p := range g.pairList {
		g.c.add("partnerships", p.id, g.id, p.a, p.b, string(p.typ), p.trust, p.cadence, p.last,
			p.last.AddDate(0, 0, p.cadence), p.created)
	}
}

// jobRuns writes the scheduled jobs' record as retention leaves it: the
// daily jobs' last 90 days, the hourly one's last week, the weekly ones'
// last 13 weeks, and every quarter of the history.
func (g *workspaceGen) jobRuns() {
	for _, job := range core.Jobs {
		f := strings.Fields(job.Schedule)
		minute, _ := strconv.Atoi(f[0])
		hr, _ := strconv.Atoi(f[1])
		var fires []time.Time
		today := time.Date(g.now.Year(), g.now.Month(), g.now.Day(), hr, minute, 0, 0, time.UTC)
		switch {
		case f[1] == "*":
			last := g.now.Truncate(hour).Add(time.Duration(minute) * time.Minute)
			for i := range 7 * 24 {
				fires = append(fires, last.Add(-time.Duration(i)*hour))
			}
		case f[3] != "*":
			for t := time.Date(g.now.Year(), 1, 1, hr, minute, 0, 0, time.UTC); !t.Before(g.created); t = t.AddDate(0, -3, 0) {
				fires = append(fires, t)
			}
		case f[4] != "*":
			monday := today.AddDate(0, 0, -int((today.Weekday()+6)%7))
			for i := range 13 {
				fires = append(fires, monday.AddDate(0, 0, -7*i))
			}
		default:
			for i := range 90 {
				fires = append(fires, today.AddDate(0, 0, -i))
			}
		}
		for _, fire := range fires {
			if fire.After(g.now) || fire.Before(g.created) {
				continue
			}
			started := fire.Add(time.Duration(50+g.r.IntN(2000)) * time.Millisecond)
			g.c.add("job_runs", job.Name, g.id, core.JobPeriod(fire), started,
				started.Add(time.Duration(5+g.r.IntN(500))*time.Millisecond))
		}
	}
}
