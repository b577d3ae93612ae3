package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/referbot/referbot/adapters/console"
	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/sender"
	"github.com/referbot/referbot/core"
)

// seedDemo fills the console workspace with a small network and a few
// months of referrals in every stage, so the console, stats and (later)
// the dashboard have something to show. It goes through core like any
// user, with a clock walked forward from 120 days ago.
func (m *Main) seedDemo(ctx context.Context, out io.Writer) error {
	now := m.Svc.Now()
	clock := now.AddDate(0, 0, -120)
	svc := core.NewService(m.DB, core.Options{Now: func() time.Time { return clock }, Location: m.Config.TimeZone})
	step := func(d time.Duration) { clock = clock.Add(d) }

	people := []struct {
		name, services, tags, triggers string
	}{
		{"organiser", "community and partnerships", "community", "we need more partners"},
		{"alice", "brand identity, logos and packaging", "branding logo packaging", "our logo looks dated; we're launching a product"},
		{"bob", "websites and online shops", "web-dev shopify", "our website is slow; we want to sell online"},
		{"carol", "copywriting and newsletters", "copywriting content", "nobody reads our newsletter"},
		{"dan", "bookkeeping and tax returns", "tax bookkeeping", "our books are a mess; the tax office wrote"},
	}
	callers := map[string]core.Caller{}
	for _, p := range people {
		c, err := svc.Join(ctx, core.Identity{Platform: core.Console, TeamID: console.Team, TeamName: "Console network",
			UserID: p.name, UserName: p.name, Channel: console.Channel})
		if err != nil {
			return err
		}
		for field, v := range map[string]string{"services": p.services, "tags": p.tags, "triggers": p.triggers} {
			if _, err := svc.SetProfile(ctx, c, field, []string{v}); err != nil {
				return fmt.Errorf("seed %s %s: %w", p.name, field, err)
			}
		}
		callers[p.name] = c
		step(time.Hour)
	}
	if st, err := svc.Stats(ctx, callers["organiser"], core.StatsRequest{Network: true}); err != nil {
		return err
	} else if st.Given > 0 {
		return fmt.Errorf("the console network already has referrals: seed demo only fills an empty one (with the local database, delete %s to start over)", m.Config.DataDir)
	}
	to := func(name string) core.MemberRef { return core.MemberRef{UserID: name} }
	for _, f := range demoFlows {
		if err := seedFlow(ctx, svc, callers[f.from], callers[f.to], f, step); err != nil {
			return err
		}
	}
	clock = now // the lead is fresh, not expired
	if _, err := svc.PostLead(ctx, callers["organiser"], core.LeadInput{Need: "brand and website for a new yoga studio",
		Tags: []string{"branding", "web-dev"}, Estimate: core.Money{Cents: 600000}}); err != nil {
		return err
	}
	if _, err := svc.Touch(ctx, callers["alice"], to("bob"), core.TouchCoffee, "swapped notes on Q3"); err != nil {
		return err
	}
	// The demo's history happened "before": mark its notices delivered so
	// the console doesn't replay months of DMs at the first command.
	quiet := &sender.Sender{Outbox: m.DB, Platform: core.Console, Messenger: discard{}, Now: m.Svc.Now, Log: m.Log}
	for {
		n, err := quiet.DeliverDue(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	fmt.Fprintf(out, "seeded the console network: %d members, %d referrals and an open lead; try `referbot console` then /as alice and /refer stats network\n",
		len(people), len(demoFlows))
	return nil
}

// discard is a messenger that delivers nowhere.
type discard struct{}

func (discard) Send(context.Context, bot.Message) (string, error) { return "seed", nil }

// demoFlow is one demo referral and how far it got.
type demoFlow struct {
	from, to, client, need string
	estimate, won          int64 // whole units; won 0 = not won
	stage                  core.Status
}

var demoFlows = []demoFlow{
	{"alice", "bob", "Acme Bakery", "new website and online shop", 5000, 4800, core.StatusWon},
	{"bob", "alice", "Globex", "logo refresh", 2000, 2500, core.StatusWon},
	{"carol", "dan", "Initech", "bookkeeping for a small agency", 1500, 0, core.StatusLost},
	{"dan", "carol", "Umbrella Cafe", "menu and newsletter copy", 800, 900, core.StatusWon},
	{"alice", "carol", "Hooli", "product launch copy", 3000, 0, core.StatusProposal},
	{"bob", "dan", "Vandelay Imports", "year-end tax return", 1200, 0, core.StatusMeeting},
	{"dan", "bob", "Stark Florist", "booking website", 4000, 0, core.StatusAccepted},
	{"carol", "alice", "Wayne Books", "packaging design", 2500, 0, core.StatusOffered},
}

// seedFlow makes one demo referral from from to recv and takes it to its
// stage, moving the demo clock on between steps.
func seedFlow(ctx context.Context, svc *core.Service, from, recv core.Caller, f demoFlow, step func(time.Duration)) error {
	r, err := svc.Refer(ctx, from, core.ReferInput{To: core.MemberRef{UserID: f.to}, ClientName: f.client, Need: f.need,
		Estimate: core.Money{Cents: f.estimate * 100}})
	if err != nil {
		return fmt.Errorf("seed referral %s: %w", f.client, err)
	}
	step(20 * time.Hour)
	if f.stage == core.StatusOffered {
		return nil
	}
	if _, err := svc.Accept(ctx, recv, r.Code); err != nil {
		return err
	}
	for _, st := range []core.Status{core.StatusContacted, core.StatusMeeting, core.StatusProposal} {
		if f.stage == core.StatusAccepted {
			break
		}
		step(3 * 24 * time.Hour)
		if _, err := svc.Advance(ctx, recv, r.Code, st, core.AdvanceInput{}); err != nil {
			return err
		}
		if st == f.stage {
			break
		}
	}
	step(4 * 24 * time.Hour)
	switch f.stage {
	case core.StatusWon:
		if _, err := svc.Advance(ctx, recv, r.Code, core.StatusWon, core.AdvanceInput{Value: core.Money{Cents: f.won * 100}}); err != nil {
			return err
		}
		step(2 * time.Hour)
		if _, err := svc.ConfirmWon(ctx, from, r.Code); err != nil { // so it counts on the leaderboard
			return err
		}
		step(3 * time.Hour)
		if _, err := svc.Thank(ctx, recv, r.Code, "Thank you for thinking of me!"); err != nil {
			return err
		}
		return svc.RecordFeedback(ctx, recv, r.Code, 5, "happy client")
	case core.StatusLost:
		_, err := svc.Advance(ctx, recv, r.Code, core.StatusLost, core.AdvanceInput{Reason: "went with an in-house hire"})
		return err
	}
	return nil
}
