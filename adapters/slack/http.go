package slack

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// maxBody bounds a request body; Slack's payloads are a few KB.
const maxBody = 1 << 20

// Routes adds Slack's three endpoints, each verified with the signing
// secret before anything is read from it.
func (a *Adapter) Routes(mux *http.ServeMux) {
	mux.Handle("POST /slack/commands", a.verified(a.commandForm))
	mux.Handle("POST /slack/interactions", a.verified(a.interactionForm))
	mux.Handle("POST /slack/events", a.verified(a.eventBody))
}

// verified reads the body, refuses it with 401 unless its signature holds,
// and writes the handler's answer: nothing (200), text, or JSON.
func (a *Adapter) verified(h func(ctx context.Context, body []byte) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		if err := Verify(r.Header, body, a.secret, a.now()); err != nil {
			a.log.Warn("refused an unverified Slack request", "path", r.URL.Path, "err", err)
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		// A request without a key of its own (a command with no trigger_id)
		// is deduplicated on its signed content.
		sum := sha256.Sum256(append([]byte(r.Header.Get("X-Slack-Request-Timestamp")+":"), body...))
		resp, err := h(withDigest(r.Context(), "sha256:"+hex.EncodeToString(sum[:])), body)
		var se *statusError
		switch {
		case errors.As(err, &se):
			http.Error(w, se.msg, se.code)
		case err != nil:
			a.log.Error("slack request failed", "path", r.URL.Path, "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
		case resp == nil:
			w.WriteHeader(http.StatusOK)
		case isText(resp):
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, resp.(string))
		default:
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(resp)
		}
	})
}

func isText(v any) bool { _, ok := v.(string); return ok }

// digestKey carries, in a request's context, a key for it when it has no
// id of its own: a digest of the signed body (HTTP) or the envelope id
// (Socket Mode).
type digestKey struct{}

func withDigest(ctx context.Context, d string) context.Context {
	return context.WithValue(ctx, digestKey{}, d)
}

// first claims a delivery key; false means Slack (or an attacker
// replaying a captured request) sent it before, and it must be ignored.
func (a *Adapter) first(ctx context.Context, team, kind, key string) (bool, error) {
	k := requestKey(ctx, kind, key)
	if k == "" {
		return true, nil
	}
	return a.bot.FirstDelivery(ctx, core.Slack, team, k)
}

// requestKey is the dedupe key of a request: its own id (trigger, event)
// or, lacking one, the digest of its signed content; "" if neither.
// Commands and clicks hand it to the bot (Identity.RequestKey), which
// records it in the transaction of their work: a request that failed
// midway is applied when Slack redelivers it, one that succeeded is not.
func requestKey(ctx context.Context, kind, key string) string {
	if key == "" {
		if key, _ = ctx.Value(digestKey{}).(string); key == "" {
			return ""
		}
	}
	return kind + ":" + key
}

// reply is the JSON of a message answering a command or click.
type reply struct {
	ResponseType    string       `json:"response_type,omitempty"`
	ReplaceOriginal bool         `json:"replace_original,omitempty"`
	Text            string       `json:"text"`
	Blocks          slack.Blocks `json:"blocks"`
}

// ephemeral renders replies as one ephemeral message: a response_url
// takes only 5 posts, so several replies share one, divided.
func ephemeral(ms ...bot.Message) reply {
	r := reply{ResponseType: slack.ResponseTypeEphemeral}
	var texts []string
	for i, m := range ms {
		bs := Blocks(m)
		if i > 0 {
			bs = append([]slack.Block{slack.NewDividerBlock()}, bs...)
		}
		if len(r.Blocks.BlockSet)+len(bs) > maxBlocks {
			break
		}
		r.Blocks.BlockSet = append(r.Blocks.BlockSet, bs...)
		texts = append(texts, Fallback(m))
	}
	r.Text = bot.Clip(strings.Join(texts, " · "), maxFallback)
	return r
}

// respond posts replies to a response_url (5 uses in 30 minutes) as one
// ephemeral message, replacing the original when asked.
func (a *Adapter) respond(ctx context.Context, responseURL string, ms []bot.Message, replace bool) {
	if len(ms) == 0 {
		return
	}
	r := ephemeral(ms...)
	r.ReplaceOriginal = replace
	if err := a.postJSON(ctx, responseURL, r); err != nil {
		a.log.Error("response_url failed", "err", err)
	}
}

// postJSON posts to a response_url, retrying briefly on 429 and 5xx.
func (a *Adapter) postJSON(ctx context.Context, u string, v any) error {
	if _, err := url.Parse(u); err != nil || u == "" {
		return fmt.Errorf("no response_url")
	}
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var last error
	for attempt := range 3 {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(attempt) * 500 * time.Millisecond):
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := a.http.Do(req)
		if err != nil {
			last = err
			continue
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return nil
		}
		last = fmt.Errorf("response_url: %s", resp.Status)
		if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500 {
			return last
		}
	}
	return last
}
