package discord

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/core"
)

// /refer fix undo, fix correct, fix reassign, coowner and profile buddy
// read the command typing them would.
func TestCommand_FixCoOwnerAndBuddyReadAsTypingWould(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		path string
		a    args
		text string
	}{
		{"fix undo", opts("code", "R-1042"), "undo R-1042"},
		{"fix correct", opts("code", "R-1042", "value", "4.8k"), "correct R-1042 4.8k"},
		{"fix correct", opts("code", "R-1042", "value", "900 EUR", "note", "per invoice"), "correct R-1042 900 EUR per invoice"},
		{"fix reassign", opts("code", "R-1042", "partner", "U9"), "reassign R-1042 <@U9|bob>"},
		{"coowner", opts("code", "R-1042", "member", "U9"), "coowner R-1042 <@U9|bob>"},
		{"coowner", opts("code", "R-1042", "remove", true), "coowner R-1042 none"},
		{"profile buddy", opts("newcomer", "U9", "mentor", "U8"), "buddy <@U9|bob> <@U8>"},
	} {
		got, gotErr := command(c.path, c.a)
		want, wantErr := grammar.Parse(c.text)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s %v → %#v, %v; typing %q gives %#v, %v", c.path, c.a.opts, got, gotErr, c.text, want, wantErr)
		}
	}
	for _, c := range []struct {
		path string
		a    args
	}{
		{"fix correct", opts("code", "R-1042")},
		{"fix correct", opts("code", "R-1042", "value", "0")},
		{"coowner", opts("code", "R-1042")},
		{"coowner", opts("code", "R-1042", "member", "U9", "remove", true)},
		{"fix undo", opts("code", "nonsense")},
	} {
		if _, err := command(c.path, c.a); core.ErrorCode(err) != core.EINVALID {
			t.Errorf("%s %v: %v, want EINVALID", c.path, c.a.opts, err)
		}
	}
}
