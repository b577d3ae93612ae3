package bot

import (
	"context"
	"strings"

	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/core"
)

// The network's channel is where leads, claims and thank-yous are posted
// for everyone. It is chosen on purpose by an admin — typed
// (`/refer config channel #referrals`) or picked from the platform's list
// — and the platform is asked first whether the bot can post there. Until
// one is chosen, posts wait in the outbox and go there once it is.

// ChannelCheckFunc reports whether the bot can post in channel (as an
// admin wrote it: <#C123|name>, <#123>) of the platform workspace team: nil
// if it can or the value names no channel (core then says how to write
// one), else a *core.Error saying why not and what to do.
type ChannelCheckFunc func(ctx context.Context, team, channel string) error

// CheckChannelsWith makes check the test a channel of platform p must pass
// before it becomes a network's channel. Adapters set it when they are
// made; a platform without one (the console) sets any channel core accepts.
func (b *Bot) CheckChannelsWith(p core.Platform, check ChannelCheckFunc) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.checks == nil {
		b.checks = map[core.Platform]ChannelCheckFunc{}
	}
	b.checks[p] = check
}

// checkChannel asks the caller's platform whether the bot can post in the
// channel args name.
func (b *Bot) checkChannel(ctx context.Context, c core.Caller, args []string) error {
	b.mu.Lock()
	check := b.checks[c.Workspace.Platform]
	b.mu.Unlock()
	if check == nil {
		return nil
	}
	return check(ctx, c.Workspace.ExternalID, strings.TrimSpace(strings.Join(args, " ")))
}

// postsToChannel reports whether cmd, once done, posts in the network's
// channel (or, for an admin, shows the settings that lack one): then a
// network without a channel is told what waits for it.
func postsToChannel(cmd grammar.Command, c core.Caller) bool {
	switch x := cmd.(type) {
	case grammar.Lead, grammar.Claim, grammar.Pick, grammar.Thanks:
		return true
	case grammar.Config:
		return x.Key == "" && c.Member.IsAdmin()
	}
	return false
}

// channelNeeded says the network has no channel yet, so what was just
// done waits to be posted: an admin gets a picker of the platform's
// channels, anyone else is told an admin must choose one.
func channelNeeded(c core.Caller) Message {
	if !c.Member.IsAdmin() {
		return Message{Kind: "channel.wait", Title: "The network has no channel yet",
			Text: "Leads and thank-yous are posted in one channel everyone can see, and an admin hasn't chosen it yet. " +
				"This waits, and is posted there as soon as one is chosen (admins: /refer config channel #channel)."}
	}
	return Message{Kind: "channel.choose", Title: "Choose the network's channel",
		Text: "Leads and thank-yous are posted in one channel everyone in the network can see. Nothing is posted until you choose it: " +
			"posts wait, and go there once it's set. For a private channel, invite me first (/invite @referbot). " +
			"Or type /refer config channel #channel.",
		Menu: &Menu{Channels: true, Action: ChooseChannel, Placeholder: "Choose a channel"}}
}
