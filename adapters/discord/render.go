package discord

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/referbot/referbot/bot"
)

// Discord's limits on embeds and components (docs: resources/message).
const (
	maxTitle       = 256
	maxDescription = 4096
	maxFields      = 25
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFooter      = 2048
	maxEmbedTotal  = 6000
	maxCustomID    = 100
	maxLabel       = 80
	buttonsPerRow  = 5
	maxRows        = 5
	maxContent     = 2000
	maxOptions     = 25 // a select's options
	maxOptionText  = 100
	maxPlaceholder = 150
)

// customMenu is the custom id of a string select: the chosen option's
// value is the action it runs.
const customMenu = "/refer/menu"

// Colours by what a message is: wins and claims green, leads and the
// celebration gold, problems red; kinds are notice kinds or reply kinds.
var colours = map[string]int{
	bot.KindError: 0xD83C3E, "referral": 0x1F4E79, "lead.posted": 0xF2A900, "lead.claimed": 0x2E7D32,
	"referral.won": 0x2E7D32, "report.quarterly": 0xF2A900, "digest.weekly": 0x1F4E79, "thanks.posted": 0x8E44AD,
	"stats": 0x1F4E79, "report.health": 0xD35400, "referral.lost": 0x7F8C8D, "referral.declined": 0x7F8C8D,
	"lead.expired": 0x7F8C8D, "help": 0x607D8B,
}

func colour(kind string) int {
	if c, ok := colours[kind]; ok {
		return c
	}
	return 0x5865F2
}

var boldRe = regexp.MustCompile(`\*([^*\s](?:[^*\n]*[^*\s])?)\*`)

// markdown turns the bot's *bold* into Discord's **bold** (a single star
// is italics there).
func markdown(s string) string { return boldRe.ReplaceAllString(s, "**$1**") }

// snowflake is a Discord id, as a mention carries one.
var snowflake = regexp.MustCompile(`^[0-9]+$`)

// mentions renders the bot's mentions as Discord's, <@123>: shown as the
// member's name in a description or field (where it notifies nobody; a
// post's content does, see pings).
func mentions(s string) string {
	return bot.RenderMentions(s, func(id, name string) string {
		if !snowflake.MatchString(id) {
			return "@" + name
		}
		return "<@" + id + ">"
	})
}

// pings is what makes a channel post notify the members its text mentions:
// their mentions as the message's content, and allowed_mentions naming
// exactly them (never @everyone, @here or a role). Other messages notify
// nobody.
func pings(m bot.Message) (string, *discordgo.MessageAllowedMentions) {
	if m.Visibility != bot.Channel {
		return "", noMentions
	}
	var ids, tags []string
	for _, id := range m.Mentioned() {
		if snowflake.MatchString(id) {
			ids, tags = append(ids, id), append(tags, "<@"+id+">")
		}
	}
	if len(ids) == 0 {
		return "", noMentions
	}
	return strings.Join(tags, " "), &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}, Users: ids}
}

// Embed renders a message as an embed: title, description, fields (short
// ones side by side), footer, coloured by kind. A title shows no mention:
// it names people as @name.
func Embed(m bot.Message) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: bot.Clip(bot.PlainMentions(m.Title), maxTitle),
		Description: bot.Clip(markdown(mentions(m.Text)), maxDescription), Color: colour(m.Kind)}
	if m.IsError() && e.Title == "" {
		e.Title = "That didn't work"
	}
	total := len([]rune(e.Title)) + len([]rune(e.Description))
	for i, f := range m.Fields {
		name, value := bot.Clip(bot.PlainMentions(f.Name), maxFieldName), bot.Clip(markdown(mentions(f.Value)), maxFieldValue)
		if value == "" {
			value = "—"
		}
		if i == maxFields || total+len([]rune(name))+len([]rune(value)) > maxEmbedTotal-maxFooter {
			e.Footer = &discordgo.MessageEmbedFooter{Text: "…more in /refer show or /refer list"}
			return e
		}
		total += len([]rune(name)) + len([]rune(value))
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: name, Value: value,
			Inline: !strings.Contains(value, "\n") && utf8.RuneCountInString(value) <= 40})
	}
	if m.Footer != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: bot.Clip(bot.PlainMentions(m.Footer), maxFooter)}
	}
	if mn := m.Menu; mn != nil && !mn.Channels && len(mn.Options) > maxOptions && mn.More != "" {
		// A select lists 25: say what to type for the others.
		more := fmt.Sprintf("\n…and %d more: `%s`", len(mn.Options)-maxOptions, mn.More)
		e.Description = bot.Clip(e.Description, maxDescription-utf8.RuneCountInString(more)) + more
	}
	return e
}

// CustomID is a button's id: the bot's action path, and for buttons in a
// DM the guild they act in (a DM interaction carries no guild).
func CustomID(action, guild string) string {
	if guild == "" {
		return action
	}
	return action + "|" + guild
}

// SplitCustomID reads a CustomID back.
func SplitCustomID(id string) (action, guild string) {
	if i := strings.LastIndexByte(id, '|'); i >= 0 {
		return id[:i], id[i+1:]
	}
	return id, ""
}

// Components renders buttons, five to a row.
func Components(m bot.Message, guild string) []discordgo.MessageComponent {
	var rows []discordgo.MessageComponent
	var row discordgo.ActionsRow
	for _, b := range m.Buttons {
		id := CustomID(b.Action, guild)
		if len(id) > maxCustomID {
			continue // never produced by the bot; Discord would refuse the whole message
		}
		style := discordgo.SecondaryButton
		switch b.Style {
		case bot.Primary:
			style = discordgo.PrimaryButton
		case bot.Danger:
			style = discordgo.DangerButton
		}
		row.Components = append(row.Components, discordgo.Button{Label: bot.Clip(bot.PlainMentions(b.Label), maxLabel), Style: style, CustomID: id})
		if len(row.Components) == buttonsPerRow {
			rows = append(rows, row)
			row = discordgo.ActionsRow{}
		}
	}
	if len(row.Components) > 0 {
		rows = append(rows, row)
	}
	menu := menuRow(m.Menu, guild)
	if menu != nil && len(rows) >= maxRows {
		rows = rows[:maxRows-1] // the menu takes a row of its own
	}
	if len(rows) > maxRows {
		rows = rows[:maxRows]
	}
	if menu != nil {
		rows = append(rows, menu)
	}
	return rows
}

// menuRow renders a drop-down in a row of its own: a channel select of
// the server's text channels (its custom id the action a chosen channel
// completes, see chosen), or a string select whose options' values are
// their actions, at most 25 (Embed says what to type for the rest).
func menuRow(mn *bot.Menu, guild string) discordgo.MessageComponent {
	if mn == nil {
		return nil
	}
	placeholder := bot.Clip(mn.Placeholder, maxPlaceholder)
	if mn.Channels {
		id := CustomID(mn.Action, guild)
		if len(id) > maxCustomID {
			return nil
		}
		return discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.SelectMenu{MenuType: discordgo.ChannelSelectMenu,
			CustomID: id, Placeholder: placeholder, ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText}}}}
	}
	var opts []discordgo.SelectMenuOption
	for _, o := range mn.Options {
		if len(opts) == maxOptions {
			break
		}
		if len(o.Action) <= maxOptionText {
			opts = append(opts, discordgo.SelectMenuOption{Label: bot.Clip(bot.PlainMentions(o.Label), maxOptionText), Value: o.Action})
		}
	}
	if len(opts) == 0 {
		return nil
	}
	return discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.SelectMenu{MenuType: discordgo.StringSelectMenu,
		CustomID: CustomID(customMenu, guild), Placeholder: placeholder, Options: opts}}}
}

// chosen is the action a component interaction stands for: a button's;
// the value of the option chosen in a string select; a channel select's
// action completed with the chosen channel.
func chosen(data discordgo.MessageComponentInteractionData, action string) string {
	switch data.ComponentType {
	case discordgo.SelectMenuComponent:
		if len(data.Values) == 1 {
			return data.Values[0]
		}
		return ""
	case discordgo.ChannelSelectMenuComponent:
		if len(data.Values) == 1 {
			return action + "/" + data.Values[0]
		}
		return ""
	}
	return action
}

// noMentions keeps names in posts from pinging anyone.
var noMentions = &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}

// responseData renders replies as one ephemeral (or not) response: up to
// ten embeds, the buttons (and menu) of the first that has any.
func responseData(ms []bot.Message, guild string, ephemeral bool) *discordgo.InteractionResponseData {
	d := &discordgo.InteractionResponseData{AllowedMentions: noMentions}
	if ephemeral {
		d.Flags = discordgo.MessageFlagsEphemeral
	}
	total := 0
	for _, m := range ms {
		e := Embed(m)
		if len(d.Embeds) == 10 || total+embedLen(e) > maxEmbedTotal {
			break // a message's embeds share one 6,000-character budget
		}
		total += embedLen(e)
		d.Embeds = append(d.Embeds, e)
		if d.Components == nil && (len(m.Buttons) > 0 || m.Menu != nil) {
			d.Components = Components(m, guild)
		}
	}
	return d
}

// embedLen counts the characters Discord counts against an embed's limit.
func embedLen(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	return n
}
