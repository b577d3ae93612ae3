package discord_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// sent is the part of a message Discord reads for mentions.
type sent struct {
	Content         string `json:"content"`
	AllowedMentions *struct {
		Parse []string `json:"parse"`
		Users []string `json:"users"`
	} `json:"allowed_mentions"`
	Embeds []struct {
		Title       string `json:"title"`
		Description string `json:"description"`
	} `json:"embeds"`
}

func parseSent(t *testing.T, body string) sent {
	t.Helper()
	var s sent
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return s
}

// A claimed lead and a public thank-you ping exactly the people they name:
// their mentions are the post's content, allowed_mentions lists them and
// nothing else (no @everyone, no roles); embed titles keep @name.
func TestMentions_AClaimedLeadAndAThankYouPingExactlyWhomTheyName(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.useChannel("<#555>")
	e.interaction(slash("111", []string{"lead"}, opt("need", 3, "bookkeeping for a bakery")))
	e.deliver()
	posts := e.discord.Calls("POST", "/channels/555/messages")
	must(t, len(posts) == 1, "lead posts: %d", len(posts))
	lead := parseSent(t, posts[0].Body)
	must(t, lead.Content == "" && len(lead.AllowedMentions.Parse) == 0 && len(lead.AllowedMentions.Users) == 0,
		"a post naming nobody in its text pings nobody: %s", posts[0].Body)

	e.interaction(click("222", "/refer/claim/R-1001", "555", "M1", false))
	e.deliver()
	edits := e.discord.Calls("PATCH", "/channels/555/messages/M1")
	must(t, len(edits) == 1, "edits: %d", len(edits))
	claimed := parseSent(t, edits[0].Body)
	must(t, claimed.Content == "<@222> <@111>" && reflect.DeepEqual(claimed.AllowedMentions.Users, []string{"222", "111"}) &&
		len(claimed.AllowedMentions.Parse) == 0, "claimed post: %s", edits[0].Body)
	must(t, strings.Contains(claimed.Embeds[0].Description, "<@222> owns it now. Thanks, <@111>, for sharing it!") &&
		claimed.Embeds[0].Title == "Lead R-1001 was claimed by @Name222", "claimed embed: %s", edits[0].Body)

	e.interaction(slash("222", []string{"thanks"}, opt("code", 3, "R-1001"), opt("message", 3, "Lovely client")))
	e.deliver()
	posts = e.discord.Calls("POST", "/channels/555/messages")
	must(t, len(posts) == 2, "channel posts: %d", len(posts))
	thanks := parseSent(t, posts[1].Body)
	must(t, thanks.Content == "<@111>" && reflect.DeepEqual(thanks.AllowedMentions.Users, []string{"111"}) &&
		len(thanks.AllowedMentions.Parse) == 0, "thank-you post pings: %s", posts[1].Body)
	must(t, strings.Contains(thanks.Embeds[0].Description, "@Name222 thanks <@111> for the referral R-1001"), "thank-you: %s", posts[1].Body)

	// DMs mention but ping nobody: Alice's DMs carry no content.
	for _, dm := range e.discord.Calls("POST", "/channels/dm-111/messages") {
		d := parseSent(t, dm.Body)
		must(t, d.Content == "" && len(d.AllowedMentions.Users) == 0, "a DM pings: %s", dm.Body)
	}
}
