package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// referralsCSV serves GET /dashboard/referrals.csv: every referral the
// viewer may see that matches the list's filters, in the columns of
// `/refer export csv` (bot.AppendReferralCSVRow), each as the viewer may
// see it; a last column says when a party keeps its amounts private. The
// rows are sent a page at a time as they are read, so the first arrive at
// once and memory stays one page whatever the network's size.
func (s *Server) referralsCSV(w http.ResponseWriter, r *http.Request, v *Viewer) {
	q, err := referralQuery(r.URL.Query())
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	out := &referralsFile{w: w}
	err = s.data.StreamReferrals(r.Context(), v.Caller, q, out)
	if err == nil {
		err = out.end()
	}
	switch {
	case err == nil:
	case out.file == nil: // nothing sent yet: a page that says why
		s.fail(w, r, v, err)
	default:
		// The status and some rows are out. Ending the response normally
		// would pass a short list off as the whole file; aborting closes
		// the connection without the response's last chunk, so the
		// browser reports a failed download instead.
		if out.unsent != nil || r.Context().Err() != nil {
			s.log.Info("dashboard: a CSV download stopped: the client went away", "path", r.URL.Path, "rows", out.file.rows, "err", err)
		} else {
			s.log.Error("dashboard: a CSV download failed midway", "path", r.URL.Path, "rows", out.file.rows, "err", err)
		}
		panic(http.ErrAbortHandler)
	}
}

// referralsFile writes the referrals CSV as the bot hands over its pages
// (a core.ReferralSink). The response starts with the first page, so an
// error before it still gets an error page.
type referralsFile struct {
	w      http.ResponseWriter
	period string
	file   *csvFile // nil until the first page
	row    []string // the row being written, reused
	unsent error    // why the client could not be sent the rows
}

func (f *referralsFile) Begin(p core.Period) error {
	f.period = p.Label
	return nil
}

func (f *referralsFile) Page(rs []core.Referral) error {
	f.start()
	for _, r := range rs {
		private := ""
		if r.AmountsHidden {
			private = bot.PrivateAmounts
		}
		f.row = append(bot.AppendReferralCSVRow(f.row[:0], r), private)
		f.file.write(f.row)
	}
	return f.flush()
}

// end finishes the file: a header alone if nothing matched.
func (f *referralsFile) end() error {
	f.start()
	return f.flush()
}

// flush sends the rows so far; its failure is the client's going.
func (f *referralsFile) flush() error {
	f.unsent = f.file.flush()
	return f.unsent
}

func (f *referralsFile) start() {
	if f.file == nil {
		f.file = startCSV(f.w, "referrals", f.period, append(bot.ReferralCSVHeader(), "amounts"))
	}
}

// fromOverview serves a CSV report built from the overview of ?period=.
func (s *Server) fromOverview(build func(*core.Overview) *report) pageFunc {
	return func(w http.ResponseWriter, r *http.Request, v *Viewer) {
		ov, err := s.data.Overview(r.Context(), v.Caller, r.URL.Query().Get("period"))
		if err != nil {
			s.fail(w, r, v, err)
			return
		}
		writeCSV(w, build(ov))
	}
}

// fromPeriod serves a CSV report built from what read gives for
// ?period=; the read models refuse whom they must (admins' reports).
func fromPeriod[T any](s *Server, read func(context.Context, core.Caller, string) (T, error), build func(T) *report) pageFunc {
	return func(w http.ResponseWriter, r *http.Request, v *Viewer) {
		x, err := read(r.Context(), v.Caller, r.URL.Query().Get("period"))
		if err != nil {
			s.fail(w, r, v, err)
			return
		}
		writeCSV(w, build(x))
	}
}

// overviewReport is /dashboard/overview.csv: the key figures, one
// per row, money ones once per currency.
func overviewReport(ov *core.Overview) *report {
	rep := &report{name: "overview", period: ov.Period.Label, header: []string{"figure", "value", "currency", "count", "note"}}
	if st := ov.Stats; st != nil {
		statsRows(rep, st)
	}
	return rep
}

// statsRows adds the figures of stats to rep: figure, value, currency,
// count (deals or ratings behind it), note.
func statsRows(rep *report, st *core.Stats) {
	count := func(name string, n int) { rep.add(name, strconv.Itoa(n), "", "", "") }
	money := func(name string, as core.Amounts) {
		for _, a := range as {
			value, cur, note := amountCells(a)
			rep.add(name, value, cur, strconv.Itoa(a.Count), note)
		}
	}
	count("given", st.Given)
	money("given_estimate", st.GivenEstimate)
	count("received", st.Received)
	money("received_estimate", st.ReceivedEstimate)
	count("taken_on", st.TakenOn)
	count("won", st.Won)
	count("lost", st.Lost)
	count("in_progress", st.InProgress)
	if st.HasRCR {
		rep.add("conversion_rate_percent", decimal1(st.RCR), "", "", "won / received x 100")
	}
	count("deals", st.Deals)
	money("revenue", st.Revenue)
	money("average_deal", st.AvgDeal)
	if st.Member != nil {
		money("revenue_generated", st.RevenueGenerated)
		money("reciprocity", st.Reciprocity)
	}
	if st.HasMedianDays {
		rep.add("median_days_to_close", decimal1(st.MedianDaysToClose), "", "", "")
	}
	count("active_partners", st.ActivePartners)
	count("thanks", st.Thanks)
	if st.HasThanksLatency {
		rep.add("median_thanks_latency_hours", decimal1(st.MedianThanksLatencyHours), "", "", "after acceptance")
	}
	if st.SatisfactionN > 0 {
		rep.add("client_satisfaction", decimal1(st.Satisfaction), "", strconv.Itoa(st.SatisfactionN), "out of 5")
	}
	if st.PrivateLeftOut > 0 {
		rep.add("private_left_out", strconv.Itoa(st.PrivateLeftOut), "", "", "referrals whose amounts are private to their parties")
	}
}

// trendReport is /dashboard/trend.csv: one row per quarter, revenue
// in a column pair per currency.
func trendReport(ov *core.Overview) *report {
	var revenues []core.Amounts
	for _, p := range ov.Trend {
		revenues = append(revenues, p.Revenue)
	}
	curs := core.Currencies(revenues...)
	rep := &report{name: "trend", period: ov.Period.Label,
		header: append([]string{"quarter", "from", "to", "given", "won", "conversion_rate_percent"}, currencyColumns(curs, "revenue_", "deals_")...)}
	rep.header = append(rep.header, "note")
	for _, p := range ov.Trend {
		rcr := ""
		if p.HasRCR {
			rcr = decimal1(p.RCR)
		}
		row := []string{p.Period.Label, isoDay(p.Period.From), isoDay(p.Period.To.AddDate(0, 0, -1)), strconv.Itoa(p.Given), strconv.Itoa(p.Won), rcr}
		rep.add(append(append(row, currencyCells(p.Revenue, curs)...), withheldNote(p.Revenue))...)
	}
	return rep
}

// currencyColumns names a column per currency for each prefix:
// revenue_USD, deals_USD, revenue_EUR, deals_EUR.
func currencyColumns(curs []string, prefixes ...string) []string {
	var out []string
	for _, c := range curs {
		for _, p := range prefixes {
			out = append(out, p+c)
		}
	}
	return out
}

// currencyCells are the value and count of as in each currency of curs,
// as currencyColumns names them: empty where there is none, the value
// empty where it is withheld.
func currencyCells(as core.Amounts, curs []string) []string {
	values := currencyValues(as, curs)
	var out []string
	for i, c := range curs {
		count := ""
		if n := as.Get(c).Count; n > 0 {
			count = strconv.Itoa(n)
		}
		out = append(out, values[i], count)
	}
	return out
}

// currencyValues are the value of as in each currency of curs: a plain
// number, empty where there is none or it is withheld.
func currencyValues(as core.Amounts, curs []string) []string {
	var out []string
	for _, c := range curs {
		a := as.Get(c)
		value := ""
		if (a.Count > 0 || a.Cents != 0) && a.Withheld == "" {
			value = a.Money().Number()
		}
		out = append(out, value)
	}
	return out
}

// withheldNote says which totals are withheld and why.
func withheldNote(lists ...core.Amounts) string {
	var notes []string
	for _, as := range lists {
		for _, a := range as {
			if a.Withheld != "" {
				notes = append(notes, a.Currency+" withheld: "+a.Withheld)
			}
		}
	}
	return strings.Join(notes, "; ")
}

// funnelReport is /dashboard/funnel.csv.
func funnelReport(ov *core.Overview) *report {
	rep := &report{name: "funnel", period: ov.Period.Label, header: []string{"stage", "step", "referrals", "percent_of_first"}}
	var first float64
	if len(ov.Funnel) > 0 {
		first = float64(ov.Funnel[0].Count)
	}
	for _, st := range ov.Funnel {
		share := ""
		if first > 0 {
			share = decimal1(float64(st.Count) / first * 100)
		}
		rep.add(string(st.Stage), stageName(st.Stage), strconv.Itoa(st.Count), share)
	}
	return rep
}

// networkReport is /dashboard/network.csv: who referred whom, one
// row per pair and direction.
func networkReport(ov *core.Overview) *report {
	names := map[int64]string{}
	for _, nd := range ov.Graph.Nodes {
		names[nd.MemberID] = nd.Name
	}
	rep := &report{name: "network", period: ov.Period.Label,
		header: []string{"from_member_id", "from", "to_member_id", "to", "referrals", "won"}}
	for _, e := range ov.Graph.Edges {
		rep.add(id(e.From), names[e.From], id(e.To), names[e.To], strconv.Itoa(e.Count), strconv.Itoa(e.Won))
	}
	return rep
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// leaderboardReport is /dashboard/leaderboard.csv: top givers, most
// improved and newcomers' first wins, told apart by the list column.
func leaderboardReport(ov *core.Overview) *report {
	lb := ov.Board
	if lb == nil {
		lb = &core.Leaderboard{Period: ov.Period}
	}
	var values []core.Amounts
	for _, e := range lb.Givers {
		values = append(values, e.Value)
	}
	curs := core.Currencies(values...)
	rep := &report{name: "leaderboard", period: ov.Period.Label,
		header: append([]string{"list", "rank", "member_id", "member", "confirmed_deals", "deals_won", "referrals_given",
			"referrals_made", "deals_before", "given_before", "referral", "won_on", "how"}, currencyColumns(curs, "value_")...)}
	for i, e := range lb.Givers {
		row := []string{"top", strconv.Itoa(i + 1), id(e.MemberID), e.Name, strconv.Itoa(e.Deals), strconv.Itoa(e.Won),
			strconv.Itoa(e.Given), strconv.Itoa(e.Referred), "", "", "", "", ""}
		rep.add(append(row, currencyValues(e.Value, curs)...)...)
	}
	blank := make([]string, len(curs))
	for i, im := range lb.Improved {
		row := []string{"most_improved", strconv.Itoa(i + 1), id(im.Now.MemberID), im.Now.Name, strconv.Itoa(im.Now.Deals),
			strconv.Itoa(im.Now.Won), strconv.Itoa(im.Now.Given), strconv.Itoa(im.Now.Referred),
			strconv.Itoa(im.Before.Deals), strconv.Itoa(im.Before.Given), "", "", ""}
		rep.add(append(row, blank...)...)
	}
	for i, f := range lb.FirstWins {
		how := "won"
		if f.Gave {
			how = "gave"
		}
		row := []string{"first_win", strconv.Itoa(i + 1), id(f.MemberID), f.Name, "", "", "", "", "", "", f.Code.String(), isoDay(f.At), how}
		rep.add(append(row, blank...)...)
	}
	return rep
}

// membersReport is /dashboard/members.csv: the network's per-member
// breakdown (Stats.ByPartner), won values per currency.
func membersReport(ov *core.Overview) *report {
	st := ov.Stats
	if st == nil {
		st = &core.Stats{Period: ov.Period}
	}
	return breakdownReport("members", ov.Period.Label, "member", st.ByPartner)
}

// breakdownReport is a per-member (or per-partner) breakdown of stats.
func breakdownReport(name, period, who string, rows []core.PartnerStats) *report {
	var values []core.Amounts
	for _, p := range rows {
		values = append(values, p.GivenWonValue, p.ReceivedWonValue)
	}
	curs := core.Currencies(values...)
	rep := &report{name: name, period: period,
		header: append([]string{who + "_id", who, "given", "received", "thanks", "relationship"},
			currencyColumns(curs, "won_value_given_", "won_value_received_")...)}
	rep.header = append(rep.header, "note")
	for _, p := range rows {
		row := []string{id(p.MemberID), p.Name, strconv.Itoa(p.Given), strconv.Itoa(p.Received), strconv.Itoa(p.Thanks), p.Types}
		for _, c := range curs {
			row = append(row, currencyValues(p.GivenWonValue, []string{c})[0], currencyValues(p.ReceivedWonValue, []string{c})[0])
		}
		rep.add(append(row, withheldNote(p.GivenWonValue, p.ReceivedWonValue))...)
	}
	return rep
}

// partnersCSV serves GET /dashboard/members/{id}/partners.csv: a member's
// partnerships and touchpoints.
func (s *Server) partnersCSV(w http.ResponseWriter, r *http.Request, v *Viewer) {
	mid, err := memberID(r)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	mp, err := s.data.MemberPage(r.Context(), v.Caller, mid, r.URL.Query().Get("period"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	label := ""
	if mp.Stats != nil {
		label = mp.Stats.Period.Label
	}
	rep := &report{name: "partners-" + strings.ToLower(mp.Member.DisplayName), period: label,
		header: []string{"partner_id", "partner", "type", "trust", "cadence_days", "given", "received", "last_touch", "next_due", "overdue"}}
	for _, pv := range mp.Partners {
		trust, cadence := "", ""
		if pv.Partnership.Trust > 0 {
			trust = strconv.Itoa(pv.Partnership.Trust)
		}
		if pv.Partnership.CadenceDays > 0 {
			cadence = strconv.Itoa(pv.Partnership.CadenceDays)
		}
		rep.add(id(pv.Partner.ID), pv.Partner.DisplayName, string(pv.Partnership.Type), trust, cadence,
			strconv.Itoa(pv.Given), strconv.Itoa(pv.Received), isoDay(pv.LastTouch), isoDay(pv.NextDue), strconv.FormatBool(pv.Overdue))
	}
	writeCSV(w, rep)
}

// flagsReport is /dashboard/flags.csv (admins): each flag with every
// referral of its evidence, of which the admin page names the newest.
func flagsReport(fr *core.FlagReport) *report {
	rep := &report{name: "flags", period: fr.Period.Label,
		header: []string{"flag", "kind", "members", "referrals", "day", "cap", "description", "dismissed_before_by", "dismissed_reason"}}
	for _, f := range fr.Flags {
		codes := make([]string, len(f.Codes))
		for i, c := range f.Codes {
			codes[i] = c.String()
		}
		what, _, _ := strings.Cut(bot.FlagLine(f, false), " — ")
		limit, by, why := "", "", ""
		if f.Cap > 0 {
			limit = strconv.Itoa(f.Cap)
		}
		if d := f.Dismissed; d != nil {
			by, why = d.By, d.Reason
		}
		rep.add(f.ID, string(f.Kind), strings.Join(f.Members, " "), strings.Join(codes, " "), f.Day, limit, what, by, why)
	}
	return rep
}

// feesReport is /dashboard/fees.csv (admins): every fee, of which the
// admin page lists the newest, its amount a plain number beside its
// currency, or private.
func feesReport(fb *core.FeeBook) *report {
	rep := &report{name: "fees", period: fb.Period.Label,
		header: []string{"code", "referrer", "receiver", "client", "terms", "fee", "fee_currency", "status",
			"won_value", "won_currency", "won_on", "paid_on", "amounts"}}
	for _, f := range fb.Fees {
		rf := &f.Referral
		fee, feeCur, won, wonCur, private := f.Amount.Number(), f.Amount.Currency, "", "", ""
		if !rf.WonValue.IsZero() {
			won, wonCur = rf.WonValue.Number(), rf.WonValue.Currency
		}
		if rf.AmountsHidden {
			fee, feeCur, won, wonCur, private = "", "", "", "", bot.PrivateAmounts
		}
		rep.add(rf.Code.String(), rf.ReferrerName, rf.ReceiverName, rf.ClientName, rf.Fee.String(), fee, feeCur,
			string(rf.FeeStatus), won, wonCur, isoDay(rf.ClosedAt), isoDay(rf.FeePaidAt), private)
	}
	return rep
}
