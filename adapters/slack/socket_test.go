package slack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"

	slackadapter "github.com/referbot/referbot/adapters/slack"
	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/internal/testenv"
)

// TestSocketMode_CommandRunsThroughTheSameHandler connects over Socket
// Mode to a fake Slack (apps.connections.open, then a WebSocket), sends a
// slash command envelope and reads the ack: it carries the same reply as
// HTTP, and the referral is created once even if Slack redelivers it.
func TestSocketMode_CommandRunsThroughTheSameHandler(t *testing.T) {
	t.Parallel()
	e := setup(t)
	acks := make(chan map[string]any, 4)
	var sock *httptest.Server
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		c.WriteJSON(map[string]any{"type": "hello", "num_connections": 1})
		env := map[string]any{"envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": true,
			"payload": map[string]any{"team_id": "T1", "team_domain": "acme", "channel_id": "C0CHAN", "user_id": "UALICE",
				"user_name": "alice", "command": "/refer", "text": "<@UBOB> Acme Corp — a new website",
				"trigger_id": "sock.1", "response_url": e.slack.URL + "/response/sock"}}
		for range 2 { // Slack redelivers an envelope it thinks was lost
			c.WriteJSON(env)
			var ack map[string]any
			if err := c.ReadJSON(&ack); err != nil {
				return
			}
			acks <- ack
		}
		c.ReadMessage() // hold the connection until the client leaves
	})
	mux.HandleFunc("/api/apps.connections.open", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(sock.URL, "http") + "/ws"})
	})
	mux.Handle("/", e.slack.Server.Config.Handler) // users.info and the rest
	sock = httptest.NewServer(mux)
	defer sock.Close()

	api := slack.New("xoxb-test", slack.OptionAPIURL(sock.URL+"/api/"), slack.OptionAppLevelToken("xapp-test"))
	a := slackadapter.New(slackadapter.Options{Bot: bot.New(e.svc, quiet), Client: api, Log: quiet})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.RunSocketMode(ctx)

	var got []map[string]any
	for range 2 {
		select {
		case ack := <-acks:
			got = append(got, ack)
		case <-time.After(15 * time.Second):
			t.Fatal("no ack over Socket Mode")
		}
	}
	b, _ := json.Marshal(got[0])
	must(t, got[0]["envelope_id"] == "env-1" && strings.Contains(string(b), "Referral R-1001 sent to @Bob") &&
		strings.Contains(string(b), `"response_type":"ephemeral"`), "first ack: %s", b)
	must(t, got[1]["envelope_id"] == "env-1" && got[1]["payload"] == nil, "the redelivery must be acked empty: %v", got[1])
	a.Wait()
	must(t, e.count("SELECT count(*) FROM referrals") == 1, "applied %d times", e.count("SELECT count(*) FROM referrals"))
}

// fakeSocket is a Slack Socket Mode host: apps.connections.open (which
// may refuse while down is set), then a WebSocket that sends hello and
// the given envelopes and reports every ack.
type fakeSocket struct {
	*httptest.Server
	mu    sync.Mutex
	down  bool
	envs  []map[string]any
	acks  chan map[string]any
	opens int
	acked int // acks received so far
}

func newFakeSocket(t *testing.T, api http.Handler, envs ...map[string]any) *fakeSocket {
	f := &fakeSocket{envs: envs, acks: make(chan map[string]any, len(envs)+1)}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		var wmu sync.Mutex
		wmu.Lock()
		c.WriteJSON(map[string]any{"type": "hello", "num_connections": 1})
		for _, env := range f.envs {
			c.WriteJSON(env)
		}
		wmu.Unlock()
		for {
			var ack map[string]any
			if err := c.ReadJSON(&ack); err != nil {
				return
			}
			f.mu.Lock()
			f.acked++
			f.mu.Unlock()
			f.acks <- ack
		}
	})
	mux.HandleFunc("/api/apps.connections.open", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.opens++
		down := f.down
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if down {
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"ok":false,"error":"service_unavailable"}`)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.URL, "http") + "/ws"})
	})
	mux.Handle("/", api)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func slashEnvelope(id, user, text, apiURL string) map[string]any {
	return map[string]any{"envelope_id": id, "type": "slash_commands", "accepts_response_payload": true,
		"payload": map[string]any{"team_id": "T1", "team_domain": "acme", "channel_id": "C0CHAN", "user_id": user,
			"user_name": strings.ToLower(user[1:]), "command": "/refer", "text": text,
			"trigger_id": "trig." + id, "response_url": apiURL + "/response/" + id}}
}

// TestSocketMode_RequestsAreHandledConcurrently sends three commands at
// once while users.info is slow: the fake holds every users.info call
// until all three commands have asked. Handled side by side, all three ask
// before any is acked; one at a time, the first would be acked (deferred,
// at its reply deadline) before the next even started.
func TestSocketMode_RequestsAreHandledConcurrently(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var (
		mu          sync.Mutex
		asked       = map[string]bool{}
		release     = make(chan struct{})
		ackedBefore = -1
		f           *fakeSocket
	)
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/users.info" {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			form, _ := url.ParseQuery(string(body))
			mu.Lock()
			asked[form.Get("user")] = true
			if len(asked) == 3 && ackedBefore < 0 {
				f.mu.Lock()
				ackedBefore = f.acked
				f.mu.Unlock()
				close(release)
			}
			mu.Unlock()
			select {
			case <-release:
			case <-time.After(20 * time.Second):
			}
		}
		e.slack.Server.Config.Handler.ServeHTTP(w, r)
	})
	f = newFakeSocket(t, api,
		slashEnvelope("env-a", "UALICE", "list", ""), slashEnvelope("env-b", "UBOB", "list", ""),
		slashEnvelope("env-c", "UCAROL", "list", ""))
	client := slack.New("xoxb-test", slack.OptionAPIURL(f.URL+"/api/"), slack.OptionAppLevelToken("xapp-test"))
	a := slackadapter.New(slackadapter.Options{Bot: bot.New(e.svc, quiet), Client: client, Log: quiet, UserTTL: time.Nanosecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.RunSocketMode(ctx)
	got := map[any]bool{}
	for len(got) < 3 {
		select {
		case ack := <-f.acks:
			got[ack["envelope_id"]] = true
		case <-time.After(30 * time.Second):
			t.Fatalf("acked %v of 3", got)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	must(t, ackedBefore == 0, "%d of the commands were acked before all three were in flight together (-1: never together)", ackedBefore)
}

// TestSocketMode_DownAtStartIsRetriedAndReported: Slack refuses the first
// connections; the adapter is not ready meanwhile, keeps trying with
// backoff, and is ready once Slack lets it connect.
func TestSocketMode_DownAtStartIsRetriedAndReported(t *testing.T) {
	t.Parallel()
	e := setup(t)
	f := newFakeSocket(t, e.slack.Server.Config.Handler)
	f.down = true
	client := slack.New("xoxb-test", slack.OptionAPIURL(f.URL+"/api/"), slack.OptionAppLevelToken("xapp-test"))
	a := slackadapter.New(slackadapter.Options{Bot: bot.New(e.svc, quiet), Client: client, Log: quiet, RetryBase: 10 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.RunSocketMode(ctx) }()
	eventually(t, "two refused connection attempts", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.opens >= 2
	})
	must(t, a.Ready() != nil, "ready while Slack refuses the connection")
	f.mu.Lock()
	f.down = false
	f.mu.Unlock()
	eventually(t, "connected after Slack came back", func() bool { return a.Ready() == nil })
	cancel()
	select {
	case err := <-done:
		must(t, err == nil, "RunSocketMode after ctx ended: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("RunSocketMode did not return after ctx ended")
	}
}

// eventually waits up to 15 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testenv.Eventually(t, what, cond)
}
