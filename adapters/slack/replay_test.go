package slack_test

import (
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/referbot/referbot/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite testdata/*.response.json from the replies")

// replays are the captured Slack payloads in testdata, each with the
// payloads replayed before it to set the scene (a referral to accept, an
// accepted one to win, something to show on App Home). The file's prefix
// says how Slack sends it: command_ as a slash command's form,
// interaction_ as the form field payload, event_ as an Events API body.
var replays = []struct{ name, after string }{
	{"command_refer", ""},
	{"interaction_block_actions", "command_refer"},
	{"interaction_view_submission", "command_refer interaction_block_actions"},
	{"event_url_verification", ""},
	{"event_app_home_opened", "command_refer"},
}

// TestReplay_CapturedPayloadsGetTheRecordedReplies sends each captured
// payload, signed with the v0 scheme, through the HTTP endpoint Slack
// posts it to, and compares the reply and the Web API calls it made with
// testdata/NAME.response.json (ids, timestamps and the fakes' addresses
// normalized). go test ./adapters/slack -run Replay -update records them.
func TestReplay_CapturedPayloadsGetTheRecordedReplies(t *testing.T) {
	t.Parallel()
	for _, r := range replays {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			e := setupWith(t, testenv.Options{At: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)})
			for _, before := range strings.Fields(r.after) {
				if code, body := e.replay(before); code != 200 {
					t.Fatalf("%s: %d %s", before, code, body)
				}
			}
			e.adapter.Wait()
			seen := len(e.slack.All())
			code, body := e.replay(r.name)
			e.adapter.Wait()
			var calls []any
			for _, c := range e.slack.All()[seen:] {
				calls = append(calls, recorded(call{c}))
			}
			testenv.Golden(t, "testdata/"+r.name+".response.json",
				map[string]any{"status": code, "body": testenv.JSONOrText([]byte(body)), "calls": calls}, *update,
				"trigger_id", "response_url", "ts", "view_id")
		})
	}
}

// replay sends testdata/name.json as Slack would, its response_url
// pointed at the fake Slack.
func (e *env) replay(name string) (int, string) {
	e.t.Helper()
	raw, err := os.ReadFile("testdata/" + name + ".json")
	if err != nil {
		e.t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(raw, &p); err != nil {
		e.t.Fatal(err)
	}
	if _, ok := p["response_url"]; ok {
		p["response_url"] = e.slack.URL + "/response/" + name
	}
	switch kind, _, _ := strings.Cut(name, "_"); kind {
	case "command":
		fields := url.Values{}
		for k, v := range p {
			fields.Set(k, v.(string))
		}
		return e.post("/slack/commands", form, fields.Encode(), time.Now())
	case "interaction":
		b, _ := json.Marshal(p)
		return e.post("/slack/interactions", form, url.Values{"payload": {string(b)}}.Encode(), time.Now())
	default:
		return e.post("/slack/events", "application/json", string(raw), time.Now())
	}
}

// recorded is a Web API call as a golden file shows it: form values that
// hold JSON (blocks, view) decoded so the file reads as one document.
func recorded(c call) map[string]any {
	out := map[string]any{"method": c.Method}
	if c.JSON != nil {
		out["json"] = c.JSON
	}
	if c.Form != nil {
		f := map[string]any{}
		for k, v := range c.Form {
			if f[k] = v[0]; strings.HasPrefix(v[0], "{") || strings.HasPrefix(v[0], "[") {
				f[k] = testenv.JSONOrText([]byte(v[0]))
			}
		}
		out["form"] = f
	}
	return out
}
