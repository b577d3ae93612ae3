package bot

import (
	"context"
	"regexp"
	"slices"
	"strings"
)

// Visibility says who sees a message.
type Visibility int

const (
	Ephemeral Visibility = iota // only the person who acted
	Channel                     // the workspace's channel, for everyone
	Direct                      // a private message to one member
)

func (v Visibility) String() string {
	switch v {
	case Channel:
		return "channel"
	case Direct:
		return "direct"
	}
	return "ephemeral"
}

// Style colours a button.
type Style int

const (
	Default Style = iota
	Primary
	Danger
)

// Button is a clickable action. Action is a path such as
// "/refer/claim/R-1042" that HandleAction routes back to an operation.
type Button struct {
	Label  string
	Action string
	Style  Style
}

// MaxButtons is the most buttons a message carries: Slack takes 25
// elements in a row of actions, Discord five rows of five. Beyond, the
// choices go in a Menu.
const MaxButtons = 25

// Menu is a drop-down. With Options it is one choice among them (each a
// label and the action it runs), for choices too many to be buttons.
// With Channels it is a channel the platform lists: the chosen channel's
// id is appended to Action as its last segment.
type Menu struct {
	Placeholder string
	Options     []Button
	// More says what to type for a choice a platform can't list (Discord
	// lists 25 options, Slack 100), e.g. "/refer pick R-1042 @name".
	More     string
	Channels bool
	Action   string // the action a chosen channel completes
}

// Field is a labelled value shown in a card.
type Field struct {
	Name  string
	Value string
}

// Message is what the bot says, before any platform shapes it. Text uses a
// small common markup: *bold*, `code` and mentions (see Mention); adapters
// translate it. Titles name people as @name: neither a Slack header nor a
// Discord embed title shows a mention.
type Message struct {
	Visibility Visibility
	To         string // channel id or name (Channel), platform user id (Direct)
	// Team is the workspace's platform id (Slack team, Discord guild) when
	// known: a button in a Discord DM must say which guild it acts in.
	Team    string
	ToName  string // for display: the member's name
	Title   string
	Text    string
	Fields  []Field
	Buttons []Button
	Menu    *Menu // a drop-down below the buttons, if any
	Footer  string
	// Kind names what the message is (a notice kind, or "reply", "help",
	// KindError ...), so adapters can pick a layout or colour.
	Kind string
	// Referral is the referral code the message is about, if any; adapters
	// use it to find and update earlier posts about the same referral.
	Referral string
	// Replaces names the notice kind of an earlier post about the same
	// referral that this message supersedes (the lead post a claim
	// updates). Messengers that can edit (Updater) edit it in place.
	Replaces string
	// UpdateOnly messages exist to refresh the post they replace: where
	// there is none, or the platform can't edit, they are dropped.
	UpdateOnly bool
	// Nonce names the outbox notice being delivered, the same on every
	// retry of it: a platform that can make a post idempotent (Discord's
	// nonce with enforce_nonce) uses it so a retried post is not doubled.
	Nonce string
	// Attachment is a file that goes with the message (a data export),
	// too long or too precious to be cut to a platform's message size.
	// Adapters upload it; the console prints it.
	Attachment *Attachment
}

// KindError is the Kind of a message that reports an error: the request
// did nothing, and the text says why and what to type instead.
const KindError = "error"

// IsError reports whether m reports an error rather than a result, so an
// adapter shows it as such (an inline form error, no card replaced).
func (m Message) IsError() bool { return m.Kind == KindError }

// Attachment is a file sent with a message.
type Attachment struct {
	Name        string // file name, e.g. referbot-export.json
	ContentType string
	Data        []byte
}

// Messenger delivers messages to a platform. Adapters implement it.
type Messenger interface {
	// Send posts m and returns the platform's reference for the posted
	// message (a Slack ts, a Discord message id) so it can be updated later.
	Send(ctx context.Context, m Message) (ref string, err error)
}

// Updater is the optional capability of editing a posted message, so a
// lead post shows its owner once claimed instead of a second post.
type Updater interface {
	// Update replaces the message ref (as returned by Send) with m.
	Update(ctx context.Context, ref string, m Message) error
}

// A notice names a member whose platform id it knows as "<@id|name>", so
// each platform can render a mention that notifies them (Slack reads it as
// its own; Discord shows <@id> and pings with allowed_mentions naming
// exactly them) and the console @name. It is the form Slack's escaped
// mentions take, which the grammar reads too.
var mentionToken = regexp.MustCompile(`<@([A-Za-z0-9]+)\|([^<>|]*)>`)

// Mention writes a member in a message's text: a mention when their
// platform id is known, else @name.
func Mention(userID, name string) string {
	if !platformID(userID) {
		return "@" + name
	}
	return "<@" + userID + "|" + strings.NewReplacer("|", " ", "<", " ", ">", " ").Replace(name) + ">"
}

// RenderMentions rewrites the mentions in s with render(id, name).
func RenderMentions(s string, render func(id, name string) string) string {
	if !strings.Contains(s, "<@") {
		return s
	}
	return mentionToken.ReplaceAllStringFunc(s, func(m string) string {
		sub := mentionToken.FindStringSubmatch(m)
		return render(sub[1], sub[2])
	})
}

// PlainMentions rewrites the mentions in s as @name.
func PlainMentions(s string) string {
	return RenderMentions(s, func(_, name string) string { return "@" + name })
}

// Mentioned lists the ids of the members m's text mentions, once each, in
// order: the people a post is meant to notify.
func (m Message) Mentioned() []string {
	var ids []string
	for _, sub := range mentionToken.FindAllStringSubmatch(m.Text, -1) {
		if !slices.Contains(ids, sub[1]) {
			ids = append(ids, sub[1])
		}
	}
	return ids
}
