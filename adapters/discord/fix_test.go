package discord_test

import (
	"strings"
	"testing"
)

// The reply to won carries an Undo button that works; /refer fix correct
// and /refer coowner reach core and answer as typing would.
func TestFix_UndoButtonFixCorrectAndCoOwner(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.interaction(slash("U2", []string{"give"}, opt("partner", 6, "U1"), opt("client", 3, "Acme"), opt("need", 3, "a website")))
	e.interaction(slash("U1", []string{"accept"}, opt("code", 3, "R-1001")))
	won := e.interaction(slash("U1", []string{"won"}, opt("code", 3, "R-1001"), opt("value", 3, "4800")))
	must(t, strings.Contains(js(won), `"custom_id":"/refer/undo/R-1001"`), "the won reply has no Undo button: %s", js(won))
	undone := e.interaction(click("U1", "/refer/undo/R-1001", "C1", "M1", false))
	must(t, strings.Contains(js(undone), "Undone on R-1001") && strings.Contains(js(undone), "back at accepted"),
		"the Undo click: %s", js(undone))

	e.interaction(slash("U1", []string{"won"}, opt("code", 3, "R-1001"), opt("value", 3, "48000")))
	fixed := e.interaction(slash("U1", []string{"fix", "correct"}, opt("code", 3, "R-1001"), opt("value", 3, "4,800")))
	must(t, strings.Contains(js(fixed), "USD 48,000 → USD 4,800"), "fix correct: %s", js(fixed))
	must(t, e.count("SELECT count(*) FROM referrals WHERE won_value_cents = 480000") == 1, "the value was not corrected")

	refused := e.interaction(slash("U1", []string{"coowner"}, opt("code", 3, "R-1001"), opt("member", 6, "U2")))
	must(t, strings.Contains(js(refused), "R-1001 is won; a co-owner joins while a referral is being worked"),
		"coowner on a won referral: %s", js(refused))
}
