package discord

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/core"
)

// The fee subcommands, the leaderboard and a referral's own fee read the
// same command as typing it would.
func TestCommand_FeesAndLeaderboardReadAsTypingWould(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		path string
		a    args
		text string
	}{
		{"fees list", opts(), "fees"},
		{"fees list", opts("which", "owed", "period", "last-quarter"), "fees owed last-quarter"},
		{"fees list", opts("which", "paid", "period", "2026-01..2026-06"), "fees paid 2026-01..2026-06"},
		{"fees confirm", opts("code", "R-1042"), "confirm R-1042"},
		{"fees dispute", opts("code", "R-1042", "reason", "it was 4,800"), "dispute R-1042 it was 4,800"},
		{"fees paid", opts("code", "R-1042"), "fee R-1042 paid"},
		{"fees received", opts("code", "1042"), "fee R-1042 received"},
		{"leaderboard", opts(), "leaderboard"},
		{"leaderboard", opts("period", "2026-Q3"), "leaderboard 2026-Q3"},
		{"dashboard", opts(), "dashboard"},
		{"dashboard", opts("period", "last-quarter"), "dashboard last-quarter"},
		{"give", opts("partner", "U9", "client", "Acme", "need", "site", "fee", "EUR 300"), "<@U9|bob> Acme — site fee EUR 300"},
		{"give", opts("partner", "U9", "client", "Acme", "need", "site", "fee", "12.5%"), "<@U9|bob> Acme — site fee 12.5%"},
		{"lead", opts("need", "bookkeeping", "fee", "reciprocal"), "lead bookkeeping fee reciprocal"},
		{"profile reminders", opts("mode", "off"), "reminders off"},
	} {
		got, gotErr := command(c.path, c.a)
		want, wantErr := grammar.Parse(c.text)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s %v → %#v, %v; typing %q gives %#v, %v", c.path, c.a.opts, got, gotErr, c.text, want, wantErr)
		}
	}
	// buddy and reminders moved under profile to keep 25 subcommands.
	if got, err := command("profile buddy", opts("newcomer", "U9", "mentor", "U8")); err != nil ||
		got != (grammar.Buddy{Newcomer: core.MemberRef{UserID: "U9", Name: "bob"}, Mentor: core.MemberRef{UserID: "U8"}}) {
		t.Errorf("profile buddy: %#v, %v", got, err)
	}
	if _, err := command("give", opts("partner", "U9", "client", "Acme", "need", "site", "fee", "lots")); err == nil {
		t.Error("a fee that is none was accepted")
	}
}

func TestModal_DisputeAsksForTheReason(t *testing.T) {
	t.Parallel()
	m, ok := closeModal("/refer/dispute/R-1042", "G1")
	if !ok || m.Data.CustomID != "dispute|R-1042|G1" {
		t.Fatalf("dispute form: %+v, %v", m, ok)
	}
	cmd, guild, err := parseModal("dispute|R-1042|G1", map[string]string{"reason": "it was 4,800"})
	if err != nil || guild != "G1" || cmd != (grammar.Dispute{Code: 1042, Reason: "it was 4,800"}) {
		t.Errorf("submitted: %#v, %q, %v", cmd, guild, err)
	}
	if _, _, err := parseModal("dispute|R-1042|G1", map[string]string{}); err == nil {
		t.Error("a dispute without a reason was accepted")
	}
	if _, ok := closeModal("/refer/confirm/R-1042", "G1"); ok {
		t.Error("Confirm needs no form")
	}
}
