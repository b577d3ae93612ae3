package discord

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// Handle answers one interaction, within Discord's 3 seconds: at once when
// the work is done in time, else deferred and finished by editing the
// deferred reply. HTTP writes the response as its body; the Gateway posts
// it to the interaction callback. Replayed interactions are dropped.
func (a *Adapter) Handle(ctx context.Context, i *discordgo.Interaction) *discordgo.InteractionResponse {
	if i.Type == discordgo.InteractionPing {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}
	}
	if i.Type != discordgo.InteractionApplicationCommandAutocomplete {
		// The key is the guild's: where it happened, or the one a DM's
		// button or form names.
		guild := i.GuildID
		if guild == "" {
			guild = guildOf(i)
		}
		first, err := a.bot.FirstDelivery(ctx, core.Discord, guild, i.ID)
		if err != nil {
			a.log.Error("dedupe failed", "err", err)
			return errorResponse(core.Errorf(core.EINTERNAL, "Something went wrong on our side; please try again."))
		}
		if !first {
			return nil // answered already
		}
	}
	defer a.wake()
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		return a.command(ctx, i)
	case discordgo.InteractionApplicationCommandAutocomplete:
		return a.autocomplete(ctx, i)
	case discordgo.InteractionMessageComponent:
		return a.component(ctx, i)
	case discordgo.InteractionModalSubmit:
		return a.modalSubmit(ctx, i)
	}
	return errorResponse(core.Errorf(core.EINVALID, "I can't handle that kind of interaction."))
}

func errorResponse(err error) *discordgo.InteractionResponse {
	return reply([]bot.Message{bot.ErrorMessage(err)}, "", true)
}

func reply(ms []bot.Message, guild string, ephemeral bool) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: responseData(ms, guild, ephemeral)}
}

func (a *Adapter) command(ctx context.Context, i *discordgo.Interaction) *discordgo.InteractionResponse {
	if i.GuildID == "" {
		return errorResponse(core.Errorf(core.EINVALID, "referbot works inside your network's server.").
			WithHint("Type /refer in a channel of the server."))
	}
	path, args := subcommand(i.ApplicationCommandData())
	if path == "new" {
		return newReferralModal(args)
	}
	cmd, err := command(path, args)
	if err != nil {
		return errorResponse(err)
	}
	id := identity(i, "")
	return a.run(ctx, i, func(ctx context.Context) []bot.Message { return a.bot.Run(ctx, id, cmd) }, false)
}

// run executes work and replies ephemerally: in the response when it is
// quick, else deferred and then edited in. Attachments follow as files.
func (a *Adapter) run(ctx context.Context, i *discordgo.Interaction, work func(context.Context) []bot.Message, update bool) *discordgo.InteractionResponse {
	ms, done := bot.RunWithin(&a.deadline, ctx, work, func(ctx context.Context, ms []bot.Message) { a.finish(ctx, i, ms, update) })
	if !done {
		t := discordgo.InteractionResponseDeferredChannelMessageWithSource
		if update {
			t = discordgo.InteractionResponseDeferredMessageUpdate
		}
		return &discordgo.InteractionResponse{Type: t, Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}}
	}
	if files := attachments(ms); len(files) > 0 {
		// Files can't ride in an HTTP response body: defer, then edit.
		a.deadline.Go(ctx, func(ctx context.Context) { a.finish(ctx, i, ms, false) })
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}}
	}
	if update && len(ms) > 0 && !ms[0].IsError() {
		// The clicked card (a DM) becomes the new card, with its buttons.
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage,
			Data: responseData(ms[:1], guildOf(i), false)}
	}
	return reply(ms, guildOf(i), true)
}

// finish edits a deferred reply with the result.
func (a *Adapter) finish(ctx context.Context, i *discordgo.Interaction, ms []bot.Message, update bool) {
	d := responseData(ms, guildOf(i), !update)
	edit := &discordgo.WebhookEdit{Embeds: &d.Embeds, Components: &d.Components, AllowedMentions: noMentions, Files: attachments(ms)}
	if _, err := a.session.InteractionResponseEdit(i, edit, discordgo.WithContext(ctx)); err != nil {
		a.log.Error("editing the deferred reply failed", "interaction", i.ID, "err", err)
	}
}

// guildOf is the guild a reply's buttons act in when shown in a DM.
func guildOf(i *discordgo.Interaction) string {
	if i.GuildID != "" {
		return ""
	}
	switch i.Type {
	case discordgo.InteractionMessageComponent:
		_, g := SplitCustomID(i.MessageComponentData().CustomID)
		return g
	case discordgo.InteractionModalSubmit:
		// A form opened from a DM button (won, lost, decline, dispute) is
		// named <command>|<code>|<guild>: its reply's buttons need the guild.
		if parts := strings.Split(i.ModalSubmitData().CustomID, "|"); len(parts) == 3 {
			return parts[2]
		}
	}
	return ""
}

func attachments(ms []bot.Message) []*discordgo.File {
	var fs []*discordgo.File
	for _, m := range ms {
		if m.Attachment != nil {
			fs = append(fs, &discordgo.File{Name: m.Attachment.Name, ContentType: m.Attachment.ContentType,
				Reader: strings.NewReader(string(m.Attachment.Data))})
		}
	}
	return fs
}

// component runs a button or a choice in a menu. Won, Decline and Lost
// open a modal for the value or the reason; the rest run as the command
// they stand for.
func (a *Adapter) component(ctx context.Context, i *discordgo.Interaction) *discordgo.InteractionResponse {
	data := i.MessageComponentData()
	action, guild := SplitCustomID(data.CustomID)
	action = chosen(data, action)
	if m, ok := closeModal(action, guild); ok {
		return m
	}
	id := identity(i, guild)
	if id.TeamID == "" {
		return errorResponse(core.Errorf(core.EINVALID, "That button is no longer valid.").WithHint("Type /refer list in the server."))
	}
	inDM := i.GuildID == ""
	return a.run(ctx, i, func(ctx context.Context) []bot.Message {
		if err := a.fromMember(ctx, i, id); err != nil {
			return []bot.Message{bot.ErrorMessage(err)}
		}
		return a.bot.HandleAction(ctx, id, action)
	}, inDM)
}

// fromMember checks, for an interaction from a DM, that the user is still
// a member of the guild its button or form names (see stillMember); one
// from inside the guild is a member's by definition.
func (a *Adapter) fromMember(ctx context.Context, i *discordgo.Interaction, id core.Identity) error {
	if i.GuildID != "" {
		return nil
	}
	return a.stillMember(ctx, id.TeamID, id.UserID)
}

// autocomplete suggests the caller's referral codes (and open leads for a
// claim) or the network's tags.
func (a *Adapter) autocomplete(ctx context.Context, i *discordgo.Interaction) *discordgo.InteractionResponse {
	data := i.ApplicationCommandData()
	path, args := subcommand(data)
	var focused *discordgo.ApplicationCommandInteractionDataOption
	for _, o := range args.opts {
		if o.Focused {
			focused = o
		}
	}
	resp := &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}}}
	if focused == nil || i.GuildID == "" {
		return resp
	}
	typed, _ := focused.Value.(string)
	for _, ch := range a.bot.Autocomplete(ctx, identity(i, ""), path, focused.Name, typed) {
		resp.Data.Choices = append(resp.Data.Choices, &discordgo.ApplicationCommandOptionChoice{Name: bot.Clip(ch.Name, 100), Value: ch.Value})
	}
	return resp
}

// modalSubmit validates a form; invalid input gets an ephemeral error
// saying what to change, and writes nothing.
func (a *Adapter) modalSubmit(ctx context.Context, i *discordgo.Interaction) *discordgo.InteractionResponse {
	data := i.ModalSubmitData()
	form := modalValues(data)
	cmd, guild, err := parseModal(data.CustomID, form)
	if err != nil {
		return errorResponse(err)
	}
	id := identity(i, guild)
	if id.TeamID == "" {
		return errorResponse(core.Errorf(core.EINVALID, "This form is out of date.").WithHint("Type /refer new in the server."))
	}
	return a.run(ctx, i, func(ctx context.Context) []bot.Message {
		if err := a.fromMember(ctx, i, id); err != nil {
			return []bot.Message{bot.ErrorMessage(err)}
		}
		return a.bot.Run(ctx, id, cmd)
	}, false)
}
