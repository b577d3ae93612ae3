package discord

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/referbot/referbot/core"
)

// channelMention reads a channel as an admin gives it: <#123>.
var channelMention = regexp.MustCompile(`^<#([0-9]+)>$`)

// channelCheckTimeout bounds the channel look-up.
const channelCheckTimeout = 5 * time.Second

// checkChannel is the adapter's bot.ChannelCheckFunc: before a channel
// becomes the network's, GET /channels/{id} says it exists, the bot can
// see it, it is in this server and it is a text channel.
func (a *Adapter) checkChannel(ctx context.Context, guild, channel string) error {
	m := channelMention.FindStringSubmatch(channel)
	if m == nil {
		return nil // not a channel mention: core says how to write one
	}
	ctx, cancel := context.WithTimeout(ctx, channelCheckTimeout)
	defer cancel()
	endpoint := discordgo.EndpointChannel(m[1])
	body, err := a.session.RequestWithBucketID("GET", endpoint, nil, endpoint, discordgo.WithContext(ctx))
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil &&
		(re.Response.StatusCode == http.StatusNotFound || re.Response.StatusCode == http.StatusForbidden) {
		return core.Errorf(core.EINVALID, "I can't see that channel, so I can't post there.").
			WithHint("Let referbot's role View Channel and Send Messages there (channel settings → Permissions), then choose it again.")
	}
	var ch discordgo.Channel
	if err == nil {
		err = json.Unmarshal(body, &ch)
	}
	if err != nil {
		a.log.Error("channel look-up failed", "channel", m[1], "err", err)
		return core.Errorf(core.EINTERNAL, "I couldn't check that channel with Discord.").WithHint("Please try again in a moment.")
	}
	if ch.GuildID != guild {
		return core.Errorf(core.EINVALID, "That channel isn't in this server.").WithHint("Choose one of this server's text channels.")
	}
	if ch.Type != discordgo.ChannelTypeGuildText && ch.Type != discordgo.ChannelTypeGuildNews {
		return core.Errorf(core.EINVALID, "<#%s> is not a text channel.", ch.ID).
			WithHint("Choose a text channel everyone in the network can read, e.g. #referrals.")
	}
	return nil
}
