package console_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/referbot/referbot/adapters/console"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// run drives the real bot over a real database with a script, as
// `referbot < script` does, and returns the transcript.
func run(t *testing.T, script string) string {
	t.Helper()
	ctx := context.Background()
	e := testenv.New(t, testenv.Options{At: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)})
	var out bytes.Buffer
	c := console.New(e.Bot, &out)
	c.Echo = true
	s := e.Sender(core.Console, c.Messenger())
	s.Workers = 1
	c.Deliver = func(ctx context.Context) error {
		_, err := s.DeliverAll(ctx)
		return err
	}
	if err := c.Run(ctx, strings.NewReader(script)); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func wantInOrder(t *testing.T, transcript string, wants ...string) {
	t.Helper()
	rest := transcript
	for _, w := range wants {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("transcript lacks %q (in order); transcript:\n%s", w, transcript)
		}
		rest = rest[i+len(w):]
	}
}

func TestConsole_ReferAcceptWinThankStats(t *testing.T) {
	t.Parallel()
	out := run(t, `
/as bob
/refer @alice Acme Bakery jane@acme.example consent — new website and online shop ~5k hot
/as alice
/refer accept R-1001
/refer status R-1001 meeting
/refer won R-1001 4800
/refer thanks R-1001 Thank you Bob, lovely client!
/refer stats network
`)
	wantInOrder(t, out,
		"bob> /refer @alice Acme Bakery",
		"Referral R-1001 sent to @alice",
		"── DM to @alice ──", "@bob referred a client to you (R-1001)", "jane@acme.example", "[1] Accept  [2] Decline",
		"alice> /refer accept R-1001", "You accepted R-1001",
		"── DM to @bob ──", "@alice accepted your referral R-1001",
		"R-1001 moved to meeting", "── DM to @bob ──", "Update on your referral R-1001: meeting",
		"R-1001 won", "── DM to @bob ──", "Your referral R-1001 was won", "USD 4,800",
		"── DM to @alice ──", "Congratulations on winning R-1001",
		"Thank-you sent",
		"── post in #referrals ──", "@alice thanks @bob", "Thank you Bob, lovely client!",
		"── DM to @bob ──", "@alice thanked you for R-1001",
		"Network — all time",
		"Conversion rate (RCR): 100%",
		"Revenue from referrals: USD 4,800 from 1 deal",
		"Thank-yous given: 1",
	)
	if strings.Count(out, "jane@acme.example") == 0 || strings.Contains(sectionOf(out, "── post in #referrals ──"), "jane@acme.example") {
		t.Errorf("contact details leaked into a channel post:\n%s", out)
	}
}

// sectionOf returns the text of every message with the given header.
func sectionOf(out, header string) string {
	var b strings.Builder
	for _, part := range strings.Split(out, "  ──")[1:] {
		if strings.HasPrefix("  ──"+part, header) {
			b.WriteString(part)
		}
	}
	return b.String()
}

func TestConsole_ButtonsAreClickedByNumber(t *testing.T) {
	t.Parallel()
	out := run(t, `
/as bob
/refer @alice Acme — logo ~2k
/as alice
1
`)
	wantInOrder(t, out, "[1] Accept", "alice> 1", "You accepted R-1001",
		"@alice accepted your referral R-1001")
}

// A number clicks only the current member's own buttons (and channel
// posts'); a button on someone else's message says whose it is and how
// to become them, and does nothing.
func TestConsole_ANumberNeverClicksAsSomeoneElse(t *testing.T) {
	t.Parallel()
	out := run(t, `
/as bob
/refer @alice Acme — logo ~2k
1
/refer forget
/as carol
2
/refer show R-1001
/as alice
1
/refer lead bookkeeping for a bakery
/as carol
5
7
`)
	wantInOrder(t, out,
		"── DM to @alice ──", "[1] Accept  [2] Decline",
		"bob> 1", "Button 1 (Accept) is on @alice's message, not yours (@bob). To click it as @alice, type /as alice and then 1.",
		"bob> /refer forget", "[3] Yes, erase my data",
		"carol> 2", "Button 2 (Decline) is on @alice's message, not yours (@carol)",
		"carol> /refer show R-1001", "Stage: offered",
		"alice> 1", "You accepted R-1001",
		"[4] Mark contacted  [5] Won", // alice's own reply
		"── post in #referrals ──", "[7] Claim",
		"carol> 5", "Button 5 (Won) is on @alice's message, not yours (@carol)",
		"carol> 7", "You claimed R-1002",
	)
	if strings.Contains(out, "Your personal data is erased") {
		t.Errorf("a button was clicked for someone else:\n%s", out)
	}
	// Bob's private confirmation stays bob's.
	out = run(t, "/as bob\n/refer forget\n/as carol\n1\n")
	wantInOrder(t, out, "[1] Yes, erase my data", "carol> 1",
		"Button 1 (Yes, erase my data) is on @bob's message, not yours (@carol). To click it as @bob, type /as bob and then 1.")
}

func TestConsole_EveryBadLineGetsAnAnswer(t *testing.T) {
	t.Parallel()
	out := run(t, `
/as bob
/refer frobnicate
/refer accept R-9999
/refer won R-1001
7
hello
/as
`)
	wantInOrder(t, out,
		"I don't know `/refer frobnicate`",
		"There is no referral R-9999",
		"/refer won R-1001",
		"There is no button 7",
		"I only understand /refer commands",
		"Type /as NAME",
	)
}

func TestConsole_ExportThenForgetWithConfirmation(t *testing.T) {
	t.Parallel()
	out := run(t, `
/as bob
/refer profile set services websites and shops
/refer export
/refer forget
1
/refer profile
`)
	wantInOrder(t, out,
		"Your data (0 referrals)", "referbot-export.json", `"services": "websites and shops"`,
		"Erase your personal data?", "[1] Yes, erase my data",
		"Your personal data is erased",
		"Your profile is empty",
	)
}

func TestConsole_ScheduleIsValidatedBeforeItIsStored(t *testing.T) {
	t.Parallel()
	out := run(t, `
/as organiser
/refer config schedule weekly-digest "every monday"
/refer config schedule nope "0 9 * * MON"
/refer config schedule weekly-digest "0 8 * * MON"
`)
	wantInOrder(t, out, "is not a cron schedule", "There is no job", "Setting saved: schedule", "Schedule weekly-digest: 0 8 * * MON")
}

func TestConsole_SettingsAreCheckedAndSayWhatChanged(t *testing.T) {
	t.Parallel()
	out := run(t, `
/as org
/refer config channel general
/refer config currency XYZ
/refer config
/refer config channel #deals
/refer @omar Acme — site
/refer config admin @bob
/refer config remove @omar
/refer config
`)
	wantInOrder(t, out,
		"org> /refer config channel general", `"general" is not a channel: a channel is written #name. Type /refer config channel #referrals`,
		"org> /refer config currency XYZ", `"XYZ" is not an ISO 4217 currency code.`, "/refer config currency EUR",
		"org> /refer config", "Channel: #referrals", "Currency: USD", "Admins: @org",
		"Setting saved: channel", "Channel: #deals",
		"org> /refer config admin @bob", "@bob is an admin",
		"org> /refer config remove @omar", "@omar removed", "@omar can no longer use referbot in this network.",
		"org> /refer config", "Channel: #deals", "Admins: @bob, @org",
	)
}

func TestConsole_WhoSaysWhenTheOnlyMatchIsPaused(t *testing.T) {
	t.Parallel()
	out := run(t, `
/as tax
/refer profile set triggers our books are a mess; we got a letter from the tax office
/refer profile set availability paused
/as bob
/refer who the client says our books are a mess
`)
	wantInOrder(t, out, "bob> /refer who",
		"Only @tax matches, and is paused — not taking referrals right now.",
		`1. @tax — listens for "our books are a mess", paused`,
		"Post it for everyone with /refer lead the client says our books are a mess")
	if strings.Contains(out, "Nobody's profile matches") {
		t.Errorf("said nobody matches:\n%s", out)
	}
}

func TestConsole_BuddySaysNothingWasSentWhenNothingWas(t *testing.T) {
	t.Parallel()
	out := run(t, `
/as org
/refer @maya Acme — site
/refer buddy @maya @bob
/refer buddy @maya @bob
`)
	wantInOrder(t, out,
		"org> /refer buddy @maya @bob", "Buddy assigned", "@bob is @maya's mentoring buddy now; both have been told.",
		"── DM to @bob ──", "You're @maya's mentoring buddy", "── DM to @maya ──",
		"org> /refer buddy @maya @bob", "Nothing changed", "@bob already is @maya's mentoring buddy, so no message was sent.",
	)
	if strings.Count(out, "You're @maya's mentoring buddy") != 1 {
		t.Errorf("the mentor was told twice:\n%s", out)
	}
}

// On the console a name is the member: typed in another case it is the
// same member, and their name stays as first written.
func TestConsole_AsInAnotherCaseDoesNotRename(t *testing.T) {
	t.Parallel()
	out := run(t, `
/as Maya
/refer profile
/as MAYA
/refer profile
/as bob
/refer @MAYA Acme — site
/refer @maya Globex — logo
/as maya
/refer list received
`)
	wantInOrder(t, out,
		"Maya> /refer profile", "Profile of @Maya",
		"MAYA> /refer profile", "Profile of @Maya",
		"Referral R-1001 sent to @Maya", "Referral R-1002 sent to @Maya",
		"maya> /refer list received", "Referrals — received (2)")
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "│") && (strings.Contains(l, "@MAYA") || strings.Contains(l, "@maya")) {
			t.Errorf("maya was renamed: %q in\n%s", l, out)
		}
	}
}

// signalWriter collects output and closes seen once it contains want.
type signalWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if w.seen != nil && strings.Contains(w.buf.String(), w.want) {
		close(w.seen)
		w.seen = nil
	}
	return n, err
}

func (w *signalWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// Ctrl-C (the context ending) while the console waits for a line leaves
// at once and cleanly: no error, a goodbye naming where the data stays.
func TestConsole_InterruptLeavesCleanly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := testenv.New(t, testenv.Options{})
	out := &signalWriter{want: "Profile of @bob", seen: make(chan struct{})}
	seen := out.seen
	c := console.New(e.Bot, out)
	c.Data = "/srv/referbot/.referbot/"
	in, typing := io.Pipe() // stays open: the console waits for more
	t.Cleanup(func() { typing.Close() })
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx, in) }()
	go io.WriteString(typing, "/as bob\n/refer profile\n/help\n")
	<-seen
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after Ctrl-C = %v, want nil", err)
	}
	wantInOrder(t, out.String(),
		"The network's data is kept in /srv/referbot/.referbot/.",
		"Profile of @bob",
		"Bye. The network's data stays in /srv/referbot/.referbot/.")
}
