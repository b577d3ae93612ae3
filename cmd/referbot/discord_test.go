package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/referbot/referbot/core"
)

// TestRun_ServeWithDiscordCredentials starts `referbot serve` configured
// for Discord's HTTP interactions: /refer is registered on the guild at
// start, a signed interaction is answered, its lead post is delivered
// through DISCORD_API_URL, and an unsigned one is refused.
func TestRun_ServeWithDiscordCredentials(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var calls []string
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		calls = append(calls, r.Method+" "+r.URL.Path+" "+string(body))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.Method == "PUT" {
			io.WriteString(w, "[]")
			return
		}
		io.WriteString(w, `{"id":"M1","channel_id":"C1"}`)
	}))
	defer fake.Close()
	seen := func(prefix string) string {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range calls {
			if strings.HasPrefix(c, prefix) {
				return c
			}
		}
		return ""
	}
	pub, priv, _ := ed25519.GenerateKey(nil)
	addr := startServe(t, map[string]string{"DISCORD_BOT_TOKEN": "tok", "DISCORD_APP_ID": "APP", "DISCORD_GUILD_ID": "G1",
		"DISCORD_PUBLIC_KEY": hex.EncodeToString(pub), "DISCORD_API_URL": fake.URL + "/api/v10",
		"DATABASE_URL": networkWithChannel(t, core.Discord, "G1", "<#C1>")})

	in, _ := json.Marshal(map[string]any{"id": "I1", "application_id": "APP", "type": 2, "token": "t1", "version": 1,
		"guild_id": "G1", "channel_id": "C1",
		"member": map[string]any{"user": map[string]any{"id": "U1", "username": "alice"}, "permissions": "0"},
		"data": map[string]any{"id": "CMD", "name": "refer", "type": 1, "options": []map[string]any{{"name": "lead", "type": 1,
			"options": []map[string]any{{"name": "need", "type": 3, "value": "bookkeeping"}}}}}})
	post := func(signed bool) (int, string) {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/discord/interactions", bytes.NewReader(in))
		req.Header.Set("X-Signature-Timestamp", ts)
		sig := ed25519.Sign(priv, append([]byte(ts), in...))
		if !signed {
			sig[0] ^= 1
		}
		req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
		return request(t, req)
	}
	if code, _ := post(false); code != http.StatusUnauthorized {
		t.Errorf("bad signature: %d, want 401", code)
	}
	code, body := post(true)
	if code != 200 || !strings.Contains(body, "Lead R-1001 posted") {
		t.Fatalf("signed interaction: %d %s", code, body)
	}
	eventually(t, "commands registered and the lead posted", func() bool {
		return seen("POST /api/v10/channels/C1/messages") != "" && seen("PUT /api/v10/applications/APP/guilds/G1/commands") != ""
	})
	if c := seen("POST /api/v10/channels/C1/messages"); !strings.Contains(c, "/refer/claim/R-1001") {
		t.Errorf("lead post: %s", c)
	}
}

// TestRun_ReadyzFollowsTheDiscordGateway: a Gateway that is down when
// serve starts makes /readyz answer 503 (naming it) while /healthz stays
// 200; once the Gateway is back the bot connects by itself and /readyz
// answers 200.
func TestRun_ReadyzFollowsTheDiscordGateway(t *testing.T) {
	t.Parallel()
	var (
		mu   sync.Mutex
		down = true
		srv  *httptest.Server
	)
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		isDown := down
		mu.Unlock()
		switch {
		case r.URL.Path == "/api/v10/gateway" && isDown:
			http.Error(w, `{"message":"502: Bad Gateway","code":0}`, http.StatusBadGateway)
		case r.URL.Path == "/api/v10/gateway":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"url":"ws`+strings.TrimPrefix(srv.URL, "http")+`/ws"}`)
		case strings.HasPrefix(r.URL.Path, "/ws"):
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
		default:
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, "[]")
		}
	}))
	defer srv.Close()
	addr := startServe(t, map[string]string{"DISCORD_BOT_TOKEN": "tok", "DISCORD_APP_ID": "APP",
		"DISCORD_API_URL": srv.URL + "/api/v10"})
	get := func(path string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
		return request(t, req)
	}
	code, body := get("/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "discord:") || !strings.Contains(body, "database: ok") {
		t.Fatalf("/readyz with the Gateway down = %d %q, want 503 naming discord", code, body)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d while the Gateway is down, want 200", code)
	}
	mu.Lock()
	down = false
	mu.Unlock()
	eventually(t, "/readyz 200 once the Gateway is back", func() bool { code, _ := get("/readyz"); return code == 200 })
}
