package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/referbot/referbot/core"
)

// useChannel gives the network of team T1 its channel, as an admin who
// chose it would have: a network's channel is never set by typing a
// command somewhere. (It goes past the adapter and its check.)
func (e *env) useChannel(channel string) {
	e.t.Helper()
	ctx := context.Background()
	st := core.DefaultSettings()
	st.Channel = channel
	if err := e.db.InTx(ctx, func(tx core.Tx) error {
		ws, err := tx.EnsureWorkspace(ctx, core.Slack, "T1", "acme", st)
		if err != nil {
			return err
		}
		ws.Settings.Channel = channel
		return tx.SaveSettings(ctx, ws.ID, ws.Settings)
	}); err != nil {
		e.t.Fatal(err)
	}
}

// conversation makes the fake answer conversations.info with body.
func (e *env) conversation(body string) {
	e.slack.fail = func(method string) (int, http.Header, string, bool) {
		if method != "conversations.info" {
			return 0, nil, "", false
		}
		return http.StatusOK, http.Header{"Content-Type": {"application/json"}}, body, true
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

// pickChannel is the admin choosing ch in the channel picker of an
// ephemeral reply.
func (e *env) pickChannel(user, ch string) {
	e.t.Helper()
	code, body := e.interaction(map[string]any{"type": "block_actions", "user": map[string]any{"id": user, "name": strings.ToLower(user)},
		"channel":   map[string]any{"id": "C0CHAN"},
		"container": map[string]any{"type": "message", "channel_id": "C0CHAN", "message_ts": "1700000000.000009", "is_ephemeral": true},
		"actions": []map[string]any{{"type": "conversations_select", "action_id": "/refer/config/channel", "block_id": "b1",
			"selected_conversation": ch}}})
	if code != http.StatusOK {
		e.t.Fatalf("pick %s: %d %s", ch, code, body)
	}
	e.adapter.Wait()
}

// lastResponse is the last reply sent through a response_url.
func (e *env) lastResponse() string {
	rs := e.slack.Calls("response")
	if len(rs) == 0 {
		return ""
	}
	b, _ := json.Marshal(rs[len(rs)-1].JSON)
	return string(b)
}

// The channel a command is typed in never becomes the network's channel:
// the lead waits, the admin who posted it is asked to choose the channel
// from Slack's list, and a member is told an admin must.
func TestChannel_NoCommandMakesItsChannelTheNetworks(t *testing.T) {
	t.Parallel()
	e := setup(t)
	reply := e.command("UALICE", "C0CHAN", "lead bookkeeping for a bakery")
	must(t, strings.Contains(reply, "Lead R-1001 saved") && strings.Contains(reply, "Choose the network's channel") &&
		strings.Contains(reply, `"type":"conversations_select"`) && strings.Contains(reply, `"action_id":"/refer/config/channel"`),
		"the admin's reply: %s", reply)
	e.deliver()
	must(t, len(e.slack.Calls("chat.postMessage")) == 0, "posted: %v", e.slack.Calls("chat.postMessage"))
	must(t, e.hasChannel(""), "the network has a channel")

	reply = e.command("UBOB", "C0CHAN", "lead a logo")
	must(t, strings.Contains(reply, "The network has no channel yet") && !strings.Contains(reply, "conversations_select"),
		"a member's reply: %s", reply)
	reply = e.command("UALICE", "C0CHAN", "config")
	must(t, strings.Contains(reply, "Network settings") && strings.Contains(reply, "conversations_select"), "config: %s", reply)
}

// The admin picks a public channel: Slack says the bot can post there
// (chat:write.public), it is saved, and the lead that waited is posted.
func TestChannel_PickerSavesAValidChannelAndTheWaitingLeadGoesThere(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.conversation(`{"ok": true, "channel": {"id": "C0CHAN", "name": "referrals", "is_channel": true, "is_private": false, "is_member": false}}`)
	e.command("UALICE", "C0CHAN", "lead bookkeeping for a bakery")
	e.pickChannel("UALICE", "C0CHAN")
	must(t, strings.Contains(e.lastResponse(), "Setting saved: channel"), "reply: %s", e.lastResponse())
	must(t, e.hasChannel("<#C0CHAN>"), "the picked channel was not saved")
	e.deliver()
	posts := e.slack.Calls("chat.postMessage")
	must(t, len(posts) == 1 && posts[0].Form.Get("channel") == "C0CHAN" && strings.Contains(posts[0].text(), "New lead R-1001"),
		"posts: %v", posts)
}

// A private channel the bot is not in, one Slack hides from it, an
// archived one or a DM is refused with what to do; nothing is saved.
func TestChannel_AnUnpostableChannelIsRefusedWithWhatToDo(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.command("UALICE", "C0CHAN", "help") // Alice is the network's first member: its admin
	for _, c := range []struct{ info, want string }{
		{`{"ok": true, "channel": {"id": "GPRIV", "name": "partners", "is_channel": true, "is_private": true, "is_member": false}}`,
			"#partners is private and I'm not in it, so I can't post there. In #partners, type /invite @referbot"},
		{`{"ok": false, "error": "channel_not_found"}`, "type /invite @referbot, then choose it again"},
		{`{"ok": true, "channel": {"id": "COLD", "name": "old", "is_channel": true, "is_archived": true}}`, "#old is archived"},
		{`{"ok": true, "channel": {"id": "DALICE", "is_im": true}}`, "A direct message can't be the network's channel"},
		{`{"ok": false, "error": "missing_scope"}`, "channels:read and groups:read"},
	} {
		e.conversation(c.info)
		e.pickChannel("UALICE", "GPRIV")
		must(t, strings.Contains(e.lastResponse(), c.want), "%s: %s", c.info, e.lastResponse())
		reply := e.command("UALICE", "C0CHAN", "config channel <#GPRIV|partners>")
		must(t, strings.Contains(reply, c.want), "typed, %s: %s", c.info, reply)
		must(t, e.hasChannel(""), "%s: a channel was saved", c.info)
	}
}
