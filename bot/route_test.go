package bot_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/core"
)

// clicked is what a click on action runs: its command, or the answer it
// gets instead (a stale button, or what to type for a step that needs
// more).
func clicked(action string) (grammar.Command, error) {
	cmd, err := bot.ActionCommand(action)
	if err == nil {
		err = grammar.Check(cmd)
	}
	if err != nil {
		return nil, err
	}
	return cmd, nil
}

// sameAsTyped fails unless clicking action does what typing text does:
// the same command, or the same answer.
func sameAsTyped(t *testing.T, action, text string) {
	t.Helper()
	got, gotErr := clicked(action)
	want, wantErr := grammar.Parse(text)
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
		t.Errorf("%s → %#v, %v; typing %q gives %#v, %v", action, got, gotErr, text, want, wantErr)
	}
}

func TestActionCommand_ReadsButtonsBackAsTheCommandsTheyStandFor(t *testing.T) {
	t.Parallel()
	for action, want := range map[string]string{
		"/refer/claim/R-1042":          "claim",
		"/refer/interested/R-1042":     "interested",
		"/refer/accept/R-1042":         "accept",
		"/refer/status/R-1042/meeting": "status",
		"/refer/pick/R-1042/U123":      "pick",
		"/refer/thanks/R-1042":         "thanks",
		"/refer/show/R-1042":           "show",
		"/refer/forget/confirm":        "forget",
		"/refer/reminders/off":         "reminders",
	} {
		cmd, err := clicked(action)
		if err != nil {
			t.Fatalf("ActionCommand(%q): %v", action, err)
		}
		if cmd.Name() != want {
			t.Errorf("%q → %s, want %s", action, cmd.Name(), want)
		}
	}
	for _, bad := range []string{"", "/refer/", "/refer/claim", "/refer/nuke/R-1", "/other/claim/R-1", "/refer/pick/R-1"} {
		if _, err := bot.ActionCommand(bad); core.ErrorCode(err) != core.EINVALID {
			t.Errorf("ActionCommand(%q) = %v, want EINVALID", bad, err)
		}
	}
	// Buttons that need more input answer with what to type.
	for _, a := range []string{"/refer/won/R-1042", "/refer/lost/R-1042", "/refer/decline/R-1042"} {
		if _, err := clicked(a); err == nil || !strings.Contains(err.Error(), "R-1042") {
			t.Errorf("%s: want a hint naming R-1042, got %v", a, err)
		}
	}
	// And every click does exactly what typing its command does.
	for action, text := range map[string]string{
		"/refer/claim/R-1042": "claim R-1042", "/refer/interested/R-1042": "interested R-1042",
		"/refer/accept/R-1042": "accept R-1042", "/refer/status/R-1042/meeting": "status R-1042 meeting",
		"/refer/status/R-1042/won": "status R-1042 won", "/refer/status/R-1042/lost": "status R-1042 lost",
		"/refer/pick/R-1042/U123": "pick R-1042 <@U123>", "/refer/thanks/R-1042": "thanks R-1042",
		"/refer/show/R-1042": "show R-1042", "/refer/forget/confirm": "forget confirm",
		"/refer/reminders/on": "reminders on", "/refer/reminders/off": "reminders off",
		"/refer/won/R-1042": "won R-1042", "/refer/lost/R-1042": "lost R-1042", "/refer/decline/R-1042": "decline R-1042",
	} {
		sameAsTyped(t, action, text)
	}
}

func TestActionCommand_ConfirmsAWonValue(t *testing.T) {
	t.Parallel()
	for action, want := range map[string]string{
		"/refer/won/R-1042/confirm/500000000EUR": "won R-1042 500000000EUR confirm",
		"/refer/won/R-1042/confirm/1250.50":      "won R-1042 1250.50 confirm",
		"/refer/won/R-1042":                      "won R-1042",
	} {
		sameAsTyped(t, action, want)
	}
	for _, action := range []string{"/refer/won/R-1042/confirm/", "/refer/won/R-1042/confirm/lots", "/refer/won/R-1042/confirm/5 000"} {
		if _, err := bot.ActionCommand(action); core.ErrorCode(err) != core.EINVALID {
			t.Errorf("ActionCommand(%q): %v, want EINVALID", action, err)
		}
	}
}

// A Router reads paths back into typed commands: the path's variables
// fill the command's fields, and nothing is turned back into text.
func ExampleRouter() {
	var r bot.Router
	r.Route("/refer/claim/{code}", func(v bot.Vars) (grammar.Command, error) {
		c, err := v.Code()
		return grammar.Claim{Code: c}, err
	})
	r.Route("/refer/pick/{code}/{user}", func(v bot.Vars) (grammar.Command, error) {
		c, err := v.Code()
		return grammar.Pick{Code: c, Member: core.MemberRef{UserID: v["user"]}}, err
	})

	cmd, _ := r.Command("/refer/pick/R-1042/U123")
	fmt.Printf("%s %+v\n", cmd.Name(), cmd)
	cmd, _ = r.Command("/refer/claim/R-7")
	fmt.Printf("%s %+v\n", cmd.Name(), cmd)
	_, err := r.Command("/refer/nuke/R-7")
	fmt.Println(core.ErrorCode(err), core.ErrorMessage(err))
	// Output:
	// pick {Code:R-1042 Member:@U123}
	// claim {Code:R-7}
	// invalid That button is no longer valid. Type /refer help for commands.
}
