package slack

import (
	"context"
	"errors"
	"regexp"
	"time"

	"github.com/slack-go/slack"

	"github.com/referbot/referbot/core"
)

// channelID reads a channel as an admin gives it: Slack's link <#C123|name>
// (what typing #name sends) or <#C123>.
var channelID = regexp.MustCompile(`^<#([CG][A-Z0-9]+)(?:\|[^<>]*)?>$`)

// channelCheckTimeout bounds the conversations.info call.
const channelCheckTimeout = 5 * time.Second

// checkChannel is the adapter's bot.ChannelCheckFunc: before a channel
// becomes the network's, conversations.info says whether the bot can post
// there. chat:write.public lets it post in any public channel; a private
// one needs it invited (and Slack shows a private channel it is not in to
// nobody, as not found). Archived, read-only and direct-message
// conversations are refused.
func (a *Adapter) checkChannel(ctx context.Context, _, channel string) error {
	m := channelID.FindStringSubmatch(channel)
	if m == nil {
		return nil // not a channel link: core says how to write one
	}
	ctx, cancel := context.WithTimeout(ctx, channelCheckTimeout)
	defer cancel()
	ch, err := a.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: m[1]})
	var se slack.SlackErrorResponse
	switch {
	case errors.As(err, &se) && se.Err == "channel_not_found":
		return core.Errorf(core.EINVALID, "I can't see that channel: it's private and I'm not in it, or it no longer exists.").
			WithHint("In the channel, type /invite @referbot, then choose it again.")
	case errors.As(err, &se) && se.Err == "missing_scope":
		return core.Errorf(core.EINVALID, "I'm not allowed to look at channels, so I can't check I can post there.").
			WithHint("Add the channels:read and groups:read scopes (docs/slack-app-manifest.yaml has them), reinstall the app, then choose the channel again.")
	case err != nil:
		a.log.Error("conversations.info failed", "channel", m[1], "err", err)
		return core.Errorf(core.EINTERNAL, "I couldn't check that channel with Slack.").WithHint("Please try again in a moment.")
	case ch.IsIM || ch.IsMpIM:
		return core.Errorf(core.EINVALID, "A direct message can't be the network's channel: everyone in the network must see its posts.").
			WithHint("Choose a channel, e.g. #referrals.")
	case ch.IsArchived:
		return core.Errorf(core.EINVALID, "#%s is archived: nothing can be posted there.", ch.Name).
			WithHint("Choose another channel, or unarchive it first.")
	case ch.IsReadOnly:
		return core.Errorf(core.EINVALID, "Only some people may post in #%s, so my posts there would fail.", ch.Name).
			WithHint("Choose a channel everyone can post in, or let apps post there first.")
	case ch.IsPrivate && !ch.IsMember:
		return core.Errorf(core.EINVALID, "#%s is private and I'm not in it, so I can't post there.", ch.Name).
			WithHint("In #%s, type /invite @referbot, then choose it again.", ch.Name)
	}
	return nil
}
