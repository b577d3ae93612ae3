package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/referbot/referbot/internal/pgtest"
	"github.com/referbot/referbot/migrations"
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	vars := env(map[string]string{"DATABASE_URL": pgtest.NewDB(t, "referbot", migrations.MigrateURL), "REFERBOT_ADDR": addr,
		"DISCORD_BOT_TOKEN": "tok", "DISCORD_APP_ID": "APP", "DISCORD_GUILD_ID": "G1",
		"DISCORD_PUBLIC_KEY": hex.EncodeToString(pub), "DISCORD_API_URL": fake.URL + "/api/v10"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, nil, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}, vars) }()

	in, _ := json.Marshal(map[string]any{"id": "I1", "application_id": "APP", "type": 2, "token": "t1", "version": 1,
		"guild_id": "G1", "channel_id": "C1",
		"member": map[string]any{"user": map[string]any{"id": "U1", "username": "alice"}, "permissions": "0"},
		"data": map[string]any{"id": "CMD", "name": "refer", "type": 1, "options": []map[string]any{{"name": "lead", "type": 1,
			"options": []map[string]any{{"name": "need", "type": 3, "value": "bookkeeping"}}}}}})
	post := func(signed bool) (int, string) {
		t.Helper()
		for range 100 {
			ts := strconv.FormatInt(time.Now().Unix(), 10)
			req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/discord/interactions", bytes.NewReader(in))
			req.Header.Set("X-Signature-Timestamp", ts)
			sig := ed25519.Sign(priv, append([]byte(ts), in...))
			if !signed {
				sig[0] ^= 1
			}
			req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				time.Sleep(50 * time.Millisecond)
				continue
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp.StatusCode, string(b)
		}
		t.Fatal("serve never listened")
		return 0, ""
	}
	if code, _ := post(false); code != http.StatusUnauthorized {
		t.Errorf("bad signature: %d, want 401", code)
	}
	code, body := post(true)
	if code != 200 || !strings.Contains(body, "Lead R-1001 posted") {
		t.Fatalf("signed interaction: %d %s", code, body)
	}
	deadline := time.Now().Add(10 * time.Second)
	for seen("POST /api/v10/channels/C1/messages") == "" || seen("PUT /api/v10/applications/APP/guilds/G1/commands") == "" {
		if time.Now().After(deadline) {
			mu.Lock()
			t.Fatalf("no registration or lead post; calls: %v", calls)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if c := seen("POST /api/v10/channels/C1/messages"); !strings.Contains(c, "/refer/claim/R-1001") {
		t.Errorf("lead post: %s", c)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
}
