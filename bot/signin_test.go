package bot_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/fixture"
	"github.com/referbot/referbot/internal/testenv"
)

var signInLink = regexp.MustCompile(`https://referbot\.example\.com/dashboard/signin/[0-9a-f.]+(\?period=[^\s]+)?`)

func TestDashboard_AnswersPrivatelyWithASignInLinkThatWorksOnce(t *testing.T) {
	t.Parallel()
	e := testenv.New(t, testenv.Options{At: time.Date(2026, 8, 14, 9, 0, 0, 0, time.UTC), PublicURL: "https://referbot.example.com/"})
	ctx := context.Background()
	id := core.Identity{Platform: core.Slack, TeamID: "T1", UserID: "U1", UserName: "bob"}
	ms := e.Bot.Handle(ctx, bot.Request{Identity: id, Text: "dashboard"})
	if len(ms) != 1 || ms[0].Visibility != bot.Ephemeral || ms[0].Kind != bot.KindDashboard {
		t.Fatalf("reply: %+v", ms)
	}
	link := signInLink.FindString(ms[0].Text)
	if link == "" || !strings.Contains(ms[0].Text, "works once, until 09:15 UTC") {
		t.Fatalf("no sign-in link, or no word of its expiry, in %q", ms[0].Text)
	}
	token := strings.TrimPrefix(link, "https://referbot.example.com/dashboard/signin/")
	s, err := e.Bot.SignIn(ctx, token)
	if err != nil || s.Caller.Member.UserID != "U1" {
		t.Fatalf("SignIn: %+v, %v", s, err)
	}
	if _, err := e.Bot.SignIn(ctx, token); err == nil {
		t.Fatal("the link worked twice")
	}
	if got, err := e.Bot.Session(ctx, s.Cookie); err != nil || got.Caller.Member.ID != s.Caller.Member.ID {
		t.Fatalf("Session: %+v, %v", got, err)
	}
	if err := e.Bot.SignOut(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Bot.Session(ctx, s.Cookie); err == nil {
		t.Fatal("the session outlived its sign-out")
	}
}

func TestDashboard_OpensOnThePeriodAskedFor(t *testing.T) {
	t.Parallel()
	e := testenv.New(t, testenv.Options{At: time.Date(2026, 8, 14, 9, 0, 0, 0, time.UTC), PublicURL: "https://referbot.example.com"})
	id := core.Identity{Platform: core.Discord, TeamID: "G1", UserID: "1", UserName: "bob"}
	ms := e.Bot.Handle(context.Background(), bot.Request{Identity: id, Text: "dashboard last-quarter"})
	if m := signInLink.FindStringSubmatch(ms[0].Text); m == nil || m[1] != "?period=2026-Q2" {
		t.Fatalf("link %q, want one opening on 2026-Q2: %q", m, ms[0].Text)
	}
	ms = e.Bot.Handle(context.Background(), bot.Request{Identity: id, Text: "dashboard someday"})
	if !ms[0].IsError() || !strings.Contains(ms[0].Text+ms[0].Title, "2026-Q3") || signInLink.MatchString(ms[0].Text) {
		t.Fatalf("a bad period: %+v", ms[0])
	}
	if n := e.Count(`SELECT count(*) FROM dashboard_links`); n != 1 {
		t.Errorf("%d links issued, want 1 (none for the bad period)", n)
	}
}

func TestRenderNotice_ReportsEndWithTheirPeriodsPage(t *testing.T) {
	t.Parallel()
	e := testenv.New(t, testenv.Options{PublicURL: "https://referbot.example.com"})
	rep := fixture.QuarterlyReport()
	week := *rep
	week.Period = core.Period{From: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	for kind, want := range map[core.NoticeKind]string{
		core.NoticeQuarterly:    "https://referbot.example.com/dashboard/?period=2026-Q4",
		core.NoticeWeeklyDigest: "https://referbot.example.com/dashboard/?period=2026-11-23..2026-11-30",
	} {
		r := rep
		if kind == core.NoticeWeeklyDigest {
			r = &week
		}
		m := e.Bot.RenderNotice(core.Notice{Kind: kind, To: core.Recipient{Channel: "C1"}, Report: r})
		last := m.Fields[len(m.Fields)-1]
		if last.Value != want {
			t.Errorf("%s ends with %+v, want a link to %s", kind, last, want)
		}
		if plain := bot.RenderNotice(core.Notice{Kind: kind, To: core.Recipient{Channel: "C1"}, Report: r}); len(plain.Fields) != len(m.Fields)-1 {
			t.Errorf("%s: the bot's rendering adds more than the link", kind)
		}
	}
}
