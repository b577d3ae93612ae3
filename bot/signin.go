package bot

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/core"
)

// DefaultPublicURL is where people reach the bot unless
// REFERBOT_PUBLIC_URL says otherwise.
const DefaultPublicURL = "http://localhost:8080"

// Option configures a Bot beyond its service and logger.
type Option func(*Bot)

// WithPublicURL sets where people reach the bot (REFERBOT_PUBLIC_URL):
// every link the bot hands out starts with it.
func WithPublicURL(publicURL string) Option {
	return func(b *Bot) { b.links = NewLinks(publicURL) }
}

// Links builds the addresses the bot hands out, under the public URL.
type Links struct{ base string }

// NewLinks returns the links under publicURL (e.g. https://referbot.example.com).
func NewLinks(publicURL string) Links { return Links{base: strings.TrimRight(publicURL, "/")} }

// SignIn is a one-time sign-in link to the dashboard:
// <public URL>/dashboard/signin/<token>, with ?period= when it should
// open on a period (as core.Period.Param writes it).
func (l Links) SignIn(token, period string) string {
	u := l.base + "/dashboard/signin/" + token
	if period != "" {
		u += "?period=" + url.QueryEscape(period)
	}
	return u
}

// Dashboard is the dashboard's overview of a period:
// <public URL>/dashboard/?period=2026-Q3.
func (l Links) Dashboard(p core.Period) string {
	return l.base + "/dashboard/?period=" + url.QueryEscape(p.Param())
}

// dashboard answers `/refer dashboard [period]` with a one-time sign-in
// link, privately: whoever holds it can sign in as the caller.
func (b *Bot) dashboard(ctx context.Context, c core.Caller, x grammar.Dashboard) (Message, error) {
	loc := b.svc.Location(c.Workspace)
	var period string
	if x.Period != "" {
		p, err := core.ParsePeriod(x.Period, b.svc.Now(), loc)
		if err != nil {
			return Message{}, err
		}
		period = p.Param()
	}
	link, err := b.svc.IssueSignInLink(ctx, c)
	if err != nil {
		return Message{}, err
	}
	return Message{Kind: KindDashboard, Visibility: Ephemeral, Title: "Your dashboard",
		Text: fmt.Sprintf("%s\n\nThis link is for you alone: it works once, until %s, and keeps that browser signed in for 12 hours. "+
			"Don't share it: whoever opens it is signed in as you.", b.links.SignIn(link.Token, period), link.Expires.In(loc).Format("15:04 MST")),
		Footer: "Lost it, or it expired? Type /refer dashboard again."}, nil
}

// KindDashboard is the Kind of the reply carrying a sign-in link.
const KindDashboard = "dashboard"

// SignIn uses a one-time sign-in link's token (the web dashboard calls it
// when the link is visited) and returns the session it opens. A forged,
// used or expired link is refused with what to type for a new one.
func (b *Bot) SignIn(ctx context.Context, token string) (*core.Session, error) {
	return b.svc.RedeemSignInLink(ctx, token)
}

// Session returns the session a dashboard cookie stands for, its member
// read afresh (refused if they were removed or left since).
func (b *Bot) Session(ctx context.Context, cookie string) (*core.Session, error) {
	return b.svc.SessionOf(ctx, cookie)
}

// SignOut ends a dashboard session.
func (b *Bot) SignOut(ctx context.Context, s *core.Session) error {
	return b.svc.EndSession(ctx, s)
}

// RenderNotice renders a notice as the package's RenderNotice does, with
// this bot's links: the quarterly celebration and the weekly digest end
// with a link to their period on the dashboard.
func (b *Bot) RenderNotice(n core.Notice) Message {
	m := RenderNotice(n)
	switch {
	case n.Report == nil || m.Kind != string(n.Kind):
	case n.Kind == core.NoticeQuarterly || n.Kind == core.NoticeWeeklyDigest:
		m.Fields = append(m.Fields, Field{Name: "On the dashboard", Value: b.links.Dashboard(n.Report.Period)})
	}
	return m
}
