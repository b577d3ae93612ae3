package discord_test

import (
	"net/http"
	"testing"

	"github.com/referbot/referbot/internal/testenv"
)

// call is one request the fake Discord API received (testenv.DiscordCall).
type call struct{ testenv.DiscordCall }

// fakeDiscord is the shared fake REST API (testenv.Discord), recording
// every call.
type fakeDiscord struct {
	*testenv.Discord
	// fail, if set, may answer a call instead of the fake (a 429, say).
	fail func(c call) (status int, header http.Header, body string, ok bool)
}

func newFakeDiscord(t testing.TB) *fakeDiscord {
	f := &fakeDiscord{Discord: testenv.NewDiscord(t)}
	f.Discord.Fail = func(c testenv.DiscordCall) (int, http.Header, string, bool) {
		if f.fail == nil {
			return 0, nil, "", false
		}
		return f.fail(call{c})
	}
	return f
}

// Calls returns the calls whose method and path match (path prefix).
func (f *fakeDiscord) Calls(method, pathPrefix string) []call {
	var out []call
	for _, c := range f.Discord.Calls(method, pathPrefix) {
		out = append(out, call{c})
	}
	return out
}
