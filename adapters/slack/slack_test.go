package slack_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	slackadapter "github.com/referbot/referbot/adapters/slack"
	"github.com/referbot/referbot/bot/sender"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

var quiet = testenv.Quiet

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
	return setupWith(t, testenv.Options{})
}

// setupWith is setup with the service's clock (and logger) as o says.
func setupWith(t testing.TB, o testenv.Options) *env {
	t.Helper()
	te := testenv.New(t, o)
	e := &env{t: t, url: te.URL, db: te.DB, svc: te.Svc, slack: newFakeSlack(t)}
	api := slack.New("xoxb-test", slack.OptionAPIURL(e.slack.APIURL()))
	e.adapter = slackadapter.New(slackadapter.Options{Bot: te.Bot, Client: api, SigningSecret: secret, Log: quiet})
	e.srv = testenv.Serve(t, e.adapter.Routes)
	e.sender = te.Sender(core.Slack, e.adapter.Messenger())
	return e
}

// post sends a body signed as Slack signs it, at the given instant.
func (e *env) post(path, contentType, body string, at time.Time, header ...string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	testenv.SignSlack(req, secret, []byte(body), at)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	code, b := testenv.Do(e.t, req)
	return code, string(b)
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
	testenv.Deliver(e.t, e.sender)
}

// count runs a COUNT query on the database.
func (e *env) count(query string) int {
	e.t.Helper()
	return testenv.Count(e.t, e.url, query)
}

func must(t testing.TB, ok bool, format string, args ...any) {
	t.Helper()
	testenv.Must(t, ok, format, args...)
}

func sign(ts, body string) string { return slackadapter.Sign(secret, ts, []byte(body)) }
