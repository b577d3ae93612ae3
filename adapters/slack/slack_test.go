package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	slackadapter "github.com/referbot/referbot/adapters/slack"
	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/sender"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/internal/pgtest"
	"github.com/referbot/referbot/migrations"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

const secret = "8f742231b10e8888abcd99yyyzzz85a5"

// env is the whole bot over real HTTP and a real database, with a fake
// Slack Web API.
type env struct {
	t       testing.TB
	url     string // the database
	db      *postgres.DB
	svc     *core.Service
	slack   *fakeSlack
	adapter *slackadapter.Adapter
	srv     *httptest.Server
	sender  *sender.Sender
	trigger atomic.Int64
}

func setup(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	dbURL := pgtest.NewDB(t, "referbot", migrations.MigrateURL)
	db, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	svc := core.NewService(db, core.Options{})
	e := &env{t: t, url: dbURL, db: db, svc: svc, slack: newFakeSlack(t)}
	api := slack.New("xoxb-test", slack.OptionAPIURL(e.slack.APIURL()))
	e.adapter = slackadapter.New(slackadapter.Options{Bot: bot.New(svc, quiet), Client: api, SigningSecret: secret, Log: quiet})
	mux := http.NewServeMux()
	e.adapter.Routes(mux)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	e.sender = &sender.Sender{Outbox: db, Platform: core.Slack, Messenger: e.adapter.Messenger(), Now: svc.Now}
	return e
}

// post sends a body signed as Slack signs it, at the given instant.
func (e *env) post(path, contentType, body string, at time.Time, header ...string) (int, string) {
	e.t.Helper()
	ts := strconv.FormatInt(at.Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slackadapter.Sign(secret, ts, []byte(body)))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const form = "application/x-www-form-urlencoded"

// commandBody is a slash command's form as Slack sends it.
func (e *env) commandBody(user, channel, text string) string {
	n := e.trigger.Add(1)
	return url.Values{"token": {"x"}, "team_id": {"T1"}, "team_domain": {"acme"}, "channel_id": {channel},
		"user_id": {user}, "user_name": {strings.ToLower(user)}, "command": {"/refer"}, "text": {text},
		"response_url": {fmt.Sprintf("%s/response/cmd-%d", e.slack.URL, n)},
		"trigger_id":   {fmt.Sprintf("trig.%d", n)}}.Encode()
}

// command runs /refer as a user in a channel and returns the reply JSON.
func (e *env) command(user, channel, text string) string {
	e.t.Helper()
	code, body := e.post("/slack/commands", form, e.commandBody(user, channel, text), time.Now())
	if code != http.StatusOK {
		e.t.Fatalf("/refer %s: %d %s", text, code, body)
	}
	return body
}

// interaction posts an interaction payload.
func (e *env) interaction(payload map[string]any) (int, string) {
	e.t.Helper()
	n := e.trigger.Add(1)
	if _, ok := payload["trigger_id"]; !ok {
		payload["trigger_id"] = fmt.Sprintf("trig.%d", n)
	}
	if _, ok := payload["response_url"]; !ok {
		payload["response_url"] = fmt.Sprintf("%s/response/int-%d", e.slack.URL, n)
	}
	payload["team"] = map[string]any{"id": "T1", "domain": "acme"}
	b, _ := json.Marshal(payload)
	return e.post("/slack/interactions", form, url.Values{"payload": {string(b)}}.Encode(), time.Now())
}

// click is a block_actions payload: user clicks action on the message at
// channel/ts.
func click(user, action, channel, ts string) map[string]any {
	return map[string]any{"type": "block_actions", "user": map[string]any{"id": user, "name": strings.ToLower(user)},
		"channel":   map[string]any{"id": channel},
		"container": map[string]any{"type": "message", "channel_id": channel, "message_ts": ts},
		"actions":   []map[string]any{{"type": "button", "action_id": action, "block_id": "actions", "value": action}}}
}

// deliver runs the outbox sender until nothing is due.
func (e *env) deliver() {
	e.t.Helper()
	if _, err := e.sender.DeliverAll(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// count runs a COUNT query on the database.
func (e *env) count(query string) int {
	e.t.Helper()
	return pgtest.Count(e.t, e.url, query)
}

func must(t testing.TB, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Fatalf(format, args...)
	}
}

func sign(ts, body string) string { return slackadapter.Sign(secret, ts, []byte(body)) }
