package slack_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// event posts a signed event_callback of team T1 and waits for the work
// it started.
func (e *env) event(id, event string) {
	e.t.Helper()
	code, body := e.post("/slack/events", "application/json",
		fmt.Sprintf(`{"type":"event_callback","team_id":"T1","event_id":%q,"event":%s}`, id, event), time.Now())
	if code != http.StatusOK {
		e.t.Fatalf("event %s: %d %s", id, code, body)
	}
	e.adapter.Wait()
}

// postsTo are the chat.postMessage calls to channel.
func (e *env) postsTo(channel string) []call {
	var out []call
	for _, c := range e.slack.Calls("chat.postMessage") {
		if c.Form.Get("channel") == channel {
			out = append(out, c)
		}
	}
	return out
}

// The first time a member opens the app's Messages tab (the conversation
// is still empty) they are welcomed with the three commands to start;
// once, however often they open it; someone who has talked with the bot
// before is not welcomed again.
func TestEvents_FirstOpenOfTheMessagesTabIsWelcomedOnce(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var history atomic.Value
	history.Store(`{"ok": true, "messages": []}`)
	e.slack.fail = func(method string) (int, http.Header, string, bool) {
		if method != "conversations.history" {
			return 0, nil, "", false
		}
		return http.StatusOK, http.Header{"Content-Type": {"application/json"}}, history.Load().(string), true
	}
	opened := func(id, user, channel string) {
		e.event(id, fmt.Sprintf(`{"type":"app_home_opened","user":%q,"channel":%q,"tab":"messages"}`, user, channel))
	}
	opened("Ev1", "UALICE", "DALICE")
	posts := e.postsTo("DALICE")
	must(t, len(posts) == 1, "welcomes: %d", len(posts))
	for _, want := range []string{"Welcome to referbot", "Three commands to start", "/refer profile set services",
		"/refer lead", "/refer help"} {
		must(t, strings.Contains(posts[0].shown(), want), "the welcome lacks %q: %s", want, posts[0].shown())
	}
	opened("Ev2", "UALICE", "DALICE") // opened again before Slack shows the welcome in the history
	must(t, len(e.postsTo("DALICE")) == 1, "welcomed twice")

	history.Store(`{"ok": true, "messages": [{"type": "message", "user": "UBOB", "text": "hi", "ts": "1700000000.000001"}]}`)
	opened("Ev3", "UBOB", "DBOB")
	must(t, len(e.postsTo("DBOB")) == 0, "welcomed someone who has talked with the bot before")
}

// What a member types in the Messages tab is answered with the commands to
// use instead of silence; the bot's own messages and edits are not.
func TestEvents_TypingInTheMessagesTabIsAnsweredWithTheCommands(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.event("Ev1", `{"type":"message","channel_type":"im","user":"UALICE","channel":"DALICE","text":"hello?","ts":"1.1"}`)
	posts := e.postsTo("DALICE")
	must(t, len(posts) == 1 && strings.Contains(posts[0].shown(), "I answer /refer commands, not messages") &&
		strings.Contains(posts[0].shown(), "Three commands to start"), "answer: %v", posts)
	e.event("Ev2", `{"type":"message","channel_type":"im","user":"UREFERBOT","bot_id":"B1","channel":"DALICE","text":"Welcome","ts":"1.2"}`)
	e.event("Ev3", `{"type":"message","subtype":"message_changed","channel_type":"im","channel":"DALICE","ts":"1.3"}`)
	e.event("Ev4", `{"type":"message","channel_type":"channel","user":"UALICE","channel":"C0CHAN","text":"hi all","ts":"1.4"}`)
	must(t, len(e.slack.Calls("chat.postMessage")) == 1, "answered the bot, an edit or a channel: %v", e.slack.Calls("chat.postMessage"))
}

// App Home shows a member with no referrals yet how to start; once they
// have one, their pipeline only.
func TestAppHome_ANewMemberSeesHowToStart(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.event("Ev1", `{"type":"app_home_opened","user":"UALICE","tab":"home"}`)
	pubs := e.slack.Calls("views.publish")
	must(t, len(pubs) == 1 && strings.Contains(pubs[0].text(), "Three commands to start"), "first Home: %v", pubs)
	e.command("UALICE", "C0CHAN", "<@UBOB> Acme Corp — a new website")
	e.event("Ev2", `{"type":"app_home_opened","user":"UALICE","tab":"home"}`)
	pubs = e.slack.Calls("views.publish")
	must(t, len(pubs) == 2 && !strings.Contains(pubs[1].text(), "Three commands to start") &&
		strings.Contains(pubs[1].text(), "Acme Corp"), "Home with a referral: %s", pubs[1].text())
}
