package slack_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestModal_FinderFeeOnTheNewReferralForm(t *testing.T) {
	t.Parallel()
	e := setup(t)
	form := func(fee string) map[string]any {
		return submission("UALICE", "new_referral", "", map[string]map[string]any{
			"partner": {"type": "users_select", "selected_user": "UBOB"},
			"client":  textValue("Acme Corp"), "need": textValue("a new website"), "fee": textValue(fee)})
	}
	code, body := e.interaction(form("ten percent"))
	var resp struct {
		Errors map[string]string `json:"errors"`
	}
	json.Unmarshal([]byte(body), &resp)
	must(t, code == http.StatusOK && strings.Contains(resp.Errors["fee"], "not a fee policy"), "a bad fee: %d %s", code, body)
	_, body = e.interaction(form("EUR 300"))
	must(t, body == "", "a valid form should close: %s", body)
	e.adapter.Wait()
	must(t, e.count("SELECT count(*) FROM referrals WHERE fee_kind = 'fixed' AND fee_fixed_cents = 30000 AND fee_currency = 'EUR'") == 1,
		"the referral's own fee was not stored")
}

func TestModal_DisputeButtonOpensAFormForTheReason(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.command("UALICE", "C0CHAN", "<@UBOB> Acme Corp — a new website fee 10%")
	e.interaction(click("UBOB", "/refer/accept/R-1001", "DBOB", "1.1"))
	e.command("UBOB", "DBOB", "won R-1001 48000")
	e.deliver()
	won := dmTo(e, "UALICE")
	must(t, len(won) > 0 && strings.Contains(won[len(won)-1].text(), "/refer/dispute/R-1001"), "Alice's won DM: %v", won)

	e.interaction(click("UALICE", "/refer/dispute/R-1001", "DALICE", "2.1"))
	opens := e.slack.Calls("views.open")
	must(t, len(opens) == 1 && strings.Contains(opens[0].text(), `"callback_id":"dispute"`), "views.open: %v", opens)
	_, body := e.interaction(submission("UALICE", "dispute", "R-1001", map[string]map[string]any{"reason": textValue("")}))
	must(t, strings.Contains(body, "the receiver sees it"), "an empty reason: %s", body)
	_, body = e.interaction(submission("UALICE", "dispute", "R-1001", map[string]map[string]any{"reason": textValue("it was 4,800")}))
	must(t, body == "", "the dispute form should close: %s", body)
	e.adapter.Wait()
	must(t, e.count("SELECT count(*) FROM referrals WHERE won_confirmation = 'disputed' AND fee_status = 'disputed'") == 1, "not disputed")
}
