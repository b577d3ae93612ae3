package discord_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// offerToBob has U1 refer a client to U2 and delivers the offer to Bob's
// DM, whose buttons carry the guild G1.
func offerToBob(e *env) {
	e.t.Helper()
	e.interaction(slash("U1", []string{"give"}, opt("partner", 6, "U2"), opt("client", 3, "Acme Corp"),
		opt("need", 3, "a new website")))
	e.deliver()
	dms := e.discord.Calls("POST", "/channels/dm-U2/messages")
	must(e.t, len(dms) == 1 && strings.Contains(dms[0].Body, `"custom_id":"/refer/accept/R-1001|G1"`), "Bob's DM: %v", dms)
}

// Someone who left the server can't act through the buttons of an old DM:
// Discord answers 404 for them as a member of the guild the button names.
func TestDMClick_FromSomeoneWhoLeftTheServerIsRefused(t *testing.T) {
	t.Parallel()
	e := setup(t)
	offerToBob(e)
	e.discord.fail = func(c call) (int, http.Header, string, bool) {
		if c.Method == "GET" && c.Path == "/guilds/G1/members/U2" {
			return http.StatusNotFound, nil, `{"message": "Unknown Member", "code": 10007}`, true
		}
		return 0, nil, "", false
	}
	resp := e.interaction(click("U2", "/refer/accept/R-1001|G1", "dm-U2", "M1", true))
	s := js(resp)
	must(t, strings.Contains(s, "no longer a member of that server") && strings.Contains(s, `"flags":64`), "reply: %s", s)
	must(t, e.count("SELECT count(*) FROM referrals WHERE status = 'offered'") == 1, "the click acted")

	// A form opened from the DM is refused alike when submitted.
	resp = e.interaction(map[string]any{"type": 5, "channel_id": "dm-U2", "user": member("U2", 0)["user"],
		"data": map[string]any{"custom_id": "decline|R-1001|G1", "components": []map[string]any{{"type": 1,
			"components": []map[string]any{{"type": 4, "custom_id": "reason", "value": "too busy"}}}}}})
	must(t, strings.Contains(js(resp), "no longer a member of that server"), "form: %s", js(resp))
	must(t, e.count("SELECT count(*) FROM referrals WHERE status = 'offered'") == 1, "the form acted")
}

// A member clicking in a DM acts as before; the look-up is cached, so a
// burst of clicks asks Discord once.
func TestDMClick_FromAMemberActsAndIsLookedUpOnce(t *testing.T) {
	t.Parallel()
	e := setup(t)
	offerToBob(e)
	var asked atomic.Int32
	e.discord.fail = func(c call) (int, http.Header, string, bool) {
		if c.Method == "GET" && c.Path == "/guilds/G1/members/U2" {
			asked.Add(1)
			return http.StatusOK, nil, `{"user": {"id": "U2", "username": "bob"}, "roles": []}`, true
		}
		return 0, nil, "", false
	}
	resp := e.interaction(click("U2", "/refer/accept/R-1001|G1", "dm-U2", "M1", true))
	must(t, strings.Contains(js(resp), "You accepted R-1001"), "accept: %s", js(resp))
	resp = e.interaction(click("U2", "/refer/status/R-1001/contacted|G1", "dm-U2", "M1", true))
	must(t, strings.Contains(js(resp), "moved to contacted"), "status: %s", js(resp))
	must(t, asked.Load() == 1, "member look-ups: %d", asked.Load())

	// A click inside the server needs no look-up: Discord sent the member.
	e.interaction(click("U1", "/refer/show/R-1001", "C1", "M9", false))
	must(t, asked.Load() == 1, "member look-ups after a click in the server: %d", asked.Load())
}
