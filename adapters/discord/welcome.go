package discord

import (
	"context"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// A server that adds the bot hears, once, how to start: Discord sends a
// GUILD_CREATE over the Gateway when the bot joins a guild (HTTP
// interactions get no such event, so no welcome there).

// welcomeWindow tells a join from a replay: the Gateway also sends a
// GUILD_CREATE for every guild the bot is in when it connects or
// reconnects, with the date it joined long ago.
const welcomeWindow = 10 * time.Minute

// maxWelcomeTries is how many channels a welcome is tried in.
const maxWelcomeTries = 5

// welcomePerms are what the bot needs in a channel to post the welcome.
const welcomePerms = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionEmbedLinks

// GuildCreated handles a GUILD_CREATE (Run calls it for each): a guild the
// bot joined within welcomeWindow is welcomed, once (several replicas, a
// reconnect), in its system channel or else the first text channel the
// bot can post in. It returns the channel posted in, "" if none.
func (a *Adapter) GuildCreated(ctx context.Context, g *discordgo.Guild) string {
	if g == nil || g.ID == "" || g.Unavailable || g.JoinedAt.IsZero() || a.now().Sub(g.JoinedAt) > welcomeWindow {
		return ""
	}
	if first, err := a.bot.FirstDelivery(ctx, core.Discord, g.ID, "welcome:"+g.ID); err != nil || !first {
		if err != nil {
			a.log.Error("welcome: dedupe failed", "guild", g.ID, "err", err)
		}
		return ""
	}
	m := bot.Welcome(core.Discord)
	m.Visibility = bot.Channel
	tries := 0
	for _, ch := range welcomeChannels(g) {
		if tries == maxWelcomeTries {
			break
		}
		if !a.mayPost(ch) {
			continue
		}
		tries++
		m.To = "<#" + ch + ">"
		if _, err := a.Messenger().Send(ctx, m); err != nil {
			a.log.Warn("welcome: could not post; trying the next channel", "guild", g.ID, "channel", ch, "err", err)
			continue
		}
		a.log.Info("welcomed a new server", "guild", g.ID, "channel", ch)
		return ch
	}
	a.log.Warn("welcome: no channel to post in", "guild", g.ID)
	return ""
}

// welcomeChannels are where a welcome may go, in order: the system channel
// (where Discord greets newcomers), then the text channels top to bottom.
func welcomeChannels(g *discordgo.Guild) []string {
	var out []string
	if g.SystemChannelID != "" {
		out = append(out, g.SystemChannelID)
	}
	var text []*discordgo.Channel
	for _, ch := range g.Channels {
		if ch != nil && ch.Type == discordgo.ChannelTypeGuildText && ch.ID != g.SystemChannelID {
			text = append(text, ch)
		}
	}
	slices.SortStableFunc(text, func(x, y *discordgo.Channel) int { return x.Position - y.Position })
	for _, ch := range text {
		out = append(out, ch.ID)
	}
	return out
}

// mayPost reports whether the Gateway's state says the bot can post in
// the channel; when it can't tell, the post is tried.
func (a *Adapter) mayPost(channel string) bool {
	st := a.session.State
	if st == nil || st.User == nil {
		return true
	}
	perms, err := st.UserChannelPermissions(st.User.ID, channel)
	if err != nil {
		return true
	}
	return perms&welcomePerms == welcomePerms
}
