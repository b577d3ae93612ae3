package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/testenv"
)

// The browser tests drive Debian's chromium, headless, through the
// dashboard on a known data set: signed in through the link the bot's own
// `/refer dashboard` reply carries, as a member would. `make test`
// installs chromium when it is missing (scripts/ensure-chromium); without
// it these tests skip, unless REFERBOT_BROWSER_REQUIRED is set (CI).
//
// Every page is saved as a screenshot in the test's artifact folder: run
// `go test -run Browser -artifacts -outputdir DIR ./adapters/web` to keep
// them (DIR/TestBrowser_…/…png) and look at them.

// chromiumPath finds the browser or skips the test.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("REFERBOT_BROWSER_REQUIRED") != "" {
		t.Fatal("chromium is missing and REFERBOT_BROWSER_REQUIRED is set: install it (apt-get install chromium) or run `make test`, which does")
	}
	t.Skip("chromium is missing: `make test` installs it (as root); these browser tests skip without it")
	return ""
}

// browserEnv is the known data set behind a real dashboard server, and a
// way to open a browser signed in as one of its members.
type browserEnv struct {
	t      *testing.T
	e      *testenv.Env
	srv    *httptest.Server
	public string
	exec   string
	shots  string
}

const browserPublic = "https://referbot.example"

// newBrowserEnv builds the network: ada (the admin), bea, cid and dan. In
// Q2 2026 bea gave cid a deal won at USD 2,000. In Q3: bea gave cid Acme
// Bakery, won at USD 4,800 and thanked; cid gave bea Globex, lost; dan
// gave bea Initech, still offered.
func newBrowserEnv(t *testing.T) *browserEnv {
	t.Helper()
	exe := chromiumPath(t)
	e := testenv.New(t, testenv.Options{At: time.Date(2026, 5, 11, 9, 0, 0, 0, time.UTC), PublicURL: browserPublic})
	u, _ := url.Parse(browserPublic)
	s := New(e.Bot, Options{PublicURL: u, Log: testenv.Quiet})
	mux := http.NewServeMux()
	s.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	b := &browserEnv{t: t, e: e, srv: srv, public: browserPublic, exec: exe, shots: t.ArtifactDir()}

	b.must("ada", "config")
	for _, who := range []string{"bea", "cid", "dan"} {
		b.must(who, "profile")
	}
	b.must("bea", "@cid Old Client — logo ~2k") // R-1001
	b.must("cid", "accept R-1001")
	b.must("cid", "won R-1001 2000")
	b.must("bea", "confirm R-1001")
	e.Clock.Set(time.Date(2026, 8, 3, 9, 0, 0, 0, time.UTC))
	b.must("bea", "@cid Acme Bakery — new website ~5k") // R-1002
	b.must("cid", "accept R-1002")
	e.Clock.Set(time.Date(2026, 8, 10, 9, 0, 0, 0, time.UTC))
	b.must("cid", "won R-1002 4800")
	b.must("bea", "confirm R-1002")
	b.must("cid", "thanks R-1002 thank you, a great client")
	b.must("cid", "@bea Globex — bookkeeping ~2k") // R-1003
	b.must("bea", "accept R-1003")
	b.must("bea", "lost R-1003 budget cut")
	b.must("dan", "@bea Initech — logo refresh") // R-1004
	e.Clock.Set(time.Date(2026, 8, 14, 9, 0, 0, 0, time.UTC))
	return b
}

func browserID(name string) core.Identity {
	return core.Identity{Platform: core.Slack, TeamID: "T1", TeamName: "Freelancers", UserID: "U" + strings.ToUpper(name), UserName: name}
}

// must types a command as name and fails on an error reply.
func (b *browserEnv) must(name, text string) bot.Message {
	b.t.Helper()
	ms := b.e.Bot.Handle(context.Background(), bot.Request{Identity: browserID(name), Text: text})
	if len(ms) == 0 || ms[0].IsError() {
		b.t.Fatalf("%s: /refer %s: %+v", name, text, ms)
	}
	return ms[0]
}

// link asks for a sign-in link as name, pointed at the test server.
func (b *browserEnv) link(name string) string {
	b.t.Helper()
	l := linkIn.FindString(b.must(name, "dashboard").Text)
	if !strings.HasPrefix(l, b.public+"/dashboard/signin/") {
		b.t.Fatalf("no sign-in link in the reply to %s", name)
	}
	return b.srv.URL + strings.TrimPrefix(l, b.public)
}

// open starts a browser of its own (its own cookies) for one member.
func (b *browserEnv) open(width, height int) context.Context {
	b.t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(b.exec), chromedp.NoSandbox,
		chromedp.WindowSize(width, height))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	b.t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	b.t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	b.t.Cleanup(cancel)
	return ctx
}

// visit navigates and saves a screenshot named for the page.
func (b *browserEnv) visit(ctx context.Context, target, shot string) {
	b.t.Helper()
	if !strings.HasPrefix(target, "http") {
		target = b.srv.URL + target
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(target)); err != nil {
		b.t.Fatalf("open %s: %v", target, err)
	}
	b.shot(ctx, shot)
}

func (b *browserEnv) shot(ctx context.Context, name string) {
	b.t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browserEnv) text(ctx context.Context, sel string) string {
	b.t.Helper()
	// Read again while a page just navigated to replaces its document: a
	// node found in the old one is gone by the time its text is asked
	// ("No node with given id found").
	var s string
	var err error
	for range 50 {
		if s, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel))); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		b.t.Fatalf("read %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

func (b *browserEnv) wantText(ctx context.Context, sel string, want ...string) {
	b.t.Helper()
	got := b.text(ctx, sel)
	for _, w := range want {
		if !strings.Contains(got, w) {
			b.t.Errorf("%s reads %q, want %q in it", sel, got, w)
		}
	}
}

func (b *browserEnv) location(ctx context.Context) string {
	b.t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return loc
}

func TestBrowser_AMemberSignsInReadsTheFiguresAndDownloadsTheCSV(t *testing.T) {
	t.Parallel()
	b := newBrowserEnv(t)
	ctx := b.open(1280, 900)

	// Signed in through the link of the bot's reply: the overview of this quarter.
	b.visit(ctx, b.link("bea"), "01-overview")
	if loc := b.location(ctx); !strings.HasSuffix(loc, "/dashboard/") {
		t.Fatalf("the link landed on %s, want the overview", loc)
	}
	b.wantText(ctx, "h1", "Network overview", "all time")
	b.wantText(ctx, `[data-kpi="given"]`, "4", "est. USD 9,000")
	b.wantText(ctx, `[data-kpi="rcr"]`, "50%")
	b.wantText(ctx, `[data-kpi="revenue"]`, "USD 6,800 from 2 deals")
	b.wantText(ctx, "#funnel-table", "introduced 4", "taken on 3", "won 2")
	b.wantText(ctx, "#network-table", "bea", "cid", "dan")
	b.wantText(ctx, "#givers-table", "bea")
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("figure.chart svg[role=img]").length`)); err != nil || n < 3 {
		t.Errorf("%d accessible charts on the overview (%v), want the trend, funnel and network", n, err)
	}

	// Other periods, through the period form.
	for _, p := range []struct{ period, label, given, rcr, revenue string }{
		{"this-quarter", "Q3 2026", "3", "33.3%", "USD 4,800 from 1 deal"},
		{"2026-Q2", "Q2 2026", "1", "100%", "USD 2,000 from 1 deal"},
	} {
		if err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.CSS("#period"), p.period),
			chromedp.Submit(chromedp.CSS("#period-form"))); err != nil {
			t.Fatal(err)
		}
		b.waitURL(ctx, "period="+p.period)
		b.wantText(ctx, "h1", p.label)
		b.wantText(ctx, `[data-kpi="given"]`, p.given)
		b.wantText(ctx, `[data-kpi="rcr"]`, p.rcr)
		b.wantText(ctx, `[data-kpi="revenue"]`, p.revenue)
	}
	b.shot(ctx, "02-overview-q2")
	b.wantText(ctx, "h1", "Q2 2026")
	b.wantText(ctx, `[data-kpi="given"]`, "1")
	b.wantText(ctx, `[data-kpi="revenue"]`, "USD 2,000")

	// The referrals, and one opened: bea is a party, so she sees the client.
	b.visit(ctx, "/dashboard/referrals?period=all", "03-referrals")
	b.wantText(ctx, "main", "R-1001", "R-1002", "R-1003", "R-1004")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a[href*="/dashboard/referrals/R-1002"]`)),
		chromedp.WaitVisible(chromedp.CSS("#timeline"))); err != nil {
		t.Fatal(err)
	}
	b.shot(ctx, "04-referral")
	b.wantText(ctx, "h1", "R-1002")
	b.wantText(ctx, "#referral-card", "Acme Bakery", "Won USD 4,800")
	b.wantText(ctx, "#timeline", "accepted")

	// Her own page.
	b.visit(ctx, "/dashboard/me", "05-me")
	b.wantText(ctx, "h1", "Your page")
	b.wantText(ctx, "main", "cid")

	// The referrals she may see, downloaded as CSV by the browser.
	// The CSV is streamed: the file is there before its last row, so the
	// test waits for the browser to say the download completed.
	dir := t.TempDir()
	completed := make(chan struct{}, 1)
	if err := chromedp.ListenBrowser(ctx, func(ev any) {
		var state browser.DownloadProgressState
		switch e := ev.(type) {
		case *browser.EventDownloadProgress:
			state = e.State
		case browser.EventDownloadProgress:
			state = e.State
		}
		if state == browser.DownloadProgressStateCompleted {
			select {
			case completed <- struct{}{}:
			default:
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	events := true
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: &events}); err != nil {
		t.Fatal(err)
	}
	b.visit(ctx, "/dashboard/referrals?period=all", "03-referrals")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#referrals-csv"))); err != nil {
		t.Fatal(err)
	}
	select {
	case <-completed:
	case <-time.After(15 * time.Second):
		t.Fatal("the browser never finished downloading the CSV")
	}
	rows := b.downloaded(dir)
	if len(rows) != 5 {
		t.Fatalf("the CSV has %d rows, want a header and 4 referrals: %q", len(rows), rows)
	}
	head := rows[0]
	col := func(name string) int {
		i := slices.Index(head, name)
		if i < 0 {
			t.Fatalf("the CSV has no %q column: %q", name, head)
		}
		return i
	}
	byCode := map[string][]string{}
	for _, r := range rows[1:] {
		byCode[r[col("code")]] = r
	}
	if r := byCode["R-1002"]; r == nil || r[col("client")] != "Acme Bakery" || r[col("stage")] != "won" {
		t.Errorf("R-1002 in the CSV: %q (columns %q)", r, head)
	}
	if r := byCode["R-1004"]; r == nil || r[col("client")] != "Initech" {
		t.Errorf("R-1004 in the CSV: %q", r)
	}
}

// waitURL waits for the browser's address to contain part (a form's GET).
func (b *browserEnv) waitURL(ctx context.Context, part string) {
	b.t.Helper()
	for range 100 {
		if strings.Contains(b.location(ctx), part) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("the browser is at %s, want %q in it", b.location(ctx), part)
}

// downloaded waits for the one file the browser saves in dir and parses it.
func (b *browserEnv) downloaded(dir string) [][]string {
	b.t.Helper()
	for range 200 {
		files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
		if len(files) == 1 {
			f, err := os.Open(files[0])
			if err != nil {
				b.t.Fatal(err)
			}
			defer f.Close()
			rows, err := csv.NewReader(f).ReadAll()
			if err != nil {
				b.t.Fatalf("the downloaded %s is no CSV: %v", filepath.Base(files[0]), err)
			}
			if len(rows) > 0 && len(rows[0]) > 0 {
				rows[0][0] = strings.TrimPrefix(rows[0][0], "\ufeff")
			}
			return rows
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("no CSV downloaded into %s", dir)
	return nil
}

func TestBrowser_OthersSeeNoClientDetailsAndOnlyAdminsTheAdminPage(t *testing.T) {
	t.Parallel()
	b := newBrowserEnv(t)

	// dan gave nothing of R-1002: its page names no client.
	dan := b.open(1280, 900)
	b.visit(dan, b.link("dan"), "06-overview-dan")
	b.visit(dan, "/dashboard/referrals/R-1002", "07-referral-non-party")
	card := b.text(dan, "#referral-card")
	if strings.Contains(card, "Acme") || !strings.Contains(card, "new website") {
		t.Errorf("a non-party reads %q on R-1002: the need, never the client", card)
	}
	b.visit(dan, "/dashboard/admin", "08-admin-refused")
	b.wantText(dan, "#error-message", "admin")

	// ada, the admin, on a phone: the admin page.
	ada := b.open(390, 844)
	b.visit(ada, b.link("ada"), "09-overview-phone")
	b.visit(ada, "/dashboard/admin?period=all", "10-admin")
	b.wantText(ada, "h1", "Admin")
	b.wantText(ada, "main", "Network health", "Abuse flags", "Fees", "Undelivered")

	// Signed out: the pages ask for a new link.
	if err := chromedp.Do(ada, chromedp.Submit(chromedp.CSS(`form[action="/dashboard/signout"]`))); err != nil {
		t.Fatal(err)
	}
	b.waitURL(ada, "signedout")
	b.visit(ada, "/dashboard/", "11-signed-out")
	b.wantText(ada, "body", "/refer dashboard")
}
