package main

import (
	"context"
	"net/http"
	"time"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/sender"
	"github.com/referbot/referbot/core"
)

// chat is one configured chat platform as Serve runs it: its HTTP
// endpoints, its long-lived connection, and the outbox sender that
// delivers through it.
type chat struct {
	Platform  core.Platform
	Messenger bot.Messenger
	// Routes adds the platform's HTTP endpoints; may be nil.
	Routes func(mux *http.ServeMux)
	// Run keeps the platform's connection (Socket Mode, the Gateway,
	// command registration) until ctx ends; may be nil.
	Run func(ctx context.Context) error
	// Wait blocks until replies still in flight are sent; Serve calls it
	// on shutdown, after the HTTP server stopped taking requests.
	Wait func()
	// Ready reports whether the platform's connection is up, for /readyz;
	// may be nil.
	Ready func() error
	// PerDestination spaces messages to one channel or user.
	PerDestination time.Duration
	// Sender is set by Serve before any request is served; adapters call
	// Sender.Wake after a request so what it caused is delivered at once.
	Sender *sender.Sender
}

// chats builds the adapters whose credentials are set.
func (m *Main) chats() ([]*chat, error) {
	var cs []*chat
	if m.Config.SlackBotToken != "" {
		c, err := m.slackChat()
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	if m.Config.DiscordBotToken != "" {
		c, err := m.discordChat()
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// wake returns a function that wakes c's sender once Serve has made it.
func (c *chat) wake() func() {
	return func() {
		if c.Sender != nil {
			c.Sender.Wake()
		}
	}
}
