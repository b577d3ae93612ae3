package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"

	discordadapter "github.com/referbot/referbot/adapters/discord"
	"github.com/referbot/referbot/core"
)

// discordChat wires the Discord adapter: commands registered at start;
// interactions over HTTP when DISCORD_PUBLIC_KEY is set, else over the
// Gateway; delivery through the REST API at DISCORD_API_URL.
func (m *Main) discordChat() (*chat, error) {
	cfg := m.Config
	var key ed25519.PublicKey
	if cfg.DiscordPublicKey != "" {
		b, err := hex.DecodeString(cfg.DiscordPublicKey)
		if err != nil || len(b) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("DISCORD_PUBLIC_KEY: want the application's 64-character hex public key (Developer Portal → General Information)")
		}
		key = b
	}
	c := &chat{Platform: core.Discord}
	a, err := discordadapter.New(discordadapter.Options{Bot: m.Bot, Token: cfg.DiscordBotToken, AppID: cfg.DiscordAppID,
		GuildID: cfg.DiscordGuildID, PublicKey: key, APIURL: cfg.DiscordAPIURL, Log: m.Log.With("platform", "discord"),
		WakeFunc: c.wake()})
	if err != nil {
		return nil, fmt.Errorf("DISCORD_API_URL: %w", err)
	}
	c.Messenger, c.Wait, c.Ready = a.Messenger(), a.Wait, a.Ready
	if key != nil {
		c.Routes = a.Routes
	}
	c.Run = func(ctx context.Context) error { return a.Run(ctx, key == nil) }
	return c, nil
}
