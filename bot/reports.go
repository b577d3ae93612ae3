package bot

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/referbot/referbot/core"
)

// change describes a figure against the period before: "+25%", "new".
func change(now, before int64) string {
	switch {
	case before == 0 && now == 0:
		return "same as before"
	case before == 0:
		return "up from nothing"
	}
	pct := float64(now-before) / float64(before) * 100
	sign := "+"
	if pct < 0 {
		sign = ""
	}
	return sign + strconv.FormatFloat(pct, 'f', 0, 64) + "%"
}

// QuarterlyMessage renders the win celebration: the value the network
// exchanged in the quarter, its top givers and newcomers.
func QuarterlyMessage(rep *core.Report) Message {
	cur, prev := rep.Current, rep.Previous
	if prev == nil {
		prev = &core.Stats{}
	}
	c := cur.Currency
	m := Message{Kind: string(core.NoticeQuarterly), Visibility: Channel,
		Title: fmt.Sprintf("🎉 %s — what we gave each other", rep.Period.Label),
		Text: fmt.Sprintf("%s to %s. Thank you, everyone: every introduction below started with someone thinking of a partner.",
			rep.Period.From.Format("2 Jan"), rep.Period.To.AddDate(0, 0, -1).Format("2 Jan 2006"))}
	add := func(name, value string) { m.Fields = append(m.Fields, Field{name, value}) }
	add("Wins", wins(cur, prev))
	rcr := "—"
	if cur.HasRCR {
		rcr = pct(cur.RCR)
	}
	// Taken on: accepted by a partner, not merely offered to one.
	add("Referrals", fmt.Sprintf("%d given, %d taken on by a partner; conversion rate %s", cur.Given, cur.TakenOn, rcr))
	if cur.Deals > 0 {
		deal := "average deal " + sums(cur.AvgDeal, c)
		if cur.HasMedianDays {
			deal += fmt.Sprintf(", median %s days to close", strconv.FormatFloat(cur.MedianDaysToClose, 'f', 0, 64))
		}
		add("Deals", deal)
	}
	m.Footer = "Your own figures: /refer stats me last-quarter"
	if lb := rep.Leaderboard; lb != nil {
		// Top givers, most improved and first wins by the leaderboard's rules.
		m.Fields = append(m.Fields, boardFields(lb, quarterlyTop)...)
		m.Footer = fmt.Sprintf(core.RankRule, lb.Currency) + " " + m.Footer
	} else if top := statsTopGivers(cur, c); len(top) > 0 {
		add("Top givers", strings.Join(top, "\n"))
	}
	add("Thank-yous given", strconv.Itoa(cur.Thanks))
	if len(rep.Newcomers) > 0 {
		add("Welcome to our newcomers", "@"+strings.Join(rep.Newcomers, ", @"))
	}
	return m
}

// quarterlyTop is how many top givers the celebration names.
const quarterlyTop = 3

// statsTopGivers are the top givers of a report queued before reports
// carried a leaderboard: by the stats' per-member breakdown.
func statsTopGivers(cur *core.Stats, c string) []string {
	var top []string
	for _, p := range cur.ByPartner {
		if len(top) == quarterlyTop || len(p.GivenWonValue) == 0 && p.Given == 0 {
			break
		}
		line := fmt.Sprintf("@%s — %s given", p.Name, plural(p.Given, "referral"))
		if len(p.GivenWonValue) > 0 {
			line += ", " + sums(p.GivenWonValue, c) + " of business for partners"
		}
		if p.Thanks > 0 {
			line += ", thanked " + times(p.Thanks)
		}
		top = append(top, line)
	}
	return top
}

// wins sums up the deals won in a quarter per currency, each against the
// quarter before: a currency either quarter used is never left out.
func wins(cur, prev *core.Stats) string {
	curs := core.Currencies(cur.Revenue, prev.Revenue)
	if len(curs) <= 1 {
		c := cur.Currency
		if len(curs) == 1 {
			c = curs[0]
		}
		now, before := cur.Revenue.Get(c), prev.Revenue.Get(c)
		if now.Withheld != "" {
			return fmt.Sprintf("%s won (%s)", plural(cur.Deals, "deal"), withheld(now))
		}
		return fmt.Sprintf("%s won, %s from referrals (%s)", plural(cur.Deals, "deal"),
			now.Money(), versus(now, before, prev.Period.Label))
	}
	parts := make([]string, len(curs))
	for i, c := range curs {
		now, before := cur.Revenue.Get(c), prev.Revenue.Get(c)
		if now.Withheld != "" {
			parts[i] = fmt.Sprintf("%s from %s", withheld(now), plural(now.Count, "deal"))
			continue
		}
		parts[i] = fmt.Sprintf("%s from %s, %s", now.Money(), plural(now.Count, "deal"), versus(now, before, ""))
	}
	return fmt.Sprintf("%s won: %s (against %s)", plural(cur.Deals, "deal"), strings.Join(parts, " · "), prev.Period.Label)
}

// versus is the change of a total against the one before (of the period
// label, if given), unless that one was withheld: the change would give
// it away.
func versus(now, before core.Amount, label string) string {
	if before.Withheld != "" {
		return strings.TrimSpace(label + " " + withheld(before))
	}
	if label != "" {
		return change(now.Cents, before.Cents) + " against " + label
	}
	return change(now.Cents, before.Cents)
}

// WeeklyMessage renders the weekly digest, with Claim buttons for the
// leads still waiting.
func WeeklyMessage(rep *core.Report) Message {
	cur := rep.Current
	m := Message{Kind: string(core.NoticeWeeklyDigest), Visibility: Channel,
		Title: "This week in the network — " + rep.Period.Label}
	add := func(name, value string) { m.Fields = append(m.Fields, Field{name, value}) }
	add("New referrals", strconv.Itoa(cur.Given))
	if len(cur.Revenue) > 1 {
		add("Wins", fmt.Sprintf("%d (%s)", cur.Deals, sumsOf(cur.Revenue, cur.Currency, "deal")))
	} else {
		add("Wins", fmt.Sprintf("%d (%s)", cur.Deals, sums(cur.Revenue, cur.Currency)))
	}
	if len(rep.OpenLeads) > 0 {
		var lines []string
		for i, r := range rep.OpenLeads {
			line := fmt.Sprintf("`%s` %s", r.Code, firstWords(r.Need, 10))
			if v := money(r.Estimate); v != "" {
				line += " · est. " + v
			}
			lines = append(lines, line)
			if i < 5 {
				m.Buttons = append(m.Buttons, Button{"Claim " + r.Code.String(), action("claim", r.Code), Default})
			}
		}
		add("Leads awaiting a claim", strings.Join(lines, "\n"))
	}
	m.Footer = "Refer a client: /refer @partner <client> — <need>"
	return m
}

// HealthMessage renders the network's warning signs for an admin.
func HealthMessage(h *core.Health, m Message) Message {
	m.Title = "Network health: what needs attention"
	m.Text = "Only admins get this. A word from you usually helps more than any reminder."
	add := func(name string, names []string, advice string) {
		if len(names) > 0 {
			m.Fields = append(m.Fields, Field{name, "@" + strings.Join(names, ", @") + "\n" + advice})
		}
	}
	if h.Previous30 > 0 {
		m.Fields = append(m.Fields, Field{"Falling volume", fmt.Sprintf("%d referrals in the last 30 days, down from %d in the 30 before.", h.Last30, h.Previous30)})
	}
	add("Only taking", h.OnlyTake, "Received referrals this year but gave none: ask what kind of client they could send.")
	add("Gone quiet", h.GoneQuiet, "No referral given or received in 90 days: a check-in, or pair them with a buddy.")
	add("Not answering", h.NoAnswer, "Referrals waiting over a week for accept or decline: the referrers are left hanging.")
	if len(h.Flags) > 0 {
		lines := make([]string, len(h.Flags))
		for i, f := range h.Flags {
			lines[i] = FlagLine(f, true)
		}
		m.Fields = append(m.Fields, Field{"Abuse flags (last 90 days)", strings.Join(lines, "\n") +
			"\nLook closer with /refer show R-<n>; if all is well, /refer flags dismiss <flag-id> <reason>."})
	}
	return m
}
