package discord

import (
	"context"
	"crypto/ed25519"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/sender"
	"github.com/referbot/referbot/core"
)

// Options configure an Adapter.
type Options struct {
	Bot       *bot.Bot
	Token     string // the bot token (without "Bot ")
	AppID     string
	GuildID   string            // register commands on this guild only (instant updates while testing)
	PublicKey ed25519.PublicKey // verifies the HTTP interactions endpoint
	// APIURL is the REST API's base URL, default https://discord.com/api/v10/.
	APIURL string
	// HTTPClient carries REST calls; tests give one that reaches a fake.
	HTTPClient *http.Client
	Log        *slog.Logger
	Now        func() time.Time
	// WakeFunc is called after an interaction so the outbox sender delivers
	// what it caused at once; may be nil.
	WakeFunc func()
	// ReplyWithin is how long an interaction may run before it is deferred
	// and finished with a follow-up (Discord allows 3 s); default 2.5 s.
	ReplyWithin time.Duration
	// RetryBase is the first wait before retrying the Gateway or command
	// registration after a failure, doubling up to a minute; default 1 s.
	RetryBase time.Duration
}

// Adapter serves Discord.
type Adapter struct {
	bot     *bot.Bot
	session *discordgo.Session
	appID   string
	guildID string
	key     ed25519.PublicKey
	log     *slog.Logger
	now     func() time.Time
	wake    func()

	deadline bot.Deadline // follow-ups still being sent
	dms      sync.Map     // user id → the id of our DM channel with them

	guildMembers members // who is still in a guild, for clicks in DMs

	gateway   bot.Connection // the Gateway's state, for /readyz
	retryBase time.Duration  // first wait before retrying the Gateway or registration
}

// DefaultAPIURL is Discord's REST API.
const DefaultAPIURL = "https://discord.com/api/v10/"

// New returns an adapter. Its REST calls go to APIURL: discordgo builds
// URLs from package-level endpoints, so a transport rebases them rather
// than the adapter rewriting those globals.
func New(o Options) (*Adapter, error) {
	s, err := discordgo.New("Bot " + o.Token)
	if err != nil {
		return nil, err
	}
	base := o.APIURL
	if base == "" {
		base = DefaultAPIURL
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, &url.Error{Op: "parse", URL: base, Err: err}
	}
	client := o.HTTPClient
	if client == nil {
		// Each of the outbox sender's workers keeps its connection (the
		// default transport keeps two per host).
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 32
		client = &http.Client{Timeout: 20 * time.Second, Transport: t}
	}
	next := client.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c := *client
	c.Transport = &globalLimit{next: rebase{base: u, next: next}, now: time.Now, sleep: sender.Sleep}
	s.Client = &c
	s.Identify.Intents = discordgo.IntentsGuilds
	a := &Adapter{bot: o.Bot, session: s, appID: o.AppID, guildID: o.GuildID, key: o.PublicKey, log: o.Log,
		now: o.Now, wake: o.WakeFunc}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.wake == nil {
		a.wake = func() {}
	}
	a.deadline.Within = o.ReplyWithin
	a.retryBase = o.RetryBase
	if o.PublicKey != nil {
		a.gateway.Up() // interactions over HTTP: no Gateway to be down
	}
	if a.bot != nil {
		a.bot.CheckChannelsWith(core.Discord, a.checkChannel)
	}
	return a, nil
}

// Wait blocks until follow-ups in flight are sent.
func (a *Adapter) Wait() { a.deadline.Wait() }

// rebase sends requests meant for discordgo's built-in API base to the
// configured one.
type rebase struct {
	base *url.URL
	next http.RoundTripper
}

func (t rebase) RoundTrip(r *http.Request) (*http.Response, error) {
	if rest, ok := strings.CutPrefix(r.URL.String(), discordgo.EndpointAPI); ok {
		u, err := t.base.Parse(rest)
		if err != nil {
			return nil, err
		}
		r = r.Clone(r.Context())
		r.URL, r.Host = u, u.Host
	}
	return t.next.RoundTrip(r)
}

// Register overwrites the application's commands with Commands(): on the
// configured guild, or globally.
func (a *Adapter) Register(ctx context.Context) error {
	_, err := a.session.ApplicationCommandBulkOverwrite(a.appID, a.guildID, Commands(), discordgo.WithContext(ctx))
	return err
}

// permAdmin are the permissions that make a member a referbot admin.
const permAdmin = discordgo.PermissionManageGuild | discordgo.PermissionAdministrator

// identity is who acts: the guild (from the interaction, or for a DM from
// the button that was clicked), the user, their display name, and whether
// they manage the server.
func identity(i *discordgo.Interaction, guild string) core.Identity {
	id := core.Identity{Platform: core.Discord, TeamID: guild}
	if i.GuildID != "" {
		id.TeamID = i.GuildID
		id.Channel = "<#" + i.ChannelID + ">"
	}
	switch {
	case i.Member != nil && i.Member.User != nil:
		id.UserID, id.UserName = i.Member.User.ID, userName(i.Member.User)
		if i.Member.Nick != "" {
			id.UserName = i.Member.Nick
		}
		id.PlatformAdmin = i.Member.Permissions&permAdmin != 0
	case i.User != nil:
		// A DM knows no server nickname: leave the name as the server had it.
		id.UserID = i.User.ID
	}
	return id
}
