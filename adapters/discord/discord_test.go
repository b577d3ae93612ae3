package discord_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	discordadapter "github.com/referbot/referbot/adapters/discord"
	"github.com/referbot/referbot/bot/sender"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

var quiet = testenv.Quiet

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
	return setupWith(t, testenv.Options{})
}

// setupWith is setup with the service's clock (and logger) as o says.
func setupWith(t testing.TB, o testenv.Options) *env {
	t.Helper()
	te := testenv.New(t, o)
	key := testenv.NewDiscordKey(t)
	e := &env{t: t, url: te.URL, svc: te.Svc, discord: newFakeDiscord(t), priv: key.Private}
	var err error
	e.adapter, err = discordadapter.New(discordadapter.Options{Bot: te.Bot, Token: "test-token", AppID: "APP",
		GuildID: "G1", PublicKey: key.Public, APIURL: e.discord.APIURL(), Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = testenv.Serve(t, e.adapter.Routes)
	e.sender = te.Sender(core.Discord, e.adapter.Messenger())
	return e
}

// post sends a body signed with the key pair at the given instant.
func (e *env) post(body []byte, at time.Time, spoil ...func(*http.Request)) (int, map[string]any) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/discord/interactions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	testenv.DiscordKey{Private: e.priv}.Sign(req, body, at)
	for _, s := range spoil {
		s(req)
	}
	code, b := testenv.Do(e.t, req)
	var out map[string]any
	json.Unmarshal(b, &out)
	return code, out
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
	testenv.Deliver(e.t, e.sender)
}

func (e *env) count(query string) int {
	e.t.Helper()
	return testenv.Count(e.t, e.url, query)
}

func must(t testing.TB, ok bool, format string, args ...any) {
	t.Helper()
	testenv.Must(t, ok, format, args...)
}

func js(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return b.String()
}
