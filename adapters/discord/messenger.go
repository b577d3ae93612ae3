package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/sender"
)

// Messenger delivers bot messages through the REST API. Its refs are
// "<channel id>/<message id>".
type Messenger struct{ a *Adapter }

// Messenger returns the adapter's bot.Messenger (and bot.Updater).
func (a *Adapter) Messenger() *Messenger { return &Messenger{a} }

var channelRef = regexp.MustCompile(`^<#([^<>]+)>$`)

// channel is where m goes: the channel's id, or for a DM the DM channel
// Discord opens (or returns) for the user.
func (s *Messenger) channel(ctx context.Context, m bot.Message) (string, error) {
	to := strings.TrimSpace(m.To)
	if c := channelRef.FindStringSubmatch(to); c != nil {
		to = c[1]
	}
	if to == "" {
		return "", &sender.PermanentError{Err: errors.New("no channel is set: an admin can type /refer-admin config setting:channel value:#referrals")}
	}
	if m.Visibility != bot.Direct {
		return to, nil
	}
	if ch, ok := s.a.dms.Load(to); ok {
		return ch.(string), nil
	}
	// Not UserChannelCreate: its one rate-limit bucket for every user is a
	// lock held through each call, so one hanging call would hold up the
	// DMs to everyone. A DM channel never changes, so it is asked for once.
	endpoint := discordgo.EndpointUserChannels("@me")
	body, err := s.a.session.RequestWithBucketID("POST", endpoint, map[string]string{"recipient_id": to},
		endpoint+"/"+to, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
	if err != nil {
		return "", classify(err)
	}
	var ch discordgo.Channel
	if err := json.Unmarshal(body, &ch); err != nil || ch.ID == "" {
		return "", fmt.Errorf("opening the DM with %s: %q: %v", to, body, err)
	}
	s.a.dms.Store(to, ch.ID)
	return ch.ID, nil
}

// buttonsGuild: buttons in a DM carry the guild they act in.
func buttonsGuild(m bot.Message) string {
	if m.Visibility == bot.Direct {
		return m.Team
	}
	return ""
}

// Send posts m and returns its ref.
func (s *Messenger) Send(ctx context.Context, m bot.Message) (string, error) {
	ch, err := s.channel(ctx, m)
	if err != nil {
		return "", err
	}
	content, allowed := pings(m)
	send := messageSend{MessageSend: &discordgo.MessageSend{Content: content, Embeds: []*discordgo.MessageEmbed{Embed(m)},
		Components: Components(m, buttonsGuild(m)), AllowedMentions: allowed},
		Nonce: m.Nonce, EnforceNonce: m.Nonce != ""}
	if m.Attachment != nil {
		send.Files = attachments([]bot.Message{m})
	}
	id, err := s.post(ctx, ch, send)
	if err != nil {
		if m.Visibility == bot.Direct {
			s.a.dms.Delete(strings.TrimSpace(m.To)) // should the DM channel be gone, open it again next time
		}
		return "", classify(err)
	}
	return ch + "/" + id, nil
}

// messageSend is a message with the nonce discordgo's MessageSend lacks:
// with enforce_nonce, Discord answers a post whose nonce it saw in the
// last few minutes with the message it already made, so a retry after a
// lost answer is not posted twice.
type messageSend struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

// post creates the message in channel ch, as ChannelMessageSendComplex
// does, and returns its id.
func (s *Messenger) post(ctx context.Context, ch string, send messageSend) (string, error) {
	for _, e := range send.Embeds {
		if e.Type == "" {
			e.Type = discordgo.EmbedTypeRich
		}
	}
	endpoint := discordgo.EndpointChannelMessages(ch)
	opts := []discordgo.RequestOption{discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false)}
	var body []byte
	var err error
	if len(send.Files) > 0 {
		ct, b, merr := discordgo.MultipartBodyWithJSON(send, send.Files)
		if merr != nil {
			return "", merr
		}
		body, err = s.a.session.RequestRaw("POST", endpoint, ct, b, endpoint, 0, opts...)
	} else {
		body, err = s.a.session.RequestWithBucketID("POST", endpoint, send, endpoint, opts...)
	}
	if err != nil {
		return "", err
	}
	var msg discordgo.Message
	if err := json.Unmarshal(body, &msg); err != nil || msg.ID == "" {
		return "", fmt.Errorf("posting to %s: %q: %v", ch, body, err)
	}
	return msg.ID, nil
}

// Update replaces the message ref with m.
func (s *Messenger) Update(ctx context.Context, ref string, m bot.Message) error {
	ch, id, ok := strings.Cut(ref, "/")
	if !ok || ch == "" || id == "" {
		return &sender.PermanentError{Err: fmt.Errorf("not a Discord message ref: %q", ref)}
	}
	embeds := []*discordgo.MessageEmbed{Embed(m)}
	comps := Components(m, buttonsGuild(m))
	if comps == nil {
		comps = []discordgo.MessageComponent{} // remove the old buttons
	}
	edit := &discordgo.MessageEdit{ID: id, Channel: ch, Embeds: &embeds, Components: &comps, AllowedMentions: noMentions}
	if content, allowed := pings(m); content != "" {
		edit.Content, edit.AllowedMentions = &content, allowed
	}
	_, err := s.a.session.ChannelMessageEditComplex(edit, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
	return classify(err)
}

// permanent are Discord's JSON error codes no retry can fix: unknown
// channel, message or user; missing access; can't DM the user; missing
// permissions.
var permanent = map[int]bool{10003: true, 10008: true, 10013: true, 50001: true, 50007: true, 50013: true, 50035: true}

// classify maps REST errors for the outbox sender: 429 waits for its
// retry_after; errors no retry can fix are permanent; the rest retry.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) && rl.RateLimit != nil && rl.TooManyRequests != nil {
		return &sender.RetryAfterError{After: rl.RetryAfter, Err: err}
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) {
		if re.Message != nil && permanent[re.Message.Code] {
			return &sender.PermanentError{Err: err}
		}
		if re.Response != nil && (re.Response.StatusCode == http.StatusNotFound || re.Response.StatusCode == http.StatusForbidden) {
			return &sender.PermanentError{Err: err}
		}
	}
	return err
}
