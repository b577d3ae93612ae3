package discord_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	discordadapter "github.com/referbot/referbot/adapters/discord"
	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/sender"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/internal/pgtest"
	"github.com/referbot/referbot/migrations"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// env is the bot over real HTTP and a real database, with a fake Discord
// REST API and a generated Ed25519 key pair standing in for Discord's.
type env struct {
	t       testing.TB
	url     string
	svc     *core.Service
	discord *fakeDiscord
	adapter *discordadapter.Adapter
	srv     *httptest.Server
	sender  *sender.Sender
	priv    ed25519.PrivateKey
	n       atomic.Int64
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
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, url: dbURL, svc: core.NewService(db, core.Options{}), discord: newFakeDiscord(t), priv: priv}
	e.adapter, err = discordadapter.New(discordadapter.Options{Bot: bot.New(e.svc, quiet), Token: "test-token", AppID: "APP",
		GuildID: "G1", PublicKey: pub, APIURL: e.discord.APIURL(), Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	e.adapter.Routes(mux)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	e.sender = &sender.Sender{Outbox: db, Platform: core.Discord, Messenger: e.adapter.Messenger(), Now: e.svc.Now, Log: quiet}
	return e
}

// post sends a body signed with the key pair at the given instant.
func (e *env) post(body []byte, at time.Time, spoil ...func(*http.Request)) (int, map[string]any) {
	e.t.Helper()
	ts := strconv.FormatInt(at.Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/discord/interactions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(e.priv, append([]byte(ts), body...))))
	for _, s := range spoil {
		s(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	json.Unmarshal(b, &out)
	return resp.StatusCode, out
}

// interaction signs and sends an interaction, returning Discord's view of
// the response.
func (e *env) interaction(i map[string]any) map[string]any {
	e.t.Helper()
	n := e.n.Add(1)
	i["id"] = fmt.Sprintf("I%d", n)
	i["token"] = fmt.Sprintf("tok%d", n)
	i["application_id"] = "APP"
	i["version"] = 1
	b, _ := json.Marshal(i)
	code, resp := e.post(b, time.Now())
	if code != http.StatusOK {
		e.t.Fatalf("interaction: %d %v", code, resp)
	}
	return resp
}

func member(user string, perms int64) map[string]any {
	return map[string]any{"user": map[string]any{"id": user, "username": "user" + user, "global_name": "Name" + user},
		"permissions": strconv.FormatInt(perms, 10)}
}

// slash is /refer <sub> typed by user in channel C1 of guild G1.
func slash(user string, path []string, opts ...map[string]any) map[string]any {
	options := []map[string]any{}
	for _, o := range opts {
		options = append(options, o)
	}
	inner := map[string]any{"name": path[len(path)-1], "type": 1, "options": options}
	if len(path) == 2 {
		inner = map[string]any{"name": path[0], "type": 2, "options": []map[string]any{inner}}
	}
	return map[string]any{"type": 2, "guild_id": "G1", "channel_id": "C1", "member": member(user, 0),
		"data": map[string]any{"id": "CMD", "name": "refer", "type": 1, "options": []map[string]any{inner},
			"resolved": map[string]any{"users": map[string]any{
				"U1": map[string]any{"id": "U1", "username": "alice", "global_name": "Alice"},
				"U2": map[string]any{"id": "U2", "username": "bob", "global_name": "Bob"}}}}}
}

func opt(name string, typ int, value any) map[string]any {
	return map[string]any{"name": name, "type": typ, "value": value}
}

// click is a button press by user on a message, in the guild's channel or
// (dm) in the user's DM with the bot.
func click(user, customID, channel, messageID string, dm bool) map[string]any {
	i := map[string]any{"type": 3, "channel_id": channel,
		"message": map[string]any{"id": messageID, "channel_id": channel},
		"data":    map[string]any{"custom_id": customID, "component_type": 2}}
	if dm {
		i["user"] = member(user, 0)["user"]
	} else {
		i["guild_id"], i["member"] = "G1", member(user, 0)
	}
	return i
}

func (e *env) deliver() {
	e.t.Helper()
	if _, err := e.sender.DeliverAll(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

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

func js(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return b.String()
}
