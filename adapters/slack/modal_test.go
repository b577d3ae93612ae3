package slack_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// submission is a view_submission of the given modal with its values.
func submission(user, callback, meta string, values map[string]map[string]any) map[string]any {
	state := map[string]any{}
	for block, v := range values {
		state[block] = map[string]any{block: v}
	}
	return map[string]any{"type": "view_submission", "user": map[string]any{"id": user, "name": strings.ToLower(user)},
		"view": map[string]any{"id": "V1", "hash": "h1", "callback_id": callback, "private_metadata": meta,
			"state": map[string]any{"values": state}}}
}

func textValue(s string) map[string]any {
	return map[string]any{"type": "plain_text_input", "value": s}
}

func TestModal_InvalidFieldsComeBackInlineAndWriteNothing(t *testing.T) {
	t.Parallel()
	e := setup(t)
	cases := []struct {
		name   string
		values map[string]map[string]any
		block  string
		says   string
	}{
		{"empty client", map[string]map[string]any{
			"partner": {"type": "users_select", "selected_user": "UBOB"},
			"client":  textValue(""), "need": textValue("a new website")}, "client", "client's name"},
		{"negative value", map[string]map[string]any{
			"partner": {"type": "users_select", "selected_user": "UBOB"},
			"client":  textValue("Acme"), "need": textValue("a new website"), "value": textValue("-500")}, "value", "positive amount"},
		{"no partner and not a lead", map[string]map[string]any{
			"client": textValue("Acme"), "need": textValue("a new website")}, "partner", "Choose the partner"},
		{"contact without consent", map[string]map[string]any{
			"partner": {"type": "users_select", "selected_user": "UBOB"}, "client": textValue("Acme"),
			"contact": textValue("jane@acme.com"), "need": textValue("a new website")}, "consent", "Tick this"},
		{"referring to oneself", map[string]map[string]any{
			"partner": {"type": "users_select", "selected_user": "UALICE"}, "client": textValue("Acme"),
			"need": textValue("a new website")}, "partner", "yourself"},
	}
	for _, c := range cases {
		code, body := e.interaction(submission("UALICE", "new_referral", "", c.values))
		must(t, code == http.StatusOK, "%s: %d %s", c.name, code, body)
		var resp struct {
			Action string            `json:"response_action"`
			Errors map[string]string `json:"errors"`
		}
		json.Unmarshal([]byte(body), &resp)
		must(t, resp.Action == "errors" && strings.Contains(resp.Errors[c.block], c.says),
			"%s: want an inline error on %q saying %q, got %s", c.name, c.block, c.says, body)
	}
	e.adapter.Wait()
	must(t, e.count("SELECT count(*) FROM referrals") == 0, "an invalid form wrote a referral")
	must(t, len(e.slack.Calls("chat.postMessage")) == 0, "an invalid form sent a message")

	// The won modal refuses a negative value and leaves the stage alone.
	e.command("UALICE", "C0CHAN", "<@UBOB> Acme Corp — a new website")
	e.interaction(click("UBOB", "/refer/accept/R-1001", "DBOB", "1.1"))
	_, body := e.interaction(submission("UBOB", "won", "R-1001", map[string]map[string]any{"value": textValue("-12k")}))
	must(t, strings.Contains(body, `"response_action":"errors"`) && strings.Contains(body, "positive amount"), "won modal: %s", body)
	// An ambiguous one is refused with the readings it could not choose between.
	_, body = e.interaction(submission("UBOB", "won", "R-1001", map[string]map[string]any{"value": textValue("1 000,50")}))
	must(t, strings.Contains(body, `"response_action":"errors"`) && strings.Contains(body, "1,000.50 or 100,050"), "won modal: %s", body)
	e.adapter.Wait()
	must(t, e.count("SELECT count(*) FROM referrals WHERE status = 'won'") == 0, "a negative value closed the deal")
}

func TestModal_ValidSubmissionCreatesTheReferralAndConfirmsByDM(t *testing.T) {
	t.Parallel()
	e := setup(t)
	code, body := e.interaction(submission("UALICE", "new_referral", "", map[string]map[string]any{
		"partner": {"type": "users_select", "selected_user": "UBOB"},
		"client":  textValue("Acme Corp"), "contact": textValue("jane@acme.com"),
		"consent": {"type": "checkboxes", "selected_options": []map[string]any{{"value": "yes"}}},
		"need":    textValue("a new website"), "tags": textValue("web-dev, branding"), "value": textValue("12k"),
		"temperature": {"type": "static_select", "selected_option": map[string]any{"value": "hot"}}}))
	must(t, code == http.StatusOK && body == "", "a valid form should close: %d %s", code, body)
	e.adapter.Wait()
	must(t, e.count("SELECT count(*) FROM referrals WHERE client_name = 'Acme Corp' AND temperature = 'hot' AND client_contact = 'jane@acme.com'") == 1,
		"the referral was not stored as typed")
	conf := dmTo(e, "UALICE")
	must(t, len(conf) == 1 && strings.Contains(conf[0].text(), "Referral R-1001 sent to @Bob"), "confirmation: %v", conf)

	// Won opens its modal (the trigger is used at once); its submission closes the deal.
	e.interaction(click("UBOB", "/refer/accept/R-1001", "DBOB", "1.1"))
	e.interaction(click("UBOB", "/refer/won/R-1001", "DBOB", "1.1"))
	opens := e.slack.Calls("views.open")
	must(t, len(opens) == 1 && strings.Contains(opens[0].text(), `"callback_id":"won"`), "views.open: %v", opens)
	_, body = e.interaction(submission("UBOB", "won", "R-1001", map[string]map[string]any{"value": textValue("12,500")}))
	must(t, body == "", "won modal: %s", body)
	e.adapter.Wait()
	must(t, e.count("SELECT count(*) FROM referrals WHERE status = 'won' AND won_value_cents = 1250000") == 1, "not won at 12,500")
	won := dmTo(e, "UBOB")
	must(t, len(won) > 0 && strings.Contains(won[len(won)-1].text(), "Won: USD 12,500."), "won confirmation: %v", won)
}

func TestCommand_BareReferOpensTheNewReferralModal(t *testing.T) {
	t.Parallel()
	e := setup(t)
	body := e.command("UALICE", "C0CHAN", "")
	must(t, body == "", "bare /refer should answer empty and open the modal: %s", body)
	opens := e.slack.Calls("views.open")
	must(t, len(opens) == 1, "views.open calls: %d", len(opens))
	v := opens[0].text()
	for _, want := range []string{`"callback_id":"new_referral"`, `"trigger_id":"trig.1"`, "users_select", "consent", "Post as an open lead"} {
		must(t, strings.Contains(v, want), "modal lacks %q: %s", want, v)
	}
}

func TestAppHome_NewReferralButtonOpensTheFormAndHomeRefreshesAfter(t *testing.T) {
	t.Parallel()
	e := setup(t)
	home := click("UALICE", "/refer/new", "", "")
	home["container"] = map[string]any{"type": "view", "view_id": "VHOME"}
	e.interaction(home)
	opens := e.slack.Calls("views.open")
	must(t, len(opens) == 1 && strings.Contains(opens[0].text(), `"private_metadata":"home"`), "views.open: %v", opens)
	sub := submission("UALICE", "new_referral", "home", map[string]map[string]any{
		"lead": {"type": "checkboxes", "selected_options": []map[string]any{{"value": "yes"}}},
		"need": textValue("bookkeeping for a bakery")})
	_, body := e.interaction(sub)
	must(t, body == "", "the form should close: %s", body)
	e.adapter.Wait()
	must(t, e.count("SELECT count(*) FROM referrals WHERE status = 'open'") == 1, "the lead was not posted")
	pubs := e.slack.Calls("views.publish")
	must(t, len(pubs) == 1 && strings.Contains(pubs[0].text(), "bookkeeping for a bakery"), "Home was not refreshed: %v", pubs)
}
