package discord

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/referbot/referbot/bot"
)

// Run registers the commands (retrying with backoff until Discord takes
// them) and, unless interactions arrive over HTTP (a public key is set),
// keeps a Gateway connection until ctx ends. A Gateway that is down —
// at start too — is retried with backoff; once connected, discordgo
// resumes or reconnects by itself. Ready says whether it is up.
func (a *Adapter) Run(ctx context.Context, gateway bool) error {
	registered := make(chan struct{})
	go func() {
		defer close(registered)
		err := bot.Retry(ctx, a.retryBase, a.Register, func(err error, wait time.Duration) {
			a.log.Error("registering /refer failed; retrying", "err", err, "in", wait)
		})
		if err == nil {
			a.log.Info("registered /refer", "guild", a.guildID)
		}
	}()
	if !gateway {
		<-ctx.Done()
		<-registered
		a.Wait()
		return nil
	}
	a.gateway.Down(errors.New("Discord Gateway: connecting"))
	defer a.session.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		resp := a.Handle(ctx, ic.Interaction)
		if resp == nil {
			return
		}
		if err := s.InteractionRespond(ic.Interaction, resp, discordgo.WithContext(ctx)); err != nil {
			a.log.Error("interaction response failed", "interaction", ic.ID, "err", err)
		}
	})()
	defer a.session.AddHandler(func(_ *discordgo.Session, gc *discordgo.GuildCreate) {
		a.deadline.Go(ctx, func(ctx context.Context) { a.GuildCreated(ctx, gc.Guild) })
	})()
	defer a.session.AddHandler(func(*discordgo.Session, *discordgo.Ready) { a.gateway.Up() })()
	defer a.session.AddHandler(func(*discordgo.Session, *discordgo.Resumed) { a.gateway.Up() })()
	defer a.session.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) {
		a.gateway.Down(errors.New("Discord Gateway: disconnected, reconnecting"))
	})()
	err := bot.Retry(ctx, a.retryBase, func(context.Context) error {
		if err := a.session.Open(); err != nil {
			a.gateway.Down(fmt.Errorf("Discord Gateway: %w", err))
			return err
		}
		return nil
	}, func(err error, wait time.Duration) {
		a.log.Warn("Discord Gateway connection failed; retrying", "err", err, "in", wait)
	})
	if err == nil {
		a.log.Info("connected to the Discord Gateway")
		<-ctx.Done()
	}
	<-registered
	a.Wait()
	if err == nil {
		return a.session.Close()
	}
	return nil
}

// Ready returns nil when the Gateway is connected (or not in use).
func (a *Adapter) Ready() error { return a.gateway.Ready() }
