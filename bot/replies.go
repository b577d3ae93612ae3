package bot

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/referbot/referbot/core"
)

func reply(title, text string) Message {
	return Message{Kind: "reply", Title: title, Text: text}
}

// ErrorMessage renders an error for the person who caused it: the
// specific problem and what to type instead, never internals.
func ErrorMessage(err error) Message {
	return Message{Kind: KindError, Text: core.ErrorMessage(err)}
}

func pct(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0") + "%"
}

// sums renders amounts kept per currency, "USD 18,900 · EUR 4,000"; with
// none, a zero in the network's currency def.
func sums(as core.Amounts, def string) string {
	return strings.Join(AmountLines(as, def, Sum), " · ")
}

// sumsOf also says how many deals (noun) each covers:
// "USD 18,900 from 5 deals · EUR 4,000 from 1 deal".
func sumsOf(as core.Amounts, def, noun string) string {
	return strings.Join(AmountLines(as, def, SumOf(noun)), " · ")
}

// signedSums renders differences with their sign: "+USD 6,000 · -EUR 3,000".
func signedSums(as core.Amounts, def string) string {
	return strings.Join(AmountLines(as, def, SignedSum), " · ")
}

// Sum is one amount: "USD 18,900".
func Sum(a core.Amount) string { return a.Money().String() }

// SumOf also says how many deals (noun) it covers: "USD 18,900 from 5 deals".
func SumOf(noun string) func(core.Amount) string {
	return func(a core.Amount) string { return Sum(a) + " from " + plural(a.Count, noun) }
}

// SignedSum is a difference with its sign: "+USD 6,000", "-EUR 3,000".
func SignedSum(a core.Amount) string {
	if a.Cents < 0 {
		a.Cents = -a.Cents
		return "-" + Sum(a)
	}
	return "+" + Sum(a)
}

// withheld renders a total the visibility rule withholds:
// "USD withheld: fewer than 3 deals".
func withheld(a core.Amount) string {
	return a.Currency + " withheld: " + a.Withheld
}

// AmountLines renders amounts kept per currency, each with one (Sum,
// SumOf, SignedSum) and a withheld total saying why; with none, a zero in
// the network's currency def. Chat joins them with " · "; the dashboard
// shows a line each, in the same words.
func AmountLines(as core.Amounts, def string, one func(core.Amount) string) []string {
	if len(as) == 0 {
		as = core.Amounts{{Currency: cmp.Or(def, core.DefaultCurrency)}}
	}
	lines := make([]string, len(as))
	for i, a := range as {
		lines[i] = one(a)
		if a.Withheld != "" {
			lines[i] = withheld(a)
		}
	}
	return lines
}

// statsRows is how many rows of the breakdown a stats reply shows (the
// others are counted): the rows it asks the store for.
const statsRows = 10

// StatsMessage renders the figures of a member or the network.
func StatsMessage(st *core.Stats) Message {
	who := "Network"
	if st.Member != nil {
		who = "@" + st.Member.DisplayName
	}
	m := reply(fmt.Sprintf("%s — %s", who, st.Period.Label), "")
	m.Kind = "stats"
	cur := st.Currency
	add := func(name, value string) { m.Fields = append(m.Fields, Field{name, value}) }
	if st.Member != nil {
		add("Referrals given", fmt.Sprintf("%d (est. %s)", st.Given, sums(st.GivenEstimate, cur)))
		add("Referrals received", fmt.Sprintf("%d (est. %s)", st.Received, sums(st.ReceivedEstimate, cur)))
	} else {
		add("Referrals", fmt.Sprintf("%d given, %d received by a partner (est. %s)", st.Given, st.Received, sums(st.GivenEstimate, cur)))
	}
	add("Outcomes", fmt.Sprintf("%d won, %d lost, %d in progress", st.Won, st.Lost, st.InProgress))
	if st.HasRCR {
		add("Conversion rate (RCR)", fmt.Sprintf("%s (won ÷ received × 100)", pct(st.RCR)))
	} else {
		add("Conversion rate (RCR)", "— (nothing received yet)")
	}
	add("Revenue from referrals", sumsOf(st.Revenue, cur, "deal"))
	if st.Deals > 0 {
		add("Average deal", sums(st.AvgDeal, cur))
	}
	if st.HasMedianDays {
		add("Median time to close", fmt.Sprintf("%s days", strconv.FormatFloat(st.MedianDaysToClose, 'f', 1, 64)))
	}
	if st.Member != nil {
		add("Business generated for others", sumsOf(st.RevenueGenerated, cur, "deal"))
		add("Reciprocity balance", fmt.Sprintf("%s (given − received won value)", signedSums(st.Reciprocity, cur)))
		add("Active partners (12 months)", strconv.Itoa(st.ActivePartners))
	} else {
		add("Active members (12 months)", strconv.Itoa(st.ActivePartners))
	}
	thanks := strconv.Itoa(st.Thanks)
	if st.HasThanksLatency {
		thanks += fmt.Sprintf(", median %s h after acceptance", strconv.FormatFloat(st.MedianThanksLatencyHours, 'f', 1, 64))
	}
	// A member's figure counts the thank-yous they received (what they
	// are credited with); the network's, every one given.
	if st.Member != nil {
		add("Thank-yous received", thanks)
	} else {
		add("Thank-yous given", thanks)
	}
	if st.SatisfactionN > 0 {
		add("Client satisfaction", fmt.Sprintf("%s / 5 (%s)", strconv.FormatFloat(st.Satisfaction, 'f', 1, 64), plural(st.SatisfactionN, "rating")))
	}
	var rows []string
	for i, p := range st.ByPartner {
		if i == statsRows {
			break
		}
		line := fmt.Sprintf("@%s: gave %d, received %d", p.Name, p.Given, p.Received)
		if len(p.GivenWonValue) > 0 || len(p.ReceivedWonValue) > 0 {
			line += fmt.Sprintf(" · won value given %s, received %s", sums(p.GivenWonValue, cur), sums(p.ReceivedWonValue, cur))
		}
		if p.Types != "" {
			line += " · " + p.Types
		}
		rows = append(rows, line)
	}
	if more := len(st.ByPartner) + st.MorePartners - statsRows; more > 0 {
		rows = append(rows, fmt.Sprintf("… and %d more", more))
	}
	if len(rows) > 0 {
		name := "By partner"
		if st.Member == nil {
			name = "By member (reciprocity)"
		}
		add(name, strings.Join(rows, "\n"))
	}
	if st.PrivateLeftOut > 0 {
		where := "these figures"
		if st.Member == nil {
			where = "each member's figures (the network's totals include them)"
		}
		m.Footer = fmt.Sprintf("The amounts of %s are private to their parties, so they are left out of %s.",
			plural(st.PrivateLeftOut, "referral"), where)
	}
	return m
}

// ProfileMessage renders a member's profile.
func ProfileMessage(mp *core.MemberProfile, own bool) Message {
	p := mp.Profile
	m := reply("Profile of @"+mp.Member.DisplayName, "")
	m.Kind = "profile"
	add := func(name, value string) {
		if strings.TrimSpace(value) != "" {
			m.Fields = append(m.Fields, Field{name, value})
		}
	}
	add("Services", p.Services)
	if len(p.Tags) > 0 {
		add("Tags", "#"+strings.Join(p.Tags, " #"))
	}
	add("Niche", p.Niche)
	ideal := strings.Join(nonEmpties(p.Industry, p.ClientSize, p.BudgetRange), " · ")
	add("Ideal client", ideal)
	if len(p.Triggers) > 0 {
		add("Send them to me when a client says", "“"+strings.Join(p.Triggers, "”, “")+"”")
	}
	billing := p.Billing
	if !p.MinBudget.IsZero() {
		billing = strings.TrimSpace(billing + ", minimum " + p.MinBudget.String())
	}
	add("Billing", billing)
	add("Outcomes", p.Outcomes)
	add("Links", strings.Join(p.Links, " "))
	add("Preferred contact", p.ContactPref)
	add("Time zone", p.TimeZone)
	avail := string(p.Availability)
	if avail == "" {
		avail = string(core.Open)
	}
	add("Availability", avail)
	if p.AmountsPrivate {
		add("Deal amounts", "private: shown only to the other party, and inside network totals of 3 or more deals")
	}
	if mp.Buddy != nil {
		add("Mentoring buddy", "@"+mp.Buddy.DisplayName)
	}
	if len(m.Fields) <= 1 {
		if own {
			m.Text = "Your profile is empty. Partners refer clients to people whose work they understand:\n" +
				"/refer profile set services brand identity and packaging design\n" +
				"/refer profile set tags branding packaging\n" +
				"/refer profile set triggers our logo looks dated; we're launching a product"
		} else {
			m.Text = "@" + mp.Member.DisplayName + " hasn't filled in a profile yet."
		}
	} else if own {
		m.Footer = "Change a field with /refer profile set <field> <value>"
	}
	return m
}

func nonEmpties(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// ListMessage renders a list of referrals, one line each.
func ListMessage(kind core.ListKind, rs []core.Referral, viewerID int64) Message {
	m := reply(fmt.Sprintf("Referrals — %s (%d)", cmp.Or(string(kind), "mine"), len(rs)), "")
	m.Kind = "list"
	if len(rs) == 0 {
		m.Text = "Nothing here yet. Refer a client with /refer @partner <client> — <need>, or post one with /refer lead <need>."
		return m
	}
	var lines []string
	for _, r := range rs {
		dir := fmt.Sprintf("@%s → %s", r.ReferrerName, mention(r.ReceiverName))
		line := fmt.Sprintf("`%s` %s · %s · %s", r.Code, clientOr(&r), firstWords(r.Need, 8), r.Status)
		if v := money(r.Estimate); v != "" && r.Status != core.StatusWon {
			line += " · est. " + v
		}
		if v := money(r.WonValue); r.Status == core.StatusWon && v != "" {
			line += " · " + v
		}
		lines = append(lines, line+" · "+dir)
	}
	m.Text = strings.Join(lines, "\n")
	m.Footer = "Details: /refer show R-<n>"
	return m
}

// DetailMessage renders a referral with its timeline.
func DetailMessage(d *core.Detail, viewerID int64, loc *time.Location) Message {
	r := &d.Referral
	m := Card(r, viewerID, fmt.Sprintf("Referral %s", r.Code))
	var tl []string
	for _, e := range d.Events {
		tl = append(tl, fmt.Sprintf("%s — %s", when(e.At, loc), describeEvent(e)))
	}
	if len(d.Interested) > 0 {
		names := make([]string, len(d.Interested))
		for i, h := range d.Interested {
			names[i] = h.Mention()
		}
		m.Fields = append(m.Fields, Field{"Hands raised", strings.Join(names, ", ")})
	}
	m.Fields = append(m.Fields, Field{"Timeline", strings.Join(tl, "\n")})
	return m
}

func describeEvent(e core.Event) string {
	who := cmp.Or(e.ActorName, "referbot")
	if s, ok := describeFeeEvent(e, who); ok {
		return s
	}
	switch e.Kind {
	case core.EvCreated:
		if e.To == core.StatusOpen {
			return "@" + who + " posted the lead"
		}
		return "@" + who + " made the referral"
	case core.EvClaimed:
		return "@" + who + " claimed it"
	case core.EvPicked:
		return "@" + who + " handed it to @" + e.Note
	case core.EvHandRaised:
		return "@" + who + " raised a hand"
	case core.EvAccepted:
		return "@" + who + " accepted"
	case core.EvDeclined:
		return "@" + who + " declined: " + e.Note
	case core.EvExpired:
		return "expired unclaimed"
	case core.EvReturned:
		return "came back to its referrer: " + cmp.Or(e.Note, "its receiver left")
	case core.EvReleased:
		return "open to claims again: " + cmp.Or(e.Note, "its owner left")
	case core.EvReassigned:
		return "@" + who + " sent it to @" + e.Note
	case core.EvCoOwner:
		return "co-owner changed" + prefixed(": ", e.Note)
	case core.EvThanked:
		s := "@" + who + " said thank you"
		if e.Note != "" {
			s += ": “" + e.Note + "”"
		}
		return s
	case core.EvFeedback:
		if old, _, ok := strings.Cut(e.Note, " → "); ok && strings.HasSuffix(old, "/5") {
			return "@" + who + " changed their rating: " + e.Note
		}
		return "@" + who + " rated it " + e.Note
	case core.EvUndone:
		return "@" + who + " undid " + cmp.Or(e.Note, "a change")
	case core.EvCorrected:
		return "@" + who + " corrected the won value" + prefixed(": ", e.Note)
	case core.EvStage:
		s := fmt.Sprintf("@%s moved it %s → %s", who, e.From, e.To)
		if e.Note != "" {
			s += ": " + e.Note
		}
		return s
	}
	return "@" + who + " " + string(e.Kind)
}

func prefixed(sep, s string) string {
	if s == "" {
		return ""
	}
	return sep + s
}

// WhoMessage renders partner suggestions for a need.
func WhoMessage(need string, ss []core.Suggestion) Message {
	m := reply("Who could help: "+firstWords(need, 10), "")
	m.Kind = "who"
	if len(ss) == 0 {
		m.Text = "Nobody's profile matches yet. Post it for everyone with /refer lead " + firstWords(need, 10) +
			" — and ask partners to fill in their tags with /refer profile set tags ..."
		return m
	}
	var lines, paused []string
	for i, s := range ss {
		lines = append(lines, fmt.Sprintf("%d. @%s — %s", i+1, s.Member.DisplayName, strings.Join(s.Reasons, ", ")))
		if s.Profile.Availability == core.Paused {
			paused = append(paused, "@"+s.Member.DisplayName)
		}
	}
	m.Text = strings.Join(lines, "\n")
	m.Footer = "Refer with /refer @name <client> — <need>. Ranking favours who has received least lately."
	if len(paused) == len(ss) { // core returns paused members only when nobody else matches
		verb := "matches, and is"
		if len(paused) > 1 {
			verb = "match, and are"
		}
		m.Text = fmt.Sprintf("Only %s %s paused — not taking referrals right now.\n%s", strings.Join(paused, ", "), verb, m.Text)
		m.Footer = "Post it for everyone with /refer lead " + firstWords(need, 10) + ", or ask them when they'll be back."
	}
	return m
}

// BuddyMessage says what /refer buddy did, and who was told — only those
// a message was actually sent to.
func BuddyMessage(p *core.Pairing) Message {
	n, m := p.Newcomer.Mention(), p.Mentor.Mention()
	if p.Already {
		return reply("Nothing changed", fmt.Sprintf("%s already is %s's mentoring buddy, so no message was sent.", m, n))
	}
	text := fmt.Sprintf("%s is %s's mentoring buddy now; ", m, n)
	switch len(p.Told) {
	case 0:
		text += "no message was sent to either of them."
	case 1:
		text += fmt.Sprintf("%s has been told (no message went to the other).", p.Told[0].Mention())
	default:
		text += "both have been told."
	}
	return reply("Buddy assigned", text)
}

// SettingsMessage renders the workspace configuration and its admins.
func SettingsMessage(st *core.Configuration, def string) Message {
	m := reply("Network settings", "")
	m.Kind = "config"
	quiet := "off"
	if st.QuietStart != st.QuietEnd {
		quiet = fmt.Sprintf("%02d:00–%02d:00", st.QuietStart, st.QuietEnd)
	}
	m.Fields = []Field{
		{"Channel", cmp.Or(st.Channel, "not set — /refer config channel #referrals")},
		{"Time zone", cmp.Or(st.TimeZone, def+" (default)")},
		{"Quiet hours", quiet},
		{"Touchpoint cadence", fmt.Sprintf("every %d days", st.CadenceDays)},
		{"Open leads expire after", fmt.Sprintf("%d days", st.LeadExpiryDays)},
		{"Stale referral follow-up after", fmt.Sprintf("%d days", st.StaleDays)},
		{"Stale handoffs released after", releaseText(st.ReleaseAfterDays)},
		{"Undo window", core.WindowText(st.UndoWindowHours)},
		{"Currency", cmp.Or(st.Currency, core.DefaultCurrency)},
		{"Fee policy", st.Fee.In(st.Currency).String()},
		{"Daily cap", dailyCap(st.DailyCap)},
	}
	for _, job := range slices.Sorted(maps.Keys(st.Schedules)) {
		m.Fields = append(m.Fields, Field{"Schedule " + job, st.Schedules[job]})
	}
	admins := make([]string, len(st.Admins))
	for i, a := range st.Admins {
		admins[i] = a.Mention()
	}
	m.Fields = append(m.Fields, Field{"Admins", cmp.Or(strings.Join(admins, ", "), "none")})
	m.Footer = "Admins change them with /refer config <setting> <value>"
	return m
}

func dailyCap(n int) string {
	if n <= 0 {
		return "none — /refer config daily-cap 10"
	}
	return plural(n, "referral") + " per member per day"
}

// ExportMessage renders a member's data export as indented JSON.
func ExportMessage(x *core.Export) Message {
	b, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		return ErrorMessage(err)
	}
	return Message{Kind: "export", Title: fmt.Sprintf("Your data (%s)", plural(len(x.Referrals), "referral")),
		Text: fmt.Sprintf("Your profile, %s, %s and %s, as JSON in %s.", plural(len(x.Referrals), "referral"),
			plural(len(x.Partnerships), "partnership"), plural(len(x.Thanks), "thank-you"), exportFile),
		Footer:     "Only you see this. Keep it somewhere safe: it includes client contacts you're entitled to.",
		Attachment: &Attachment{Name: exportFile, ContentType: "application/json", Data: append(b, '\n')}}
}

// ExportCSVMessage is the member's referrals as a spreadsheet (RFC 4180,
// a header row, amounts as plain numbers beside their currency), each as
// the member may see it.
func ExportCSVMessage(x *core.Export) (Message, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(ReferralCSVHeader())
	var row []string
	for _, r := range x.Referrals {
		row = AppendReferralCSVRow(row[:0], r)
		w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return Message{}, err
	}
	return Message{Kind: "export", Title: fmt.Sprintf("Your referrals (%d)", len(x.Referrals)),
		Text:       fmt.Sprintf("%s you gave or received, as a spreadsheet in %s.", plural(len(x.Referrals), "referral"), exportCSVFile),
		Footer:     "Only you see this. It includes client names you're entitled to.",
		Attachment: &Attachment{Name: exportCSVFile, ContentType: "text/csv", Data: buf.Bytes()}}, nil
}

// ReferralCSVHeader names the columns of a referrals CSV, in chat's
// export and the dashboard's alike.
func ReferralCSVHeader() []string {
	return []string{"code", "created", "referrer", "receiver", "client", "need", "tags", "stage",
		"estimate", "estimate_currency", "won_value", "won_currency", "closed"}
}

// AppendReferralCSVRow appends to row the cells of r under
// ReferralCSVHeader, r shown as it is (apply the visibility rule first):
// dates as ISO 8601 in UTC, amounts as plain numbers beside their
// currency, text through SafeCell. A writer of many rows reuses one.
func AppendReferralCSVRow(row []string, r core.Referral) []string {
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02")
	}
	amount := func(m core.Money) (string, string) {
		if m.IsZero() {
			return "", ""
		}
		return m.Number(), m.Currency
	}
	est, estCur := amount(r.Estimate)
	won, wonCur := amount(r.WonValue)
	return append(row, r.Code.String(), day(r.CreatedAt), SafeCell(r.ReferrerName), SafeCell(r.ReceiverName),
		SafeCell(r.ClientName), SafeCell(r.Need), SafeCell(strings.Join(r.Tags, " ")), string(r.Status),
		est, estCur, won, wonCur, day(r.ClosedAt))
}

// exportCSVFile names a member's referrals as CSV.
const exportCSVFile = "referbot-referrals.csv"

// exportFile names a member's data export.
const exportFile = "referbot-export.json"

// UndeliveredMessage lists, for admins, the messages that failed for good.
func UndeliveredMessage(ns []core.Notice) Message {
	m := reply(fmt.Sprintf("Undelivered messages (%d)", len(ns)), "")
	m.Kind = "undelivered"
	if len(ns) == 0 {
		m.Text = "Everything was delivered."
		return m
	}
	var lines []string
	for _, n := range ns {
		to := "the channel " + n.To.Channel
		if !n.To.IsChannel() {
			to = "@" + n.To.Name
		}
		what := RenderNotice(n).Title
		lines = append(lines, fmt.Sprintf("%s — to %s: “%s” — %s", n.CreatedAt.UTC().Format("2 Jan 15:04"), to, what, n.LastError))
	}
	m.Text = strings.Join(lines, "\n")
	m.Footer = "Fix the cause, then /refer undelivered retry"
	return m
}

// plural writes a count with its noun: "1 deal", "3 deals".
func plural[N int | int64](n N, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// times writes "once", "twice", "3 times".
func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}
