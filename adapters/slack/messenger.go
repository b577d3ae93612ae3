package slack

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/slack-go/slack"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/sender"
)

// Messenger delivers bot messages through the Slack Web API. Its refs are
// "<channel id>/<ts>", which chat.update needs.
type Messenger struct{ a *Adapter }

// Messenger returns the adapter's bot.Messenger (and bot.Updater).
func (a *Adapter) Messenger() *Messenger { return &Messenger{a} }

var channelRef = regexp.MustCompile(`^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$`)

// destination is where chat.postMessage sends m: a channel id (or name)
// for posts; for DMs the user id, which Slack resolves to the app's DM.
func destination(m bot.Message) (string, error) {
	to := strings.TrimSpace(m.To)
	if c := channelRef.FindStringSubmatch(to); c != nil {
		to = c[1]
	}
	if to == "" {
		if m.Visibility == bot.Channel {
			return "", &sender.PermanentError{Err: errors.New("no channel is set: an admin can type /refer config channel #referrals")}
		}
		return "", &sender.PermanentError{Err: errors.New("no recipient")}
	}
	return to, nil
}

func options(m bot.Message) []slack.MsgOption {
	return []slack.MsgOption{slack.MsgOptionText(Fallback(m), false), slack.MsgOptionBlocks(Blocks(m)...),
		slack.MsgOptionDisableLinkUnfurl()}
}

// Send posts m and returns its ref.
func (s *Messenger) Send(ctx context.Context, m bot.Message) (string, error) {
	to, err := destination(m)
	if err != nil {
		return "", err
	}
	ch, ts, err := s.a.api.PostMessageContext(ctx, to, options(m)...)
	if err != nil {
		return "", classify(err)
	}
	return ch + "/" + ts, nil
}

// Update replaces the message ref with m (chat.update).
func (s *Messenger) Update(ctx context.Context, ref string, m bot.Message) error {
	ch, ts, ok := strings.Cut(ref, "/")
	if !ok || ch == "" || ts == "" {
		return &sender.PermanentError{Err: fmt.Errorf("not a Slack message ref: %q", ref)}
	}
	if _, _, _, err := s.a.api.UpdateMessageContext(ctx, ch, ts, options(m)...); err != nil {
		return classify(err)
	}
	return nil
}

// permanent are Web API errors a retry cannot fix; they go to admins'
// /refer undelivered with Slack's reason.
var permanent = map[string]bool{
	"channel_not_found": true, "not_in_channel": true, "is_archived": true, "user_not_found": true,
	"account_inactive": true, "invalid_auth": true, "token_revoked": true, "not_authed": true,
	"msg_too_long": true, "invalid_blocks": true, "no_permission": true, "missing_scope": true,
	"user_disabled": true, "cannot_dm_bot": true, "message_not_found": true, "cant_update_message": true,
	"edit_window_closed": true, "restricted_action": true, "team_access_not_granted": true,
}

// classify maps Slack's errors to the sender's: 429 waits for
// Retry-After; errors no retry can fix are permanent; the rest retry.
func classify(err error) error {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return &sender.RetryAfterError{After: rl.RetryAfter, Err: err}
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && permanent[se.Err] {
		return &sender.PermanentError{Err: err}
	}
	return err
}
