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
		"DISCORD_PUBLIC_KEY": hex.EncodeToString(pub), "DISCORD_API_URL": fake.URL + "/api/v10"})

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
