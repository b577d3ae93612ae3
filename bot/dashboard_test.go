package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/testenv"
)

// The dashboard's calls go through the bot with the signed-in member as
// the caller, and keep what core hides from them.
func TestDashboard_ThroughTheBotANonPartyGetsThePublicView(t *testing.T) {
	t.Parallel()
	e := testenv.New(t, testenv.Options{At: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)})
	ctx := context.Background()
	member := func(name string) core.Caller {
		return e.Join(core.Identity{Platform: core.Slack, TeamID: "T1", UserID: "u-" + name, UserName: name})
	}
	ada, rita, remy, otto := member("ada"), member("rita"), member("remy"), member("otto")
	r, err := e.Svc.Refer(ctx, rita, core.ReferInput{To: core.MemberRef{UserID: remy.Member.UserID}, ClientName: "Acme",
		Contact: "acme@example.com", Consent: true, Need: "a website"})
	if err != nil {
		t.Fatal(err)
	}

	page, err := e.Bot.Referrals(ctx, otto, core.ReferralQuery{})
	if err != nil || page.Total != 1 || page.Referrals[0].ClientName != "" || page.Referrals[0].ClientContact != "" {
		t.Fatalf("otto's referrals page: %+v, %v", page, err)
	}
	if d, err := e.Bot.Referral(ctx, otto, r.Code); err != nil || d.Referral.ClientName != "" {
		t.Errorf("otto's view of %s: %+v, %v", r.Code, d, err)
	}
	if d, err := e.Bot.Referral(ctx, remy, r.Code); err != nil || d.Referral.ClientName != "Acme" {
		t.Errorf("remy's view of %s: %+v, %v", r.Code, d, err)
	}
	if o, err := e.Bot.Overview(ctx, otto, "this-quarter"); err != nil || o.Stats.Given != 1 {
		t.Errorf("overview: %+v, %v", o, err)
	}
	if p, err := e.Bot.MemberPage(ctx, otto, rita.Member.ID, ""); err != nil || p.Stats.Given != 1 || p.Self {
		t.Errorf("rita's page to otto: %+v, %v", p, err)
	}
	if _, err := e.Bot.AdminPage(ctx, otto, ""); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Errorf("otto asks for the admin page: %v, want EFORBIDDEN", err)
	}
	if a, err := e.Bot.AdminPage(ctx, ada, ""); err != nil || a.Health == nil || a.Fees == nil || a.Flags == nil {
		t.Errorf("the admin page: %+v, %v", a, err)
	}
}
