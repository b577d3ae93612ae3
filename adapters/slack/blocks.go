package slack

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/referbot/referbot/bot"
)

// Slack's limits on Block Kit (docs: reference/block-kit/blocks).
const (
	maxHeader      = 150
	maxSectionText = 3000
	maxFieldText   = 2000
	maxFields      = 10
	maxButtonText  = 75
	maxActionID    = 255
	maxBlocks      = 50
	maxFallback    = 3000
	maxOptions     = 100 // a static_select's options
	maxOptionValue = 150
	maxPlaceholder = 150
)

// actionMenu is the action id of a static_select: the chosen option's
// value is the action it runs.
const actionMenu = "/refer/menu"

// entity matches Slack's own markup, which must reach Slack unescaped:
// <@U123|name>, <#C123|name>, <!here>, <https://...|label>, <mailto:...>.
var entity = regexp.MustCompile(`<(?:[@#!][A-Za-z0-9^|._-]*(?:\|[^<>]*)?|(?:https?|mailto):[^<>\s]+(?:\|[^<>]*)?)>`)

// escape makes text safe for mrkdwn: &, < and > are control characters
// there, except inside Slack's own entities — the bot's mentions among
// them (<@U123|name>, see bot.Mention), which Slack shows as the member's
// current name and which notify them.
func escape(s string) string {
	var b strings.Builder
	last := 0
	for _, loc := range entity.FindAllStringIndex(s, -1) {
		b.WriteString(escapeAll(s[last:loc[0]]))
		b.WriteString(s[loc[0]:loc[1]])
		last = loc[1]
	}
	b.WriteString(escapeAll(s[last:]))
	return b.String()
}

var replacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escapeAll(s string) string { return replacer.Replace(s) }

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, bot.Clip(escape(s), maxSectionText), false, false)
}

func plain(s string, n int) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, bot.Clip(bot.PlainMentions(s), n), true, false)
}

// icon prefixes a message's title by what it is.
func icon(kind string) string {
	switch kind {
	case bot.KindError:
		return ":warning: "
	case "lead.posted":
		return ":mega: "
	case "thanks.posted":
		return ":pray: "
	}
	return ""
}

// Blocks renders a neutral message as Block Kit: a header, the text, the
// fields two by two, the buttons, and a footer.
func Blocks(m bot.Message) []slack.Block {
	var bs []slack.Block
	if m.Title != "" {
		title := icon(m.Kind) + m.Title
		// plain_text shows <#C123> and <@U123> raw: titles naming a channel
		// or a person go in mrkdwn.
		if utf8.RuneCountInString(title) <= maxHeader && !strings.ContainsAny(title, "*`") && !entity.MatchString(title) {
			bs = append(bs, slack.NewHeaderBlock(plain(title, maxHeader)))
		} else {
			bs = append(bs, slack.NewSectionBlock(mrkdwn("*"+strings.ReplaceAll(title, "*", "")+"*"), nil, nil))
		}
	}
	if m.Text != "" {
		text := m.Text
		if m.Title == "" {
			text = icon(m.Kind) + text
		}
		for _, chunk := range chunks(text, maxSectionText) {
			bs = append(bs, slack.NewSectionBlock(mrkdwn(chunk), nil, nil))
		}
	}
	var fields []*slack.TextBlockObject
	flush := func() {
		if len(fields) > 0 {
			bs = append(bs, slack.NewSectionBlock(nil, fields, nil))
			fields = nil
		}
	}
	for _, f := range m.Fields {
		if len(fields) == maxFields {
			flush()
		}
		if wide(f) {
			// A list or a sentence is unreadable in a half-width column.
			flush()
			bs = append(bs, slack.NewSectionBlock(mrkdwn("*"+f.Name+"*\n"+f.Value), nil, nil))
			continue
		}
		v := bot.Clip(escape(f.Value), maxFieldText-len(f.Name)-4)
		fields = append(fields, slack.NewTextBlockObject(slack.MarkdownType, "*"+escape(f.Name)+"*\n"+v, false, false))
	}
	flush()
	if len(m.Buttons) > 0 {
		var els []slack.BlockElement
		for _, b := range m.Buttons {
			if len(b.Action) > maxActionID {
				continue // never produced by the bot; a button Slack refuses would lose the whole message
			}
			btn := slack.NewButtonBlockElement(b.Action, b.Action, plain(b.Label, maxButtonText))
			switch b.Style {
			case bot.Primary:
				btn.Style = slack.StylePrimary
			case bot.Danger:
				btn.Style = slack.StyleDanger
			}
			els = append(els, btn)
		}
		// No block_id: Slack makes a unique one, so several messages
		// merged into one reply never repeat it.
		bs = append(bs, slack.NewActionBlock("", els...))
	}
	if m.Menu != nil {
		bs = append(bs, menu(m.Menu)...)
	}
	if m.Footer != "" {
		bs = append(bs, slack.NewContextBlock("", mrkdwn(m.Footer)))
	}
	if len(bs) > maxBlocks {
		bs = append(bs[:maxBlocks-1], slack.NewContextBlock("", mrkdwn("…and more: see /refer list")))
	}
	return bs
}

// menu renders a drop-down: a conversations_select for a channel (public
// and private channels, no DMs; see actionOf), else a static_select whose
// options' values are their actions, at most 100, with what to type for
// the rest.
func menu(mn *bot.Menu) []slack.Block {
	placeholder := plain(nonEmpty(mn.Placeholder, "Choose"), maxPlaceholder)
	if mn.Channels {
		if len(mn.Action) > maxActionID {
			return nil
		}
		sel := slack.NewOptionsSelectBlockElement(slack.OptTypeConversations, placeholder, mn.Action)
		sel.Filter = &slack.SelectBlockElementFilter{Include: []string{"public", "private"}, ExcludeBotUsers: true}
		return []slack.Block{slack.NewActionBlock("", sel)}
	}
	var opts []*slack.OptionBlockObject
	for _, o := range mn.Options {
		if len(opts) == maxOptions {
			break
		}
		if len(o.Action) <= maxOptionValue {
			opts = append(opts, slack.NewOptionBlockObject(o.Action, plain(o.Label, maxButtonText), nil))
		}
	}
	if len(opts) == 0 {
		return nil
	}
	bs := []slack.Block{slack.NewActionBlock("", slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, placeholder, actionMenu, opts...))}
	if rest := len(mn.Options) - len(opts); rest > 0 && mn.More != "" {
		bs = append(bs, slack.NewContextBlock("", mrkdwn(fmt.Sprintf("…and %d more: `%s`", rest, mn.More))))
	}
	return bs
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// wide reports whether a field needs the whole width: several lines, or
// more than a short phrase.
func wide(f bot.Field) bool {
	return strings.Contains(f.Value, "\n") || utf8.RuneCountInString(f.Value) > 60
}

// Fallback is the plain text Slack shows in notifications and where
// blocks can't be shown.
func Fallback(m bot.Message) string {
	parts := []string{}
	for _, s := range []string{m.Title, m.Text} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 && len(m.Fields) > 0 {
		parts = append(parts, m.Fields[0].Name+": "+m.Fields[0].Value)
	}
	return bot.Clip(escape(strings.Join(parts, " — ")), maxFallback)
}

// chunks splits long text at line ends into pieces Slack accepts.
func chunks(s string, n int) []string {
	var out []string
	for utf8.RuneCountInString(s) > n {
		r := []rune(s)
		cut := strings.LastIndex(string(r[:n]), "\n")
		if cut <= 0 {
			cut = len(string(r[:n]))
		}
		out = append(out, s[:cut])
		s = strings.TrimPrefix(s[cut:], "\n")
	}
	return append(out, s)
}
