package slack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"

	slackadapter "github.com/referbot/referbot/adapters/slack"
	"github.com/referbot/referbot/bot"
)

// TestSocketMode_CommandRunsThroughTheSameHandler connects over Socket
// Mode to a fake Slack (apps.connections.open, then a WebSocket), sends a
// slash command envelope and reads the ack: it carries the same reply as
// HTTP, and the referral is created once even if Slack redelivers it.
func TestSocketMode_CommandRunsThroughTheSameHandler(t *testing.T) {
	t.Parallel()
	e := setup(t)
	acks := make(chan map[string]any, 4)
	var sock *httptest.Server
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		c.WriteJSON(map[string]any{"type": "hello", "num_connections": 1})
		env := map[string]any{"envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": true,
			"payload": map[string]any{"team_id": "T1", "team_domain": "acme", "channel_id": "C0CHAN", "user_id": "UALICE",
				"user_name": "alice", "command": "/refer", "text": "<@UBOB> Acme Corp — a new website",
				"trigger_id": "sock.1", "response_url": e.slack.URL + "/response/sock"}}
		for range 2 { // Slack redelivers an envelope it thinks was lost
			c.WriteJSON(env)
			var ack map[string]any
			if err := c.ReadJSON(&ack); err != nil {
				return
			}
			acks <- ack
		}
		c.ReadMessage() // hold the connection until the client leaves
	})
	mux.HandleFunc("/api/apps.connections.open", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(sock.URL, "http") + "/ws"})
	})
	mux.Handle("/", e.slack.Server.Config.Handler) // users.info and the rest
	sock = httptest.NewServer(mux)
	defer sock.Close()

	api := slack.New("xoxb-test", slack.OptionAPIURL(sock.URL+"/api/"), slack.OptionAppLevelToken("xapp-test"))
	a := slackadapter.New(slackadapter.Options{Bot: bot.New(e.svc, quiet), Client: api, Log: quiet})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.RunSocketMode(ctx)

	var got []map[string]any
	for range 2 {
		select {
		case ack := <-acks:
			got = append(got, ack)
		case <-time.After(15 * time.Second):
			t.Fatal("no ack over Socket Mode")
		}
	}
	b, _ := json.Marshal(got[0])
	must(t, got[0]["envelope_id"] == "env-1" && strings.Contains(string(b), "Referral R-1001 sent to @Bob") &&
		strings.Contains(string(b), `"response_type":"ephemeral"`), "first ack: %s", b)
	must(t, got[1]["envelope_id"] == "env-1" && got[1]["payload"] == nil, "the redelivery must be acked empty: %v", got[1])
	a.Wait()
	must(t, e.count("SELECT count(*) FROM referrals") == 1, "applied %d times", e.count("SELECT count(*) FROM referrals"))
}
