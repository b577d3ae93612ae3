package slack_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// shown is what a Web API call shows, with Slack's markup as Slack reads
// it: its fallback text and its blocks' JSON without HTML escaping.
func (c call) shown() string {
	var blocks any
	json.Unmarshal([]byte(c.Form.Get("blocks")), &blocks)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(blocks)
	return c.Form.Get("text") + "\n" + b.String()
}

// A claimed lead and a public thank-you mention the people they name, so
// Slack notifies them; titles (headers) keep @name.
func TestMentions_AClaimedLeadAndAThankYouNotifyWhomTheyName(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.useChannel("<#C0CHAN>")
	e.command("UALICE", "C0CHAN", "lead bookkeeping for a bakery")
	e.deliver()
	e.command("UBOB", "C0CHAN", "claim R-1001")
	e.deliver()
	ups := e.slack.Calls("chat.update")
	must(t, len(ups) == 1, "chat.update calls: %d", len(ups))
	claimed := ups[0].shown()
	must(t, strings.Contains(claimed, "<@UBOB|Bob> owns it now. Thanks, <@UALICE|Alice>, for sharing it!") &&
		strings.Contains(claimed, "Lead R-1001 was claimed by @Bob"), "claimed post: %s", claimed)

	e.command("UBOB", "C0CHAN", "thanks R-1001 Lovely client")
	e.deliver()
	var thanks string
	for _, c := range e.slack.Calls("chat.postMessage") {
		if c.Form.Get("channel") == "C0CHAN" && strings.Contains(c.shown(), "thanks") {
			thanks = c.shown()
		}
	}
	must(t, strings.Contains(thanks, "@Bob thanks <@UALICE|Alice> for the referral R-1001"), "thank-you post: %s", thanks)
	must(t, !strings.Contains(thanks, "<@UBOB"), "the thank-you mentions its author: %s", thanks)
}
