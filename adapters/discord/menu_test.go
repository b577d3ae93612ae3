package discord_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// Thirty people raise a hand for U1's lead: the DM offers 25 of them in a
// string select (Discord's limit) and says what to type for the other 5;
// choosing one hands the lead over as the Pick button would.
func TestPick_MoreThan25HandsComeAsASelectThatPicks(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.useChannel("<#C1>")
	e.interaction(slash("U1", []string{"lead"}, opt("need", 3, "bookkeeping for a bakery")))
	for i := range 30 {
		e.interaction(slash(fmt.Sprintf("U%d", i+3), []string{"interested"}, opt("code", 3, "R-1001")))
	}
	e.deliver()
	dms := e.discord.Calls("POST", "/channels/dm-U1/messages")
	must(t, len(dms) > 0, "no DM to U1")
	var dm struct {
		Embeds []struct {
			Description string `json:"description"`
		} `json:"embeds"`
		Components []struct {
			Components []struct {
				Type     int    `json:"type"`
				CustomID string `json:"custom_id"`
				Options  []struct {
					Value string `json:"value"`
				} `json:"options"`
			} `json:"components"`
		} `json:"components"`
	}
	last := dms[len(dms)-1].Body
	if err := json.Unmarshal([]byte(last), &dm); err != nil {
		t.Fatal(err)
	}
	must(t, len(dm.Components) == 1 && len(dm.Components[0].Components) == 1, "components: %s", last)
	sel := dm.Components[0].Components[0]
	must(t, sel.Type == 3 && sel.CustomID == "/refer/menu|G1" && len(sel.Options) == 25 &&
		sel.Options[2].Value == "/refer/pick/R-1001/U5", "select: %s", last)
	must(t, strings.Contains(dm.Embeds[0].Description, "…and 5 more: `/refer pick R-1001 @name`"), "embed: %s", last)

	resp := e.interaction(map[string]any{"type": 3, "channel_id": "dm-U1", "user": member("U1", 0)["user"],
		"message": map[string]any{"id": "M9", "channel_id": "dm-U1"},
		"data":    map[string]any{"custom_id": "/refer/menu|G1", "component_type": 3, "values": []string{"/refer/pick/R-1001/U5"}}})
	must(t, strings.Contains(js(resp), "You handed R-1001 over"), "select: %s", js(resp))
	must(t, e.count("SELECT count(*) FROM referrals r JOIN members m ON m.id = r.receiver_id WHERE m.user_id = 'U5'") == 1,
		"the lead was not handed to U5")
}
