package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/testenv"
)

// TestRun_ServeWithDiscordCredentials starts `referbot serve` configured
// for Discord's HTTP interactions: /refer is registered on the guild at
// start, a signed interaction is answered, its lead post is delivered
// through DISCORD_API_URL, and an unsigned one is refused.
func TestRun_ServeWithDiscordCredentials(t *testing.T) {
	t.Parallel()
	fake := testenv.NewDiscord(t)
	seen := func(method, path string) string {
		if cs := fake.Calls(method, path); len(cs) > 0 {
			return cs[0].Body
		}
		return ""
	}
	key := testenv.NewDiscordKey(t)
	addr := startServe(t, map[string]string{"DISCORD_BOT_TOKEN": "tok", "DISCORD_APP_ID": "APP", "DISCORD_GUILD_ID": "G1",
		"DISCORD_PUBLIC_KEY": hex.EncodeToString(key.Public), "DISCORD_API_URL": fake.URL + "/api/v10",
		"DATABASE_URL": networkWithChannel(t, core.Discord, "G1", "<#C1>")})

	in, _ := json.Marshal(map[string]any{"id": "I1", "application_id": "APP", "type": 2, "token": "t1", "version": 1,
		"guild_id": "G1", "channel_id": "C1",
		"member": map[string]any{"user": map[string]any{"id": "U1", "username": "alice"}, "permissions": "0"},
		"data": map[string]any{"id": "CMD", "name": "refer", "type": 1, "options": []map[string]any{{"name": "lead", "type": 1,
			"options": []map[string]any{{"name": "need", "type": 3, "value": "bookkeeping"}}}}}})
	post := func(signed bool) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/discord/interactions", bytes.NewReader(in))
		key.Sign(req, in, time.Now())
		if !signed {
			sig, _ := hex.DecodeString(req.Header.Get("X-Signature-Ed25519"))
			sig[0] ^= 1
			req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
		}
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
		return seen("POST", "/channels/C1/messages") != "" && seen("PUT", "/applications/APP/guilds/G1/commands") != ""
	})
	if c := seen("POST", "/channels/C1/messages"); !strings.Contains(c, "/refer/claim/R-1001") {
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
	)
	srv := testenv.NewDiscord(t)
	srv.GatewayDown = func() bool {
		mu.Lock()
		defer mu.Unlock()
		return down
	}
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
