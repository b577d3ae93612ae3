package discord_test

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
)

// call is one request the fake Discord API received.
type call struct {
	Method, Path string
	Body         string // JSON, or the payload_json part of a multipart body
	Files        map[string]string
}

// fakeDiscord is Discord's REST API, recording every call.
type fakeDiscord struct {
	*httptest.Server
	mu    sync.Mutex
	calls []call
	next  int
	fail  func(c call) (status int, header http.Header, body string, ok bool)
}

func newFakeDiscord(t testing.TB) *fakeDiscord {
	f := &fakeDiscord{}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeDiscord) APIURL() string { return f.URL + "/api/v10/" }

func (f *fakeDiscord) serve(w http.ResponseWriter, r *http.Request) {
	c := call{Method: r.Method, Path: strings.TrimPrefix(r.URL.Path, "/api/v10"), Files: map[string]string{}}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(p)
			if p.FormName() == "payload_json" {
				c.Body = string(b)
			} else {
				c.Files[p.FileName()] = string(b)
			}
		}
	} else {
		b, _ := io.ReadAll(r.Body)
		c.Body = string(b)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		if status, h, body, ok := f.fail(c); ok {
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

// Calls returns the calls whose method and path match (path prefix).
func (f *fakeDiscord) Calls(method, pathPrefix string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if c.Method == method && strings.HasPrefix(c.Path, pathPrefix) {
			out = append(out, c)
		}
	}
	return out
}
