package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/referbot/referbot/bot"
)

// RunSocketMode receives commands, clicks and events over Socket Mode
// (for hosts without a public URL) and runs them through the same
// handlers as HTTP. The adapter's client must carry the app-level token
// (slack.OptionAppLevelToken). A lost or refused connection, at start too,
// is retried with backoff; Ready says whether it is up. Requests are
// handled concurrently (at most maxSocketRequests at once), each acked
// within Slack's 3 seconds. It returns when ctx ends.
func (a *Adapter) RunSocketMode(ctx context.Context) error {
	a.socket.Down(errors.New("Socket Mode: connecting"))
	err := bot.Retry(ctx, a.retryBase, func(ctx context.Context) error {
		client := socketmode.New(a.api)
		runCtx, stop := context.WithCancel(ctx)
		defer stop()
		go a.socketEvents(runCtx, ctx, client)
		err := client.RunContext(runCtx)
		if err == nil || ctx.Err() != nil {
			return ctx.Err()
		}
		a.socket.Down(fmt.Errorf("Socket Mode: %w", err))
		return err
	}, func(err error, wait time.Duration) {
		a.log.Warn("Socket Mode connection failed; retrying", "err", err, "in", wait)
	})
	a.requests.Wait()
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// maxSocketRequests bounds the Socket Mode requests handled at once.
const maxSocketRequests = 32

// socketEvents tracks the connection and hands each request to its own
// goroutine, so a slow one (a users.info look-up, a busy database) never
// delays the ack of the next. It reads until conn ends; requests run on
// ctx, so one in flight finishes even if the connection is replaced.
func (a *Adapter) socketEvents(conn, ctx context.Context, client *socketmode.Client) {
	slots := make(chan struct{}, maxSocketRequests)
	for {
		select {
		case <-conn.Done():
			return
		case evt, ok := <-client.Events:
			if !ok {
				return
			}
			switch evt.Type {
			case socketmode.EventTypeConnected:
				a.socket.Up()
				continue
			case socketmode.EventTypeDisconnect, socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError:
				a.socket.Down(fmt.Errorf("Socket Mode: %s", evt.Type))
				continue
			}
			select {
			case slots <- struct{}{}:
			case <-conn.Done():
				return
			}
			a.requests.Add(1)
			go func() {
				defer func() { <-slots; a.requests.Done() }()
				a.socketEvent(ctx, client, evt)
			}()
		}
	}
}

// Ready returns nil when Socket Mode is connected (or not in use).
func (a *Adapter) Ready() error { return a.socket.Ready() }

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
	ctx = withDigest(ctx, "envelope:"+evt.Request.EnvelopeID)
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
