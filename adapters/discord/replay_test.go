package discord_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/referbot/referbot/internal/testenv"
)

// TestReplay_CapturedInteractionsGetTheRecordedResponses sends each
// captured Discord interaction in testdata, signed with the test key
// (Ed25519), through POST /discord/interactions and compares the response
// and the REST calls it made with testdata/NAME.response.json (the fakes'
// addresses and instants normalized). Each comes after the interactions
// that set its scene (a referral to accept, an accepted one to win, codes
// to complete). go test ./adapters/discord -run Replay -update records
// them.
func TestReplay_CapturedInteractionsGetTheRecordedResponses(t *testing.T) {
	t.Parallel()
	testenv.Replays(t, []testenv.Replay{
		{Name: "ping"},
		{Name: "command_give"},
		{Name: "component_accept", After: "command_give"},
		{Name: "modal_won", After: "command_give component_accept"},
		{Name: "autocomplete_show", After: "command_give"},
	}, *update, func(t *testing.T) testenv.Replayer {
		return replayer{setupWith(t, testenv.Options{At: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)})}
	})
}

type replayer struct{ *env }

// Send posts testdata/name.json as Discord would, signed now.
func (e replayer) Send(name string) (int, any) {
	e.t.Helper()
	raw := testenv.Payload(e.t, name)
	if !json.Valid(raw) {
		e.t.Fatalf("testdata/%s.json is not JSON", name)
	}
	return e.post(raw, time.Now())
}

func (e replayer) Settle() { e.adapter.Wait() }

// Calls are the REST calls, their JSON bodies decoded.
func (e replayer) Calls() []any {
	var out []any
	for _, c := range e.discord.All() {
		out = append(out, map[string]any{"method": c.Method, "path": c.Path, "body": testenv.JSONOrText([]byte(c.Body))})
	}
	return out
}
