package discord_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	discordadapter "github.com/referbot/referbot/adapters/discord"
	"github.com/referbot/referbot/bot"
)

func joined(id string, at time.Time, system string, channels ...*discordgo.Channel) *discordgo.Guild {
	return &discordgo.Guild{ID: id, Name: "Guild " + id, JoinedAt: at, SystemChannelID: system, Channels: channels}
}

func text(id string, position int) *discordgo.Channel {
	return &discordgo.Channel{ID: id, Type: discordgo.ChannelTypeGuildText, Position: position}
}

// A server that just added the bot is welcomed in its system channel with
// the three commands to start, as typed on Discord — once.
func TestGuildCreated_ANewServerIsWelcomedOnceInItsSystemChannel(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	g := joined("G9", time.Now(), "900", text("901", 0), text("900", 3))
	must(t, e.adapter.GuildCreated(ctx, g) == "900", "not welcomed in the system channel")
	posts := e.discord.Calls("POST", "/channels/900/messages")
	must(t, len(posts) == 1, "welcomes: %d", len(posts))
	for _, want := range []string{"Welcome to referbot", "Three commands to start", "/refer profile set field:services",
		"/refer give partner:@partner", "/refer lead need:", "/refer help", "/refer-admin config"} {
		must(t, strings.Contains(posts[0].Body, want), "the welcome lacks %q: %s", want, posts[0].Body)
	}
	// The same join seen again (another replica, a reconnect) says nothing.
	must(t, e.adapter.GuildCreated(ctx, g) == "", "welcomed twice")
	must(t, len(e.discord.Calls("POST", "/channels/")) == 1, "posts: %v", e.discord.Calls("POST", "/channels/"))
}

// The Gateway replays a GUILD_CREATE for every guild the bot is in when it
// connects: a guild joined long ago is not welcomed again.
func TestGuildCreated_AGuildJoinedLongAgoIsNotWelcomed(t *testing.T) {
	t.Parallel()
	e := setup(t)
	g := joined("G8", time.Now().Add(-48*time.Hour), "800", text("800", 0))
	must(t, e.adapter.GuildCreated(context.Background(), g) == "", "welcomed a guild joined two days ago")
	must(t, len(e.discord.Calls("POST", "/channels/")) == 0, "posted: %v", e.discord.Calls("POST", "/channels/"))
}

// Without a system channel the welcome goes to the first text channel
// (top to bottom) the bot can post in.
func TestGuildCreated_WithoutASystemChannelTheFirstTextChannelItCanPostIn(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.discord.fail = func(c call) (int, http.Header, string, bool) {
		if c.Method == "POST" && c.Path == "/channels/701/messages" {
			return http.StatusForbidden, nil, `{"message": "Missing Permissions", "code": 50013}`, true
		}
		return 0, nil, "", false
	}
	voice := &discordgo.Channel{ID: "700", Type: discordgo.ChannelTypeGuildVoice, Position: 0}
	g := joined("G7", time.Now(), "", text("703", 2), voice, text("701", 0), text("702", 1))
	must(t, e.adapter.GuildCreated(context.Background(), g) == "702", "not welcomed in 702")
	must(t, len(e.discord.Calls("POST", "/channels/702/messages")) == 1 && len(e.discord.Calls("POST", "/channels/703/")) == 0 &&
		len(e.discord.Calls("POST", "/channels/700/")) == 0, "posts: %v", e.discord.Calls("POST", "/channels/"))
}

// Over the Gateway, the GUILD_CREATE of a server that just added the bot
// brings its welcome.
func TestGateway_GuildCreateOfANewServerBringsTheWelcome(t *testing.T) {
	t.Parallel()
	e := setup(t)
	posted := make(chan string, 4)
	e.discord.fail = func(c call) (int, http.Header, string, bool) {
		if c.Method == "POST" && strings.HasPrefix(c.Path, "/channels/950/messages") {
			posted <- c.Body
		}
		return 0, nil, "", false
	}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	var srv *httptest.Server
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v10/gateway", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"url": "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"})
	})
	mux.HandleFunc("/ws/", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		c.WriteJSON(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 45000}})
		var id map[string]any
		if c.ReadJSON(&id) != nil {
			return
		}
		c.WriteJSON(map[string]any{"op": 0, "t": "READY", "s": 1, "d": map[string]any{"v": 9, "session_id": "S1",
			"user": map[string]any{"id": "BOT", "username": "referbot"}, "guilds": []any{}}})
		c.WriteJSON(map[string]any{"op": 0, "t": "GUILD_CREATE", "s": 2, "d": map[string]any{"id": "G95", "name": "New",
			"joined_at": time.Now().UTC().Format(time.RFC3339), "system_channel_id": "950",
			"channels": []any{map[string]any{"id": "950", "type": 0, "position": 0}}}})
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	})
	mux.Handle("/", e.discord.Server.Config.Handler)
	srv = httptest.NewServer(mux)
	defer srv.Close()
	a, err := discordadapter.New(discordadapter.Options{Bot: bot.New(e.svc, quiet), Token: "test-token", AppID: "APP",
		APIURL: srv.URL + "/api/v10/", Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, true) }()
	select {
	case body := <-posted:
		must(t, strings.Contains(body, "Three commands to start"), "welcome: %s", body)
	case <-time.After(15 * time.Second): // a safety net, not a measure
		t.Fatal("no welcome after GUILD_CREATE")
	}
	cancel()
	<-done
}
