package slack_test

import (
	"encoding/json"
	"flag"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/referbot/referbot/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite testdata/*.response.json from the replies")

// TestReplay_CapturedPayloadsGetTheRecordedReplies sends each captured
// Slack payload in testdata, signed with the v0 scheme, through the HTTP
// endpoint Slack posts it to, and compares the reply and the Web API calls
// it made with testdata/NAME.response.json (trigger ids, response URLs,
// message timestamps and the fakes' addresses normalized). Each comes
// after the payloads that set its scene (a referral to accept, an
// accepted one to win, something to show on App Home).
// go test ./adapters/slack -run Replay -update records them.
func TestReplay_CapturedPayloadsGetTheRecordedReplies(t *testing.T) {
	t.Parallel()
	testenv.Replays(t, []testenv.Replay{
		{Name: "command_refer"},
		{Name: "interaction_block_actions", After: "command_refer"},
		{Name: "interaction_view_submission", After: "command_refer interaction_block_actions"},
		{Name: "event_url_verification"},
		{Name: "event_app_home_opened", After: "command_refer"},
	}, *update, func(t *testing.T) testenv.Replayer {
		return replayer{setupWith(t, testenv.Options{At: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)})}
	}, "trigger_id", "response_url", "ts", "view_id")
}

type replayer struct{ *env }

// Send posts testdata/name.json as Slack would, its response_url pointed
// at the fake Slack. The file's prefix says how Slack sends it: command_
// as a slash command's form, interaction_ as the form field payload,
// event_ as an Events API body.
func (e replayer) Send(name string) (int, any) {
	e.t.Helper()
	raw := testenv.Payload(e.t, name)
	var p map[string]any
	if err := json.Unmarshal(raw, &p); err != nil {
		e.t.Fatal(err)
	}
	if _, ok := p["response_url"]; ok {
		p["response_url"] = e.slack.URL + "/response/" + name
	}
	var code int
	var reply string
	switch kind, _, _ := strings.Cut(name, "_"); kind {
	case "command":
		fields := url.Values{}
		for k, v := range p {
			fields.Set(k, v.(string))
		}
		code, reply = e.post("/slack/commands", form, fields.Encode(), time.Now())
	case "interaction":
		b, _ := json.Marshal(p)
		code, reply = e.post("/slack/interactions", form, url.Values{"payload": {string(b)}}.Encode(), time.Now())
	default:
		code, reply = e.post("/slack/events", "application/json", string(raw), time.Now())
	}
	return code, testenv.JSONOrText([]byte(reply))
}

func (e replayer) Settle() { e.adapter.Wait() }

// Calls are the Web API calls, form values that hold JSON (blocks, a
// view) decoded so a golden file reads as one document.
func (e replayer) Calls() []any {
	var out []any
	for _, c := range e.slack.All() {
		r := map[string]any{"method": c.Method}
		if c.JSON != nil {
			r["json"] = c.JSON
		}
		if c.Form != nil {
			f := map[string]any{}
			for k, v := range c.Form {
				if f[k] = v[0]; strings.HasPrefix(v[0], "{") || strings.HasPrefix(v[0], "[") {
					f[k] = testenv.JSONOrText([]byte(v[0]))
				}
			}
			r["form"] = f
		}
		out = append(out, r)
	}
	return out
}
