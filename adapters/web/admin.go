package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// adminView is the admins' page body.
type adminView struct {
	Label        string
	Health       []kpi
	Warnings     table
	Flags        table
	Dismissed    string
	FlagsCSV     string
	FeeTotals    table
	Fees         table
	FeesCSV      string
	FeesUnlisted string
	Undelivered  table
}

// admin serves GET /dashboard/admin: network health, abuse flags, fees
// and undelivered messages. The read model refuses non-admins
// (EFORBIDDEN), which fail turns into a 403 page.
func (s *Server) admin(w http.ResponseWriter, r *http.Request, v *Viewer) {
	period := r.URL.Query().Get("period")
	ap, err := s.data.AdminPage(r.Context(), v.Caller, period)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p := s.newPage(r, v, "Admin — "+ap.Period.Label, "admin")
	p.PeriodLabel = ap.Period.Label
	loc := s.location(v.Caller.Workspace)
	body := adminView{Label: ap.Period.Label, FlagsCSV: withPeriod("/dashboard/flags.csv", period),
		FeesCSV: withPeriod("/dashboard/fees.csv", period), Undelivered: undeliveredTable(ap.Undelivered, loc)}
	if h := ap.Health; h != nil {
		body.Health = []kpi{
			{ID: "last-30", Label: "Referrals, last 30 days", Lines: []string{fmt.Sprint(h.Last30)},
				Note: fmt.Sprintf("%d in the 30 days before", h.Previous30)},
			{ID: "only-take", Label: "Only taking", Lines: []string{fmt.Sprint(len(h.OnlyTake))}},
			{ID: "gone-quiet", Label: "Gone quiet", Lines: []string{fmt.Sprint(len(h.GoneQuiet))}},
			{ID: "no-answer", Label: "Not answering", Lines: []string{fmt.Sprint(len(h.NoAnswer))}},
		}
		body.Warnings = healthTable(h)
	}
	if fr := ap.Flags; fr != nil {
		body.Flags = flagsTable(fr)
		if fr.Dismissed > 0 {
			body.Dismissed = plural(fr.Dismissed, "flag") + " dismissed before, with no new evidence since, not shown."
		}
	}
	if fb := ap.Fees; fb != nil {
		body.FeeTotals, body.Fees = feeTables(fb, v.Caller.Workspace.Settings.Currency, period)
		if fb.Unlisted > 0 {
			body.FeesUnlisted = fmt.Sprintf("The newest %s are listed, and %d more, counted in the totals above: the CSV below lists every one.",
				plural(len(fb.Fees), "fee"), fb.Unlisted)
		}
	}
	p.Body = body
	s.render(w, http.StatusOK, "admin", p)
}

// healthTable lists the members behind each warning sign, with the advice
// chat's network-health message gives.
func healthTable(h *core.Health) table {
	t := table{ID: "health-table", Caption: "What needs attention", Empty: "Nothing: the network looks healthy.",
		Head: []string{"Sign", "Members", "What helps"}}
	for _, row := range []struct {
		sign   string
		names  []string
		advice string
	}{
		{"Only taking", h.OnlyTake, "Received referrals this year but gave none: ask what kind of client they could send."},
		{"Gone quiet", h.GoneQuiet, "No referral given or received in 90 days: a check-in, or pair them with a buddy."},
		{"Not answering", h.NoAnswer, "Referrals waiting over a week for accept or decline: the referrers are left hanging."},
	} {
		if len(row.names) > 0 {
			t.Rows = append(t.Rows, []cell{text(row.sign), text("@" + strings.Join(row.names, ", @")), text(row.advice)})
		}
	}
	return t
}

// flagsTable lists the open abuse flags in chat's words (bot.FlagLine).
func flagsTable(fr *core.FlagReport) table {
	t := table{ID: "flags-table", Caption: fmt.Sprintf("Abuse flags — %s (%d)", fr.Period.Label, len(fr.Flags)),
		Empty: "Nothing looks gamed: no rings with fees, no client referred again and again, nobody at the daily cap, no referrer whose leads never convert.",
		Head:  []string{"Flag", "What", "Evidence"}}
	for _, f := range fr.Flags {
		what, _, _ := strings.Cut(bot.FlagLine(f, false), " — ")
		ev := strings.Join(bot.EvidenceCodes(f, core.FlagCodesKept), ", ")
		t.Rows = append(t.Rows, []cell{text(f.ID), text(what), text(ev)})
	}
	return t
}

// feeTables are each member's fee sums and the fees one by one.
func feeTables(fb *core.FeeBook, cur, period string) (totals, fees table) {
	totals = table{ID: "fee-totals-table", Caption: "Fees by member — " + fb.Period.Label, Empty: "No fees in this period.",
		Head: []string{"Member", "Pays", "Gets"}}
	for _, m := range fb.Members {
		totals.Rows = append(totals.Rows, []cell{memberLink(m.MemberID, m.Name, period),
			{Lines: feeLines(m.Pays, cur)}, {Lines: feeLines(m.Gets, cur)}})
	}
	fees = table{ID: "fees-table", Caption: "Fees, newest deal first", Empty: "No fees in this period.",
		Head: []string{"Referral", "From → to", "Client", "Fee", "Stands", "Won"}}
	for _, f := range fb.Fees {
		r := &f.Referral
		amount, won := f.Amount.String(), ""
		if r.AmountsHidden {
			amount = bot.PrivateAmounts
		} else if !r.WonValue.IsZero() {
			won = r.WonValue.String()
		}
		if !r.ClosedAt.IsZero() {
			won = strings.TrimSpace(won + " " + r.ClosedAt.Format("2006-01-02"))
		}
		fees.Rows = append(fees.Rows, []cell{codeLink(r.Code), text("@" + r.ReferrerName + " → @" + r.ReceiverName),
			text(clientOr(r)), text(amount), text(string(r.FeeStatus)), text(won)})
	}
	return totals, fees
}

// feeLines are fee sums by where they stand, one line each, in the words
// of /refer fees (bot.FeeSumLines); "nothing" when there is none.
func feeLines(fs core.FeeSums, cur string) []string {
	if lines := bot.FeeSumLines(fs, cur); len(lines) > 0 {
		return lines
	}
	return []string{"nothing"}
}

// undeliveredTable lists messages that failed for good, as chat's
// /refer undelivered does.
func undeliveredTable(ns []core.Notice, loc *time.Location) table {
	t := table{ID: "undelivered-table", Caption: fmt.Sprintf("Undelivered messages (%d)", len(ns)),
		Empty: "Everything was delivered.", Head: []string{"Queued", "To", "Message", "Last error"}}
	for _, n := range ns {
		to := "the channel " + n.To.Channel
		if !n.To.IsChannel() {
			to = "@" + n.To.Name
		}
		t.Rows = append(t.Rows, []cell{text(n.CreatedAt.In(loc).Format("2006-01-02 15:04")), text(to),
			text(bot.RenderNotice(n).Title), text(n.LastError)})
	}
	return t
}
