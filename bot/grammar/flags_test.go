package grammar

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse_FlagsAndDismissAndTheNewSettings(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want Command
	}{
		{"flags", Flags{}},
		{"flags last-quarter", Flags{Period: "last-quarter"}},
		{"abuse 30d", Flags{Period: "30d"}},
		{"flags dismiss F-1A2b3c they run a joint practice", FlagsDismiss{ID: "F-1a2b3c", Reason: "they run a joint practice"}},
		{"flag dismiss 1a2b3c ok", FlagsDismiss{ID: "F-1a2b3c", Reason: "ok"}},
		{"config daily-cap 10", Config{Key: "daily-cap", Args: []string{"10"}}},
		{"config cap off", Config{Key: "daily-cap", Args: []string{"off"}}},
		{"profile set amounts private", ProfileSet{Field: "amounts", Values: []string{"private"}}},
		{"profile amounts PUBLIC", ProfileSet{Field: "amounts", Values: []string{"public"}}},
	} {
		got, err := Parse(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parse(%q) = %#v, %v; want %#v", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct{ in, msg, hint string }{
		{"flags dismiss", "Which flag?", "/refer flags dismiss <flag-id> <reason>"},
		{"flags dismiss R-1042 spam", "not a flag ID", "/refer flags dismiss"},
		{"flags dismiss F-1a2b3c", "Say why", "/refer flags dismiss"},
		{"flags this month please", "one period", "/refer flags"},
		{"profile set amounts secret", "`private` or `public`", "/refer profile set amounts private"},
	} {
		_, err := Parse(c.in)
		if err == nil || !strings.Contains(err.Error(), c.msg) || !strings.Contains(err.Error(), c.hint) {
			t.Errorf("Parse(%q) error = %v; want %q with hint %q", c.in, err, c.msg, c.hint)
		}
	}
}
