package discord_test

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestInteractions_PingSignedCommandAndRefusals(t *testing.T) {
	t.Parallel()
	e := setup(t)
	code, resp := e.post([]byte(`{"id":"P1","type":1,"application_id":"APP","token":"t","version":1}`), time.Now())
	must(t, code == 200 && resp["type"] == float64(1), "PING: %d %v", code, resp)

	in := slash("U1", []string{"lead"}, opt("need", 3, "bookkeeping for a bakery"))
	in["id"] = "I-lead" // every interaction has its id: the dedupe key
	lead, _ := json.Marshal(in)
	refusals := map[string]func(*http.Request){
		"wrong signature": func(r *http.Request) {
			_, other, _ := ed25519.GenerateKey(nil)
			ts := r.Header.Get("X-Signature-Timestamp")
			r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(other, append([]byte(ts), lead...))))
		},
		"no signature":  func(r *http.Request) { r.Header.Del("X-Signature-Ed25519") },
		"bad signature": func(r *http.Request) { r.Header.Set("X-Signature-Ed25519", strings.Repeat("ab", 64)) },
	}
	for name, spoil := range refusals {
		if code, _ := e.post(lead, time.Now(), spoil); code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, code)
		}
	}
	// Correctly signed, but 6 minutes old: a replay.
	if code, _ := e.post(lead, time.Now().Add(-6*time.Minute)); code != http.StatusUnauthorized {
		t.Errorf("stale timestamp: %d, want 401", code)
	}
	must(t, e.count("SELECT count(*) FROM workspaces") == 0 && e.count("SELECT count(*) FROM referrals") == 0,
		"a refused interaction wrote something")

	e.useChannel("<#C1>")
	code, resp = e.post(lead, time.Now())
	must(t, code == 200 && resp["type"] == float64(4), "signed command: %d %v", code, resp)
	data := resp["data"].(map[string]any)
	must(t, data["flags"] == float64(64) && strings.Contains(js(data), "Lead R-1001 posted"), "reply: %s", js(data))
	// The same interaction again (a replay inside the window) does nothing.
	code, _ = e.post(lead, time.Now())
	must(t, code == http.StatusNoContent, "replay: %d", code)
	must(t, e.count("SELECT count(*) FROM referrals") == 1, "applied %d times", e.count("SELECT count(*) FROM referrals"))
}

func TestLead_PostedWithClaimClaimedAndTheMessageEdited(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.useChannel("<#C1>")
	e.interaction(slash("U1", []string{"lead"}, opt("need", 3, "bookkeeping for a bakery"), opt("client", 3, "Acme Bakery"),
		opt("contact", 3, "jane@acme.com"), opt("consent", 5, true), opt("value", 3, "2k")))
	e.deliver()
	posts := e.discord.Calls("POST", "/channels/C1/messages")
	must(t, len(posts) == 1, "channel posts: %d (calls %v)", len(posts), e.discord.All())
	p := posts[0].Body
	must(t, strings.Contains(p, `"custom_id":"/refer/claim/R-1001"`) && strings.Contains(p, `"embeds":[{`) &&
		strings.Contains(p, "New lead R-1001") && !strings.Contains(p, "jane@acme.com") &&
		!strings.Contains(p, "Acme Bakery"), "lead post (no contact, no client name): %s", p)

	resp := e.interaction(click("U2", "/refer/claim/R-1001", "C1", "M1", false))
	d := js(resp)
	must(t, resp["type"] == float64(4) && strings.Contains(d, `"flags":64`) && strings.Contains(d, "jane@acme.com") &&
		strings.Contains(d, "You claimed R-1001") && strings.Contains(d, "Acme Bakery"), "the winner's reply: %s", d)
	e.deliver()
	edits := e.discord.Calls("PATCH", "/channels/C1/messages/M1")
	must(t, len(edits) == 1, "edits of the lead post: %d", len(edits))
	must(t, strings.Contains(edits[0].Body, "was claimed by @NameU2") && strings.Contains(edits[0].Body, `"components":[]`) &&
		!strings.Contains(edits[0].Body, "jane@acme.com") && !strings.Contains(edits[0].Body, "Acme Bakery"), "edited post: %s", edits[0].Body)
}

func TestClaim_FiftyConcurrentInteractionsOneWinnerOneEdit(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.useChannel("<#C1>")
	e.interaction(slash("U1", []string{"lead"}, opt("need", 3, "bookkeeping"), opt("contact", 3, "jane@acme.com"), opt("consent", 5, true)))
	e.deliver()
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		won, lost int
	)
	for n := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := e.interaction(click("C"+strconv.Itoa(n), "/refer/claim/R-1001", "C1", "M1", false))
			s := js(resp)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case strings.Contains(s, "You claimed R-1001") && strings.Contains(s, "jane@acme.com"):
				won++
			case strings.Contains(s, "R-1001 was already claimed by @") && strings.Contains(s, `"flags":64`):
				lost++
			case strings.Contains(s, `"type":5`) && strings.Contains(s, `"flags":64`):
				// Deferred on a busy machine: the answer follows as an edit.
			default:
				t.Errorf("unexpected reply: %s", s)
			}
		}()
	}
	wg.Wait()
	e.adapter.Wait()
	for _, c := range e.discord.Calls("PATCH", "/webhooks/") {
		switch {
		case strings.Contains(c.Body, "You claimed R-1001") && strings.Contains(c.Body, "jane@acme.com"):
			won++
		case strings.Contains(c.Body, "R-1001 was already claimed by @"):
			lost++
		}
	}
	e.deliver()
	must(t, won == 1 && lost == 49, "winners %d, told they lost %d", won, lost)
	must(t, len(e.discord.Calls("PATCH", "/channels/C1/messages/M1")) == 1, "edits: %d", len(e.discord.Calls("PATCH", "/channels/C1/messages/M1")))
	must(t, e.count("SELECT count(*) FROM referrals WHERE receiver_id IS NOT NULL") == 1, "not exactly one owner")
}

func TestAccept_InADMUpdatesTheCardAndNotifiesTheReferrer(t *testing.T) {
	t.Parallel()
	e := setup(t)
	resp := e.interaction(slash("U1", []string{"give"}, opt("partner", 6, "U2"), opt("client", 3, "Acme Corp"),
		opt("need", 3, "a new website"), opt("value", 3, "5k"), opt("temperature", 3, "hot")))
	must(t, strings.Contains(js(resp), "Referral R-1001 sent to @Bob"), "reply: %s", js(resp))
	e.deliver()
	dms := e.discord.Calls("POST", "/channels/dm-U2/messages")
	must(t, len(dms) == 1 && strings.Contains(dms[0].Body, `"custom_id":"/refer/accept/R-1001|G1"`), "Bob's DM: %v", dms)

	// Bob clicks Accept in the DM: no guild in the interaction, the button says which.
	resp = e.interaction(click("U2", "/refer/accept/R-1001|G1", "dm-U2", "M1", true))
	s := js(resp)
	must(t, resp["type"] == float64(7) && strings.Contains(s, "You accepted R-1001") &&
		strings.Contains(s, "/refer/status/R-1001/contacted|G1") && !strings.Contains(s, "/refer/accept/"), "update: %s", s)
	must(t, e.count("SELECT count(*) FROM referrals WHERE status = 'accepted'") == 1, "not accepted")
	e.deliver()
	toAlice := e.discord.Calls("POST", "/channels/dm-U1/messages")
	must(t, len(toAlice) == 1 && strings.Contains(toAlice[0].Body, "accepted your referral R-1001"), "Alice: %v", toAlice)

	// Won opens a modal; a negative value is refused and nothing changes.
	resp = e.interaction(click("U2", "/refer/won/R-1001|G1", "dm-U2", "M1", true))
	must(t, resp["type"] == float64(9) && strings.Contains(js(resp), `"custom_id":"won|R-1001|G1"`), "won: %s", js(resp))
	submit := func(value string) map[string]any {
		return e.interaction(map[string]any{"type": 5, "channel_id": "dm-U2", "user": member("U2", 0)["user"],
			"data": map[string]any{"custom_id": "won|R-1001|G1", "components": []map[string]any{{"type": 1,
				"components": []map[string]any{{"type": 4, "custom_id": "value", "value": value}}}}}})
	}
	resp = submit("-12k")
	must(t, strings.Contains(js(resp), `"flags":64`) && strings.Contains(js(resp), "can't be negative"), "negative: %s", js(resp))
	must(t, e.count("SELECT count(*) FROM referrals WHERE status = 'won'") == 0, "a negative value closed the deal")
	resp = submit("12,500")
	must(t, strings.Contains(js(resp), "R-1001 won"), "won: %s", js(resp))
	must(t, e.count("SELECT count(*) FROM referrals WHERE status = 'won' AND won_value_cents = 1250000") == 1, "not won at 12,500")
}

func TestAutocomplete_OffersTheCallersOwnCodesAndTheNetworksTags(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.interaction(slash("U1", []string{"give"}, opt("partner", 6, "U2"), opt("client", 3, "Acme"), opt("need", 3, "site"), opt("tags", 3, "web-dev")))
	e.interaction(slash("U3", []string{"give"}, opt("partner", 6, "U2"), opt("client", 3, "Other"), opt("need", 3, "logo"), opt("tags", 3, "branding")))
	ac := slash("U1", []string{"show"}, map[string]any{"name": "code", "type": 3, "value": "", "focused": true})
	ac["type"] = 4
	s := js(e.interaction(ac))
	must(t, strings.Contains(s, `"value":"R-1001"`) && !strings.Contains(s, "R-1002"), "codes for U1: %s", s)
	ac = slash("U1", []string{"who"}, opt("need", 3, "x"), map[string]any{"name": "tags", "type": 3, "value": "bra", "focused": true})
	ac["type"] = 4
	s = js(e.interaction(ac))
	must(t, strings.Contains(s, `"value":"branding"`) && !strings.Contains(s, "web-dev"), "tags: %s", s)
}

func TestCommand_BadInputGetsAClearError(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for _, c := range []struct {
		i    map[string]any
		says string
	}{
		{slash("U1", []string{"frobnicate"}), "I don't know /refer frobnicate"},
		{slash("U1", []string{"claim"}, opt("code", 3, "banana")), "is not a referral code"},
		{slash("U1", []string{"give"}, opt("partner", 6, "U2"), opt("client", 3, "Acme"), opt("need", 3, "site"), opt("value", 3, "-5")), "can't be negative"},
		{slash("U1", []string{"profile", "reminders"}), "Say what to change"},
	} {
		s := js(e.interaction(c.i))
		must(t, strings.Contains(s, c.says) && strings.Contains(s, `"flags":64`), "want %q in an ephemeral error: %s", c.says, s)
	}
	must(t, e.count("SELECT count(*) FROM referrals") == 0, "bad input wrote a referral")
}

func TestCommand_MembersWhoManageTheServerAreAdmins(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.interaction(slash("U1", []string{"list"})) // the first member founds the network
	cfg := func(user string, perms int64) string {
		i := slash(user, []string{"admin", "config"}, opt("setting", 3, "lead-expiry"), opt("value", 3, "10"))
		i["member"] = member(user, perms)
		return js(e.interaction(i))
	}
	must(t, strings.Contains(cfg("U2", 0), "Only admins"), "a plain member changed settings")
	must(t, strings.Contains(cfg("U3", 0x20), "Setting saved: lead-expiry"), "a member with Manage Server was refused")
}

func TestTypedAccept_RefreshesTheOfferCardInTheDM(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.interaction(slash("U1", []string{"give"}, opt("partner", 6, "U2"), opt("client", 3, "Acme"), opt("need", 3, "site")))
	e.deliver()
	e.interaction(slash("U2", []string{"accept"}, opt("code", 3, "R-1001")))
	e.deliver()
	edits := e.discord.Calls("PATCH", "/channels/dm-U2/messages/")
	must(t, len(edits) == 1 && strings.Contains(edits[0].Body, "/refer/status/R-1001/contacted|G1") &&
		!strings.Contains(edits[0].Body, "/refer/accept/"), "offer card refresh: %v", edits)
}

func TestCommand_BotsAreNotPartners(t *testing.T) {
	t.Parallel()
	e := setup(t)
	i := slash("U1", []string{"give"}, opt("partner", 6, "B1"), opt("client", 3, "Acme"), opt("need", 3, "site"))
	i["data"].(map[string]any)["resolved"] = map[string]any{"users": map[string]any{"B1": map[string]any{"id": "B1", "username": "helperbot", "bot": true}}}
	s := js(e.interaction(i))
	must(t, strings.Contains(s, "helperbot is a bot") && strings.Contains(s, `"flags":64`), "reply: %s", s)
	must(t, e.count("SELECT count(*) FROM referrals") == 0, "a referral to a bot was written")
}
