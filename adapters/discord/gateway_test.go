package discord_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	discordadapter "github.com/referbot/referbot/adapters/discord"
	"github.com/referbot/referbot/bot"
)

// TestGateway_InteractionRunsThroughTheSameHandler connects over a fake
// Gateway (HELLO, IDENTIFY, READY), delivers an INTERACTION_CREATE and
// sees the answer posted to the interaction callback — the same reply the
// HTTP endpoint gives; commands were registered at start.
func TestGateway_InteractionRunsThroughTheSameHandler(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.useChannel("<#C1>")
	in := slash("U1", []string{"lead"}, opt("need", 3, "bookkeeping for a bakery"))
	in["id"], in["token"], in["application_id"], in["version"] = "GW1", "gwtoken", "APP", 1
	identified := make(chan map[string]any, 1)
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	var srv *httptest.Server
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v10/gateway", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"url": "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"})
	})
	mux.HandleFunc("/ws/", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		c.WriteJSON(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 45000}})
		var id map[string]any
		if c.ReadJSON(&id) != nil {
			return
		}
		identified <- id
		c.WriteJSON(map[string]any{"op": 0, "t": "READY", "s": 1, "d": map[string]any{"v": 9, "session_id": "S1",
			"user": map[string]any{"id": "BOT", "username": "referbot"}, "guilds": []any{}}})
		c.WriteJSON(map[string]any{"op": 0, "t": "INTERACTION_CREATE", "s": 2, "d": in})
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	})
	mux.Handle("/", e.discord.Server.Config.Handler)
	srv = httptest.NewServer(mux)
	defer srv.Close()

	a, err := discordadapter.New(discordadapter.Options{Bot: bot.New(e.svc, quiet), Token: "test-token", AppID: "APP",
		APIURL: srv.URL + "/api/v10/", Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, true) }()

	select {
	case id := <-identified:
		must(t, id["op"] == float64(2), "first frame from the bot: %v", id)
	case <-time.After(15 * time.Second):
		t.Fatal("the bot never identified on the Gateway")
	}
	deadline := time.Now().Add(15 * time.Second)
	for len(e.discord.Calls("POST", "/interactions/GW1/gwtoken/callback")) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no interaction callback; calls: %v", e.discord.calls)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cb := e.discord.Calls("POST", "/interactions/GW1/gwtoken/callback")[0].Body
	must(t, strings.Contains(cb, `"type":4`) && strings.Contains(cb, "Lead R-1001 posted") && strings.Contains(cb, `"flags":64`), "callback: %s", cb)
	must(t, len(e.discord.Calls("PUT", "/applications/APP/commands")) == 1, "commands were not registered globally at start")
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after ctx ended")
	}
	must(t, e.count("SELECT count(*) FROM referrals") == 1, "the lead was not created once")
}

// TestGateway_DownAtStartIsRetriedAndReported: the Gateway refuses the
// first connections; the adapter is not ready meanwhile, retries with
// backoff, and is ready once it is let in (HELLO, IDENTIFY, READY).
func TestGateway_DownAtStartIsRetriedAndReported(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var (
		mu       sync.Mutex
		down     = true
		attempts int
	)
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	var srv *httptest.Server
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v10/gateway", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		attempts++
		isDown := down
		mu.Unlock()
		if isDown {
			http.Error(w, `{"message":"502: Bad Gateway","code":0}`, http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"url": "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"})
	})
	mux.HandleFunc("/ws/", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		c.WriteJSON(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 45000}})
		var id map[string]any
		if c.ReadJSON(&id) != nil {
			return
		}
		c.WriteJSON(map[string]any{"op": 0, "t": "READY", "s": 1, "d": map[string]any{"v": 9, "session_id": "S1",
			"user": map[string]any{"id": "BOT", "username": "referbot"}, "guilds": []any{}}})
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	})
	mux.Handle("/", e.discord.Server.Config.Handler)
	srv = httptest.NewServer(mux)
	defer srv.Close()

	a, err := discordadapter.New(discordadapter.Options{Bot: bot.New(e.svc, quiet), Token: "test-token", AppID: "APP",
		APIURL: srv.URL + "/api/v10/", Log: quiet, RetryBase: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, true) }()
	waitFor(t, "two refused Gateway attempts", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return attempts >= 2
	})
	must(t, a.Ready() != nil, "ready while the Gateway is down")
	mu.Lock()
	down = false
	mu.Unlock()
	waitFor(t, "connected once the Gateway is back", func() bool { return a.Ready() == nil })
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after ctx ended")
	}
}

// waitFor waits up to 15 s for cond.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never happened: %s", what)
		}
	}
}
