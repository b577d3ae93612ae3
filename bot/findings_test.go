package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/internal/testenv"
)

// bench is the real bot over a real database, spoken to as Slack members.
type bench struct {
	svc *core.Service
	db  *postgres.DB
	bot *bot.Bot
	now time.Time
}

func newBench(t *testing.T) *bench {
	t.Helper()
	db, _ := testenv.DB(t)
	// The service reads the bench's own clock, which tests move by setting h.now.
	h := &bench{db: db, now: time.Date(2026, 5, 4, 11, 0, 0, 0, time.UTC)}
	h.svc = core.NewService(db, core.Options{Now: func() time.Time { return h.now }})
	h.bot = bot.New(h.svc, nil)
	return h
}

// do runs a command as the named member and returns the replies.
func (h *bench) do(t *testing.T, who, text string) []bot.Message {
	t.Helper()
	return h.bot.Handle(context.Background(), bot.Request{Identity: core.Identity{Platform: core.Slack, TeamID: "T1",
		UserID: "U" + strings.ToUpper(who), UserName: who, Channel: "<#C1>"}, Text: text})
}

// notices claims the queued notices and renders them.
func (h *bench) notices(t *testing.T) []bot.Message {
	t.Helper()
	ctx := context.Background()
	ns, err := h.db.ClaimNotices(ctx, core.Slack, 100, h.now.Add(24*time.Hour), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var out []bot.Message
	for _, n := range ns {
		out = append(out, bot.RenderNotice(n))
		if err := h.db.MarkDelivered(ctx, n.WorkspaceID, n.ID, "", h.now); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func hasButton(ms []bot.Message, action string) bool {
	for _, m := range ms {
		for _, b := range m.Buttons {
			if b.Action == action {
				return true
			}
		}
	}
	return false
}

func text(ms []bot.Message) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(m.Title + "\n" + m.Text + "\n")
		for _, f := range m.Fields {
			b.WriteString(f.Name + ": " + f.Value + "\n")
		}
		b.WriteString(m.Footer + "\n")
	}
	return b.String()
}

func TestThanks_NoThankButtonOnceThanked(t *testing.T) {
	t.Parallel()
	h := newBench(t)
	h.do(t, "bob", "<@UALICE|alice> Acme — new website")
	h.do(t, "alice", "accept R-1001")
	won := h.do(t, "alice", "won R-1001 4800")
	const thank = "/refer/thanks/R-1001"
	if !hasButton(won, thank) || !hasButton(h.do(t, "alice", "show R-1001"), thank) {
		t.Fatalf("a won referral not yet thanked offers no Thank button: %s", text(won))
	}
	var card bool
	for _, m := range h.notices(t) {
		card = card || m.Kind == string(core.NoticeCard) && hasButton([]bot.Message{m}, thank)
	}
	if !card {
		t.Fatal("the offer card refreshed on won lacks the Thank button")
	}

	if got := text(h.do(t, "alice", "thanks R-1001 Thank you Bob!")); !strings.Contains(got, "Thank-you sent") {
		t.Fatalf("thanks: %s", got)
	}
	if show := h.do(t, "alice", "show R-1001"); hasButton(show, thank) {
		t.Errorf("show after the thanks still offers Thank: %+v", show[0].Buttons)
	}
	var refreshed bool
	for _, m := range h.notices(t) {
		if m.Kind == string(core.NoticeCard) {
			refreshed = true
			if hasButton([]bot.Message{m}, thank) {
				t.Errorf("the refreshed offer card still offers Thank: %+v", m.Buttons)
			}
		}
	}
	if !refreshed {
		t.Error("the offer card was not refreshed after the thanks")
	}
	if list := h.do(t, "alice", "list"); hasButton(list, thank) {
		t.Errorf("list offers Thank: %+v", list)
	}
}

// The export is for people and spreadsheets: no "0001-01-01" times for
// what never happened, and empty lists as [], never null.
func TestExport_NoZeroTimesOrNullLists(t *testing.T) {
	t.Parallel()
	h := newBench(t)
	h.do(t, "bob", "profile set services websites")
	h.do(t, "bob", "<@UALICE|alice> Acme jane@acme.example consent — new website") // offered: never accepted or closed
	h.do(t, "carol", "export")                                                     // joins carol, who has nothing yet
	for who, wants := range map[string][]string{
		"bob":   {`"client_contact": "jane@acme.example"`, `"services": "websites"`, `"tags": []`, `"partnerships": [`},
		"carol": {`"referrals": []`, `"partnerships": []`, `"thanks": []`, `"triggers": []`, `"links": []`},
	} {
		ms := h.do(t, who, "export")
		if len(ms) != 1 || ms[0].Attachment == nil {
			t.Fatalf("%s export: %s", who, text(ms))
		}
		js := string(ms[0].Attachment.Data)
		for _, bad := range []string{"0001-01-01", "null"} {
			if strings.Contains(js, bad) {
				t.Errorf("%s's export holds %s:\n%s", who, bad, js)
			}
		}
		for _, want := range wants {
			if !strings.Contains(js, want) {
				t.Errorf("%s's export lacks %s:\n%s", who, want, js)
			}
		}
	}
}

// A second feedback replaces the first in the figures, and says so; the
// history keeps both, the second naming the score it replaced.
func TestFeedback_ASecondOneReplacesTheFirstWithANoteInTheHistory(t *testing.T) {
	t.Parallel()
	h := newBench(t)
	h.do(t, "bob", "<@UALICE|alice> Acme — new website")
	h.do(t, "alice", "accept R-1001")
	h.do(t, "alice", "won R-1001 4800")
	first := text(h.do(t, "alice", "feedback R-1001 3 slow start"))
	if !strings.Contains(first, "Feedback recorded") || !strings.Contains(first, "R-1001: 3/5") {
		t.Fatalf("first feedback: %s", first)
	}
	second := text(h.do(t, "alice", "feedback R-1001 5 great after all"))
	if !strings.Contains(second, "Feedback updated") || !strings.Contains(second, "R-1001: 3/5 → 5/5") {
		t.Fatalf("second feedback: %s", second)
	}
	show := text(h.do(t, "alice", "show R-1001"))
	if !strings.Contains(show, "@alice rated it 3/5 slow start") ||
		!strings.Contains(show, "@alice changed their rating: 3/5 → 5/5 great after all") {
		t.Fatalf("timeline:\n%s", show)
	}
	// Another party's first feedback is a first, not a replacement.
	if got := text(h.do(t, "bob", "feedback R-1001 4")); !strings.Contains(got, "Feedback recorded") {
		t.Fatalf("bob's feedback: %s", got)
	}
}
