package discord_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	discordadapter "github.com/referbot/referbot/adapters/discord"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
)

// useChannel gives the network of guild G1 its channel, as an admin who
// chose it would have: a network's channel is never set by typing a
// command somewhere. (It goes past the adapter and its check, so tests of
// posting can use any channel id the fake knows.)
func (e *env) useChannel(channel string) {
	e.t.Helper()
	ctx := context.Background()
	db, err := postgres.Open(ctx, e.url)
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	st := core.DefaultSettings()
	st.Channel = channel
	if err := db.InTx(ctx, func(tx core.Tx) error {
		ws, err := tx.EnsureWorkspace(ctx, core.Discord, "G1", "", st)
		if err != nil {
			return err
		}
		ws.Settings.Channel = channel
		return tx.SaveSettings(ctx, ws.ID, ws.Settings)
	}); err != nil {
		e.t.Fatal(err)
	}
}

// configure sets a setting as an admin (who manages the server) would.
func (e *env) configure(user, setting, value string) map[string]any {
	e.t.Helper()
	i := slash(user, []string{"config"}, opt("setting", 3, setting), opt("value", 3, value))
	i["data"].(map[string]any)["name"] = discordadapter.AdminCommand
	i["member"] = member(user, discordgo.PermissionManageGuild)
	return e.interaction(i)
}

// channels makes the fake answer GET /channels/{id} with the channels
// given (JSON by id); any other channel is unknown to the bot (403).
func (e *env) channels(byID map[string]string) {
	e.discord.fail = func(c call) (int, http.Header, string, bool) {
		id, ok := strings.CutPrefix(c.Path, "/channels/")
		if c.Method != "GET" || !ok || strings.Contains(id, "/") {
			return 0, nil, "", false
		}
		if body, ok := byID[id]; ok {
			return http.StatusOK, nil, body, true
		}
		return http.StatusForbidden, nil, `{"message": "Missing Access", "code": 50001}`, true
	}
}

// hasChannel reports whether the network's channel is ch ("": none).
func (e *env) hasChannel(ch string) bool {
	e.t.Helper()
	if ch == "" { // no channel saved (a refused command may not even have made the workspace)
		return e.count("SELECT count(*) FROM workspaces WHERE COALESCE(settings->>'channel', '') <> ''") == 0
	}
	return e.count(fmt.Sprintf("SELECT count(*) FROM workspaces WHERE COALESCE(settings->>'channel', '') = '%s'", ch)) == 1
}

// The channel a command is typed in never becomes the network's channel:
// the lead waits, the admin who posted it is asked to choose the channel
// from Discord's list, and a member is told an admin must.
func TestChannel_NoCommandMakesItsChannelTheNetworks(t *testing.T) {
	t.Parallel()
	e := setup(t)
	resp := e.interaction(slash("U1", []string{"lead"}, opt("need", 3, "bookkeeping for a bakery")))
	s := js(resp)
	must(t, strings.Contains(s, "Lead R-1001 saved") && strings.Contains(s, "Choose the network's channel") &&
		strings.Contains(s, `"custom_id":"/refer/config/channel"`) && strings.Contains(s, `"type":8`) &&
		strings.Contains(s, `"channel_types":[0]`), "the admin's reply: %s", s)
	e.deliver()
	must(t, len(e.discord.Calls("POST", "/channels/C1/messages")) == 0, "posted in the channel the command was typed in")
	must(t, e.hasChannel(""), "the network has a channel")

	resp = e.interaction(slash("U2", []string{"lead"}, opt("need", 3, "a logo")))
	s = js(resp)
	must(t, strings.Contains(s, "The network has no channel yet") && !strings.Contains(s, "/refer/config/channel"),
		"a member's reply: %s", s)
}

// The admin picks a channel Discord says is a text channel of this server:
// it is saved, and the lead that waited is posted there.
func TestChannel_PickerSavesAValidChannelAndTheWaitingLeadGoesThere(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.channels(map[string]string{"555": `{"id": "555", "guild_id": "G1", "type": 0, "name": "referrals"}`})
	e.interaction(slash("U1", []string{"lead"}, opt("need", 3, "bookkeeping for a bakery")))
	resp := e.interaction(map[string]any{"type": 3, "guild_id": "G1", "channel_id": "C1", "member": member("U1", 0),
		"message": map[string]any{"id": "M1", "channel_id": "C1"},
		"data":    map[string]any{"custom_id": "/refer/config/channel", "component_type": 8, "values": []string{"555"}}})
	s := js(resp)
	must(t, strings.Contains(s, "Setting saved: channel") && strings.Contains(s, "<#555>"), "picked: %s", s)
	must(t, e.hasChannel("<#555>"), "the picked channel was not saved")
	e.deliver()
	posts := e.discord.Calls("POST", "/channels/555/messages")
	must(t, len(posts) == 1 && strings.Contains(posts[0].Body, "New lead R-1001"), "posts in the chosen channel: %v", posts)
}

// A channel the bot can't see, of another server, or not a text channel is
// refused with what to do, and the setting is unchanged.
func TestChannel_AnUnpostableChannelIsRefusedWithWhatToDo(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.channels(map[string]string{
		"888": `{"id": "888", "guild_id": "G2", "type": 0}`,
		"999": `{"id": "999", "guild_id": "G1", "type": 2}`,
	})
	for ch, want := range map[string]string{
		"777": "I can't see that channel", "888": "isn't in this server", "999": "is not a text channel",
	} {
		resp := e.configure("U1", "channel", "<#"+ch+">")
		must(t, strings.Contains(js(resp), want), "<#%s>: %s", ch, js(resp))
		must(t, e.hasChannel(""), "<#%s> was saved", ch)
	}
	resp := e.configure("U1", "channel", "<#777>")
	must(t, strings.Contains(js(resp), "View Channel and Send Messages"), "what to do: %s", js(resp))
}
