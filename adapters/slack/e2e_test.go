package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// dmTo finds the postMessage that reached a user's DM.
func dmTo(e *env, user string) []call {
	var out []call
	for _, c := range e.slack.Calls("chat.postMessage") {
		if c.Form.Get("channel") == user {
			out = append(out, c)
		}
	}
	return out
}

func TestEndToEnd_ReferAcceptNotifiesTheReferrerAndUpdatesTheCard(t *testing.T) {
	t.Parallel()
	e := setup(t)

	// Alice refers a client to Bob by slash command.
	reply := e.command("UALICE", "C0CHAN", "<@UBOB> Acme Corp jane@acme.com consent — a new website ~5k hot")
	must(t, strings.Contains(reply, "Referral R-1001 sent to @Bob"), "reply: %s", reply)

	// Bob's DM with Accept / Decline is delivered through the Web API.
	e.deliver()
	dms := dmTo(e, "UBOB")
	must(t, len(dms) == 1, "DMs to Bob: %d", len(dms))
	offer := dms[0].text()
	for _, want := range []string{"Alice referred a client to you (R-1001)", "/refer/accept/R-1001", "/refer/decline/R-1001", "jane@acme.com"} {
		must(t, strings.Contains(offer, want), "Bob's DM lacks %q: %s", want, offer)
	}

	// Bob clicks Accept in that DM.
	code, _ := e.interaction(click("UBOB", "/refer/accept/R-1001", "DBOB", "1700000000.000001"))
	must(t, code == http.StatusOK, "click: %d", code)
	e.adapter.Wait()
	must(t, e.count("SELECT count(*) FROM referrals WHERE status = 'accepted'") == 1, "the stage did not move")

	// The clicked card is updated in place with Bob's next steps.
	ups := e.slack.Calls("chat.update")
	must(t, len(ups) == 1, "chat.update calls: %d", len(ups))
	must(t, ups[0].Form.Get("channel") == "DBOB" && ups[0].Form.Get("ts") == "1700000000.000001", "updated %v", ups[0].Form)
	must(t, strings.Contains(ups[0].text(), "You accepted R-1001") && strings.Contains(ups[0].text(), "/refer/status/R-1001/contacted") &&
		!strings.Contains(ups[0].text(), "/refer/accept/"), "updated card: %s", ups[0].text())

	// Alice hears of it, and the outbox refreshes the offer card too (it
	// would also after a typed /refer accept): same message, same stage.
	e.deliver()
	toAlice := dmTo(e, "UALICE")
	must(t, len(toAlice) == 1 && strings.Contains(toAlice[0].text(), "Bob accepted your referral R-1001"), "Alice got: %v", toAlice)
	ups = e.slack.Calls("chat.update")
	must(t, len(ups) == 2 && ups[1].Form.Get("channel") == "DBOB" && ups[1].Form.Get("ts") == "1700000000.000001" &&
		strings.Contains(ups[1].text(), "/refer/status/R-1001/contacted") && !strings.Contains(ups[1].text(), "/refer/accept/"),
		"the offer card refresh: %v", ups)

	// Clicking Accept again (a stale card) is refused with a reason, ephemerally.
	e.interaction(click("UBOB", "/refer/accept/R-1001", "DBOB", "1700000000.000001"))
	e.adapter.Wait()
	rs := e.slack.Calls("response")
	must(t, len(rs) == 1 && rs[0].JSON["response_type"] == "ephemeral", "second click replies: %v", rs)
	must(t, len(e.slack.Calls("chat.update")) == 2, "an error replaced the card")
}

func TestTypedStageChange_RefreshesTheOfferCard(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.command("UALICE", "C0CHAN", "<@UBOB> Acme Corp — a new website")
	e.deliver()
	offer := dmTo(e, "UBOB")[0]
	must(t, strings.Contains(offer.text(), "/refer/accept/R-1001"), "offer: %s", offer.text())
	e.command("UBOB", "C0CHAN", "accept R-1001")
	e.command("UBOB", "C0CHAN", "status R-1001 meeting")
	e.deliver()
	ups := e.slack.Calls("chat.update")
	must(t, len(ups) == 2, "chat.update calls: %d", len(ups))
	last := ups[1]
	must(t, last.Form.Get("channel") == "DBOB" && strings.Contains(last.text(), "Referral R-1001 from @Alice: meeting") &&
		strings.Contains(last.text(), "/refer/status/R-1001/proposal") && !strings.Contains(last.text(), "/refer/accept/"),
		"the offer card after typed commands: %s", last.text())
	must(t, len(dmTo(e, "UBOB")) == 1, "a refresh must edit, not post")
}

func TestClaim_FiftyConcurrentClicksOneWinnerOneUpdate(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.useChannel("<#C0CHAN>")
	e.command("UALICE", "C0CHAN", "lead Acme Bakery jane@acme.com consent — bookkeeping #tax ~2k")
	e.deliver()
	posts := e.slack.Calls("chat.postMessage")
	must(t, len(posts) == 1 && posts[0].Form.Get("channel") == "C0CHAN", "lead post: %v", posts)
	lead := posts[0].text()
	must(t, strings.Contains(lead, "/refer/claim/R-1001") && !strings.Contains(lead, "jane@acme.com") && !strings.Contains(lead, "Acme Bakery"),
		"the channel post must have Claim, and neither the contact nor the client's name: %s", lead)

	const clickers = 50
	var wg sync.WaitGroup
	for i := range clickers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, body := e.interaction(click(fmt.Sprintf("U%03d", i+1), "/refer/claim/R-1001", "C0CHAN", "1700000000.000001"))
			if code != http.StatusOK {
				t.Errorf("click %d: %d %s", i, code, body)
			}
		}()
	}
	wg.Wait()
	e.adapter.Wait()
	e.deliver()

	must(t, e.count("SELECT count(*) FROM referrals WHERE status = 'accepted' AND receiver_id IS NOT NULL") == 1, "not exactly one owner")
	var won, lost int
	for _, r := range e.slack.Calls("response") {
		b, _ := json.Marshal(r.JSON)
		s := string(b)
		must(t, r.JSON["response_type"] == "ephemeral", "a reply was not ephemeral: %s", s)
		switch {
		case strings.Contains(s, "You claimed R-1001") && strings.Contains(s, "jane@acme.com"):
			won++
		case strings.Contains(s, "R-1001 was already claimed by @"):
			lost++
		default:
			t.Errorf("unexpected reply: %s", s)
		}
	}
	must(t, won == 1 && lost == clickers-1, "winners %d, told they lost %d", won, lost)
	ups := e.slack.Calls("chat.update")
	must(t, len(ups) == 1, "chat.update calls: %d, want exactly 1", len(ups))
	must(t, ups[0].Form.Get("channel") == "C0CHAN" && ups[0].Form.Get("ts") == "1700000000.000001", "updated %v", ups[0].Form)
	must(t, strings.Contains(ups[0].text(), "was claimed by @") && !strings.Contains(ups[0].text(), "/refer/claim/") &&
		!strings.Contains(ups[0].text(), "jane@acme.com"), "updated post: %s", ups[0].text())
}

func TestDelivery_RateLimitedThenDeliveredOnceAfterTheWait(t *testing.T) {
	t.Parallel()
	e := setup(t)
	now := time.Now()
	e.sender.Now = func() time.Time { return now }
	limited := 0
	e.slack.fail = func(method string) (int, http.Header, string, bool) {
		if method != "chat.postMessage" || limited > 0 {
			return 0, nil, "", false
		}
		limited++
		return http.StatusTooManyRequests, http.Header{"Retry-After": {"2"}}, "", true
	}
	e.command("UALICE", "C0CHAN", "<@UBOB> Acme Corp — a new website")
	ctx := context.Background()
	n, err := e.sender.DeliverDue(ctx)
	must(t, err == nil && n == 0 && limited == 1, "first pass: delivered %d, err %v, limited %d", n, err, limited)
	now = now.Add(1900 * time.Millisecond)
	n, _ = e.sender.DeliverDue(ctx)
	must(t, n == 0, "delivered before Retry-After passed")
	now = now.Add(200 * time.Millisecond)
	n, _ = e.sender.DeliverDue(ctx)
	must(t, n == 1, "not delivered after the wait: %d", n)
	n, _ = e.sender.DeliverDue(ctx)
	must(t, n == 0 && len(dmTo(e, "UBOB")) == 1, "delivered %d times", len(dmTo(e, "UBOB")))
}

func TestExport_ArrivesWholeAsAFileInTheDM(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.command("UALICE", "C0CHAN", "profile set services websites and shops")
	for i := range 40 { // more than one Slack message could hold
		e.command("UALICE", "C0CHAN", fmt.Sprintf("<@UBOB> Client %d — %s", i, strings.Repeat("a long description of the need ", 8)))
	}
	reply := e.command("UALICE", "C0CHAN", "export")
	must(t, strings.Contains(reply, "Your data (40 referrals)") && strings.Contains(reply, "as a file in your DM"), "reply: %s", reply)
	e.adapter.Wait()
	opens := e.slack.Calls("conversations.open")
	must(t, len(opens) == 1 && opens[0].Form.Get("users") == "UALICE", "conversations.open: %v", opens)
	done := e.slack.Calls("files.completeUploadExternal")
	must(t, len(done) == 1 && strings.Contains(done[0].Form.Get("channel_id"), "DALICE"), "completeUploadExternal: %v", done)
	up := e.slack.Calls("upload")
	must(t, len(up) == 1, "uploads: %d", len(up))
	body := up[0].Form.Get("body")
	must(t, strings.Contains(body, `"services": "websites and shops"`) && strings.Contains(body, `"Client 39"`) && len(body) > 12000,
		"the file is not the whole export (%d bytes)", len(body))
}
