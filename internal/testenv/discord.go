package testenv

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/websocket"
)

// DiscordCall is one request the fake Discord API received.
type DiscordCall struct {
	Method, Path string            // Path without the /api/v10 prefix
	Body         string            // JSON, or the payload_json part of a multipart body
	Files        map[string]string // the files of a multipart body, by name
}

// Discord is a fake Discord REST API (and, on demand, Gateway) recording
// every REST call. Point discordgo at APIURL.
type Discord struct {
	*httptest.Server
	mu    sync.Mutex
	calls []DiscordCall
	next  int
	// Fail, if set, may answer a call instead of the fake (a 429, say).
	// Set it before the first call.
	Fail func(c DiscordCall) (status int, header http.Header, body string, ok bool)
	// GatewayDown, if set, is asked at each GET /gateway; true refuses the
	// connection with a 502, as Discord does when its Gateway is down.
	GatewayDown func() bool
	// Dispatch, if set, sees the bot's IDENTIFY and returns the events
	// (op 0 payloads without a sequence number) to send after READY.
	Dispatch func(identify map[string]any) []map[string]any
}

// NewDiscord starts a fake Discord, closed when the test ends.
func NewDiscord(t testing.TB) *Discord {
	f := &Discord{}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// APIURL is the REST API's base URL.
func (f *Discord) APIURL() string { return f.URL + "/api/v10/" }

func (f *Discord) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/api/v10/gateway":
		f.gateway(w)
		return
	case strings.HasPrefix(r.URL.Path, "/ws"):
		f.websocket(w, r)
		return
	}
	c := readDiscordCall(r)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Fail != nil {
		if status, h, body, ok := f.Fail(c); ok {
			for k, v := range h {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			io.WriteString(w, body)
			return
		}
	}
	f.calls = append(f.calls, c)
	w.Header().Set("Content-Type", "application/json")
	f.answer(w, c)
}

func readDiscordCall(r *http.Request) DiscordCall {
	c := DiscordCall{Method: r.Method, Path: strings.TrimPrefix(r.URL.Path, "/api/v10"), Files: map[string]string{}}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		b, _ := io.ReadAll(r.Body)
		c.Body = string(b)
		return c
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return c
		}
		b, _ := io.ReadAll(p)
		if p.FormName() == "payload_json" {
			c.Body = string(b)
		} else {
			c.Files[p.FileName()] = string(b)
		}
	}
}

// answer writes what Discord would for c: a DM channel "dm-<user>", posted
// messages numbered M1, M2, ..., edits echoing their ids, and command
// registrations echoing the commands.
func (f *Discord) answer(w io.Writer, c DiscordCall) {
	parts := strings.Split(strings.Trim(c.Path, "/"), "/")
	switch {
	case c.Method == "POST" && c.Path == "/users/@me/channels":
		var in struct {
			Recipient string `json:"recipient_id"`
		}
		json.Unmarshal([]byte(c.Body), &in)
		fmt.Fprintf(w, `{"id":"dm-%s","type":1}`, in.Recipient)
	case c.Method == "POST" && len(parts) == 3 && parts[0] == "channels" && parts[2] == "messages":
		f.next++
		fmt.Fprintf(w, `{"id":"M%d","channel_id":%q}`, f.next, parts[1])
	case c.Method == "PATCH" && len(parts) == 4 && parts[0] == "channels":
		fmt.Fprintf(w, `{"id":%q,"channel_id":%q}`, parts[3], parts[1])
	case c.Method == "PUT" && parts[0] == "applications":
		io.WriteString(w, c.Body)
	default:
		io.WriteString(w, `{"id":"X1"}`)
	}
}

// gateway answers GET /gateway with the fake's own websocket, or a 502
// while GatewayDown says so.
func (f *Discord) gateway(w http.ResponseWriter) {
	if f.GatewayDown != nil && f.GatewayDown() {
		http.Error(w, `{"message":"502: Bad Gateway","code":0}`, http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"url": "ws" + strings.TrimPrefix(f.URL, "http") + "/ws"})
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// websocket plays the Gateway's side of a session: HELLO, the bot's
// IDENTIFY, READY, then whatever Dispatch returns; it reads (and drops)
// heartbeats until the bot hangs up.
func (f *Discord) websocket(w http.ResponseWriter, r *http.Request) {
	c, err := upgrader.Upgrade(w, r, nil)
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
	if f.Dispatch != nil {
		for i, ev := range f.Dispatch(id) {
			ev["op"], ev["s"] = 0, i+2
			c.WriteJSON(ev)
		}
	}
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			return
		}
	}
}

// Calls returns the calls whose method and path match (path prefix).
func (f *Discord) Calls(method, pathPrefix string) []DiscordCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []DiscordCall
	for _, c := range f.calls {
		if c.Method == method && strings.HasPrefix(c.Path, pathPrefix) {
			out = append(out, c)
		}
	}
	return out
}

// All returns every REST call so far.
func (f *Discord) All() []DiscordCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]DiscordCall(nil), f.calls...)
}
