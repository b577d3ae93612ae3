package web

import (
	"encoding/csv"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// csvRows fetches a report and reads it back as a spreadsheet would.
func csvRows(t *testing.T, s *Server, path string) (rows [][]string, filename string) {
	t.Helper()
	w := fetch(t, s, path, "text/csv; charset=utf-8")
	disp := w.Header().Get("Content-Disposition")
	filename, found := strings.CutPrefix(disp, `attachment; filename="`)
	if !found || !strings.HasSuffix(filename, `.csv"`) {
		t.Errorf("%s: Content-Disposition %q", path, disp)
	}
	body, found := strings.CutPrefix(w.Body.String(), "\ufeff")
	if !found {
		t.Errorf("%s: no UTF-8 byte-order mark", path)
	}
	if !strings.Contains(body, "\r\n") {
		t.Errorf("%s: lines do not end in CRLF (RFC 4180)", path)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("%s does not parse as CSV: %v\n%s", path, err, body)
	}
	return rows, strings.TrimSuffix(filename, `"`)
}

func wantRows(t *testing.T, what string, got [][]string, want ...string) {
	t.Helper()
	lines := make([]string, len(got))
	for i, row := range got {
		lines[i] = strings.Join(row, ",")
	}
	if !slices.Equal(lines, want) {
		t.Errorf("%s:\n%s\nwant\n%s", what, strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestReferralsCSV_TheListsReferralsWithItsFiltersAsChatsExportColumns(t *testing.T) {
	t.Parallel()
	data := &fakeData{}
	rows, file := csvRows(t, testServer(data, viewer(bob)), "/dashboard/referrals.csv?stage=won&period=2026-Q3&page=2")
	q := data.queries[0]
	if !slices.Equal(q.Stages, []core.Status{core.StatusWon}) || q.Period != "2026-Q3" {
		t.Errorf("query %+v: want the list's filters (the stream reads every match, whatever the page)", q)
	}
	if file != "referbot-referrals-q3-2026.csv" {
		t.Errorf("file %q", file)
	}
	wantRows(t, "referrals.csv", rows,
		"code,created,referrer,receiver,client,need,tags,stage,estimate,estimate_currency,won_value,won_currency,closed,amounts",
		"R-1042,2026-08-04,alice,bob,Acme Bakery,new website and online shop,web-dev,won,5000,USD,4800,USD,2026-09-01,",
		"R-1043,2026-08-04,carol,dan,,bookkeeping for a studio,web-dev,contacted,,,,,,private to the parties",
		"R-1044,2026-08-04,erin,,,product photos for a shop,photography,open,5000,USD,,,,")
}

func TestCSV_EveryReportParsesWithExactRowsAndNamesItsPeriod(t *testing.T) {
	t.Parallel()
	s := testServer(&fakeData{}, viewer(alice))
	for _, tc := range []struct {
		path, file string
		want       []string // the header and the first rows
	}{
		{"/dashboard/overview.csv?period=2026-Q3", "referbot-overview-q3-2026.csv", []string{
			"figure,value,currency,count,note",
			"given,42,,,",
			"given_estimate,212000,USD,30,",
			"given_estimate,18000,EUR,2,",
			"received,37,,,"}},
		{"/dashboard/trend.csv", "referbot-trend-q3-2026.csv", []string{
			"quarter,from,to,given,won,conversion_rate_percent,revenue_USD,deals_USD,revenue_EUR,deals_EUR,note",
			"Q4 2025,2025-10-01,2025-12-31,21,5,27.8,31500,5,,,",
			"Q1 2026,2026-01-01,2026-03-31,28,7,29.2,44200,7,,,",
			"Q2 2026,2026-04-01,2026-06-30,35,9,30.0,61050,8,12500.50,1,",
			"Q3 2026,2026-07-01,2026-09-30,42,12,32.4,86400,11,,1,EUR withheld: fewer than 3 deals"}},
		{"/dashboard/funnel.csv", "referbot-funnel-q3-2026.csv", []string{
			"stage,step,referrals,percent_of_first",
			"offered,introduced,42,100.0",
			"accepted,taken on,31,73.8"}},
		{"/dashboard/network.csv", "referbot-network-q3-2026.csv", []string{
			"from_member_id,from,to_member_id,to,referrals,won",
			"11,alice,12,bob,7,3",
			"12,bob,11,alice,4,1"}},
		{"/dashboard/leaderboard.csv", "referbot-leaderboard-q3-2026.csv", []string{
			"list,rank,member_id,member,confirmed_deals,deals_won,referrals_given,referrals_made,deals_before,given_before,referral,won_on,how,value_USD",
			"top,1,11,alice,4,4,13,14,,,,,,32000",
			"top,2,13,carol,3,3,8,8,,,,,,21000",
			"top,3,12,bob,3,3,9,9,,,,,,18500",
			"most_improved,1,13,carol,3,0,8,0,0,4,,,,",
			"first_win,1,16,farid,,,,,,,R-1187,2026-09-14,gave,"}},
		{"/dashboard/members.csv", "referbot-members-q3-2026.csv", []string{
			"member_id,member,given,received,thanks,relationship,won_value_given_USD,won_value_received_USD,note",
			"11,alice,14,6,3,,32000,9000,",
			"12,bob,9,12,2,,18500,41400,"}},
		{"/dashboard/members/12/partners.csv", "referbot-partners-bob-q3-2026.csv", []string{
			"partner_id,partner,type,trust,cadence_days,given,received,last_touch,next_due,overdue",
			"11,alice,strategic,4,30,11,16,2026-08-03,2026-09-02,true",
			"13,carol,advocate,3,60,2,6,2026-09-20,2026-11-19,false",
			"14,dan,advocate,,,5,0,,,false"}},
		{"/dashboard/flags.csv", "referbot-flags-q3-2026.csv", []string{
			"flag,kind,members,referrals,day,cap,description,dismissed_before_by,dismissed_reason",
			"F-3a9c1e,ring,bob dan carol,R-1101 R-1107 R-1112,,,Referrals in a circle with finder's fees: @bob → @dan → @carol → @bob,,"}},
		{"/dashboard/fees.csv", "referbot-fees-q3-2026.csv", []string{
			"code,referrer,receiver,client,terms,fee,fee_currency,status,won_value,won_currency,won_on,paid_on,amounts",
			"R-1051,carol,erin,Globex,finder's fee 5% of won value,,,paid,,,2026-09-10,,private to the parties",
			"R-1042,alice,bob,Acme Bakery,finder's fee 10% of won value,480,USD,owed,4800,USD,2026-09-01,,"}},
	} {
		rows, file := csvRows(t, s, tc.path)
		if file != tc.file {
			t.Errorf("%s: file %q, want %q", tc.path, file, tc.file)
		}
		wantRows(t, tc.path, rows[:min(len(rows), len(tc.want))], tc.want...)
	}
}

func TestOverviewCSV_MoneyPerCurrencyWithheldTotalsSayWhy(t *testing.T) {
	t.Parallel()
	rows, _ := csvRows(t, testServer(&fakeData{}, viewer(bob)), "/dashboard/overview.csv")
	var money []string
	for _, row := range rows {
		if row[0] == "revenue" || row[0] == "average_deal" || row[0] == "conversion_rate_percent" {
			money = append(money, strings.Join(row, ","))
		}
	}
	wantRows(t, "overview.csv", [][]string{{strings.Join(money, "\n")}},
		"conversion_rate_percent,32.4,,,won / received x 100\nrevenue,86400,USD,11,\nrevenue,,EUR,1,withheld: fewer than 3 deals\n"+
			"average_deal,7854.55,USD,11,\naverage_deal,,EUR,1,withheld: fewer than 3 deals")
}

func TestCSV_CellsASpreadsheetWouldRunAsFormulasAreEscaped(t *testing.T) {
	t.Parallel()
	evil := fakeReferral(1099, core.Member{ID: 21, DisplayName: "@SUM(1+1)"}, bob, "=HYPERLINK(\"http://evil.example\",\"Click\")",
		"+1 555 0100 call now", core.StatusAccepted)
	evil.Tags = []string{"-x"}
	data := &fakeData{list: &core.ReferralPage{Period: quarter(2026, 3), Referrals: []core.Referral{evil}, Total: 1}}
	rows, _ := csvRows(t, testServer(data, viewer(bob)), "/dashboard/referrals.csv")
	wantRows(t, "referrals.csv", rows[1:],
		`R-1099,2026-08-04,'@SUM(1+1),bob,'=HYPERLINK("http://evil.example","Click"),'+1 555 0100 call now,'-x,accepted,5000,USD,,,,`)
	for in, want := range map[string]string{"-400.00": "-400.00", "-2+3": "'-2+3", "\tTAB": "'\tTAB", "\rCR": "'\rCR",
		"1234.50": "1234.50", "plain": "plain", "": ""} {
		if got := bot.SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// csvDataSet is a known list for the referrals CSV: the fake page's
// referrals and every kind of cell a file must keep intact: commas,
// quotes and line breaks, formulas, signs, other currencies, no receiver.
func csvDataSet() *core.ReferralPage {
	page := fakeReferralPage()
	evil := fakeReferral(1099, core.Member{ID: 21, DisplayName: "@SUM(1+1)"}, bob, "=HYPERLINK(\"http://evil.example\",\"Click\")",
		"+1 555 0100 call now", core.StatusAccepted)
	evil.Tags = []string{"-x", "tax"}
	quoted := fakeReferral(1100, dan, erin, `Müller, "Bäckerei" & Söhne`, "a logo,\r\nthen a \"brand book\"", core.StatusWon)
	quoted.Estimate = core.Money{Cents: 123456, Currency: "EUR"}
	quoted.WonValue = core.Money{Cents: -40000, Currency: "EUR"}
	quoted.CreatedAt, quoted.ClosedAt = at(2026, 7, 1, 23), at(2026, 9, 30, 23)
	lost := fakeReferral(1101, farid, alice, "\tTabbed Ltd", "-2+3 audit", core.StatusLost)
	lost.Tags, lost.Estimate = nil, core.Money{}
	page.Referrals = append(page.Referrals, evil, quoted, lost)
	return page
}

// testdata/referrals-q3-2026.csv is what the dashboard sent for
// csvDataSet before the file was streamed (read whole, then written).
func TestReferralsCSV_StreamedInPagesIsByteIdenticalToTheWholeFile(t *testing.T) {
	t.Parallel()
	want, err := os.ReadFile("testdata/referrals-q3-2026.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{1, 2, core.ReferralStreamPage} {
		w := get(t, testServer(&fakeData{list: csvDataSet(), pageSize: size}, viewer(bob)), "/dashboard/referrals.csv?period=2026-Q3")
		if w.Code != http.StatusOK || !w.Flushed {
			t.Errorf("pages of %d: status %d, flushed %v", size, w.Code, w.Flushed)
		}
		if got := w.Body.String(); got != string(want) {
			t.Errorf("pages of %d:\n%q\nwant\n%q", size, got, want)
		}
		if disp := w.Header().Get("Content-Disposition"); disp != `attachment; filename="referbot-referrals-q3-2026.csv"` {
			t.Errorf("pages of %d: Content-Disposition %q", size, disp)
		}
	}
}

// With nothing to list the file is its header row, as before.
func TestReferralsCSV_NoMatchIsTheHeaderAlone(t *testing.T) {
	t.Parallel()
	list := &core.ReferralPage{Period: quarter(2026, 3)}
	rows, _ := csvRows(t, testServer(&fakeData{list: list}, viewer(bob)), "/dashboard/referrals.csv?period=2026-Q3")
	if len(rows) != 1 || rows[0][0] != "code" {
		t.Errorf("rows %q: want the header alone", rows)
	}
}
