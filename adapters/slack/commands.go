package slack

import (
	"context"
	"net/url"
	"strings"

	"github.com/slack-go/slack"

	"github.com/referbot/referbot/bot"
)

func (a *Adapter) commandForm(ctx context.Context, body []byte) (any, error) {
	f, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, badRequest("malformed form")
	}
	if f.Get("ssl_check") == "1" {
		return nil, nil // Slack checking the certificate: 200, nothing to do
	}
	return a.command(ctx, slack.SlashCommand{TeamID: f.Get("team_id"), TeamDomain: f.Get("team_domain"),
		ChannelID: f.Get("channel_id"), UserID: f.Get("user_id"), UserName: f.Get("user_name"),
		Command: f.Get("command"), Text: f.Get("text"), ResponseURL: f.Get("response_url"),
		TriggerID: f.Get("trigger_id"), EnterpriseID: f.Get("enterprise_id")})
}

// command answers /refer: at once with the reply when the work is done
// within the deadline, otherwise with an empty 200 and the reply later
// through response_url. Bare /refer opens the "New referral" modal.
func (a *Adapter) command(ctx context.Context, sc slack.SlashCommand) (any, error) {
	if sc.TeamID == "" || sc.UserID == "" {
		return nil, badRequest("team_id and user_id are required")
	}
	t := team{TeamID: sc.TeamID, TeamName: sc.TeamDomain, UserID: sc.UserID, UserName: sc.UserName, Channel: sc.ChannelID}
	text := strings.TrimSpace(sc.Text)
	key := requestKey(ctx, "command", sc.TriggerID)
	if text == "" {
		if first, err := a.first(ctx, sc.TeamID, "command", sc.TriggerID); err != nil || !first {
			return nil, err
		}
		// The trigger lives 3 s: open the modal before answering.
		if err := a.openView(ctx, sc.TriggerID, newReferralModal()); err != nil {
			a.log.Error("views.open failed", "err", err)
			return ephemeral(bot.Message{Kind: bot.KindError, Text: "I couldn't open the referral form. Type it instead: /refer @partner <client> — <need> [~value]. /refer help lists every command."}), nil
		}
		return nil, nil
	}
	ms, done := bot.RunWithin(&a.deadline, ctx, func(ctx context.Context) []bot.Message {
		id := a.identity(ctx, t)
		id.RequestKey = key
		return a.withFiles(ctx, t.UserID, a.bot.Handle(ctx, bot.Request{Identity: id, Text: a.withNames(ctx, text)}))
	}, func(ctx context.Context, ms []bot.Message) {
		a.wake()
		if len(ms) > 0 { // none: a redelivery of a command already applied
			a.respond(ctx, sc.ResponseURL, ms, false)
		}
	})
	if !done || len(ms) == 0 {
		return nil, nil
	}
	a.wake()
	return ephemeral(ms...), nil
}

func (a *Adapter) openView(ctx context.Context, trigger string, v slack.ModalViewRequest) error {
	_, err := a.api.OpenViewContext(ctx, trigger, v)
	return err
}
