package slack_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCommand_SignedRequestIsServed(t *testing.T) {
	t.Parallel()
	e := setup(t)
	body := e.command("UALICE", "C0CHAN", "<@UBOB> Acme Corp — a new website ~5k")
	must(t, strings.Contains(body, `"response_type":"ephemeral"`) && strings.Contains(body, "R-1001"),
		"reply: %s", body)
	must(t, e.count("SELECT count(*) FROM referrals") == 1, "the referral was not created")
}

func TestHTTP_UnverifiedRequestsGet401AndChangeNothing(t *testing.T) {
	t.Parallel()
	e := setup(t)
	body := e.commandBody("UALICE", "C0CHAN", "<@UBOB> Acme Corp — a new website")
	now := time.Now()
	cases := map[string]func(r *http.Request){
		"wrong signature": func(r *http.Request) {
			r.Header.Set("X-Slack-Signature", "v0=0000000000000000000000000000000000000000000000000000000000000000")
		},
		"no signature header": func(r *http.Request) { r.Header.Del("X-Slack-Signature") },
		"no timestamp header": func(r *http.Request) { r.Header.Del("X-Slack-Request-Timestamp") },
		"timestamp 6 minutes old": func(r *http.Request) {
			ts := strconv.FormatInt(now.Add(-6*time.Minute).Unix(), 10)
			r.Header.Set("X-Slack-Request-Timestamp", ts)
			r.Header.Set("X-Slack-Signature", sign(ts, body)) // correctly signed, but stale
		},
		"signed for another body": func(r *http.Request) {
			r.Header.Set("X-Slack-Signature", sign(r.Header.Get("X-Slack-Request-Timestamp"), body+"&x=1"))
		},
	}
	for path, b := range map[string]string{"/slack/commands": body, "/slack/interactions": "payload=%7B%7D", "/slack/events": `{"type":"url_verification","challenge":"c"}`} {
		for name, spoil := range cases {
			ts := strconv.FormatInt(now.Unix(), 10)
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(b))
			req.Header.Set("Content-Type", form)
			req.Header.Set("X-Slack-Request-Timestamp", ts)
			req.Header.Set("X-Slack-Signature", sign(ts, b))
			spoil(req)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s, %s: status %d, want 401", path, name, resp.StatusCode)
			}
		}
	}
	must(t, e.count("SELECT count(*) FROM workspaces") == 0, "a refused request created a workspace")
	must(t, e.count("SELECT count(*) FROM referrals") == 0, "a refused request created a referral")
	must(t, len(e.slack.All()) == 0, "a refused request reached Slack: %v", e.slack.All())
}

func TestCommand_RetriedOrReplayedDeliveryAppliesOnce(t *testing.T) {
	t.Parallel()
	e := setup(t)
	body := e.commandBody("UALICE", "C0CHAN", "<@UBOB> Acme Corp — a new website")
	code, _ := e.post("/slack/commands", form, body, time.Now())
	must(t, code == 200, "first delivery: %d", code)
	// Slack's retry, and an attacker's replay of the captured request
	// inside the 5-minute window, re-signed timestamps and all.
	code, _ = e.post("/slack/commands", form, body, time.Now(), "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout")
	must(t, code == 200, "retry: %d", code)
	code, _ = e.post("/slack/commands", form, body, time.Now().Add(-time.Minute))
	must(t, code == 200, "replay: %d", code)
	must(t, e.count("SELECT count(*) FROM referrals") == 1, "applied %d times", e.count("SELECT count(*) FROM referrals"))
	e.deliver()
	must(t, len(e.slack.Calls("chat.postMessage")) == 1, "the receiver was notified %d times", len(e.slack.Calls("chat.postMessage")))
}

func TestEvents_URLVerificationAndAppHome(t *testing.T) {
	t.Parallel()
	e := setup(t)
	code, body := e.post("/slack/events", "application/json", `{"type":"url_verification","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}`, time.Now())
	must(t, code == 200 && body == "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "challenge: %d %q", code, body)

	e.command("UALICE", "C0CHAN", "<@UBOB> Acme Corp — a new website ~5k")
	e.command("UCAROL", "C0CHAN", "lead bookkeeping for a bakery #tax")
	ev := `{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"app_home_opened","user":"UBOB","tab":"home"}}`
	code, _ = e.post("/slack/events", "application/json", ev, time.Now())
	must(t, code == 200, "event: %d", code)
	code, _ = e.post("/slack/events", "application/json", ev, time.Now(), "X-Slack-Retry-Num", "1")
	must(t, code == 200, "retried event: %d", code)
	e.adapter.Wait()
	pubs := e.slack.Calls("views.publish")
	must(t, len(pubs) == 1, "views.publish called %d times, want 1 (the retry is a no-op)", len(pubs))
	home := pubs[0].text()
	for _, want := range []string{`"user_id":"UBOB"`, "Your referrals", "New referral", "*Received* (1)", "Acme Corp", "*Open leads to claim* (1)", "/refer/claim/R-1002", "Referrals received"} {
		must(t, strings.Contains(home, want), "App Home lacks %q: %s", want, home)
	}
}

// TestCommand_WithoutTriggerIDAppliesOnce: a signed command that carries
// no trigger_id is deduplicated on its signed content, so a retry of it
// changes nothing; the same text sent again later is a new command.
func TestCommand_WithoutTriggerIDAppliesOnce(t *testing.T) {
	t.Parallel()
	e := setup(t)
	body := url.Values{"team_id": {"T1"}, "team_domain": {"acme"}, "channel_id": {"C0CHAN"}, "user_id": {"UALICE"},
		"user_name": {"alice"}, "command": {"/refer"}, "text": {"lead bookkeeping for a bakery"},
		"response_url": {e.slack.URL + "/response/no-trigger"}}.Encode()
	at := time.Now()
	for range 2 {
		code, _ := e.post("/slack/commands", form, body, at)
		must(t, code == http.StatusOK, "command: %d", code)
	}
	e.adapter.Wait()
	must(t, e.count("SELECT count(*) FROM referrals") == 1, "a retried command without trigger_id was applied %d times",
		e.count("SELECT count(*) FROM referrals"))
	code, _ := e.post("/slack/commands", form, body, at.Add(time.Second))
	must(t, code == http.StatusOK, "command: %d", code)
	e.adapter.Wait()
	must(t, e.count("SELECT count(*) FROM referrals") == 2, "the same text a second later is a new command")
}

// TestCommand_SSLCheckIsAnswered200: Slack's certificate check posts
// ssl_check=1 to the command URL and wants a 200.
func TestCommand_SSLCheckIsAnswered200(t *testing.T) {
	t.Parallel()
	e := setup(t)
	code, body := e.post("/slack/commands", form, "ssl_check=1&token=x", time.Now())
	must(t, code == http.StatusOK && body == "", "ssl_check: %d %q", code, body)
}

// TestCommand_AFailedDeliveryIsAppliedWhenRedelivered: the request's
// dedupe key commits with its work. A delivery whose work failed (here:
// the partner had paused referrals) left no key, so Slack's retry of the
// very same request is applied once the cause is gone — and a further
// retry is not applied again.
func TestCommand_AFailedDeliveryIsAppliedWhenRedelivered(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.command("UBOB", "C0CHAN", "profile set availability paused")
	body := e.commandBody("UALICE", "C0CHAN", "<@UBOB> Acme Corp — a new website")
	code, reply := e.post("/slack/commands", form, body, time.Now())
	must(t, code == 200 && strings.Contains(reply, "paused"), "first delivery: %d %s", code, reply)
	must(t, e.count("SELECT count(*) FROM referrals") == 0, "a failed delivery stored a referral")
	e.command("UBOB", "C0CHAN", "profile set availability open")
	code, reply = e.post("/slack/commands", form, body, time.Now(), "X-Slack-Retry-Num", "1")
	must(t, code == 200 && strings.Contains(reply, "R-1001"), "redelivery after the cause is gone: %d %s", code, reply)
	code, _ = e.post("/slack/commands", form, body, time.Now(), "X-Slack-Retry-Num", "2")
	must(t, code == 200, "second redelivery: %d", code)
	e.adapter.Wait()
	must(t, e.count("SELECT count(*) FROM referrals") == 1, "applied %d times", e.count("SELECT count(*) FROM referrals"))
}
