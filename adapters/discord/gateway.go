package discord

import (
	"context"

	"github.com/bwmarrin/discordgo"
)

// Run registers the commands and, unless interactions arrive over HTTP
// (a public key is set), receives them over the Gateway until ctx ends.
func (a *Adapter) Run(ctx context.Context, gateway bool) error {
	if err := a.Register(ctx); err != nil {
		a.log.Error("registering /refer failed", "err", err)
	} else {
		a.log.Info("registered /refer", "guild", a.guildID)
	}
	if !gateway {
		<-ctx.Done()
		a.Wait()
		return nil
	}
	remove := a.session.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		resp := a.Handle(ctx, ic.Interaction)
		if resp == nil {
			return
		}
		if err := s.InteractionRespond(ic.Interaction, resp, discordgo.WithContext(ctx)); err != nil {
			a.log.Error("interaction response failed", "interaction", ic.ID, "err", err)
		}
	})
	defer remove()
	if err := a.session.Open(); err != nil {
		return err
	}
	a.log.Info("connected to the Discord Gateway")
	<-ctx.Done()
	a.Wait()
	return a.session.Close()
}
