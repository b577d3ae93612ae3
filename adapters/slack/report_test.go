package slack_test

import (
	"encoding/json"
	"strings"
	"testing"

	slackadapter "github.com/referbot/referbot/adapters/slack"
	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/fixture"
)

// The quarterly celebration as Slack shows it: a header, the headline
// figures, the top givers with their thank-yous, newcomers, and no
// control characters left unescaped. (Reviewed by eye in Block Kit
// Builder; this keeps that shape.)
func TestQuarterlyPost_RendersAsBlockKit(t *testing.T) {
	t.Parallel()
	rep := fixture.QuarterlyReport()
	msg := bot.RenderNotice(core.Notice{Kind: core.NoticeQuarterly, To: core.Recipient{Channel: "<#C0CHAN>"}, Report: rep})
	bs := slackadapter.Blocks(msg)
	b, _ := json.MarshalIndent(bs, "", "  ")
	s := string(b)
	if testing.Verbose() {
		t.Log(s)
	}
	must(t, len(bs) >= 3 && strings.Contains(s, `"type": "header"`), "no header:\n%s", s)
	for _, want := range []string{"Q4 2026", "USD 8,200", "37.5%", "@alice", "@dana"} {
		must(t, strings.Contains(s, want), "the quarterly post lacks %q:\n%s", want, s)
	}
	must(t, msg.To == "<#C0CHAN>", "posted to %q", msg.To)
}
