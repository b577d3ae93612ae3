package slack_test

import (
	"encoding/json"
	"strings"
	"testing"

	slackadapter "github.com/referbot/referbot/adapters/slack"
	"github.com/referbot/referbot/bot"
	"github.com/slack-go/slack"
)

func TestBlocks_EscapeUserTextButKeepSlackEntities(t *testing.T) {
	t.Parallel()
	m := bot.Message{Title: "R-1001 for <Acme & Co>", Text: "Need: a <b>bold</b> site & more, ask <@U123|bob> in <#C1|referrals>",
		Fields: []bot.Field{{Name: "Client", Value: "Tom & Jerry <LLC>"}},
		Buttons: []bot.Button{{Label: "Claim", Action: "/refer/claim/R-1001", Style: bot.Primary},
			{Label: "Decline", Action: "/refer/decline/R-1001", Style: bot.Danger}}}
	b, err := json.Marshal(slackadapter.Blocks(m))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`\u0026lt;b\u0026gt;bold`, `\u003c@U123|bob\u003e`, `\u003c#C1|referrals\u003e`,
		`Tom \u0026amp; Jerry \u0026lt;LLC\u0026gt;`, `"style":"primary"`, `"style":"danger"`, `"action_id":"/refer/claim/R-1001"`, `"type":"header"`} {
		must(t, strings.Contains(s, want), "blocks lack %s:\n%s", want, s)
	}
}

func TestBlocks_StayWithinSlackLimits(t *testing.T) {
	t.Parallel()
	var fs []bot.Field
	for range 25 {
		fs = append(fs, bot.Field{Name: "F", Value: strings.Repeat("v", 3000)})
	}
	m := bot.Message{Title: strings.Repeat("t", 400), Text: strings.Repeat("line of text\n", 800), Fields: fs}
	bs := slackadapter.Blocks(m)
	must(t, len(bs) <= 50, "%d blocks", len(bs))
	b, _ := json.Marshal(bs)
	var decoded []map[string]any
	json.Unmarshal(b, &decoded)
	for _, blk := range decoded {
		if txt, ok := blk["text"].(map[string]any); ok {
			must(t, len([]rune(txt["text"].(string))) <= 3000, "a text of %d chars", len([]rune(txt["text"].(string))))
		}
		if fields, ok := blk["fields"].([]any); ok {
			must(t, len(fields) <= 10, "%d fields in a section", len(fields))
			for _, f := range fields {
				must(t, len([]rune(f.(map[string]any)["text"].(string))) <= 2000, "a field over 2000 chars")
			}
		}
	}
	must(t, len([]rune(slackadapter.Fallback(m))) <= 3000, "fallback too long")
}

func TestCommand_SlackWorkspaceAdminsAreReferbotAdmins(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.command("UALICE", "C0CHAN", "list") // the first member founds the network
	bob := e.command("UBOB", "C0CHAN", "config lead-expiry 10")
	must(t, strings.Contains(bob, "Only admins"), "a plain member changed settings: %s", bob)
	reply := e.command("UADMIN", "C0CHAN", "config lead-expiry 10")
	must(t, strings.Contains(reply, "Setting saved: lead-expiry"), "a Slack workspace admin was refused: %s", reply)
}

// TestBlocks_TitlesWithMentionsAndUniqueButtonRows: a title naming a
// channel or a person is mrkdwn (plain_text would show <#C123> raw), and
// no actions block carries a fixed block_id that two merged messages
// would repeat.
func TestBlocks_TitlesWithMentionsAndUniqueButtonRows(t *testing.T) {
	t.Parallel()
	bs := slackadapter.Blocks(bot.Message{Title: "Lead R-1001 posted to <#C123|referrals>",
		Buttons: []bot.Button{{Label: "Claim", Action: "/refer/claim/R-1001"}}})
	b, _ := json.Marshal(bs)
	must(t, !strings.Contains(string(b), `"type":"header"`), "a title with a channel link went into a plain_text header: %s", b)
	must(t, strings.Contains(bs[0].(*slack.SectionBlock).Text.Text, "<#C123|referrals>"), "the channel link was lost: %s", b)
	must(t, !strings.Contains(string(b), `"block_id"`), "an actions block has a fixed block_id: %s", b)
}
