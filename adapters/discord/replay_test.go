package discord_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/referbot/referbot/internal/testenv"
)

// replays are the captured Discord interactions in testdata, each with
// the interactions replayed before it to set the scene (a referral to
// accept, an accepted one to win, codes to complete).
var replays = []struct{ name, after string }{
	{"ping", ""},
	{"command_give", ""},
	{"component_accept", "command_give"},
	{"modal_won", "command_give component_accept"},
	{"autocomplete_show", "command_give"},
}

// TestReplay_CapturedInteractionsGetTheRecordedResponses sends each
// captured interaction, signed with the test key (Ed25519), through
// POST /discord/interactions and compares the response and the REST calls
// it made with testdata/NAME.response.json (the fakes' addresses and
// instants normalized). go test ./adapters/discord -run Replay -update
// records them.
func TestReplay_CapturedInteractionsGetTheRecordedResponses(t *testing.T) {
	t.Parallel()
	for _, r := range replays {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			e := setupWith(t, testenv.Options{At: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)})
			for _, before := range strings.Fields(r.after) {
				if code, resp := e.replay(before); code != 200 {
					t.Fatalf("%s: %d %v", before, code, resp)
				}
			}
			e.adapter.Wait()
			seen := len(e.discord.All())
			code, resp := e.replay(r.name)
			e.adapter.Wait()
			var calls []any
			for _, c := range e.discord.All()[seen:] {
				calls = append(calls, map[string]any{"method": c.Method, "path": c.Path, "body": testenv.JSONOrText([]byte(c.Body))})
			}
			testenv.Golden(t, "testdata/"+r.name+".response.json",
				map[string]any{"status": code, "body": resp, "calls": calls}, *update)
		})
	}
}

// replay sends testdata/name.json as Discord would, signed now.
func (e *env) replay(name string) (int, map[string]any) {
	e.t.Helper()
	raw, err := os.ReadFile("testdata/" + name + ".json")
	if err != nil {
		e.t.Fatal(err)
	}
	if !json.Valid(raw) {
		e.t.Fatalf("testdata/%s.json is not JSON", name)
	}
	return e.post(raw, time.Now())
}
