package slack_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	slackadapter "github.com/referbot/referbot/adapters/slack"
	"github.com/referbot/referbot/bot"
)

// lookedUp counts the users.info calls for users other than the caller.
func (e *env) lookedUp(caller string) int {
	n := 0
	for _, c := range e.slack.Calls("users.info") {
		if c.Form.Get("user") != caller {
			n++
		}
	}
	return n
}

// A command naming 400 people costs at most a handful of users.info calls:
// the first few named are looked up, the rest keep the mention as sent.
func TestCommand_FourHundredMentionsCostAHandfulOfLookups(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var ids []string
	for i := range 400 {
		ids = append(ids, fmt.Sprintf("<@U%04d>", i))
	}
	text := "who web design " + strings.Join(ids, " ")
	must(t, len(text) < 4000, "the command must pass the length check: %d", len(text))
	e.command("UALICE", "C1", text)
	got := e.lookedUp("UALICE")
	must(t, got >= 1 && got <= 5, "users.info calls for the people named: %d, want 1 to 5", got)
}

// A command the grammar refuses as too long looks up nobody it names.
func TestCommand_TooLongLooksUpNobodyItNames(t *testing.T) {
	t.Parallel()
	e := setup(t)
	text := "who " + strings.Repeat("<@UBOB> ", 600)
	must(t, len(text) > 4000, "the command must be too long: %d", len(text))
	reply := e.command("UALICE", "C1", text)
	must(t, strings.Contains(reply, "too long"), "reply: %s", reply)
	must(t, e.lookedUp("UALICE") == 0, "users.info calls for the people named: %d", e.lookedUp("UALICE"))
}

// The same person named twice is looked up once.
func TestCommand_APersonNamedTwiceIsLookedUpOnce(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.command("UALICE", "C1", "buddy <@UBOB> <@UBOB>")
	must(t, e.lookedUp("UALICE") == 1, "users.info calls for bob: %d", e.lookedUp("UALICE"))
}

// users.info hanging costs a command its display names, not its answer:
// each look-up gives up after the adapter's LookupTimeout.
func TestCommand_HangingUsersInfoStillAnswers(t *testing.T) {
	t.Parallel()
	e := setup(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) }) // before the fake closes: it waits for the held calls
	e.slack.hold = func(c call) {
		if c.Method == "users.info" {
			<-release
		}
	}
	api := slack.New("xoxb-test", slack.OptionAPIURL(e.slack.APIURL()))
	e.adapter = slackadapter.New(slackadapter.Options{Bot: bot.New(e.svc, quiet), Client: api, SigningSecret: secret,
		Log: quiet, LookupTimeout: 20 * time.Millisecond, ReplyWithin: time.Minute})
	mux := http.NewServeMux()
	e.adapter.Routes(mux)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)

	reply := e.command("UALICE", "C1", "lead bookkeeping for a bakery")
	must(t, strings.Contains(reply, "Lead R-1001"), "the command was answered in the response: %s", reply)
	reply = e.command("UALICE", "C1", "buddy <@UBOB> <@UCAROL>")
	must(t, !strings.Contains(reply, "went wrong"), "mentions whose names could not be looked up still work: %s", reply)
}
