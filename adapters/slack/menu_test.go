package slack_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	slackadapter "github.com/referbot/referbot/adapters/slack"
	"github.com/referbot/referbot/bot"
)

// Thirty people raise a hand for Alice's lead: her DM offers them in one
// static_select (no 30 buttons, which Slack refuses past 25), and choosing
// one hands the lead over as the Pick button would.
func TestPick_MoreThan25HandsComeAsAMenuThatPicks(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.useChannel("<#C0CHAN>")
	e.command("UALICE", "C0CHAN", "lead bookkeeping for a bakery")
	for i := range 30 {
		e.command(fmt.Sprintf("U%03d", i+1), "C0CHAN", "interested R-1001")
	}
	e.deliver()
	var last call
	for _, c := range e.slack.Calls("chat.postMessage") {
		if c.Form.Get("channel") == "UALICE" && strings.Contains(c.shown(), "is interested in your lead") {
			last = c
		}
	}
	dm := last.shown()
	must(t, strings.Contains(dm, `"type":"static_select"`) && strings.Count(dm, `"value":"/refer/pick/R-1001/`) == 30 &&
		!strings.Contains(dm, `"type":"button"`), "Alice's DM: %s", dm)

	code, body := e.interaction(map[string]any{"type": "block_actions", "user": map[string]any{"id": "UALICE", "name": "alice"},
		"channel":   map[string]any{"id": "DALICE"},
		"container": map[string]any{"type": "message", "channel_id": "DALICE", "message_ts": "1700000000.000009"},
		"actions": []map[string]any{{"type": "static_select", "action_id": "/refer/menu", "block_id": "b1",
			"selected_option": map[string]any{"text": map[string]any{"type": "plain_text", "text": "Pick @005"}, "value": "/refer/pick/R-1001/U005"}}}})
	must(t, code == 200, "select: %d %s", code, body)
	e.adapter.Wait()
	must(t, e.count("SELECT count(*) FROM referrals r JOIN members m ON m.id = r.receiver_id WHERE m.user_id = 'U005'") == 1,
		"the lead was not handed to U005")
}

// Slack takes 100 options in a static_select: past that, the menu says
// what to type for the others.
func TestBlocks_AMenuOfMoreThan100SaysWhatToTypeForTheRest(t *testing.T) {
	t.Parallel()
	mn := &bot.Menu{Placeholder: "Pick who gets it", More: "/refer pick R-1001 @name"}
	for i := range 120 {
		mn.Options = append(mn.Options, bot.Button{Label: fmt.Sprintf("Pick @m%d", i), Action: fmt.Sprintf("/refer/pick/R-1001/U%03d", i)})
	}
	bs := slackadapter.Blocks(bot.Message{Text: "Interested so far", Menu: mn})
	var options int
	var more bool
	for _, b := range bs {
		switch b := b.(type) {
		case *slack.ActionBlock:
			for _, el := range b.Elements.ElementSet {
				if sel, ok := el.(*slack.SelectBlockElement); ok {
					options += len(sel.Options)
				}
			}
		case *slack.ContextBlock:
			more = more || strings.Contains(fmt.Sprint(b.ContextElements.Elements[0]), "and 20 more")
		}
	}
	must(t, options == 100 && more, "options %d, says what to type for the rest: %v", options, more)
}
