package testenv

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// SlackCall is one request the fake Slack received.
type SlackCall struct {
	Method string         // "chat.postMessage", "response" for a response_url, "upload", ...
	Form   url.Values     // form-encoded Web API calls
	JSON   map[string]any // JSON calls (views.*, response_url)
}

// Text is everything a call would show: its text and blocks.
func (c SlackCall) Text() string {
	if c.Form != nil {
		return c.Form.Get("text") + c.Form.Get("blocks")
	}
	b, _ := json.Marshal(c.JSON)
	return string(b)
}

// Slack is a fake Slack Web API, response_url and file-upload host that
// records every call, so tests see exactly what referbot asked Slack to
// do. Point slack-go at APIURL (slack.OptionAPIURL) and give requests
// response_urls under URL+"/response/".
type Slack struct {
	*httptest.Server
	mu    sync.Mutex
	calls []SlackCall
	ts    int
	// Fail, if set, may answer a call instead of the fake (a 429, say).
	// Set it before the first call.
	Fail func(method string) (status int, header http.Header, body string, ok bool)
	// Hold, if set, sees each call before it is answered and may keep it
	// waiting (a call that hangs); other calls go on meanwhile.
	Hold func(c SlackCall)
}

// NewSlack starts a fake Slack, closed when the test ends.
func NewSlack(t testing.TB) *Slack {
	f := &Slack{}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// APIURL is the Web API's base URL.
func (f *Slack) APIURL() string { return f.URL + "/api/" }

func (f *Slack) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c := SlackCall{Method: strings.TrimPrefix(r.URL.Path, "/api/")}
	if strings.HasPrefix(r.URL.Path, "/response/") {
		c.Method = "response"
	}
	if strings.HasPrefix(r.URL.Path, "/upload/") {
		c.Method, c.Form = "upload", url.Values{"body": {string(body)}}
		f.mu.Lock()
		f.calls = append(f.calls, c)
		f.mu.Unlock()
		return
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		json.Unmarshal(body, &c.JSON)
	} else {
		c.Form, _ = url.ParseQuery(string(body))
	}
	if f.Hold != nil {
		f.Hold(c)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Fail != nil {
		if status, h, b, ok := f.Fail(c.Method); ok {
			for k, v := range h {
				w.Header()[k] = v
			}
			w.WriteHeader(status)
			io.WriteString(w, b)
			return
		}
	}
	f.calls = append(f.calls, c)
	w.Header().Set("Content-Type", "application/json")
	f.answer(w, c)
}

// answer writes what Slack would for c: users are named after their ids
// (UALICE is alice, "Alice"; UADMIN is a workspace admin), a post to a
// user lands in the DM with them, and every post gets a new ts.
func (f *Slack) answer(w io.Writer, c SlackCall) {
	switch c.Method {
	case "users.info":
		id := c.Form.Get("user")
		name := strings.ToUpper(id[1:2]) + strings.ToLower(id[2:])
		fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"name":%q,"real_name":%q,"profile":{"display_name":%q},"is_admin":%t}}`,
			id, strings.ToLower(id[1:]), name, name, id == "UADMIN")
	case "chat.postMessage", "chat.update":
		ch := c.Form.Get("channel")
		if strings.HasPrefix(ch, "U") {
			ch = "D" + ch[1:] // a user id posts to the app's DM with them
		}
		ts := c.Form.Get("ts")
		if ts == "" {
			f.ts++
			ts = fmt.Sprintf("1700000000.%06d", f.ts)
		}
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, ch, ts)
	case "conversations.open":
		fmt.Fprintf(w, `{"ok":true,"channel":{"id":"D%s"}}`, strings.TrimPrefix(c.Form.Get("users"), "U"))
	case "files.getUploadURLExternal":
		fmt.Fprintf(w, `{"ok":true,"upload_url":"%s/upload/F1","file_id":"F1"}`, f.URL)
	case "files.completeUploadExternal":
		io.WriteString(w, `{"ok":true,"files":[{"id":"F1","title":"export"}]}`)
	case "views.open", "views.publish":
		io.WriteString(w, `{"ok":true,"view":{"id":"V123"}}`)
	case "response":
		io.WriteString(w, `{"ok":true}`)
	default:
		io.WriteString(w, `{"ok":false,"error":"unknown_method"}`)
	}
}

// Calls returns the calls of a method so far.
func (f *Slack) Calls(method string) []SlackCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []SlackCall
	for _, c := range f.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// All returns every call so far.
func (f *Slack) All() []SlackCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]SlackCall(nil), f.calls...)
}
