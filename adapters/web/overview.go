package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// overviewView is the overview page's body.
type overviewView struct {
	Label         string
	KPIs          []kpi
	Footer        string
	CSV           string
	Trend, Funnel chart
	Graph         chart
	GraphNote     string
	Givers        table
	Improved      table
	FirstWins     table
	RankRule      string
	BoardCSV      string
	Members       table
	MembersMore   string
	MembersCSV    string
}

// overview serves GET /dashboard/: the network's figures for the period.
func (s *Server) overview(w http.ResponseWriter, r *http.Request, v *Viewer) {
	period := r.URL.Query().Get("period")
	ov, err := s.data.Overview(r.Context(), v.Caller, period)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p := s.newPage(r, v, "Overview — "+ov.Period.Label, "overview")
	p.PeriodLabel = ov.Period.Label
	csv := func(name string) string { return withPeriod("/dashboard/"+name+".csv", period) }
	body := overviewView{Label: ov.Period.Label, CSV: csv("overview"), BoardCSV: csv("leaderboard"), MembersCSV: csv("members"),
		Trend: chart{ID: "trend", Title: "Referrals given and won, quarter by quarter", SVG: trendSVG("trend-chart", ov.Trend),
			Table: trendTable(ov.Trend, currencyOf(ov.Stats)), CSV: csv("trend")},
		Funnel: chart{ID: "funnel", Title: "The period's referrals by how far they got", SVG: funnelSVG("funnel-chart", ov.Funnel),
			Table: funnelTable(ov.Funnel), CSV: csv("funnel")},
		Graph: chart{ID: "network", Title: "Members sized by referrals given and received; arrows from referrer to receiver, thicker for more", SVG: graphSVG("network-chart", ov.Graph),
			Table: graphTable(ov.Graph, period), CSV: csv("network")},
	}
	if ov.Graph.Others > 0 {
		body.GraphNote = fmt.Sprintf("The %d most active members are shown; %s less active are left out.", len(ov.Graph.Nodes), plural(ov.Graph.Others, "member"))
	}
	if st := ov.Stats; st != nil {
		body.KPIs = statsKPIs(st)
		body.Footer = privateNote(st)
		body.Members = breakdownTable(st, period)
		if more := len(body.Members.Rows) - membersShown; more > 0 {
			body.Members.Rows = body.Members.Rows[:membersShown]
			body.MembersMore = fmt.Sprintf("… and %d more: the CSV below has everyone.", more)
		}
	}
	if lb := ov.Board; lb != nil {
		body.Givers, body.Improved, body.FirstWins = boardTables(lb, period)
		body.RankRule = fmt.Sprintf(core.RankRule, lb.Currency)
	}
	p.Body = body
	s.render(w, http.StatusOK, "overview", p)
}

// membersShown is how many members the overview's breakdown lists; the
// CSV has them all.
const membersShown = 50

func currencyOf(st *core.Stats) string {
	if st == nil {
		return core.DefaultCurrency
	}
	return st.Currency
}

// statsKPIs are the figure cards of a network's or member's stats, in
// the words of `/refer stats` (bot.StatsMessage).
func statsKPIs(st *core.Stats) []kpi {
	cur := st.Currency
	member := st.Member != nil
	ks := []kpi{
		{ID: "given", Label: "Referrals given", Lines: []string{strconv.Itoa(st.Given)}, Note: "est. " + sums(st.GivenEstimate, cur)},
		{ID: "received", Label: "Received by a partner", Lines: []string{strconv.Itoa(st.Received)},
			Note: fmt.Sprintf("%d taken on; %d won, %d lost, %d in progress", st.TakenOn, st.Won, st.Lost, st.InProgress)},
		{ID: "rcr", Label: "Conversion rate (RCR)", Lines: []string{"—"}, Note: "nothing received yet"},
		{ID: "revenue", Label: "Revenue from referrals", Lines: bot.AmountLines(st.Revenue, cur, bot.SumOf("deal"))},
		{ID: "avg-deal", Label: "Average deal", Lines: []string{"—"}, Note: "no deal won in the period"},
		{ID: "median-days", Label: "Median time to close", Lines: []string{"—"}},
		{ID: "active", Label: "Active members (12 months)", Lines: []string{strconv.Itoa(st.ActivePartners)}},
		{ID: "thanks-latency", Label: "Thank-you latency", Lines: []string{"—"}, Note: plural(st.Thanks, "thank-you") + " given"},
		{ID: "satisfaction", Label: "Client satisfaction", Lines: []string{"—"}, Note: "no rating yet"},
	}
	if member {
		ks[0].Note = "est. " + sums(st.GivenEstimate, cur)
		ks[1].Label = "Referrals received"
		ks[1].Note = "est. " + sums(st.ReceivedEstimate, cur) + fmt.Sprintf("; %d won, %d lost, %d in progress", st.Won, st.Lost, st.InProgress)
		ks[6].Label = "Active partners (12 months)"
		ks[7].Note = plural(st.Thanks, "thank-you") + " received"
	}
	if st.HasRCR {
		ks[2].Lines, ks[2].Note = []string{pct(st.RCR)}, "won ÷ received × 100"
	}
	if st.Deals > 0 {
		ks[4].Lines, ks[4].Note = bot.AmountLines(st.AvgDeal, cur, bot.Sum), plural(st.Deals, "deal")
	}
	if st.HasMedianDays {
		ks[5].Lines = []string{decimal1(st.MedianDaysToClose) + " days"}
	}
	if st.HasThanksLatency {
		ks[7].Lines = []string{decimal1(st.MedianThanksLatencyHours) + " h"}
		ks[7].Note = "median after acceptance; " + ks[7].Note
	}
	if st.SatisfactionN > 0 {
		ks[8].Lines, ks[8].Note = []string{decimal1(st.Satisfaction) + " / 5"}, plural(st.SatisfactionN, "rating")
	}
	if member {
		ks = append(ks[:4], append([]kpi{
			{ID: "generated", Label: "Business generated for others", Lines: bot.AmountLines(st.RevenueGenerated, cur, bot.SumOf("deal"))},
			{ID: "reciprocity", Label: "Reciprocity balance", Lines: bot.AmountLines(st.Reciprocity, cur, bot.SignedSum),
				Note: "given − received won value"},
		}, ks[4:]...)...)
	}
	return ks
}

// privateNote says how many amounts the figures leave out, as chat does.
func privateNote(st *core.Stats) string {
	if st.PrivateLeftOut == 0 {
		return ""
	}
	where := "these figures"
	if st.Member == nil {
		where = "each member's figures (the network's totals include them)"
	}
	return fmt.Sprintf("The amounts of %s are private to their parties, so they are left out of %s.",
		plural(st.PrivateLeftOut, "referral"), where)
}

func trendTable(points []core.TrendPoint, cur string) table {
	t := table{ID: "trend-table", Caption: "Quarter over quarter, in figures",
		Head: []string{"Quarter", "Given", "Won", "Conversion rate", "Revenue"}, Empty: "No quarters to show."}
	for _, p := range points {
		rcr := "—"
		if p.HasRCR {
			rcr = pct(p.RCR)
		}
		t.Rows = append(t.Rows, []cell{text(p.Period.Label), num(p.Given), num(p.Won), {Text: rcr, Num: true},
			{Lines: bot.AmountLines(p.Revenue, cur, bot.SumOf("deal"))}})
	}
	return t
}

func funnelTable(steps []core.FunnelStep) table {
	t := table{ID: "funnel-table", Caption: "Pipeline, in figures", Head: []string{"Stage", "Referrals", "Of the first stage"},
		Empty: "No referrals in this period."}
	var first float64
	if len(steps) > 0 {
		first = float64(steps[0].Count)
	}
	for _, st := range steps {
		t.Rows = append(t.Rows, []cell{text(stageName(st.Stage)), num(st.Count), {Text: shareOf(st.Count, first), Num: true}})
	}
	return t
}

func graphTable(g core.Graph, period string) table {
	t := table{ID: "network-table", Caption: "Who refers whom, in figures", Head: []string{"From", "To", "Referrals", "Won"},
		Empty: "Nobody referred anyone in this period."}
	names := map[int64]string{}
	for _, nd := range g.Nodes {
		names[nd.MemberID] = nd.Name
	}
	for _, e := range g.Edges {
		t.Rows = append(t.Rows, []cell{memberLink(e.From, names[e.From], period), memberLink(e.To, names[e.To], period),
			num(e.Count), num(e.Won)})
	}
	return t
}

// memberLink links to a member's page, keeping the period.
func memberLink(id int64, name, period string) cell {
	return link("@"+name, withPeriod("/dashboard/members/"+strconv.FormatInt(id, 10), period))
}

// boardTables are the leaderboard's top givers, most improved and
// newcomers' first wins.
func boardTables(lb *core.Leaderboard, period string) (givers, improved, first table) {
	givers = table{ID: "givers-table", Caption: "Top givers", Empty: "No referrals given in this period yet.",
		Head: []string{"#", "Member", "Confirmed deals", "Won value", "Referrals given"}}
	for i, e := range lb.Givers {
		givers.Rows = append(givers.Rows, []cell{num(i + 1), memberLink(e.MemberID, e.Name, period), num(e.Deals),
			{Lines: bot.AmountLines(e.Value, lb.Currency, bot.Sum)}, num(e.Given)})
	}
	against := "the period before"
	if lb.Previous != nil {
		against = lb.Previous.Label
	}
	improved = table{ID: "improved-table", Caption: "Most improved (against " + against + ")", Empty: "Nobody to compare with.",
		Head: []string{"Member", "Confirmed deals", "Before", "Referrals given", "Before"}}
	for _, im := range lb.Improved {
		improved.Rows = append(improved.Rows, []cell{memberLink(im.Now.MemberID, im.Now.Name, period), num(im.Now.Deals),
			num(im.Before.Deals), num(im.Now.Given), num(im.Before.Given)})
	}
	first = table{ID: "first-wins-table", Caption: "Newcomers' first wins", Empty: "No newcomer's first win in this period.",
		Head: []string{"Member", "Referral", "Won on", "How"}}
	for _, f := range lb.FirstWins {
		how := "a deal they won"
		if f.Gave {
			how = "a referral they gave"
		}
		first.Rows = append(first.Rows, []cell{memberLink(f.MemberID, f.Name, period), codeLink(f.Code),
			text(f.At.Format("2006-01-02")), text(how)})
	}
	return givers, improved, first
}

// codeLink links a referral code to its page.
func codeLink(c core.Code) cell { return link(c.String(), "/dashboard/referrals/"+c.String()) }

// breakdownTable is stats' breakdown: the network's per member
// (reciprocity), or a member's per partner.
func breakdownTable(st *core.Stats, period string) table {
	t := table{ID: "members-table", Caption: "By member (reciprocity)", Empty: "Nobody gave or received a referral in this period.",
		Head: []string{"Member", "Gave", "Received", "Won value given", "Won value received", "Thanked", "Relationship"}}
	if st.Member != nil {
		t.ID, t.Caption, t.Empty = "by-partner-table", "By partner, "+st.Period.Label, "No referrals with a partner in this period."
		t.Head[0] = "Partner"
	}
	for _, p := range st.ByPartner {
		t.Rows = append(t.Rows, []cell{memberLink(p.MemberID, p.Name, period), num(p.Given), num(p.Received),
			{Lines: bot.AmountLines(p.GivenWonValue, st.Currency, bot.Sum)}, {Lines: bot.AmountLines(p.ReceivedWonValue, st.Currency, bot.Sum)},
			num(p.Thanks), text(p.Types)})
	}
	return t
}
