package grammar

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/referbot/referbot/core"
)

// FuzzParse checks that no text makes the grammar panic or answer with
// anything but a command or a helpful EINVALID error. Its seed corpus is in
// testdata/fuzz/FuzzParse; run it with
//
//	go test -run='^$' -fuzz=FuzzParse -fuzztime=60s ./bot/grammar
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "help won", "@alice Acme — site ~5k hot", "claim R-1042", "won R-1 4.8k EUR note",
		"profile set billing fixed min 2k", "lead x expires 7d", "config admin <@U1|a>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cmd, err := parse(text) // unrecovered: a panic fails the fuzz run
		if err != nil {
			if cmd != nil {
				t.Fatalf("Parse(%q) returned both %#v and %v", text, cmd, err)
			}
			var e *core.Error
			if !errors.As(err, &e) || core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("Parse(%q) error %v is not an EINVALID *core.Error", text, err)
			}
			if strings.TrimSpace(e.Message) == "" || strings.TrimSpace(e.Hint) == "" {
				t.Fatalf("Parse(%q) error without message or hint: %#v", text, e)
			}
			return
		}
		if cmd == nil {
			t.Fatalf("Parse(%q) returned neither command nor error", text)
		}
		if Usage(cmd.Name()) == "" {
			t.Fatalf("Parse(%q) = %T named %q, which has no usage", text, cmd, cmd.Name())
		}
		again, err := parse(text)
		if err != nil || !reflect.DeepEqual(cmd, again) {
			t.Fatalf("Parse(%q) is not deterministic: %#v then %#v, %v", text, cmd, again, err)
		}
		checkCommand(t, text, cmd)
	})
}

// checkCommand asserts what every parsed command promises its dispatcher.
func checkCommand(t *testing.T, text string, cmd Command) {
	t.Helper()
	fail := func(why string) { t.Fatalf("Parse(%q) = %#v: %s", text, cmd, why) }
	strs := func(ss ...string) {
		for _, s := range ss {
			if !utf8.ValidString(s) {
				fail("invalid UTF-8 in a field")
			}
			if s != strings.TrimSpace(s) {
				fail("untrimmed field " + s)
			}
		}
	}
	ref := func(r core.MemberRef) {
		if r.UserID == "" && r.Name == "" {
			fail("empty member reference")
		}
	}
	code := func(c core.Code) {
		if c <= 0 {
			fail("no referral code")
		}
	}
	client := func(name, contact string, consent bool, need string, v core.Money) {
		strs(name, contact, need)
		if contact != "" && !consent {
			fail("contact without consent")
		}
		if need == "" {
			fail("no need")
		}
		if v.Cents < 0 {
			fail("negative estimate")
		}
	}
	switch c := cmd.(type) {
	case Refer:
		ref(c.To)
		client(c.ClientName, c.Contact, c.Consent, c.Need, c.Estimate)
		if c.ClientName == "" {
			fail("no client name")
		}
	case Lead:
		client(c.ClientName, c.Contact, c.Consent, c.Need, c.Estimate)
		if c.ExpiryDays < 0 || c.ExpiryDays > 365 {
			fail("expiry out of range")
		}
	case Claim:
		code(c.Code)
	case Interested:
		code(c.Code)
	case Accept:
		code(c.Code)
	case Show:
		code(c.Code)
	case Pick:
		code(c.Code)
		ref(c.Member)
	case Decline:
		code(c.Code)
		if c.Reason == "" {
			fail("no reason")
		}
	case Lost:
		code(c.Code)
		if c.Reason == "" {
			fail("no reason")
		}
	case Won:
		code(c.Code)
		if c.Value.Cents <= 0 {
			fail("won without a value")
		}
	case Status:
		code(c.Code)
		if c.Stage != core.StatusContacted && c.Stage != core.StatusMeeting && c.Stage != core.StatusProposal {
			fail("bad stage")
		}
	case Feedback:
		code(c.Code)
		if c.Score < 1 || c.Score > 5 {
			fail("score out of range")
		}
	case Touch:
		ref(c.Partner)
		if !strings.Contains(" coffee call shared-content intro meeting ", " "+string(c.Kind)+" ") {
			fail("bad touch kind")
		}
	case Buddy:
		ref(c.Newcomer)
		ref(c.Mentor)
	case Who:
		if c.Need == "" && len(c.Tags) == 0 {
			fail("empty who")
		}
	case ProfileSet:
		if !c.Clear && len(c.Values) == 0 {
			fail("profile set without a value")
		}
	case Config:
		if c.Key == "admin" && c.Member == nil {
			fail("admin without a member")
		}
	}
}
