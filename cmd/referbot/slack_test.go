package main

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/referbot/referbot/internal/testenv"
)

// TestRun_ServeWithSlackCredentials starts `referbot serve` as configured
// by the environment, with SLACK_API_URL pointing at a fake Web API: a
// signed /refer is answered and the receiver's DM is delivered through
// the Web API; an unsigned one is refused.
func TestRun_ServeWithSlackCredentials(t *testing.T) {
	t.Parallel()
	fake := testenv.NewSlack(t)
	const secret = "test-signing-secret"
	addr := startServe(t, map[string]string{"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": secret,
		"SLACK_API_URL": fake.URL + "/api"})

	body := url.Values{"team_id": {"T1"}, "channel_id": {"C1"}, "user_id": {"UALICE"}, "command": {"/refer"},
		"text": {"<@UBOB> Acme Corp — a new website"}, "trigger_id": {"t1"}, "response_url": {fake.URL + "/response/cmd"}}.Encode()
	post := func(signed bool) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/slack/commands", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if signed {
			testenv.SignSlack(req, secret, []byte(body), time.Now())
		} else {
			req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(time.Now().Unix(), 10))
		}
		return request(t, req)
	}
	if code, _ := post(false); code != http.StatusUnauthorized {
		t.Errorf("unsigned command: %d, want 401", code)
	}
	code, reply := post(true)
	if code != 200 || !strings.Contains(reply, "R-1001") {
		t.Fatalf("signed command: %d %s", code, reply)
	}
	eventually(t, "the receiver's DM is delivered", func() bool { return len(fake.Calls("chat.postMessage")) > 0 })
	if post := fake.Calls("chat.postMessage")[0].Form; post.Get("channel") != "UBOB" || !strings.Contains(post.Get("blocks"), "/refer/accept/R-1001") {
		t.Errorf("delivered %v", post)
	}
}
