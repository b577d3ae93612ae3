package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/testenv"
)

// authEnv is the real bot over a fresh database, the dashboard in front
// of it on an httptest server, and two small pages of the test's own that
// show who is signed in, so the sign-in is tested whatever the real pages
// answer.
type authEnv struct {
	t      *testing.T
	e      *testenv.Env
	srv    *httptest.Server
	public string
	logs   *bytes.Buffer
}

var startOfTest = time.Date(2026, 8, 14, 9, 0, 0, 0, time.UTC)

func newAuthEnv(t *testing.T, public string) *authEnv {
	t.Helper()
	logs := &bytes.Buffer{}
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := testenv.New(t, testenv.Options{At: startOfTest, PublicURL: public, Log: log})
	u, err := url.Parse(public)
	if err != nil {
		t.Fatal(err)
	}
	s := New(e.Bot, Options{PublicURL: u, Log: log})
	s.mux.HandleFunc("GET /dashboard/whoami", s.page(func(w http.ResponseWriter, _ *http.Request, v *Viewer) {
		fmt.Fprintf(w, "signed in: %s of %s", v.Caller.Member.DisplayName, v.Caller.Workspace.ExternalID)
	}))
	s.mux.HandleFunc("POST /dashboard/change", s.form(func(w http.ResponseWriter, _ *http.Request, v *Viewer) {
		fmt.Fprintf(w, "changed for %s", v.Caller.Member.DisplayName)
	}))
	mux := http.NewServeMux()
	s.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &authEnv{t: t, e: e, srv: srv, public: strings.TrimRight(public, "/"), logs: logs}
}

// lockedWriter lets the bot's goroutines and the test share a buffer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

var linkIn = regexp.MustCompile(`\S+/dashboard/signin/\S+`)

// member is a chat user of a workspace.
func member(team, name string) core.Identity {
	return core.Identity{Platform: core.Slack, TeamID: team, UserID: "U" + name, UserName: name}
}

// link asks the bot, as id, for a sign-in link (`/refer dashboard` and
// what follows), and returns it pointed at the test server.
func (a *authEnv) link(id core.Identity, args string) string {
	a.t.Helper()
	ms := a.e.Bot.Handle(context.Background(), bot.Request{Identity: id, Text: strings.TrimSpace("dashboard " + args)})
	if len(ms) != 1 || ms[0].Visibility != bot.Ephemeral {
		a.t.Fatalf("/refer dashboard answered %+v", ms)
	}
	l := linkIn.FindString(ms[0].Text)
	if !strings.HasPrefix(l, a.public+"/dashboard/signin/") {
		a.t.Fatalf("no link under %s in %q", a.public, ms[0].Text)
	}
	return a.srv.URL + strings.TrimPrefix(l, a.public)
}

// do sends a request with the cookies given, following no redirect.
func (a *authEnv) do(method, target string, body url.Values, cookies []*http.Cookie, header http.Header) *http.Response {
	a.t.Helper()
	if !strings.HasPrefix(target, "http") {
		target = a.srv.URL + target
	}
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(body.Encode())
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	a.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// signIn visits a fresh link of id and returns the session cookie set.
func (a *authEnv) signIn(id core.Identity) *http.Cookie {
	a.t.Helper()
	resp := a.do("GET", a.link(id, ""), nil, nil, nil)
	if resp.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("sign-in answered %d: %s", resp.StatusCode, readBody(a.t, resp))
	}
	return cookieNamed(a.t, resp, sessionCookie)
}

func cookieNamed(t *testing.T, resp *http.Response, name string) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s cookie set; Set-Cookie: %q", name, resp.Header.Values("Set-Cookie"))
	return nil
}

// wantSecurityHeaders checks the headers every /dashboard/ response carries.
func wantSecurityHeaders(t *testing.T, what string, resp *http.Response) {
	t.Helper()
	for h, want := range map[string]string{
		"Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "no-store",
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s: %s is %q, want %q", what, h, got, want)
		}
	}
}

// wantRefused checks a refusal: the status, a page saying how to get a
// link, and none of the page's data.
func wantRefused(t *testing.T, what string, resp *http.Response, status int) {
	t.Helper()
	body := readBody(t, resp)
	if resp.StatusCode != status {
		t.Errorf("%s: status %d, want %d", what, resp.StatusCode, status)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, "<h1>") {
		t.Errorf("%s: not an HTML page: %q", what, body)
	}
	if status == http.StatusUnauthorized && !strings.Contains(body, "/refer dashboard") {
		t.Errorf("%s: the page doesn't say how to get a link:\n%s", what, body)
	}
	if strings.Contains(body, "signed in:") || strings.Contains(body, "changed for") {
		t.Errorf("%s: the page was served:\n%s", what, body)
	}
	wantSecurityHeaders(t, what, resp)
}

func TestSignIn_TheBotsLinkSetsTheSessionCookieAndOpensTheDashboard(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, "http://localhost:8080")
	bob := member("T1", "bob")
	resp := a.do("GET", a.link(bob, ""), nil, nil, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard/" {
		t.Fatalf("sign-in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	wantSecurityHeaders(t, "sign-in", resp)
	var set string
	for _, h := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(h, sessionCookie+"=") {
			set = h
		}
	}
	for _, attr := range []string{"Path=/dashboard/", "Max-Age=43200", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(set, "; "+attr) {
			t.Errorf("session cookie %q lacks %s", set, attr)
		}
	}
	if strings.Contains(set, "Secure") {
		t.Errorf("session cookie %q is Secure over http: the browser would never send it back", set)
	}
	c := cookieNamed(t, resp, sessionCookie)
	page := a.do("GET", "/dashboard/whoami", nil, []*http.Cookie{c}, nil)
	if body := readBody(t, page); page.StatusCode != http.StatusOK || body != "signed in: bob of T1" {
		t.Fatalf("page: %d %q", page.StatusCode, body)
	}
	wantSecurityHeaders(t, "page", page)
	// The overview itself lets the member in (whatever it then shows).
	if over := a.do("GET", "/dashboard/", nil, []*http.Cookie{c}, nil); over.StatusCode == http.StatusUnauthorized || over.StatusCode == http.StatusForbidden {
		t.Errorf("overview refused a signed-in member: %d", over.StatusCode)
	}
}

func TestSignIn_CookieIsSecureWhenThePublicURLIsHTTPS(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, "https://referbot.example.com/")
	resp := a.do("GET", a.link(member("T1", "bob"), ""), nil, nil, nil)
	if c := cookieNamed(t, resp, sessionCookie); !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
		t.Fatalf("cookie %+v: want Secure, HttpOnly, SameSite=Lax", c)
	}
}

func TestSignIn_GoesToThePeriodOrThePageAskedForBefore(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, "http://localhost:8080")
	bob := member("T1", "bob")
	resp := a.do("GET", a.link(bob, "last-quarter"), nil, nil, nil)
	if got := resp.Header.Get("Location"); got != "/dashboard/?period=2026-Q2" {
		t.Errorf("link for last-quarter goes to %q", got)
	}
	// The quarterly post links to its quarter: a member not signed in is
	// refused, then lands there once signed in.
	asked := a.do("GET", "/dashboard/whoami?period=2026-Q3", nil, nil, nil)
	wantRefused(t, "signed out", asked, http.StatusUnauthorized)
	next := cookieNamed(t, asked, nextCookie)
	resp = a.do("GET", a.link(bob, ""), nil, []*http.Cookie{next}, nil)
	if got := resp.Header.Get("Location"); got != "/dashboard/whoami?period=2026-Q3" {
		t.Errorf("sign-in goes to %q, want the page asked for", got)
	}
	// A next page that is not the dashboard's is ignored.
	for _, bad := range []string{"https://evil.example/", "//evil.example/dashboard/", "/dashboard/signin/123", "/elsewhere"} {
		resp = a.do("GET", a.link(bob, ""), nil, []*http.Cookie{{Name: nextCookie, Value: bad}}, nil)
		if got := resp.Header.Get("Location"); got != "/dashboard/" {
			t.Errorf("next %q: sign-in goes to %q", bad, got)
		}
	}
}

func TestRefused_NoSessionUsedExpiredOrForgedLinks(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, "http://localhost:8080")
	bob := member("T1", "bob")
	a.link(member("T1", "organiser"), "") // the first member, an admin
	wantRefused(t, "no session", a.do("GET", "/dashboard/whoami", nil, nil, nil), http.StatusUnauthorized)
	wantRefused(t, "no session, overview", a.do("GET", "/dashboard/", nil, nil, nil), http.StatusUnauthorized)
	wantRefused(t, "no session, CSV", a.do("GET", "/dashboard/referrals.csv", nil, nil, nil), http.StatusUnauthorized)

	used := a.link(bob, "")
	if resp := a.do("GET", used, nil, nil, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first visit: %d", resp.StatusCode)
	}
	second := a.do("GET", used, nil, nil, nil)
	for _, c := range second.Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			t.Error("a used link set a session cookie")
		}
	}
	wantRefused(t, "used link", second, http.StatusUnauthorized)

	expiring := a.link(bob, "")
	a.e.Clock.Add(core.SignInLinkTTL)
	wantRefused(t, "expired link", a.do("GET", expiring, nil, nil, nil), http.StatusUnauthorized)

	genuine := a.link(bob, "")
	token := genuine[strings.LastIndex(genuine, "/")+1:]
	f := strings.Split(token, ".")
	forge := func(i int, v string) string {
		g := append([]string(nil), f...)
		g[i] = v
		return a.srv.URL + "/dashboard/signin/" + strings.Join(g, ".")
	}
	for what, link := range map[string]string{
		"bad MAC":             forge(4, strings.Repeat("ab", 32)),
		"another member's id": forge(1, "1"),
		"another workspace":   forge(0, "2"),
		"a later expiry":      forge(3, "99999999999"),
		"not a token":         a.srv.URL + "/dashboard/signin/hello",
		"the session cookie":  a.srv.URL + "/dashboard/signin/" + a.signIn(bob).Value,
		"digits only":         a.srv.URL + "/dashboard/signin/" + strings.Repeat("1", 20),
	} {
		resp := a.do("GET", link, nil, nil, nil)
		wantRefused(t, "forged link: "+what, resp, http.StatusUnauthorized)
	}
	// The forgeries left the genuine link usable.
	if resp := a.do("GET", genuine, nil, nil, nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the genuine link after the forgeries: %d", resp.StatusCode)
	}
}

func TestRefused_TamperedCookieOrAnotherWorkspacesSession(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, "http://localhost:8080")
	alice, bob := a.signIn(member("T1", "alice")), a.signIn(member("T2", "bob"))
	af, bf := strings.Split(alice.Value, "."), strings.Split(bob.Value, ".")
	swap := func(f []string, i int, v string) *http.Cookie {
		g := append([]string(nil), f...)
		g[i] = v
		return &http.Cookie{Name: sessionCookie, Value: strings.Join(g, ".")}
	}
	for what, c := range map[string]*http.Cookie{
		"bob's session naming alice's workspace": swap(bf, 0, af[0]),
		"bob's session naming alice":             swap(bf, 1, af[1]),
		"alice's session id under bob's MAC":     swap(bf, 2, af[2]),
		"a longer session":                       swap(af, 3, "99999999999"),
		"a flipped MAC":                          swap(af, 4, strings.Repeat("0", 64)),
		"garbage":                                {Name: sessionCookie, Value: "admin"},
	} {
		resp := a.do("GET", "/dashboard/whoami", nil, []*http.Cookie{c}, nil)
		wantRefused(t, what, resp, http.StatusUnauthorized)
		if got := cookieNamed(t, resp, sessionCookie); got.MaxAge >= 0 {
			t.Errorf("%s: the bad cookie was not cleared: %+v", what, got)
		}
	}
	// Each genuine session still sees its own workspace.
	for c, want := range map[*http.Cookie]string{alice: "alice of T1", bob: "bob of T2"} {
		if body := readBody(t, a.do("GET", "/dashboard/whoami", nil, []*http.Cookie{c}, nil)); body != "signed in: "+want {
			t.Errorf("%q, want %s", body, want)
		}
	}
}

func TestRefused_ARemovedMembersSession(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, "http://localhost:8080")
	org := member("T1", "organiser")
	a.link(org, "")
	c := a.signIn(member("T1", "mallory"))
	if ms := a.e.Bot.Handle(context.Background(), bot.Request{Identity: org, Text: "config remove <@Umallory>"}); ms[0].IsError() {
		t.Fatalf("remove: %+v", ms[0])
	}
	resp := a.do("GET", "/dashboard/whoami", nil, []*http.Cookie{c}, nil)
	wantRefused(t, "removed member", resp, http.StatusForbidden)
	if body := readBody(t, a.do("GET", "/dashboard/whoami", nil, []*http.Cookie{c}, nil)); !strings.Contains(body, "no longer a member") {
		t.Errorf("a removed member isn't told why: %q", body)
	}
	ms := a.e.Bot.Handle(context.Background(), bot.Request{Identity: member("T1", "mallory"), Text: "dashboard"})
	if !ms[0].IsError() || linkIn.MatchString(ms[0].Text) {
		t.Errorf("a removed member got a link: %+v", ms[0])
	}
}

func TestForm_RefusedWithoutTheSessionsCSRFToken(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, "http://localhost:8080")
	bob := member("T1", "bob")
	c, other := a.signIn(bob), a.signIn(member("T1", "carol"))
	csrf := func(c *http.Cookie) string {
		s, err := a.e.Bot.Session(context.Background(), c.Value)
		if err != nil {
			t.Fatal(err)
		}
		return s.CSRF
	}
	mine, theirs := csrf(c), csrf(other)
	cookies := []*http.Cookie{c}
	for what, resp := range map[string]*http.Response{
		"no token":               a.do("POST", "/dashboard/change", url.Values{"x": {"1"}}, cookies, nil),
		"a wrong token":          a.do("POST", "/dashboard/change", url.Values{CSRFField: {strings.Repeat("0", 64)}}, cookies, nil),
		"another session's":      a.do("POST", "/dashboard/change", url.Values{CSRFField: {theirs}}, cookies, nil),
		"a token in the query":   a.do("POST", "/dashboard/change?"+CSRFField+"="+mine, url.Values{}, cookies, nil),
		"a wrong header":         a.do("POST", "/dashboard/change", nil, cookies, http.Header{CSRFHeader: {theirs}}),
		"an empty token":         a.do("POST", "/dashboard/change", url.Values{CSRFField: {""}}, cookies, nil),
		"the session's own MAC":  a.do("POST", "/dashboard/change", url.Values{CSRFField: {strings.Split(c.Value, ".")[4]}}, cookies, nil),
		"a token of a truncated": a.do("POST", "/dashboard/change", url.Values{CSRFField: {mine[:32]}}, cookies, nil),
	} {
		wantRefused(t, "POST with "+what, resp, http.StatusForbidden)
	}
	wantRefused(t, "POST without a session", a.do("POST", "/dashboard/change", url.Values{CSRFField: {mine}}, nil, nil), http.StatusUnauthorized)
	for what, resp := range map[string]*http.Response{
		"form field": a.do("POST", "/dashboard/change", url.Values{CSRFField: {mine}}, cookies, nil),
		"header":     a.do("POST", "/dashboard/change", nil, cookies, http.Header{CSRFHeader: {mine}}),
	} {
		if body := readBody(t, resp); resp.StatusCode != http.StatusOK || body != "changed for bob" {
			t.Errorf("the right token in a %s: %d %q", what, resp.StatusCode, body)
		}
	}
}

func TestSignOut_EndsTheSessionEverywhere(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, "http://localhost:8080")
	c := a.signIn(member("T1", "bob"))
	s, err := a.e.Bot.Session(context.Background(), c.Value)
	if err != nil {
		t.Fatal(err)
	}
	wantRefused(t, "sign-out without the token", a.do("POST", "/dashboard/signout", url.Values{}, []*http.Cookie{c}, nil), http.StatusForbidden)
	resp := a.do("POST", "/dashboard/signout", url.Values{CSRFField: {s.CSRF}}, []*http.Cookie{c}, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard/signedout" {
		t.Fatalf("sign-out: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := cookieNamed(t, resp, sessionCookie); got.MaxAge >= 0 || got.Value != "" {
		t.Errorf("sign-out left the cookie: %+v", got)
	}
	// A copy of the cookie kept elsewhere no longer works.
	wantRefused(t, "after sign-out", a.do("GET", "/dashboard/whoami", nil, []*http.Cookie{c}, nil), http.StatusUnauthorized)
	out := a.do("GET", "/dashboard/signedout", nil, nil, nil)
	if body := readBody(t, out); out.StatusCode != http.StatusOK || !strings.Contains(body, "signed out") {
		t.Errorf("signed-out page: %d %q", out.StatusCode, body)
	}
}

func TestSignIn_ALinkPreviewDoesNotUseTheLinkUp(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, "http://localhost:8080")
	link := a.link(member("T1", "bob"), "")
	for _, ua := range []string{"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
		"Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)"} {
		resp := a.do("GET", link, nil, nil, http.Header{"User-Agent": {ua}})
		if resp.StatusCode != http.StatusOK || len(resp.Cookies()) > 0 {
			t.Errorf("%s: %d, cookies %v", ua, resp.StatusCode, resp.Cookies())
		}
	}
	if resp := a.do("HEAD", link, nil, nil, nil); resp.StatusCode != http.StatusOK || len(resp.Cookies()) > 0 {
		t.Errorf("HEAD: %d", resp.StatusCode)
	}
	if resp := a.do("GET", link, nil, nil, nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the member's own visit after the previews: %d", resp.StatusCode)
	}
}

func TestSignIn_TokensAndCookiesAreNeverLogged(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, "http://localhost:8080")
	bob := member("T1", "bob")
	link := a.link(bob, "")
	resp := a.do("GET", link, nil, nil, nil)
	c := cookieNamed(t, resp, sessionCookie)
	a.do("GET", link, nil, nil, nil) // used: refused
	a.do("GET", "/dashboard/whoami", nil, []*http.Cookie{c}, nil)
	a.do("GET", "/dashboard/", nil, []*http.Cookie{c}, nil)
	token := link[strings.LastIndex(link, "/")+1:]
	logs := a.logs.String()
	for _, want := range []string{"dashboard: signed in", "member=1", "dashboard: refused", "used already"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %q:\n%s", want, logs)
		}
	}
	for what, secret := range map[string]string{"link token": token, "cookie": c.Value,
		"link's MAC": strings.Split(token, ".")[4], "cookie's MAC": strings.Split(c.Value, ".")[4]} {
		if strings.Contains(logs, secret) {
			t.Errorf("the %s is in the log:\n%s", what, logs)
		}
	}
}

func TestSecure_HeadersOnEveryDashboardResponse(t *testing.T) {
	t.Parallel()
	a := newAuthEnv(t, "http://localhost:8080")
	for _, path := range []string{"/dashboard/", "/dashboard/nowhere", "/dashboard/signedout", "/dashboard/signin/x"} {
		wantSecurityHeaders(t, path, a.do("GET", path, nil, nil, nil))
	}
}
