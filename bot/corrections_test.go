package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// noticesOf renders the notices queued since the last call, of one kind.
func noticesOf(ms []bot.Message, kind core.NoticeKind) []bot.Message {
	var out []bot.Message
	for _, m := range ms {
		if m.Kind == string(kind) {
			out = append(out, m)
		}
	}
	return out
}

func wantSaid(t *testing.T, what string, ms []bot.Message, parts ...string) {
	t.Helper()
	got := text(ms)
	for _, p := range parts {
		if !strings.Contains(got, p) {
			t.Errorf("%s lacks %q:\n%s", what, p, got)
		}
	}
}

func TestUndo_TheButtonOnAStageChangeWonOrLostUndoesItAsTypingWould(t *testing.T) {
	t.Parallel()
	h := newBench(t)
	h.do(t, "organiser", "config")
	h.do(t, "bob", "<@UALICE|alice> Acme — new website")
	h.do(t, "alice", "accept R-1001")
	const undo = "/refer/undo/R-1001"
	for _, cmd := range []string{"status R-1001 contacted", "won R-1001 4800", "lost R-1001 budget cut"} {
		if cmd == "lost R-1001 budget cut" {
			h.click(t, "alice", undo) // reopen the won deal first
		}
		if got := h.do(t, "alice", cmd); !hasButton(got, undo) {
			t.Errorf("the reply to %q offers no Undo: %s", cmd, text(got))
		}
	}
	h.notices(t)
	got := h.click(t, "alice", undo)
	wantSaid(t, "the undo reply", got, "Undone on R-1001: move to lost", "back at contacted", "@bob has been told")
	if hasButton(got, undo) {
		t.Error("the undo reply offers to undo again")
	}
	told := noticesOf(h.notices(t), core.NoticeUndone)
	if len(told) != 1 || told[0].To != "UBOB" {
		t.Fatalf("undo notices: %+v", told)
	}
	wantSaid(t, "bob's notice", told, "@alice undid the move to lost", "contacted", "Acme")
	wantSaid(t, "the timeline", h.do(t, "bob", "show R-1001"), "@alice undid the move to lost; back at contacted",
		"@alice undid the move to won (USD 4,800); back at contacted")

	// Past the window, the member is told until when, and who can still.
	h.now = h.now.Add(25 * time.Hour)
	wantSaid(t, "undo past the window", h.do(t, "alice", "undo R-1001"),
		"could be changed until", "@organiser", "/refer undo R-1001")
}

func TestCorrect_SaysTheValueBackAndTellsTheReferrerTheNewFee(t *testing.T) {
	t.Parallel()
	h := newBench(t)
	h.do(t, "organiser", "config fee 10%")
	h.do(t, "bob", "<@UALICE|alice> Acme — new website")
	h.do(t, "alice", "accept R-1001")
	h.do(t, "alice", "won R-1001 48000")
	h.notices(t)
	got := h.do(t, "alice", "correct R-1001 4,800 typed an extra zero")
	wantSaid(t, "the correction", got, "Won value of R-1001 corrected", "USD 48,000 → USD 4,800", "@bob has been told")
	told := noticesOf(h.notices(t), core.NoticeCorrected)
	wantSaid(t, "bob's notice", told, "USD 48,000 → USD 4,800: typed an extra zero",
		"Please confirm the new value: the finder's fee owed to you on it is USD 480")
	wantSaid(t, "bob's stats", h.do(t, "bob", "stats"), "USD 4,800")
	// The referrer may not, and is told whom to ask.
	wantSaid(t, "bob's correction", h.do(t, "bob", "correct R-1001 5000"), "ask @alice")
	wantSaid(t, "no value", h.do(t, "alice", "correct R-1001"), "What is the right value?", "/refer correct R-1001 <value>")
}

func TestCoOwner_TheCommandSharesTheClientAndSaysWhoWasTold(t *testing.T) {
	t.Parallel()
	h := newBench(t)
	h.do(t, "organiser", "config")
	h.do(t, "bob", "<@UALICE|alice> Acme jane@acme.example consent — new website")
	h.do(t, "alice", "accept R-1001")
	h.notices(t)
	wantSaid(t, "the referrer's attempt", h.do(t, "bob", "coowner R-1001 <@UCAROL|carol>"), "Only @alice")
	got := h.do(t, "alice", "coowner R-1001 <@UCAROL|carol>")
	wantSaid(t, "the reply", got, "@carol is co-owner of R-1001", "@bob and @carol have been told")
	ns := noticesOf(h.notices(t), core.NoticeCoOwner)
	if len(ns) != 2 {
		t.Fatalf("%d co-owner notices, want bob's and carol's", len(ns))
	}
	for _, m := range ns {
		switch m.To {
		case "UCAROL":
			wantSaid(t, "carol's notice", []bot.Message{m}, "@alice made you co-owner of R-1001", "jane@acme.example")
			if !hasButton([]bot.Message{m}, "/refer/status/R-1001/contacted") {
				t.Errorf("carol's notice offers no stage button: %+v", m.Buttons)
			}
		case "UBOB":
			wantSaid(t, "bob's notice", []bot.Message{m}, "Co-owner of your referral R-1001: @carol", "@carol added")
		default:
			t.Errorf("co-owner notice to %s", m.To)
		}
	}
	wantSaid(t, "carol's show", h.do(t, "carol", "show R-1001"), "jane@acme.example", "Co-owner: @carol")
	wantSaid(t, "carol's move", h.do(t, "carol", "status R-1001 contacted"), "R-1001 moved to contacted")
	wantSaid(t, "the replacement", h.do(t, "alice", "coowner R-1001 <@UDAVE|dave>"), "They replace @carol")
	// carol, no longer a party, is told — without the client's details.
	var carols []bot.Message
	for _, m := range noticesOf(h.notices(t), core.NoticeCoOwner) {
		if m.To == "UCAROL" {
			carols = append(carols, m)
		}
	}
	wantSaid(t, "carol's notice", carols, "Co-owner of R-1001 changed", "@dave added in place of @carol")
	if s := text(carols); strings.Contains(s, "jane@") || strings.Contains(s, "Acme") {
		t.Errorf("carol's notice shows the client: %s", s)
	}
	wantSaid(t, "taking off", h.do(t, "alice", "coowner R-1001 none"), "R-1001 has no co-owner now", "@dave no longer sees")
	if s := text(h.do(t, "carol", "show R-1001")); strings.Contains(s, "jane@") {
		t.Errorf("carol still sees the contact: %s", s)
	}
}

func TestConfig_UndoWindowAndReleaseAfterAreShownAndSaidBack(t *testing.T) {
	t.Parallel()
	h := newBench(t)
	wantSaid(t, "the settings", h.do(t, "organiser", "config"), "Undo window: 24 hours", "Stale handoffs released after: 21 days")
	wantSaid(t, "undo-window", h.do(t, "organiser", "config undo-window 2d"), "Undo window: 2 days")
	wantSaid(t, "release-after", h.do(t, "organiser", "config release-after off"), "never released")
	wantSaid(t, "too soon", h.do(t, "organiser", "config release-after 5"), "longer than stale-days (10 days)")
	wantSaid(t, "the settings after", h.do(t, "organiser", "config"), "Undo window: 2 days", "Stale handoffs released after: off")
}

func TestReleased_TheOwnersAndTheReferrerReadWhyAndWhatNext(t *testing.T) {
	t.Parallel()
	h := newBench(t)
	h.do(t, "organiser", "config")
	h.do(t, "bob", "lead Acme — a booking site")
	h.do(t, "alice", "claim R-1001")
	h.do(t, "bob", "<@UCAROL|carol> Globex — bookkeeping")
	h.do(t, "carol", "accept R-1002")
	h.notices(t)
	at := h.now.AddDate(0, 0, 22)
	ws, err := h.svc.Workspaces(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.RunJob(context.Background(), core.JobRelease, ws[0], at, at); err != nil {
		t.Fatal(err)
	}
	h.now = at
	ms := h.notices(t)
	wantSaid(t, "alice's notice", noticesOf(ms, core.NoticeTakenBack), "Lead R-1001 is open to claims again",
		"It had no update for 21 days", "/refer claim R-1001", "Referral R-1002 went back to @bob")
	wantSaid(t, "the channel", noticesOf(ms, core.NoticeLeadPosted), "Lead R-1001 from @bob is open again", "It had no update for 21 days")
	wantSaid(t, "bob", noticesOf(ms, core.NoticeReturned), "It had no update for 21 days. Send Globex to someone else with /refer reassign R-1002 @member")
	wantSaid(t, "the timeline", h.do(t, "bob", "show R-1002"), "came back to its referrer: it had no update for 21 days")
	if s := text(noticesOf(ms, core.NoticeLeadPosted)); strings.Contains(s, "Acme") {
		t.Errorf("the channel post names the client: %s", s)
	}
}

func TestActionCommand_UndoIsWhatTypingUndoDoes(t *testing.T) {
	t.Parallel()
	sameAsTyped(t, "/refer/undo/R-1042", "undo R-1042")
	if _, err := bot.ActionCommand("/refer/undo/nonsense"); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("a tampered undo button: %v", err)
	}
}
