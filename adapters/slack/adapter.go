package slack

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/core"
)

// Options configure an Adapter.
type Options struct {
	Bot           *bot.Bot
	Client        *slack.Client // the Web API, with the bot token and base URL
	SigningSecret string        // verifies HTTP requests; Socket Mode needs none
	Log           *slog.Logger
	// Now is the clock signatures are checked against; default time.Now.
	Now func() time.Time
	// WakeFunc is called after a request so the outbox sender delivers
	// what it caused at once; may be nil.
	WakeFunc func()
	// ReplyWithin is how long a request may run before Slack is answered
	// and the reply goes through response_url instead (Slack allows 3 s);
	// default 2.5 s.
	ReplyWithin time.Duration
	// UserTTL is how long users.info answers are cached; default 1 hour.
	UserTTL time.Duration
	// LookupTimeout bounds each users.info call, so a slow Slack API
	// costs a command its display names, never its answer; default 1.5 s.
	LookupTimeout time.Duration
	// HTTPClient posts to response_url; default a client with a 10 s timeout.
	HTTPClient *http.Client
	// RetryBase is the first wait before reconnecting Socket Mode after a
	// failure, doubling up to a minute; default 1 s.
	RetryBase time.Duration
	// SocketMode says requests will arrive over Socket Mode: until it
	// connects, Ready reports the bot not ready.
	SocketMode bool
}

// Adapter serves Slack: it turns Slack requests into bot requests and bot
// messages into Block Kit.
type Adapter struct {
	bot    *bot.Bot
	api    *slack.Client
	secret string
	log    *slog.Logger
	now    func() time.Time
	wake   func()
	users  *userCache
	http   *http.Client

	deadline bot.Deadline // replies still being sent after Slack was answered

	socket    bot.Connection // Socket Mode's state, for /readyz
	requests  sync.WaitGroup // Socket Mode requests being handled
	retryBase time.Duration  // first wait before reconnecting Socket Mode
}

// New returns an adapter.
func New(o Options) *Adapter {
	a := &Adapter{bot: o.Bot, api: o.Client, secret: o.SigningSecret, log: o.Log, now: o.Now, wake: o.WakeFunc}
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
	if !o.SocketMode {
		a.socket.Up() // HTTP only: no connection to be down
	}
	a.http = o.HTTPClient
	if a.http == nil {
		a.http = &http.Client{Timeout: 10 * time.Second}
	}
	ttl := o.UserTTL
	if ttl == 0 {
		ttl = time.Hour
	}
	timeout := o.LookupTimeout
	if timeout == 0 {
		timeout = 1500 * time.Millisecond
	}
	a.users = &userCache{api: a.api, ttl: ttl, timeout: timeout, now: a.now, m: map[string]userEntry{}}
	if a.bot != nil {
		a.bot.CheckChannelsWith(core.Slack, a.checkChannel)
	}
	return a
}

// Wait blocks until replies still in flight have been sent; tests and a
// graceful shutdown use it.
func (a *Adapter) Wait() { a.deadline.Wait() }

// team is who is asking, as a Slack payload says.
type team struct {
	TeamID, TeamName, UserID, UserName, Channel string
}

// identity builds the caller's core identity, with their display name and
// whether they are a Slack workspace admin (users.info, cached).
func (a *Adapter) identity(ctx context.Context, t team) core.Identity {
	id := core.Identity{Platform: core.Slack, TeamID: t.TeamID, TeamName: t.TeamName, UserID: t.UserID,
		UserName: t.UserName, Channel: publicChannel(t.Channel)}
	if u, err := a.users.get(ctx, t.UserID); err == nil {
		id.UserName, id.PlatformAdmin = u.name, u.admin
	} else {
		a.log.Warn("users.info failed; using the payload's name", "user", t.UserID, "err", err)
	}
	return id
}

// publicChannel keeps only channels that can be the network's channel (a
// command typed in a DM, D…, must not make the DM the channel), written as
// Slack's channel link so replies naming it render as a link.
func publicChannel(id string) string {
	if id == "" || strings.HasPrefix(id, "D") {
		return ""
	}
	return "<#" + id + ">"
}

var mentionRe = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)

// maxLookups is how many people a command's mentions may cost users.info
// calls: a command names one or two; one naming hundreds must not turn
// into hundreds of calls (those beyond join under the name Slack sent, or
// their id, and get their real name when they next use the bot).
const maxLookups = 5

// withNames rewrites mentions as <@U123|Display Name>, so members the bot
// has not met yet join with their real name. A text the grammar will
// refuse as too long is left alone, and at most maxLookups people not in
// the cache are looked up.
func (a *Adapter) withNames(ctx context.Context, text string) string {
	if grammar.CheckLength(text) != nil {
		return text
	}
	lookups := 0
	names := map[string]string{} // id → name, "" when not known
	return mentionRe.ReplaceAllStringFunc(text, func(m string) string {
		id := mentionRe.FindStringSubmatch(m)[1]
		name, seen := names[id]
		if !seen {
			u, cached := a.users.cached(id)
			if !cached && lookups < maxLookups {
				lookups++
				var err error
				if u, err = a.users.get(ctx, id); err != nil {
					a.log.Warn("users.info failed; using the mention as sent", "user", id, "err", err)
				}
			}
			name, names[id] = u.name, u.name
		}
		if name == "" {
			return m
		}
		return "<@" + id + "|" + strings.NewReplacer("|", " ", ">", " ").Replace(name) + ">"
	})
}

// userCache remembers users.info answers: display names and admin flags
// change rarely, and every command needs them.
type userCache struct {
	api     *slack.Client
	ttl     time.Duration
	timeout time.Duration // each users.info call
	now     func() time.Time
	mu      sync.Mutex
	m       map[string]userEntry
}

type userEntry struct {
	name    string
	admin   bool
	fetched time.Time
}

// cached returns the user's entry if it is cached and fresh.
func (c *userCache) cached(id string) (userEntry, bool) {
	c.mu.Lock()
	e, ok := c.m[id]
	c.mu.Unlock()
	if ok && c.now().Sub(e.fetched) < c.ttl {
		return e, true
	}
	return userEntry{}, false
}

// get returns the user's entry, from the cache or users.info (within the
// cache's timeout).
func (c *userCache) get(ctx context.Context, id string) (userEntry, error) {
	if e, ok := c.cached(id); ok {
		return e, nil
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	u, err := c.api.GetUserInfoContext(ctx, id)
	if err != nil {
		return userEntry{}, err
	}
	e := userEntry{name: displayName(u), admin: u.IsAdmin || u.IsOwner || u.IsPrimaryOwner, fetched: c.now()}
	c.mu.Lock()
	c.m[id] = e
	c.mu.Unlock()
	return e, nil
}

func displayName(u *slack.User) string {
	for _, s := range []string{u.Profile.DisplayName, u.Profile.RealName, u.RealName, u.Name} {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return u.ID
}

// errUnauthorized is any failure to verify a request.
var errUnauthorized = errors.New("slack: request not verified")

// statusError carries an HTTP status for a bad request.
type statusError struct {
	code int
	msg  string
}

func (e *statusError) Error() string { return e.msg }

func badRequest(msg string) error { return &statusError{http.StatusBadRequest, msg} }
