package web

import (
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/referbot/referbot/core"
)

// card is the text of the KPI card with data-kpi id, tags stripped.
func card(t *testing.T, html, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<li class="kpi" data-kpi="` + regexp.QuoteMeta(id) + `">(.*?)</li>`).FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no KPI card %q in the page", id)
	}
	return strings.Join(strings.Fields(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], " ")), " ")
}

// tableText is the text of the table with id, a row per line, cells
// joined by " | ".
func tableText(t *testing.T, html, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<table id="` + regexp.QuoteMeta(id) + `">(.*?)</table>`).FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no table %q in the page", id)
	}
	var rows []string
	for _, tr := range regexp.MustCompile(`(?s)<tr>(.*?)</tr>`).FindAllStringSubmatch(m[1], -1) {
		var cells []string
		for _, td := range regexp.MustCompile(`(?s)<t[dh][^>]*>(.*?)</t[dh]>`).FindAllStringSubmatch(tr[1], -1) {
			inner := regexp.MustCompile(`</span><span>`).ReplaceAllString(td[1], " / ")
			cells = append(cells, strings.TrimSpace(unescape(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(inner, ""))))
		}
		rows = append(rows, strings.Join(cells, " | "))
	}
	return strings.Join(rows, "\n")
}

func unescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#39;", "'", "&#34;", `"`, "&quot;", `"`).Replace(s)
}

func wantIn(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

// fetch gets path, which must answer 200 with the content type.
func fetch(t *testing.T, s *Server, path, contentType string) *httptest.ResponseRecorder {
	t.Helper()
	w := get(t, s, path)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != contentType {
		t.Errorf("GET %s: Content-Type %q, want %q", path, ct, contentType)
	}
	return w
}

// ok is the page at path.
func ok(t *testing.T, s *Server, path string) string {
	t.Helper()
	return fetch(t, s, path, "text/html; charset=utf-8").Body.String()
}

func TestOverview_KPICardsSayTheFiguresAsChatDoes(t *testing.T) {
	t.Parallel()
	html := ok(t, testServer(&fakeData{}, viewer(bob)), "/dashboard/")
	for id, want := range map[string]string{
		"given":          "Referrals given 42 est. USD 212,000 · EUR 18,000",
		"received":       "Received by a partner 37 31 taken on; 12 won, 6 lost, 13 in progress",
		"rcr":            "Conversion rate (RCR) 32.4% won ÷ received × 100",
		"revenue":        "Revenue from referrals USD 86,400 from 11 deals EUR withheld: fewer than 3 deals",
		"avg-deal":       "Average deal USD 7,854.55 EUR withheld: fewer than 3 deals 12 deals",
		"median-days":    "Median time to close 23.5 days",
		"active":         "Active members (12 months) 6",
		"thanks-latency": "Thank-you latency 18.4 h median after acceptance; 9 thank-yous given",
		"satisfaction":   "Client satisfaction 4.6 / 5 8 ratings",
	} {
		if got := card(t, html, id); got != want {
			t.Errorf("card %s reads %q\nwant %q", id, got, want)
		}
	}
	wantIn(t, "overview", html, "The amounts of 1 referral are private to their parties, so they are left out of each member&#39;s figures")
	wantIn(t, "top givers", tableText(t, html, "givers-table"), "1 | @alice | 4 | USD 32,000 | 13", "3 | @bob | 3 | USD 18,500 | 9")
	wantIn(t, "most improved", tableText(t, html, "improved-table"), "@carol | 3 | 0 | 8 | 4")
	wantIn(t, "overview", html, "<caption>Most improved (against Q2 2026)</caption>")
	wantIn(t, "first wins", tableText(t, html, "first-wins-table"), "@farid | R-1187 | 2026-09-14 | a referral they gave")
	wantIn(t, "by member", tableText(t, html, "members-table"), "@bob | 9 | 12 | USD 18,500 | USD 41,400 | 2 |", "@farid | 2 | 0 | USD 0 | USD 0 | 0 |")
	wantIn(t, "overview", html, `href="/dashboard/members/16"`, `href="/dashboard/referrals/R-1187"`)
}

func TestOverview_EveryChartIsAnAccessibleSVGWithItsFiguresInATableUnder(t *testing.T) {
	t.Parallel()
	html := ok(t, testServer(&fakeData{}, viewer(bob)), "/dashboard/")
	svgs := regexp.MustCompile(`(?s)<svg .*?</svg>`).FindAllString(html, -1)
	if len(svgs) != 3 {
		t.Fatalf("%d charts, want trend, funnel and network", len(svgs))
	}
	for _, svg := range svgs {
		wellFormed(t, svg)
		for _, want := range []string{`role="img"`, `viewBox="0 0 `, "<title id=", "<desc id=", `aria-labelledby="`} {
			if !strings.Contains(svg, want) {
				t.Errorf("chart lacks %s: %.200s", want, svg)
			}
		}
	}
	for id, wants := range map[string][]string{
		"trend":   {"Quarter | Given | Won | Conversion rate | Revenue", "Q2 2026 | 35 | 9 | 30% | USD 61,050 from 8 deals / EUR 12,500.50 from 1 deal", "Q3 2026 | 42 | 12 | 32.4% | USD 86,400 from 11 deals / EUR withheld: fewer than 3 deals"},
		"funnel":  {"introduced | 42 | 100%", "taken on | 31 | 73.8%", "won | 12 | 28.6%"},
		"network": {"@alice | @bob | 7 | 3", "@farid | @bob | 2 | 0"},
	} {
		figure := regexp.MustCompile(`(?s)<figure class="chart" id="` + id + `">.*?</figure>`).FindString(html)
		if !strings.Contains(figure, "<svg ") || !strings.Contains(figure, `<table id="`+id+`-table">`) {
			t.Errorf("figure %s has no chart with its table under it", id)
		}
		wantIn(t, id+" table", tableText(t, html, id+"-table"), wants...)
		wantIn(t, id+" figure", figure, `href="/dashboard/`+id+`.csv"`)
	}
	wantIn(t, "overview", html, "The 6 most active members are shown; 2 members less active are left out.")
	wantIn(t, "network chart", svgs[2], ">alice</text>", ">farid</text>", "alice → bob: 7 referrals, 3 won", "marker-end=")
	wantIn(t, "trend chart", svgs[0], "Q2 2026: 35 given, 9 won")
}

// wellFormed fails unless doc is well-formed XML, no element repeating
// an attribute.
func wellFormed(t *testing.T, doc string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(doc))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%.300s", err, doc)
		}
		if el, ok := tok.(xml.StartElement); ok {
			seen := map[string]bool{}
			for _, a := range el.Attr {
				if seen[a.Name.Local] {
					t.Fatalf("<%s> repeats the attribute %s", el.Name.Local, a.Name.Local)
				}
				seen[a.Name.Local] = true
			}
		}
	}
}

func TestPages_PeriodFormAndLinksKeepThePeriod(t *testing.T) {
	t.Parallel()
	data := &fakeData{}
	s := testServer(data, viewer(bob))
	for _, path := range []string{"/dashboard/", "/dashboard/me", "/dashboard/members/12", "/dashboard/referrals"} {
		html := ok(t, s, path+"?period=2026-01..2026-06")
		wantIn(t, path, html, `<input id="period" name="period" value="2026-01..2026-06"`,
			`href="/dashboard/?period=2026-01..2026-06"`, `href="/dashboard/referrals?period=2026-01..2026-06"`)
	}
	if !slices.Equal(data.periods, []string{"2026-01..2026-06", "2026-01..2026-06", "2026-01..2026-06"}) {
		t.Errorf("periods asked of the read models: %q", data.periods)
	}
	if q := data.queries[0]; q.Period != "2026-01..2026-06" {
		t.Errorf("referrals asked for period %q", q.Period)
	}
}

func TestPages_SignOutFormCarriesTheCSRFTokenAndAdminLinkOnlyForAdmins(t *testing.T) {
	t.Parallel()
	html := ok(t, testServer(&fakeData{}, viewer(bob)), "/dashboard/")
	wantIn(t, "page", html, `<form class="signout" method="post" action="/dashboard/signout">`,
		`<input type="hidden" name="csrf" value="csrf-token-for-bob">`)
	if strings.Contains(html, `id="nav-admin"`) {
		t.Error("a member who is no admin gets the Admin link")
	}
	if html := ok(t, testServer(&fakeData{}, viewer(alice)), "/dashboard/"); !strings.Contains(html, `id="nav-admin" href="/dashboard/admin"`) {
		t.Error("an admin gets no Admin link")
	}
}

func TestReferrals_FiltersReachTheQueryAndThePagerKeepsThem(t *testing.T) {
	t.Parallel()
	data := &fakeData{}
	html := ok(t, testServer(data, viewer(bob)), "/dashboard/referrals?stage=won&stage=contacted&partner=12&tag=%23web-dev&period=2026-Q3&page=2")
	q := data.queries[0]
	if !slices.Equal(q.Stages, []core.Status{core.StatusWon, core.StatusContacted}) || q.PartnerID != 12 || q.Tag != "web-dev" ||
		q.Period != "2026-Q3" || q.Page != 2 || q.PageSize != 0 {
		t.Errorf("query %+v", q)
	}
	keep := "partner=12&amp;period=2026-Q3&amp;stage=won&amp;stage=contacted&amp;tag=%23web-dev"
	wantIn(t, "pager", html,
		`<a rel="prev" href="/dashboard/referrals?page=1&amp;`+keep+`">Previous</a>`,
		`<a rel="next" href="/dashboard/referrals?page=3&amp;`+keep+`">Next</a>`,
		`<span aria-current="page">2</span>`,
		`value="won" checked>`, `value="contacted" checked>`, `<option value="12" selected>@bob</option>`,
		`<input id="filter-tag" name="tag" value="web-dev"`,
		`href="/dashboard/referrals.csv?`+keep+`"`)
	if strings.Contains(html, "page=4") {
		t.Error("a pager link past the last page (120 referrals, 50 a page)")
	}
	list := tableText(t, html, "referrals-table")
	wantIn(t, "list", list, "R-1042 | 2026-08-04 | @alice | @bob | Acme Bakery | new website and online shop | #web-dev | won | USD 4,800",
		"R-1043 | 2026-08-04 | @carol | @dan | the client | bookkeeping for a studio | #web-dev | contacted | private to the parties",
		"R-1044 | 2026-08-04 | @erin | nobody yet | the client | product photos for a shop | #photography | open | est. USD 5,000")
}

func TestReferral_TimelineAndClientDetailsOnlyAsTheReadModelGaveThem(t *testing.T) {
	t.Parallel()
	party := ok(t, testServer(&fakeData{}, viewer(bob)), "/dashboard/referrals/R-1042")
	wantIn(t, "party's page", party, "<dt>Client</dt>\n<dd>Acme Bakery</dd>", "jane@acme.example (private)",
		"<li>4 Aug 2026 12:00 — @alice made the referral</li>", "<li>5 Aug 2026 10:00 — @bob accepted</li>",
		"@bob said thank you: “thank you, Alice!”")

	public := fakeDetail()
	public.Referral = public.Referral.Public()
	html := ok(t, testServer(&fakeData{detail: public}, viewer(erin)), "/dashboard/referrals/1042")
	for _, secret := range []string{"Acme", "jane@acme.example", "Client</dt>"} {
		if strings.Contains(html, secret) {
			t.Errorf("a non-party's page shows %q", secret)
		}
	}
	wantIn(t, "non-party's page", html, "Referral R-1042", "new website and online shop", "@bob accepted")
}

func TestMemberPage_FiguresPartnersAndTheNextTouchpointDue(t *testing.T) {
	t.Parallel()
	data := &fakeData{}
	s := testServer(data, viewer(alice))
	html := ok(t, s, "/dashboard/members/12")
	for id, want := range map[string]string{
		"given":           "Referrals given 9 est. USD 36,000",
		"received":        "Referrals received 12 est. USD 51,000; 5 won, 2 lost, 5 in progress",
		"reciprocity":     "Reciprocity balance -USD 22,900 given − received won value",
		"generated":       "Business generated for others USD 18,500 from 3 deals",
		"thanks-given":    "Thank-yous given 3",
		"thanks-received": "Thank-yous received 2",
	} {
		if got := card(t, html, id); got != want {
			t.Errorf("card %s reads %q\nwant %q", id, got, want)
		}
	}
	wantIn(t, "partners", tableText(t, html, "partners-table"),
		"@alice | strategic | 4 / 5 | 11 | 16 | 2026-08-03 | 2026-09-02 (overdue)",
		"@dan | advocate | — | 5 | 0 | never | not scheduled")
	wantIn(t, "page", html, "@bob — Q3 2026", `href="/dashboard/members/12/partners.csv"`)
	ok(t, s, "/dashboard/me")
	if !slices.Equal(data.members, []int64{12, 11}) {
		t.Errorf("member pages asked for %v, want bob's then the viewer's own", data.members)
	}
}

func TestAdmin_HealthFlagsFeesAndUndelivered(t *testing.T) {
	t.Parallel()
	html := ok(t, testServer(&fakeData{}, viewer(alice)), "/dashboard/admin")
	if got := card(t, html, "last-30"); got != "Referrals, last 30 days 11 17 in the 30 days before" {
		t.Errorf("last-30 card: %q", got)
	}
	wantIn(t, "admin", html, "1 flag dismissed before, with no new evidence since, not shown.")
	wantIn(t, "health", tableText(t, html, "health-table"), "Only taking | @erin", "Gone quiet | @farid")
	wantIn(t, "flags", tableText(t, html, "flags-table"),
		"F-3a9c1e | Referrals in a circle with finder's fees: @bob → @dan → @carol → @bob | R-1101, R-1107, R-1112",
		"F-77b2d0 | The same client referred 14 times | R-1120, R-1131, R-1140, R-1152, and 10 earlier")
	wantIn(t, "fee totals", tableText(t, html, "fee-totals-table"), "@alice | nothing | owed USD 480", "@bob | owed USD 480 | nothing")
	wantIn(t, "fees", tableText(t, html, "fees-table"), "R-1051 | @carol → @erin | Globex | private to the parties | paid | 2026-09-10",
		"R-1042 | @alice → @bob | Acme Bakery | USD 480 | owed | USD 4,800 2026-09-01")
	wantIn(t, "fees unlisted", html, "The newest 2 fees are listed, and 3 more, counted in the totals above: the CSV below lists every one.")
	wantIn(t, "undelivered", tableText(t, html, "undelivered-table"), "2026-09-28 08:00 | @bob |", "slack: channel_not_found")
}

func TestPages_ReadModelErrorsBecomeAPageWithTheirStatusAndMessage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, path string
		err        error
		status     int
		wants      []string
	}{
		{"forbidden", "/dashboard/admin", core.Errorf(core.EFORBIDDEN, "Only admins can see this page.").WithHint("Ask an admin of your network."),
			403, []string{"Only admins can see this page.", "Ask an admin of your network."}},
		{"not found", "/dashboard/members/99", core.Errorf(core.ENOTFOUND, "There is no member 99 in this network."),
			404, []string{"There is no member 99 in this network."}},
		{"bad period", "/dashboard/?period=someday", core.Errorf(core.EINVALID, "I don't know the period %q.", "someday").WithHint("Try all, this-quarter."),
			400, []string{"I don&#39;t know the period &#34;someday&#34;.", "Try all, this-quarter.", `value="someday"`}},
		{"our fault", "/dashboard/referrals", errors.New(`ERROR: relation "referrals" does not exist (SQLSTATE 42P01)`),
			500, []string{"Something went wrong on our side"}},
		{"bad code", "/dashboard/referrals/R-x", nil, 400, []string{"is not a referral code", "Referral codes look like R-1042"}},
		{"bad page", "/dashboard/referrals?page=0", nil, 400, []string{"I can&#39;t read the page &#34;0&#34;.", "Pages are numbered from 1."}},
		{"bad stage", "/dashboard/referrals?stage=done", nil, 400, []string{"Stages are offered, open, accepted"}},
		{"bad member", "/dashboard/members/bob", nil, 400, []string{"Member pages are /dashboard/members/&lt;number&gt;"}},
		{"no such page", "/dashboard/nothing/here", nil, 404, []string{"There is no page /dashboard/nothing/here."}},
		{"csv refused", "/dashboard/flags.csv", core.Errorf(core.EFORBIDDEN, "Only admins can see abuse flags."), 403, []string{"Only admins can see abuse flags."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := get(t, testServer(&fakeData{err: tc.err}, viewer(bob)), tc.path)
			if w.Code != tc.status {
				t.Errorf("status %d, want %d", w.Code, tc.status)
			}
			wantIn(t, "error page", w.Body.String(), tc.wants...)
			if strings.HasSuffix(tc.path, ".csv") == strings.Contains(w.Body.String(), `id="period-form"`) {
				t.Error("a period form on a CSV's error page, or none on a page's")
			}
			for _, leak := range []string{"SQLSTATE", "relation", "goroutine", ".go:"} {
				if strings.Contains(w.Body.String(), leak) {
					t.Errorf("the error page shows %q", leak)
				}
			}
		})
	}
}

// Content-Security-Policy: default-src 'none'; style-src 'self': no inline
// style, no script, no event handler anywhere.
func TestPages_NothingTheContentSecurityPolicyWouldBlock(t *testing.T) {
	t.Parallel()
	inline := regexp.MustCompile(`(?i)<script|<style|\sstyle=|\son[a-z]+=|javascript:`)
	for _, path := range []string{"/dashboard/", "/dashboard/me", "/dashboard/members/13", "/dashboard/referrals?page=2",
		"/dashboard/referrals/R-1042", "/dashboard/admin", "/dashboard/referrals/nope", "/dashboard/referrals?stage=x"} {
		body := get(t, testServer(&fakeData{}, viewer(alice)), path).Body.String()
		if m := inline.FindString(body); m != "" {
			t.Errorf("%s: %q would be blocked by the Content-Security-Policy", path, m)
		}
		if !strings.Contains(body, `<link rel="stylesheet" href="/dashboard/assets/dashboard.`) {
			t.Errorf("%s: no stylesheet", path)
		}
	}
}

func TestAssets_ServedFromTheBinaryUnderAHashedNameCachedForAYear(t *testing.T) {
	t.Parallel()
	s := testServer(&fakeData{}, viewer(bob))
	w := get(t, s, assetPath("dashboard.css"))
	if w.Code != 200 || w.Header().Get("Content-Type") != "text/css; charset=utf-8" ||
		w.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" || !strings.Contains(w.Body.String(), ".kpi") {
		t.Errorf("%s: %d %v", assetPath("dashboard.css"), w.Code, w.Header())
	}
	if w := get(t, s, "/dashboard/assets/dashboard.css"); w.Code != http.StatusNotFound {
		t.Errorf("an asset without its hash: %d", w.Code)
	}
}

// auth.go can answer a visitor who is not signed in with the same page:
// the message, no menu, no form, no figure.
func TestErrorPage_ForAVisitorNotSignedInHasNoMenu(t *testing.T) {
	t.Parallel()
	s := testServer(&fakeData{}, viewer(bob))
	w := httptest.NewRecorder()
	s.fail(w, httptest.NewRequest(http.MethodGet, "/dashboard/", nil), nil,
		core.Errorf(core.EFORBIDDEN, "This sign-in link was used already.").WithHint("Type /refer dashboard in chat for a new one."))
	if w.Code != http.StatusForbidden {
		t.Errorf("status %d", w.Code)
	}
	body := w.Body.String()
	wantIn(t, "page", body, "This sign-in link was used already.", "Type /refer dashboard in chat for a new one.")
	for _, no := range []string{`id="nav-overview"`, `name="csrf"`, `id="period-form"`} {
		if strings.Contains(body, no) {
			t.Errorf("a visitor not signed in gets %s", no)
		}
	}
}

func TestPartnerFilter_KeepsThePartnerChosenWhenThePageDoesNotNameThem(t *testing.T) {
	t.Parallel()
	got := partnerChoices(map[int64]string{13: "carol", 11: "alice"}, 99)
	want := []partnerChoice{{11, "alice", false}, {13, "carol", false}, {99, "member 99", true}}
	if !slices.Equal(got, want) {
		t.Errorf("%v, want %v", got, want)
	}
}

// New registers every route beside auth.go's (a clash would panic) and
// serves the stylesheet without a session, so the sign-in pages have it.
func TestNew_RoutesRegisterAndTheStylesheetNeedsNoSession(t *testing.T) {
	t.Parallel()
	s := New(nil, Options{Log: slog.New(slog.DiscardHandler)})
	if w := get(t, s, assetPath("dashboard.css")); w.Code != http.StatusOK {
		t.Errorf("stylesheet without a session: %d", w.Code)
	}
	if w := get(t, s, "/dashboard/referrals.csv"); w.Code == http.StatusOK {
		t.Error("a CSV was served without a session")
	}
}

func TestOverview_ListsTheFirst50MembersAndSaysHowManyTheCSVAdds(t *testing.T) {
	t.Parallel()
	s := testServer(newBigData(0), viewer(alice))
	html := ok(t, s, "/dashboard/")
	if rows := strings.Count(tableText(t, html, "members-table"), "\n"); rows != membersShown {
		t.Errorf("%d members listed, want %d", rows, membersShown)
	}
	wantIn(t, "overview", html, "… and 456 more: the CSV below has everyone.")
	if rows, _ := csvRows(t, s, "/dashboard/members.csv"); len(rows) != 1+506 {
		t.Errorf("members.csv has %d rows, want a header and 506 members", len(rows))
	}
}
