package bot

import (
	"reflect"
	"testing"

	"github.com/referbot/referbot/bot/grammar"
)

// Choosing a channel in the picker is `/refer config channel` with it.
func TestActionCommand_AChosenChannelConfiguresIt(t *testing.T) {
	t.Parallel()
	cmd, err := ActionCommand(ChooseChannel + "/C0123ABC")
	want := grammar.Config{Key: "channel", Args: []string{"<#C0123ABC>"}}
	expect(t, err == nil && reflect.DeepEqual(cmd, want), "picked: %#v, %v", cmd, err)
	typed, err := grammar.Parse("config channel <#C0123ABC>")
	expect(t, err == nil && reflect.DeepEqual(typed, want), "typed: %#v, %v", typed, err)
	for _, bad := range []string{ChooseChannel + "/", ChooseChannel + "/C1>x", ChooseChannel + "/C1/x"} {
		if _, err := ActionCommand(bad); err == nil {
			t.Errorf("%q routes", bad)
		}
	}
}
