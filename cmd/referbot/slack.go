package main

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"

	slackadapter "github.com/referbot/referbot/adapters/slack"
	"github.com/referbot/referbot/core"
)

// slackChat wires the Slack adapter: HTTP endpoints when a signing secret
// is set, Socket Mode when an app token is, and the Web API for delivery.
func (m *Main) slackChat() (*chat, error) {
	cfg := m.Config
	api := cfg.SlackAPIURL
	if !strings.HasSuffix(api, "/") {
		api += "/"
	}
	// Every Web API call ends (slack-go's default client never gives up on
	// one that hangs; the sender also gives each call its own deadline), and
	// each of the sender's workers keeps its connection (the default
	// transport keeps two per host).
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 32
	opts := []slack.Option{slack.OptionAPIURL(api),
		slack.OptionHTTPClient(&http.Client{Timeout: 20 * time.Second, Transport: transport})}
	if cfg.SlackAppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.SlackAppToken))
	}
	c := &chat{Platform: core.Slack,
		// chat.postMessage allows about one message per second per channel.
		PerDestination: time.Second}
	a := slackadapter.New(slackadapter.Options{Bot: m.Bot, Client: slack.New(cfg.SlackBotToken, opts...),
		SigningSecret: cfg.SlackSigningSecret, Log: m.Log.With("platform", "slack"), WakeFunc: c.wake(),
		SocketMode: cfg.SlackAppToken != ""})
	c.Messenger, c.Wait, c.Ready = a.Messenger(), a.Wait, a.Ready
	if cfg.SlackSigningSecret != "" {
		c.Routes = a.Routes
	} else {
		c.Routes = func(mux *http.ServeMux) {
			for _, p := range []string{"/slack/commands", "/slack/interactions", "/slack/events"} {
				mux.HandleFunc("POST "+p, func(w http.ResponseWriter, _ *http.Request) {
					http.Error(w, "SLACK_SIGNING_SECRET is not set: this bot receives Slack over Socket Mode", http.StatusNotFound)
				})
			}
		}
	}
	c.Run = func(ctx context.Context) error {
		if cfg.SlackAppToken == "" {
			<-ctx.Done()
			return nil
		}
		m.Log.Info("slack: connecting over Socket Mode")
		return a.RunSocketMode(ctx)
	}
	return c, nil
}
