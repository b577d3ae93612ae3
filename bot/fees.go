package bot

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/core"
)

// Fees owed and paid, won values their referrer confirms, and the
// leaderboard: the handlers, the buttons a won referral offers, the
// notices' renderings and the replies.

func (b *Bot) confirm(ctx context.Context, c core.Caller, x grammar.Confirm) (Message, error) {
	r, err := b.svc.ConfirmWon(ctx, c, x.Code)
	if err != nil {
		return Message{}, err
	}
	m := Card(r, c.Member.ID, fmt.Sprintf("You confirmed %s: %s", r.Code, money(r.WonValue)))
	m.Text = "It counts on the leaderboards now."
	if r.FeeStatus == core.FeeOwed {
		m.Text += fmt.Sprintf(" A finder's fee of %s is owed to you; @%s has been told.", r.FeeAmount(), r.ReceiverName)
	}
	return m, nil
}

func (b *Bot) dispute(ctx context.Context, c core.Caller, x grammar.Dispute) (Message, error) {
	r, err := b.svc.DisputeWon(ctx, c, x.Code, x.Reason)
	if err != nil {
		return Message{}, err
	}
	m := Card(r, c.Member.ID, fmt.Sprintf("You disputed the value of %s (%s)", r.Code, money(r.WonValue)))
	m.Text = fmt.Sprintf("@%s and the admins have been told why. Until you confirm it (/refer confirm %s), it counts for nothing and no fee is owed.",
		r.ReceiverName, r.Code)
	return m, nil
}

func (b *Bot) fee(ctx context.Context, c core.Caller, x grammar.Fee) (Message, error) {
	r, err := b.svc.MarkFee(ctx, c, x.Code, x.Step)
	if err != nil {
		return Message{}, err
	}
	if x.Step == core.FeeReceived {
		m := Card(r, c.Member.ID, fmt.Sprintf("Fee for %s received: %s", r.Code, r.FeeAmount()))
		m.Text = fmt.Sprintf("The fee is settled; @%s has been told.", r.ReceiverName)
		return m, nil
	}
	m := Card(r, c.Member.ID, fmt.Sprintf("Fee for %s marked paid: %s", r.Code, r.FeeAmount()))
	m.Text = fmt.Sprintf("@%s has been told and can confirm receiving it.", r.ReferrerName)
	return m, nil
}

func (b *Bot) fees(ctx context.Context, c core.Caller, x grammar.Fees) (Message, error) {
	book, err := b.svc.Fees(ctx, c, core.FeesRequest(x))
	if err != nil {
		return Message{}, err
	}
	return FeesMessage(book, c.Member.ID, c.Workspace.Settings.Currency), nil
}

func (b *Bot) leaderboard(ctx context.Context, c core.Caller, x grammar.Leaderboard) (Message, error) {
	lb, err := b.svc.Leaderboard(ctx, c, x.Period)
	if err != nil {
		return Message{}, err
	}
	return LeaderboardMessage(lb), nil
}

// feeRoute reads "/refer/fee/R-1042/paid" and "/refer/fee/R-1042/received".
func feeRoute(v Vars) (grammar.Command, error) {
	c, err := v.Code()
	if err != nil {
		return nil, err
	}
	switch step := core.FeeStatus(v["step"]); step {
	case core.FeePaid, core.FeeReceived:
		return grammar.Fee{Code: c, Step: step}, nil
	}
	return nil, staleButton()
}

// wonButtons are what a won referral offers a viewer: its referrer
// confirms or disputes the value, then confirms receiving the fee; its
// owner marks the fee paid, and thanks the referrer.
func wonButtons(r *core.Referral, viewerID int64) []Button {
	var bs []Button
	c := r.Code
	if viewerID == r.ReferrerID {
		bs = append(bs, confirmButtons(r)...)
		if r.FeeStatus == core.FeePaid {
			bs = append(bs, Button{"Confirm fee received", action("fee", c, string(core.FeeReceived)), Primary})
		}
	}
	if r.Owns(viewerID) {
		if r.FeeStatus == core.FeeOwed {
			bs = append(bs, Button{"Mark fee paid", action("fee", c, string(core.FeePaid)), Primary})
		}
		if !r.Thanked {
			bs = append(bs, thankButton(r))
		}
	}
	return bs
}

// confirmButtons ask the referrer about a won value awaiting their word.
func confirmButtons(r *core.Referral) []Button {
	if r.WonConfirmation != core.Unconfirmed {
		return nil
	}
	return []Button{{"Confirm " + money(r.WonValue), action("confirm", r.Code), Primary}, {"Dispute", action("dispute", r.Code), Danger}}
}

// wonValue is the won value with where its confirmation stands.
func wonValue(r *core.Referral) string {
	v := money(r.WonValue)
	switch r.WonConfirmation {
	case core.Unconfirmed:
		v += fmt.Sprintf(" (awaiting @%s's confirmation)", r.ReferrerName)
	case core.Disputed:
		v += fmt.Sprintf(" (disputed by @%s)", r.ReferrerName)
	}
	return v
}

// feeStatusText says where a fee stands, after its amount.
var feeStatusText = map[core.FeeStatus]string{
	core.FeeAwaiting: "once the won value is confirmed",
	core.FeeOwed:     "owed",
	core.FeeDisputed: "on hold: the won value is disputed",
	core.FeePaid:     "paid",
	core.FeeReceived: "paid and received",
}

// feeText describes a referral's fee terms, and the fee once won.
func feeText(r *core.Referral) string {
	fee := r.Fee.String()
	if st, ok := feeStatusText[r.FeeStatus]; ok && r.Status == core.StatusWon {
		fee += fmt.Sprintf(" — %s %s", r.FeeAmount(), st)
	}
	return fee
}

// wonNotice tells the referrer their referral was won, and asks them to
// confirm its value (or dispute it).
func wonNotice(d draft) (Message, bool) {
	text := fmt.Sprintf("%s won the deal with %s for %s. Thank you for the introduction!", d.actor, d.client(), money(d.r.WonValue))
	switch {
	case d.r.WonConfirmation == core.Unconfirmed:
		text += "\nIs that the right value? Confirm it and it counts on the leaderboards"
		if d.r.FeeStatus == core.FeeAwaiting {
			text += fmt.Sprintf(", and your finder's fee of %s is owed", d.r.FeeAmount())
		}
		text += fmt.Sprintf(". If it's wrong, dispute it: /refer dispute %s <what is wrong>", d.code)
	case d.r.FeeStatus == core.FeeOwed: // won before values were confirmed
		text += fmt.Sprintf("\nA finder's fee of %s is owed to you.", d.r.FeeAmount())
	}
	return d.card(fmt.Sprintf("Your referral %s was won 🎉", d.code), text, confirmButtons(d.r)...)
}

// The fee notices, by kind (see notices).
func wonConfirmedNotice(d draft) (Message, bool) {
	text := "It counts on the leaderboards now."
	var bs []Button
	if d.r.FeeStatus == core.FeeOwed {
		text = fmt.Sprintf("A finder's fee of %s is owed to @%s. Once you've paid it: /refer fee %s paid", d.r.FeeAmount(), d.r.ReferrerName, d.code)
		bs = append(bs, Button{"Mark fee paid", action("fee", d.r.Code, string(core.FeePaid)), Primary})
	}
	return d.card(fmt.Sprintf("%s confirmed the value of %s: %s", d.actor, d.code, money(d.r.WonValue)), text, bs...)
}

func wonDisputedNotice(d draft) (Message, bool) {
	text := "Until it is put right and confirmed, it counts for nothing and no fee is owed."
	if d.n.Text != "" {
		text = "Reason: " + d.n.Text + "\n" + text
	}
	return d.card(fmt.Sprintf("%s disputes the won value of %s (%s)", d.actor, d.code, money(d.r.WonValue)), text)
}

func feePaidNotice(d draft) (Message, bool) {
	return d.card(fmt.Sprintf("%s paid your finder's fee for %s: %s", d.actor, d.code, d.r.FeeAmount()),
		fmt.Sprintf("Once it has reached you, confirm it: /refer fee %s received", d.code),
		Button{"Confirm fee received", action("fee", d.r.Code, string(core.FeeReceived)), Primary})
}

func feeReceivedNotice(d draft) (Message, bool) {
	return d.say(fmt.Sprintf("%s received the finder's fee for %s", d.actor, d.code),
		fmt.Sprintf("%s — settled. Thank you!", d.r.FeeAmount()))
}

// describeFeeEvent says what a fee step in a referral's history was.
func describeFeeEvent(e core.Event, who string) (string, bool) {
	switch e.Kind {
	case core.EvWonConfirmed:
		return "@" + who + " confirmed the won value" + prefixed(": ", e.Note), true
	case core.EvWonDisputed:
		return "@" + who + " disputed the won value" + prefixed(": ", e.Note), true
	case core.EvFeePaid:
		return "@" + who + " paid the finder's fee" + prefixed(": ", e.Note), true
	case core.EvFeeReceived:
		return "@" + who + " received the finder's fee" + prefixed(": ", e.Note), true
	}
	return "", false
}

// FeeSumLines are fee sums by where they stand, one line each: "owed
// USD 480 · EUR 200", "paid USD 300"; none when there is none. /refer
// fees joins them on one line, the dashboard's admin page lists them.
func FeeSumLines(fs core.FeeSums, cur string) []string {
	var lines []string
	for _, p := range []struct {
		name string
		as   core.Amounts
	}{{"owed", fs.Owed}, {"awaiting confirmation", fs.Awaiting}, {"disputed", fs.Disputed}, {"paid", fs.Paid}} {
		if len(p.as) > 0 {
			lines = append(lines, p.name+" "+sums(p.as, cur))
		}
	}
	return lines
}

// feeSumsText writes fee sums on one line: "owed USD 480 · EUR 200; paid
// USD 300"; "" when there is none.
func feeSumsText(fs core.FeeSums, cur string) string {
	return strings.Join(FeeSumLines(fs, cur), "; ")
}

// maxFeeLines caps the fees a reply lists one by one.
const maxFeeLines = 20

// FeesMessage renders /refer fees: per member, what they pay and get per
// currency, then the fees one by one, with buttons for the viewer's next
// steps.
func FeesMessage(book *core.FeeBook, viewerID int64, cur string) Message {
	what := map[string]string{"": "", "owed": " owed", "paid": " paid", "awaiting": " awaiting confirmation", "disputed": " disputed"}[book.Filter]
	title := "Your fees" + what
	if book.Everyone {
		title = "Fees" + what + " in the network"
	}
	m := reply(fmt.Sprintf("%s — %s", title, book.Period.Label), "")
	m.Kind = "fees"
	if len(book.Fees) == 0 {
		m.Text = "None." + map[bool]string{true: " Fee terms go with each referral: `fee 10%` or `fee 300` after the need.", false: ""}[book.Filter == ""]
		return m
	}
	for _, t := range book.Members {
		var lines []string
		if s := feeSumsText(t.Pays, cur); s != "" {
			lines = append(lines, "pays: "+s)
		}
		if s := feeSumsText(t.Gets, cur); s != "" {
			lines = append(lines, "gets: "+s)
		}
		name := "@" + t.Name
		if !book.Everyone && t.MemberID == viewerID {
			name = "You"
		}
		m.Fields = append(m.Fields, Field{name, cmp.Or(strings.Join(lines, "\n"), "nothing")})
	}
	var lines []string
	for i, f := range book.Fees {
		r := &f.Referral
		if i == maxFeeLines {
			lines = append(lines, fmt.Sprintf("… and %d more", len(book.Fees)-maxFeeLines))
			break
		}
		amount := f.Amount.String()
		if r.AmountsHidden {
			amount = "amount " + PrivateAmounts + ","
		}
		line := fmt.Sprintf("`%s` %s · @%s → @%s · %s %s", r.Code, clientOr(r), r.ReferrerName, r.ReceiverName, amount, feeStatusText[r.FeeStatus])
		switch {
		case !r.ClosedAt.IsZero() && r.AmountsHidden:
			line += fmt.Sprintf(" (won %s)", r.ClosedAt.Format("2 Jan 2006"))
		case !r.ClosedAt.IsZero():
			line += fmt.Sprintf(" (won %s, %s)", money(r.WonValue), r.ClosedAt.Format("2 Jan 2006"))
		}
		lines = append(lines, line)
		if len(m.Buttons) < 5 {
			for _, bt := range wonButtons(r, viewerID) {
				if strings.HasPrefix(bt.Action, "/refer/fee/") || strings.HasPrefix(bt.Action, "/refer/confirm/") {
					bt.Label += " " + r.Code.String()
					m.Buttons = append(m.Buttons, bt)
				}
			}
		}
	}
	m.Buttons = m.Buttons[:min(len(m.Buttons), 5)]
	m.Fields = append(m.Fields, Field{"Fees", strings.Join(lines, "\n")})
	m.Footer = "By deals won in the period (paid: by payments in it). Paid one? /refer fee R-<n> paid"
	return m
}

// LeaderboardMessage renders /refer leaderboard.
func LeaderboardMessage(lb *core.Leaderboard) Message {
	m := reply("Leaderboard — "+lb.Period.Label, "")
	m.Kind = "leaderboard"
	if len(lb.Givers) == 0 {
		m.Text = "No referrals given in this period yet. Refer a client with /refer @partner <client> — <need>."
	}
	m.Fields = boardFields(lb, BoardTop)
	m.Footer = fmt.Sprintf(core.RankRule, lb.Currency)
	return m
}

// BoardTop is how many top givers a leaderboard reply lists.
const BoardTop = core.BoardSize

// boardFields are a leaderboard's top givers (at most top), most improved
// and newcomers' first wins, as fields.
func boardFields(lb *core.Leaderboard, top int) []Field {
	var fs []Field
	var lines []string
	for i, e := range lb.Givers {
		if i == top {
			break
		}
		lines = append(lines, fmt.Sprintf("%d. %s", i+1, giverLine(e, lb.Currency)))
	}
	if len(lines) > 0 {
		fs = append(fs, Field{"Top givers", strings.Join(lines, "\n")})
	}
	if len(lb.Improved) > 0 && lb.Previous != nil {
		lines = nil
		for _, im := range lb.Improved {
			lines = append(lines, "@"+im.Now.Name+" — "+improvement(im, lb.Currency))
		}
		fs = append(fs, Field{"Most improved (against " + lb.Previous.Label + ")", strings.Join(lines, "\n")})
	}
	if len(lb.FirstWins) > 0 {
		lines = nil
		for _, f := range lb.FirstWins {
			how := "a deal they won"
			if f.Gave {
				how = "a referral they gave"
			}
			lines = append(lines, fmt.Sprintf("@%s — %s, %s", f.Name, f.Code, how))
		}
		fs = append(fs, Field{"Newcomers' first wins 🎉", strings.Join(lines, "\n")})
	}
	return fs
}

// giverLine describes a top giver: "@carol — USD 1,000 from 2 confirmed
// deals, 2 referrals given".
func giverLine(e core.BoardEntry, cur string) string {
	line := fmt.Sprintf("@%s — %s given", e.Name, plural(e.Given, "referral"))
	if e.Deals > 0 {
		line = fmt.Sprintf("@%s — %s from %s, %s given", e.Name, sums(e.Value, cur), plural(e.Deals, "confirmed deal"), plural(e.Given, "referral"))
	}
	if e.Won > e.Deals || e.Referred > e.Given {
		line += fmt.Sprintf(" (repeats of a client counted once: %s, %s in all)", plural(e.Won, "deal"), plural(e.Referred, "referral"))
	}
	return line
}

// improvement says what went up, in the order top givers are ranked.
func improvement(im core.Improvement, cur string) string {
	now, before := im.Now, im.Before
	switch {
	case now.Deals != before.Deals:
		return fmt.Sprintf("%s, up from %d", plural(now.Deals, "confirmed deal"), before.Deals)
	case now.Value.Get(cur).Cents != before.Value.Get(cur).Cents:
		return fmt.Sprintf("%s won, up from %s", now.Value.Get(cur).Money(), before.Value.Get(cur).Money())
	}
	return fmt.Sprintf("%s given, up from %d", plural(now.Given, "referral"), before.Given)
}
