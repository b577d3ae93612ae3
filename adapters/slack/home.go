package slack

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// homeListMax is how many referrals of each list App Home shows.
const homeListMax = 8

// publishHome shows the member their own pipeline: what they received,
// what they gave, open leads they could claim, their figures, and a
// button to start a referral.
func (a *Adapter) publishHome(ctx context.Context, t team) {
	view, err := a.homeView(ctx, t)
	if err != nil {
		a.log.Error("App Home failed", "user", t.UserID, "err", err)
		view = homeTab(slack.NewSectionBlock(mrkdwn(":warning: "+core.ErrorMessage(err)), nil, nil))
	}
	if _, err := a.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: t.UserID, View: view}); err != nil {
		a.log.Error("views.publish failed", "user", t.UserID, "err", err)
	}
}

func homeTab(blocks ...slack.Block) slack.HomeTabViewRequest {
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
}

func (a *Adapter) homeView(ctx context.Context, t team) (slack.HomeTabViewRequest, error) {
	h, err := a.bot.Home(ctx, a.identity(ctx, t))
	if err != nil {
		return slack.HomeTabViewRequest{}, err
	}
	bs := []slack.Block{
		slack.NewHeaderBlock(plain("Your referrals", maxHeader)),
		slack.NewActionBlock("home-actions", withStyle(slack.NewButtonBlockElement(actionNew, actionNew, plain("New referral", maxButtonText)), slack.StylePrimary)),
	}
	if len(h.Received) == 0 && len(h.Given) == 0 {
		// A first visit, or one before any referral: how to start.
		bs = append(append(bs, slack.NewDividerBlock()), Blocks(bot.Welcome(core.Slack))...)
	}
	lists := []struct {
		kind  core.ListKind
		title string
		empty string
		rs    []core.Referral
	}{
		{core.ListReceived, "Received", "Nothing yet. A complete profile (/refer profile set services ...) helps partners think of you.", h.Received},
		{core.ListGiven, "Given", "You haven't referred anyone yet. /refer who <need> suggests who fits a client.", h.Given},
		{core.ListOpen, "Open leads to claim", "No open leads right now.", h.Open},
	}
	for _, l := range lists {
		rs := l.rs
		bs = append(bs, slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn(fmt.Sprintf("*%s* (%d)", l.title, len(rs))), nil, nil))
		if len(rs) == 0 {
			bs = append(bs, slack.NewContextBlock("", mrkdwn(l.empty)))
		}
		for i, r := range rs {
			if i == homeListMax {
				bs = append(bs, slack.NewContextBlock("", mrkdwn(fmt.Sprintf("…and %d more: /refer list %s", len(rs)-i, l.kind))))
				break
			}
			bs = append(bs, homeRow(r, h.Member.ID))
		}
	}
	bs = append(bs, slack.NewDividerBlock())
	bs = append(bs, Blocks(h.Stats)...)
	return homeTab(bs...), nil
}

// homeRow is one referral: code, client, need, stage and who, with the
// button that matters most to this member.
func homeRow(r core.Referral, me int64) slack.Block {
	who := "from @" + r.ReferrerName
	if r.ReferrerID == me {
		who = "to @" + r.ReceiverName
		if r.ReceiverID == 0 {
			who = "unclaimed"
		}
	}
	client := r.ClientName
	if client == "" {
		client = "Lead"
	}
	line := fmt.Sprintf("`%s` *%s* — %s\n_%s · %s_", r.Code, client, bot.Clip(r.Need, 120), r.Status, who)
	label, action := "Show", "/refer/show/"+r.Code.String()
	if r.Status == core.StatusOpen && r.ReferrerID != me {
		label, action = "Claim", "/refer/claim/"+r.Code.String()
	}
	btn := slack.NewButtonBlockElement(action, action, plain(label, maxButtonText))
	return slack.NewSectionBlock(mrkdwn(line), nil, slack.NewAccessory(btn))
}

func withStyle(b *slack.ButtonBlockElement, s slack.Style) *slack.ButtonBlockElement {
	b.Style = s
	return b
}
