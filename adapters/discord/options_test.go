package discord

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/referbot/referbot/bot/grammar"
)

// opts builds a subcommand's options from name/value pairs.
func opts(kv ...any) args {
	a := args{opts: map[string]*discordgo.ApplicationCommandInteractionDataOption{},
		resolved: &discordgo.ApplicationCommandInteractionDataResolved{Users: map[string]*discordgo.User{"U9": {ID: "U9", Username: "bob"}}}}
	for i := 0; i+1 < len(kv); i += 2 {
		name := kv[i].(string)
		a.opts[name] = &discordgo.ApplicationCommandInteractionDataOption{Name: name, Value: kv[i+1]}
	}
	return a
}

// The subcommands whose options hold free text read the same command as
// typing it would, with no command line built for them.
func TestCommand_TypedOptionsReadAsTypingWould(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		path string
		a    args
		text string
	}{
		{"list", opts(), "list"},
		{"list", opts("which", "given"), "list given"},
		{"list", opts("which", "open"), "list open"},
		{"help", opts(), "help"},
		{"help", opts("topic", "lead"), "help lead"},
		{"help", opts("topic", "Hand"), "help hand"},
		{"help", opts("topic", "leed"), "help leed"},
		{"profile set", opts("field", "tags", "value", "branding, #web"), "profile set tags branding, #web"},
		{"profile set", opts("field", "billing", "value", "fixed min 2k"), "profile set billing fixed min 2k"},
		{"profile set", opts("field", "services"), "profile set services -"},
		{"admin config", opts(), "config"},
		{"admin config", opts("setting", "fee", "value", "10%"), "config fee 10%"},
		{"admin config", opts("setting", "schedule", "value", `weekly-digest "0 9 * * MON"`), `config schedule weekly-digest "0 9 * * MON"`},
		{"admin config", opts("setting", "admin", "member", "U9"), "config admin <@U9|bob>"},
		{"admin config", opts("setting", "admin"), "config admin"},
		{"admin config", opts("setting", "daily-cap", "value", "10"), "config daily-cap 10"},
		{"admin flags", opts(), "flags"},
		{"admin flags", opts("period", "last-quarter"), "flags last-quarter"},
		{"admin flags", opts("dismiss", "F-1a2b3c", "reason", "a joint practice"), "flags dismiss F-1a2b3c a joint practice"},
		{"admin flags", opts("dismiss", "F-1a2b3c"), "flags dismiss F-1a2b3c"},
		{"profile set", opts("field", "amounts", "value", "private"), "profile set amounts private"},
	} {
		got, gotErr := command(c.path, c.a)
		want, wantErr := grammar.Parse(c.text)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s %v → %#v, %v; typing %q gives %#v, %v", c.path, c.a.opts, got, gotErr, c.text, want, wantErr)
		}
	}
}
