package console_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/referbot/referbot/adapters/console"
	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/sender"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/internal/pgtest"
	"github.com/referbot/referbot/migrations"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// run drives the real bot over a real database with a script, as
// `referbot < script` does, and returns the transcript.
func run(t *testing.T, script string) string {
	t.Helper()
	ctx := context.Background()
	db, err := postgres.Open(ctx, pgtest.NewDB(t, "referbot", migrations.MigrateURL))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	svc := core.NewService(db, core.Options{Now: func() time.Time { return now }})
	var out bytes.Buffer
	c := console.New(bot.New(svc, nil), &out)
	c.Echo = true
	s := &sender.Sender{Outbox: db, Platform: core.Console, Messenger: c.Messenger(), Now: svc.Now, Workers: 1}
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
		"Thank-yous: 1",
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
1
`)
	wantInOrder(t, out, "[1] Accept", "(clicking \"Accept\" as @alice, whose message it is)", "You accepted R-1001",
		"@alice accepted your referral R-1001")
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
