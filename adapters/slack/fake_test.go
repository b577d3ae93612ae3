package slack_test

import (
	"net/http"
	"testing"

	"github.com/referbot/referbot/internal/testenv"
)

// call is one request the fake Slack received (testenv.SlackCall).
type call struct{ testenv.SlackCall }

// text is everything a call would show: its text and blocks.
func (c call) text() string { return c.Text() }

// fakeSlack is the shared fake Web API and response_url host
// (testenv.Slack), recording every call, so tests see exactly what
// referbot asked Slack to do.
type fakeSlack struct {
	*testenv.Slack
	// fail, if set, may answer a call instead of the fake (a 429, say).
	fail func(method string) (status int, header http.Header, body string, ok bool)
	// hold, if set, sees each call before it is answered and may keep it
	// waiting (a call that hangs); other calls go on meanwhile.
	hold func(c call)
}

func newFakeSlack(t testing.TB) *fakeSlack {
	f := &fakeSlack{Slack: testenv.NewSlack(t)}
	f.Slack.Fail = func(method string) (int, http.Header, string, bool) {
		if f.fail == nil {
			return 0, nil, "", false
		}
		return f.fail(method)
	}
	f.Slack.Hold = func(c testenv.SlackCall) {
		if f.hold != nil {
			f.hold(call{c})
		}
	}
	return f
}

// Calls returns the calls of a method so far.
func (f *fakeSlack) Calls(method string) []call {
	var out []call
	for _, c := range f.Slack.Calls(method) {
		out = append(out, call{c})
	}
	return out
}
