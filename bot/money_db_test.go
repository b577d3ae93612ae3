package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/testenv"
)

// network is a bot over a fresh database, and a way to type as someone.
type network struct {
	t   *testing.T
	bot *bot.Bot
}

func newNetwork(t *testing.T) *network {
	t.Helper()
	e := testenv.New(t, testenv.Options{At: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)})
	n := &network{t: t, bot: e.Bot}
	n.as("organiser", "config") // the first member is the admin
	return n
}

func id(name string) core.Identity {
	return core.Identity{Platform: core.Slack, TeamID: "T1", UserID: "U-" + name, UserName: name, Channel: "#referrals"}
}

// as types a command and returns the first reply, all its text in one.
func (n *network) as(name, text string) (bot.Message, string) {
	n.t.Helper()
	ms := n.bot.Handle(context.Background(), bot.Request{Identity: id(name), Text: text})
	if len(ms) == 0 {
		n.t.Fatalf("%s: /refer %s: no reply", name, text)
	}
	return ms[0], said(ms[0])
}

func said(m bot.Message) string {
	parts := []string{m.Title, m.Text}
	for _, f := range m.Fields {
		parts = append(parts, f.Name+": "+f.Value)
	}
	return strings.Join(parts, "\n")
}

func (n *network) must(name, text string, want ...string) bot.Message {
	n.t.Helper()
	m, s := n.as(name, text)
	if m.Kind == "error" {
		n.t.Fatalf("%s: /refer %s: %s", name, text, s)
	}
	for _, w := range want {
		if !strings.Contains(m.Text, w) {
			n.t.Errorf("%s: /refer %s: reply text %q lacks %q", name, text, m.Text, w)
		}
	}
	return m
}

func TestWon_ReplySaysTheAmountBackExactly(t *testing.T) {
	t.Parallel()
	n := newNetwork(t)
	n.as("alice", "profile")
	n.must("bob", "@alice Acme — new website ~5k", "Estimated value: USD 5,000")
	n.must("bob", "lead bookkeeping for a bakery ~€1,200", "Estimated value: EUR 1,200")
	n.must("alice", "accept R-1001")

	// An ambiguous amount is refused with its readings, and nothing changes.
	m, s := n.as("alice", "won R-1001 1 000,50")
	if m.Kind != "error" || !strings.Contains(s, "1,000.50 or 100,050") {
		t.Fatalf("won 1 000,50: %s", s)
	}
	if _, s := n.as("alice", "show R-1001"); !strings.Contains(s, "Stage: accepted") {
		t.Fatalf("after a refused amount: %s", s)
	}

	n.must("alice", "won R-1001 5 000 EUR signed", "Won: EUR 5,000.")
	if _, s := n.as("alice", "show R-1001"); !strings.Contains(s, "Won: EUR 5,000") {
		t.Fatalf("show after won: %s", s)
	}

	// 5m EUR is a thousand times the largest EUR deal: asked, not stored.
	n.must("bob", "@alice Globex — shop")
	n.must("alice", "accept R-1003")
	m, s = n.as("alice", "won R-1003 EUR 5m")
	if m.Kind != "confirm" || !strings.Contains(s, "EUR 5,000,000") || len(m.Buttons) != 1 {
		t.Fatalf("won 5m: %s %+v", s, m.Buttons)
	}
	if got, want := m.Buttons[0].Action, "/refer/won/R-1003/confirm/5000000EUR"; got != want {
		t.Fatalf("confirm button %q, want %q", got, want)
	}
	if _, s := n.as("alice", "show R-1003"); !strings.Contains(s, "Stage: accepted") {
		t.Fatalf("an unconfirmed value was stored: %s", s)
	}
	ms := n.bot.HandleAction(context.Background(), id("alice"), m.Buttons[0].Action)
	if len(ms) == 0 || !strings.Contains(ms[0].Text, "Won: EUR 5,000,000.") {
		t.Fatalf("confirm click: %+v", ms)
	}

	// Typed confirmation works the same.
	n.must("bob", "@alice Initech — app")
	n.must("alice", "accept R-1004")
	n.must("alice", "won R-1004 900m eur confirm", "Won: EUR 900,000,000.")
}

func TestWon_YenHaveNoCents(t *testing.T) {
	t.Parallel()
	n := newNetwork(t)
	n.must("organiser", "config currency JPY")
	n.as("alice", "profile")
	n.must("bob", "@alice Acme — new website ~500k", "Estimated value: JPY 500,000")
	n.must("alice", "accept R-1001")
	if m, s := n.as("alice", "won R-1001 5000.50"); m.Kind != "error" || !strings.Contains(s, "JPY has no cents") {
		t.Fatalf("won 5000.50 in yen: %s", s)
	}
	n.must("alice", "won R-1001 ¥480,000", "Won: JPY 480,000.")
}

func TestProfileAndFee_SayTheAmountBack(t *testing.T) {
	t.Parallel()
	n := newNetwork(t)
	n.must("organiser", "config currency EUR")
	n.must("alice", "profile set min-budget 2k", "Minimum budget: EUR 2,000")
	n.must("alice", "profile set billing fixed min 1 500", "Minimum budget: EUR 1,500")
	n.must("organiser", "config fee 250", "Fee policy: finder's fee EUR 250.")
	// A fixed fee keeps the currency it was set in.
	n.must("organiser", "config fee $250", "Fee policy: finder's fee USD 250.")
	if m, s := n.as("organiser", "config fee 2.500"); m.Kind != "error" || !strings.Contains(s, "2.50 or 2,500") {
		t.Fatalf("ambiguous fee: %s", s)
	}
}

func TestStatsMessage_YenWithoutCents(t *testing.T) {
	t.Parallel()
	yen := core.Amounts{{Currency: "JPY", Cents: 480000, Count: 1}}
	m := bot.StatsMessage(&core.Stats{Currency: "JPY", Revenue: yen, Deals: 1, AvgDeal: yen, Period: core.Period{Label: "Q1 2026"}})
	if s := said(m); !strings.Contains(s, "Revenue from referrals: JPY 480,000 from 1 deal") || !strings.Contains(s, "Average deal: JPY 480,000") {
		t.Fatalf("stats in yen:\n%s", s)
	}
}
