package slack

import (
	"context"
	"encoding/json"
	"time"

	"github.com/slack-go/slack"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// eventEnvelope is the part of an Events API request referbot reads.
type eventEnvelope struct {
	Type      string `json:"type"`
	Challenge string `json:"challenge"`
	TeamID    string `json:"team_id"`
	EventID   string `json:"event_id"`
	Event     struct {
		Type        string `json:"type"`
		User        string `json:"user"`
		Tab         string `json:"tab"`
		Channel     string `json:"channel"`
		ChannelType string `json:"channel_type"` // message: "im" in the app's Messages tab
		Subtype     string `json:"subtype"`      // message: edits, joins, bot messages ...
		BotID       string `json:"bot_id"`       // message: sent by an app (this one too)
	} `json:"event"`
}

func (a *Adapter) eventBody(ctx context.Context, body []byte) (any, error) {
	var env eventEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, badRequest("malformed event")
	}
	return a.event(ctx, env)
}

// event answers url_verification; refreshes App Home when it opens;
// welcomes a member who opens the Messages tab for the first time; and
// answers what someone types there with the commands to use (it reads no
// messages). Slack retries events it thinks were not received
// (X-Slack-Retry-Num); the event id makes a retry a no-op.
func (a *Adapter) event(ctx context.Context, env eventEnvelope) (any, error) {
	switch env.Type {
	case "url_verification":
		return env.Challenge, nil
	case "event_callback":
	default:
		return nil, nil
	}
	if first, err := a.first(ctx, env.TeamID, "event", env.EventID); err != nil || !first {
		return nil, err
	}
	ev := env.Event
	if ev.User == "" {
		return nil, nil
	}
	t := team{TeamID: env.TeamID, UserID: ev.User}
	switch {
	case ev.Type == "app_home_opened" && ev.Tab == "home":
		a.deadline.Go(ctx, func(ctx context.Context) { a.publishHome(ctx, t) })
	case ev.Type == "app_home_opened" && ev.Tab == "messages" && ev.Channel != "":
		a.deadline.Go(ctx, func(ctx context.Context) { a.welcome(ctx, t, ev.Channel) })
	case ev.Type == "message" && ev.ChannelType == "im" && ev.Subtype == "" && ev.BotID == "" && ev.Channel != "":
		a.deadline.Go(ctx, func(ctx context.Context) {
			m := bot.Welcome(core.Slack)
			m.Title = "I answer /refer commands, not messages"
			a.say(ctx, ev.Channel, m)
		})
	}
	return nil, nil
}

// welcomeTimeout bounds the look-up and post of a welcome.
const welcomeTimeout = 10 * time.Second

// welcome greets a member in the Messages tab the first time they open
// it: when the conversation with the app is still empty (Slack's own
// advice; conversations.history, im:history), and once a day at most
// should two openings race.
func (a *Adapter) welcome(ctx context.Context, t team, channel string) {
	ctx, cancel := context.WithTimeout(ctx, welcomeTimeout)
	defer cancel()
	h, err := a.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: channel, Limit: 1})
	if err != nil {
		a.log.Warn("conversations.history failed; no welcome", "user", t.UserID, "err", err)
		return
	}
	if len(h.Messages) > 0 {
		return // they have heard from the bot, or written to it, before
	}
	if first, err := a.bot.FirstDelivery(ctx, core.Slack, t.TeamID, "welcome:"+t.TeamID+":"+t.UserID); err != nil || !first {
		return
	}
	a.say(ctx, channel, bot.Welcome(core.Slack))
}

// say posts m in the conversation channel (the app's DM with someone).
func (a *Adapter) say(ctx context.Context, channel string, m bot.Message) {
	m.Visibility, m.To = bot.Direct, channel
	if _, err := a.Messenger().Send(ctx, m); err != nil {
		a.log.Error("posting to the Messages tab failed", "channel", channel, "err", err)
	}
}
