package testenv

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

// Serve starts an HTTP server with the routes an adapter puts on a mux
// (its Routes method), closed when the test ends.
func Serve(t testing.TB, routes func(*http.ServeMux)) *httptest.Server {
	mux := http.NewServeMux()
	routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// Do sends req and returns the status and body, failing the test if the
// request cannot be made.
func Do(t testing.TB, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// SlackSignature is Slack's v0 request signature of body sent at ts (Unix
// seconds), computed here on its own so tests check the adapter's verifier
// against the published scheme rather than against itself.
func SlackSignature(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:", ts)
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// SignSlack sets the headers Slack signs a request with, as at instant at.
func SignSlack(req *http.Request, secret string, body []byte, at time.Time) {
	ts := strconv.FormatInt(at.Unix(), 10)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", SlackSignature(secret, ts, body))
}

// DiscordKey is a generated Ed25519 key pair standing in for Discord's:
// the adapter is given Public, requests are signed with Private.
type DiscordKey struct {
	Public  ed25519.PublicKey
	Private ed25519.PrivateKey
}

// NewDiscordKey generates a key pair.
func NewDiscordKey(t testing.TB) DiscordKey {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return DiscordKey{Public: pub, Private: priv}
}

// Sign sets the headers Discord signs an interaction with (Ed25519 over
// the timestamp and the body), as at instant at.
func (k DiscordKey) Sign(req *http.Request, body []byte, at time.Time) {
	ts := strconv.FormatInt(at.Unix(), 10)
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(k.Private, append([]byte(ts), body...))))
}
