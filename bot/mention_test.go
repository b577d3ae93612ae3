package bot

import (
	"reflect"
	"strings"
	"testing"

	"github.com/referbot/referbot/core"
)

func TestMention_WritesAMemberAdaptersCanRenderOrAtName(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ id, name, want string }{
		{"U123", "Alice", "<@U123|Alice>"},
		{"8123456789", "Bo|b <x>", "<@8123456789|Bo b  x >"},
		{"", "Carol", "@Carol"},
		{"not an id", "Dan", "@Dan"},
	} {
		if got := Mention(c.id, c.name); got != c.want {
			t.Errorf("Mention(%q, %q) = %q, want %q", c.id, c.name, got, c.want)
		}
	}
	s := "Thanks " + Mention("U1", "Alice") + " and " + Mention("U2", "Bob") + ", " + Mention("U1", "Alice") + "!"
	if got := PlainMentions(s); got != "Thanks @Alice and @Bob, @Alice!" {
		t.Errorf("PlainMentions: %q", got)
	}
	if got := (Message{Title: Mention("U9", "Zed"), Text: s}).Mentioned(); !reflect.DeepEqual(got, []string{"U1", "U2"}) {
		t.Errorf("Mentioned: %v (the title mentions nobody: titles name people as @name)", got)
	}
}

// A thank-you, a claimed lead and the hands raised for a lead mention the
// people they name in their text when the store gave their platform ids,
// and name them as @name otherwise; titles always say @name.
func TestRenderNotice_NamesThePartiesAsMentionsInTheText(t *testing.T) {
	t.Parallel()
	r := &core.Referral{Code: 1001, Need: "a new website", Status: core.StatusAccepted, ReferrerID: 1, ReceiverID: 2,
		ReferrerName: "Alice", ReceiverName: "Bob"}
	ids := func(n core.Notice) core.Notice { n.ReferrerUserID, n.ReceiverUserID = "UALICE", "UBOB"; return n }
	for _, c := range []struct {
		n           core.Notice
		text, plain string
		title       string
	}{
		{core.Notice{Kind: core.NoticeThanks, Actor: "Bob", Referral: r, Text: "Lovely client"},
			"@Bob thanks <@UALICE|Alice> for the referral R-1001", "@Bob thanks @Alice for the referral R-1001", "🙏 @Bob thanks @Alice"},
		{core.Notice{Kind: core.NoticeLeadClaimed, Actor: "Bob", Referral: r},
			"<@UBOB|Bob> owns it now. Thanks, <@UALICE|Alice>, for sharing it!", "@Bob owns it now. Thanks, @Alice, for sharing it!",
			"Lead R-1001 was claimed by @Bob"},
	} {
		with, without := RenderNotice(ids(c.n)), RenderNotice(c.n)
		expect(t, strings.Contains(with.Text, c.text), "%s with ids: %q", c.n.Kind, with.Text)
		expect(t, strings.Contains(without.Text, c.plain), "%s without ids: %q", c.n.Kind, without.Text)
		expect(t, with.Title == c.title && without.Title == c.title, "%s titles: %q, %q", c.n.Kind, with.Title, without.Title)
	}
	hands := RenderNotice(core.Notice{Kind: core.NoticeHandRaised, Actor: "Carol", Referral: r, To: core.Recipient{MemberID: 1, UserID: "UALICE", Name: "Alice"},
		Choices: []core.Recipient{{MemberID: 3, UserID: "UCAROL", Name: "Carol"}, {MemberID: 4, Name: "Dan"}}})
	expect(t, strings.Contains(hands.Text, "Interested so far: <@UCAROL|Carol>, @Dan."), "hands: %q", hands.Text)
}

func expect(t testing.TB, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Fatalf(format, args...)
	}
}
