package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	slackadapter "github.com/referbot/referbot/adapters/slack"
)

// TestRun_ServeWithSlackCredentials starts `referbot serve` as configured
// by the environment, with SLACK_API_URL pointing at a fake Web API: a
// signed /refer is answered and the receiver's DM is delivered through
// the Web API; an unsigned one is refused.
func TestRun_ServeWithSlackCredentials(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var posts []url.Values
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f, _ := url.ParseQuery(string(body))
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/users.info":
			fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"name":%q,"profile":{"display_name":%q}}}`, f.Get("user"), f.Get("user"), strings.ToLower(f.Get("user")[1:]))
		case "/api/chat.postMessage":
			mu.Lock()
			posts = append(posts, f)
			mu.Unlock()
			fmt.Fprint(w, `{"ok":true,"channel":"D1","ts":"1.1"}`)
		default:
			fmt.Fprint(w, `{"ok":true}`)
		}
	}))
	defer fake.Close()
	const secret = "test-signing-secret"
	addr := startServe(t, map[string]string{"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": secret,
		"SLACK_API_URL": fake.URL + "/api"})

	body := url.Values{"team_id": {"T1"}, "channel_id": {"C1"}, "user_id": {"UALICE"}, "command": {"/refer"},
		"text": {"<@UBOB> Acme Corp — a new website"}, "trigger_id": {"t1"}, "response_url": {fake.URL + "/response"}}.Encode()
	post := func(signed bool) (int, string) {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/slack/commands", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		if signed {
			req.Header.Set("X-Slack-Signature", slackadapter.Sign(secret, ts, []byte(body)))
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
	eventually(t, "the receiver's DM is delivered", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(posts) > 0
	})
	mu.Lock()
	if posts[0].Get("channel") != "UBOB" || !strings.Contains(posts[0].Get("blocks"), "/refer/accept/R-1001") {
		t.Errorf("delivered %v", posts[0])
	}
	mu.Unlock()
}
