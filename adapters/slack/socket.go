package slack

import (
	"context"
	"encoding/json"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// RunSocketMode receives commands, clicks and events over Socket Mode
// (for hosts without a public URL) and runs them through the same
// handlers as HTTP. The adapter's client must carry the app-level token
// (slack.OptionAppLevelToken). It returns when ctx ends.
func (a *Adapter) RunSocketMode(ctx context.Context) error {
	client := socketmode.New(a.api)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case evt, ok := <-client.Events:
				if !ok {
					return
				}
				a.socketEvent(ctx, client, evt)
			}
		}
	}()
	return client.RunContext(ctx)
}

func (a *Adapter) socketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI:
	default:
		return // connection lifecycle (hello, connecting, disconnect) needs no ack
	}
	if evt.Request == nil {
		return
	}
	var (
		resp any
		err  error
	)
	raw := evt.Request.Payload
	switch evt.Type {
	case socketmode.EventTypeSlashCommand:
		var sc slack.SlashCommand
		if err = json.Unmarshal(raw, &sc); err == nil {
			resp, err = a.command(ctx, sc)
		}
	case socketmode.EventTypeInteractive:
		var cb slack.InteractionCallback
		if err = json.Unmarshal(raw, &cb); err == nil {
			resp, err = a.interaction(ctx, cb)
		}
	case socketmode.EventTypeEventsAPI:
		var env eventEnvelope
		if err = json.Unmarshal(raw, &env); err == nil {
			resp, err = a.event(ctx, env)
		}
	}
	if err != nil {
		a.log.Error("socket mode request failed", "type", evt.Type, "err", err)
	}
	if _, isText := resp.(string); isText {
		resp = nil // url_verification does not happen over Socket Mode
	}
	if err := client.Ack(*evt.Request, resp); err != nil {
		a.log.Error("socket mode ack failed", "err", err)
	}
}
