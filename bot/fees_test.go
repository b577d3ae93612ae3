package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/fixture"
)

// click presses a button as the named member.
func (h *bench) click(t *testing.T, who, action string) []bot.Message {
	t.Helper()
	return h.bot.HandleAction(context.Background(), core.Identity{Platform: core.Slack, TeamID: "T1",
		UserID: "U" + strings.ToUpper(who), UserName: who, Channel: "<#C1>"}, action)
}

// to keeps the rendered notices addressed to one platform user.
func to(ms []bot.Message, userID string) []bot.Message {
	var out []bot.Message
	for _, m := range ms {
		if m.To == userID {
			out = append(out, m)
		}
	}
	return out
}

func mustSay(t *testing.T, what string, ms []bot.Message, wants ...string) {
	t.Helper()
	got := text(ms)
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

func TestFees_ConfirmMarkPaidAndReceivedByButtonAndCommand(t *testing.T) {
	t.Parallel()
	h := newBench(t)
	h.do(t, "org", "config quiet off")
	mustSay(t, "refer", h.do(t, "bob", "<@UALICE|alice> Acme — new website ~5k fee 10%"), "Fee: finder's fee 10% of won value")
	h.do(t, "alice", "accept R-1001")
	mustSay(t, "won", h.do(t, "alice", "won R-1001 4800"), "Won: USD 4,800 (awaiting @bob's confirmation)",
		"USD 480 once the won value is confirmed")

	// bob's won DM asks him; the fee isn't owed yet.
	dm := to(h.notices(t), "UBOB")
	mustSay(t, "bob's won DM", dm, "Confirm it and it counts on the leaderboards, and your finder's fee of USD 480 is owed")
	if !hasButton(dm, "/refer/confirm/R-1001") || !hasButton(dm, "/refer/dispute/R-1001") {
		t.Fatalf("bob's won DM lacks Confirm / Dispute: %+v", dm)
	}
	if ms := h.click(t, "alice", "/refer/fee/R-1001/paid"); len(ms) != 1 || !ms[0].IsError() {
		t.Errorf("paying before it's owed: %s", text(ms))
	}

	mustSay(t, "confirm", h.click(t, "bob", "/refer/confirm/R-1001"), "You confirmed R-1001: USD 4,800",
		"A finder's fee of USD 480 is owed to you; @alice has been told.")
	dm = to(h.notices(t), "UALICE")
	mustSay(t, "alice's DM", dm, "@bob confirmed the value of R-1001", "A finder's fee of USD 480 is owed to @bob")
	if !hasButton(dm, "/refer/fee/R-1001/paid") {
		t.Fatalf("the owed-fee DM lacks Mark paid: %s", text(dm))
	}

	mustSay(t, "paid", h.click(t, "alice", "/refer/fee/R-1001/paid"), "Fee for R-1001 marked paid: USD 480")
	dm = to(h.notices(t), "UBOB")
	mustSay(t, "bob's paid DM", dm, "@alice paid your finder's fee for R-1001: USD 480")
	if !hasButton(dm, "/refer/fee/R-1001/received") {
		t.Fatalf("the paid DM lacks Confirm fee received: %s", text(dm))
	}
	mustSay(t, "received", h.do(t, "bob", "fee R-1001 received"), "Fee for R-1001 received")
	mustSay(t, "show", h.do(t, "bob", "show R-1001"), "USD 480 paid and received",
		"@bob confirmed the won value: USD 4,800", "@alice paid the finder's fee: USD 480", "@bob received the finder's fee: USD 480")
}

func TestFees_DisputeAndTheLists(t *testing.T) {
	t.Parallel()
	h := newBench(t)
	h.do(t, "org", "config quiet off")
	h.do(t, "bob", "<@UALICE|alice> Acme — new website fee EUR 300")
	h.do(t, "alice", "accept R-1001")
	h.do(t, "alice", "won R-1001 48000")
	h.notices(t)
	if ms := h.click(t, "bob", "/refer/dispute/R-1001"); len(ms) != 1 || !ms[0].IsError() || !strings.Contains(ms[0].Text, "dispute R-1001") {
		t.Errorf("a Dispute click without a form says what to type: %s", text(ms))
	}
	mustSay(t, "dispute", h.do(t, "bob", "dispute R-1001 it was 4,800"), "You disputed the value of R-1001 (USD 48,000)")
	all := h.notices(t)
	mustSay(t, "alice's DM", to(all, "UALICE"), "@bob disputes the won value of R-1001", "Reason: it was 4,800")
	mustSay(t, "the admin's DM", to(all, "UORG"), "Reason: it was 4,800", "Acme")

	h.do(t, "bob", "<@UCAROL|carol> Initech — bookkeeping fee 10%")
	h.do(t, "carol", "accept R-1002")
	h.do(t, "carol", "won R-1002 1000 EUR")
	h.do(t, "bob", "confirm R-1002")
	mustSay(t, "bob's fees", h.do(t, "bob", "fees"), "Your fees — all time",
		"You: gets: owed EUR 100; disputed EUR 300", "`R-1002` Initech · @bob → @carol · EUR 100 owed")
	mustSay(t, "carol's owed", h.do(t, "carol", "fees owed this-month"), "You: pays: owed EUR 100")
	if ms := h.do(t, "carol", "fees owed"); !hasButton(ms, "/refer/fee/R-1002/paid") {
		t.Errorf("carol's list of owed fees lacks Mark paid: %+v", ms)
	}
	mustSay(t, "the admin's", h.do(t, "org", "fees"), "Fees in the network — all time", "@alice: pays: disputed EUR 300",
		"@bob: gets: owed EUR 100; disputed EUR 300", "@carol: pays: owed EUR 100")
	mustSay(t, "nothing paid", h.do(t, "org", "fees paid last-month"), "None.")
}

func TestLeaderboard_Reply(t *testing.T) {
	t.Parallel()
	h := newBench(t)
	h.do(t, "bob", "<@UALICE|alice> Acme — new website")
	h.do(t, "alice", "accept R-1001")
	h.do(t, "alice", "won R-1001 4800")
	h.do(t, "carol", "<@UALICE|alice> Initech — bookkeeping")
	mustSay(t, "before confirming", h.do(t, "dan", "leaderboard this-month"), "Leaderboard — May 2026",
		"1. @bob — 1 referral given", "2. @carol — 1 referral given", "Ranked by confirmed won deals")
	h.do(t, "bob", "confirm R-1001")
	h.now = h.now.Add(time.Hour)
	mustSay(t, "confirmed", h.do(t, "dan", "top 2026-05..2026-06"), "Leaderboard — May – June 2026",
		"1. @bob — USD 4,800 from 1 confirmed deal, 1 referral given", "Most improved (against March – April 2026)",
		"@bob — 1 confirmed deal, up from 0", "Newcomers' first wins", "@bob — R-1001, a referral they gave",
		"@alice — R-1001, a deal they won")
	if ms := h.do(t, "dan", "leaderboard fortnight"); len(ms) != 1 || !ms[0].IsError() {
		t.Errorf("a bad period: %s", text(ms))
	}
}

func TestRoutes_FeeButtons(t *testing.T) {
	t.Parallel()
	for action, want := range map[string]grammar.Command{
		"/refer/confirm/R-1042":      grammar.Confirm{Code: 1042},
		"/refer/dispute/R-1042":      grammar.Dispute{Code: 1042},
		"/refer/fee/R-1042/paid":     grammar.Fee{Code: 1042, Step: core.FeePaid},
		"/refer/fee/R-1042/received": grammar.Fee{Code: 1042, Step: core.FeeReceived},
	} {
		if got, err := bot.ActionCommand(action); err != nil || got != want {
			t.Errorf("%s = %#v, %v; want %#v", action, got, err, want)
		}
	}
	for _, bad := range []string{"/refer/fee/R-1042/owed", "/refer/fee/R-1042", "/refer/confirm/x"} {
		if _, err := bot.ActionCommand(bad); err == nil {
			t.Errorf("%s was accepted", bad)
		}
	}
}

func TestQuarterlyMessage_TopGiversByTheLeaderboard(t *testing.T) {
	t.Parallel()
	rep := fixture.QuarterlyReport()
	q3 := core.QuarterOf(time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC))
	usd := func(cents int64, n int) core.Amounts { return core.Amounts{{Currency: "USD", Cents: cents, Count: n}} }
	rep.Leaderboard = &core.Leaderboard{Period: rep.Period, Previous: &q3, Currency: "USD",
		Givers: []core.BoardEntry{
			{Name: "carol", Deals: 2, Won: 2, Value: usd(100000, 2), Given: 2, Referred: 2},
			{Name: "alice", Deals: 1, Won: 3, Value: usd(100000, 1), Given: 1, Referred: 4},
			{Name: "bob", Deals: 1, Won: 1, Value: usd(20000, 1), Given: 2, Referred: 2},
			{Name: "dana", Given: 1, Referred: 1},
		},
		Improved:  []core.Improvement{{Now: core.BoardEntry{Name: "carol", Deals: 2}, Before: core.BoardEntry{Name: "carol"}}},
		FirstWins: []core.FirstWin{{Name: "dana", Code: 1011, Gave: true}},
	}
	m := bot.QuarterlyMessage(rep)
	mustSay(t, "the quarterly", []bot.Message{m},
		"Top givers: 1. @carol — USD 1,000 from 2 confirmed deals, 2 referrals given\n"+
			"2. @alice — USD 1,000 from 1 confirmed deal, 1 referral given (repeats of a client counted once: 3 deals, 4 referrals in all)\n"+
			"3. @bob — USD 200 from 1 confirmed deal, 2 referrals given\n",
		"Most improved (against Q3 2026): @carol — 2 confirmed deals, up from 0",
		"Newcomers' first wins 🎉: @dana — R-1011, a referral they gave",
		"Ranked by confirmed won deals from referrals given, then their value in USD")
	if strings.Contains(text([]bot.Message{m}), "@dana — 1 referral given") {
		t.Error("the celebration names more than three top givers")
	}
}
