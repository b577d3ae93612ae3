package bot_test

import (
	"encoding/csv"
	"strings"
	"testing"
)

// TestExportCSV_TheMembersReferralsAsASpreadsheet: `/refer export csv`
// gives the member's referrals as RFC 4180 CSV, a header row, amounts as
// plain numbers beside their currency, the client only where the member
// may see it.
func TestExportCSV_TheMembersReferralsAsASpreadsheet(t *testing.T) {
	t.Parallel()
	h := newBench(t)
	h.do(t, "organiser", "help")
	h.do(t, "bob", `<@UALICE|alice> Acme, "Bakery" — new website ~5k`)
	h.do(t, "alice", "accept R-1001")
	h.do(t, "alice", "won R-1001 4,800.50")
	ms := h.do(t, "bob", "export csv")
	if len(ms) != 1 || ms[0].Attachment == nil || ms[0].Attachment.ContentType != "text/csv" {
		t.Fatalf("export csv: %+v", ms)
	}
	rows, err := csv.NewReader(strings.NewReader(string(ms[0].Attachment.Data))).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, ms[0].Attachment.Data)
	}
	if len(rows) != 2 || strings.Join(rows[0], ",") != "code,created,referrer,receiver,client,need,tags,stage,estimate,estimate_currency,won_value,won_currency,closed" {
		t.Fatalf("rows: %q", rows)
	}
	r := rows[1]
	if r[0] != "R-1001" || r[2] != "bob" || r[3] != "alice" || r[4] != `Acme, "Bakery"` || r[7] != "won" ||
		r[8] != "5000" || r[9] != "USD" || r[10] != "4800.50" || r[11] != "USD" || r[12] == "" {
		t.Errorf("row: %q", r)
	}
	if ms := h.do(t, "bob", "export xml"); len(ms) != 1 || !ms[0].IsError() || !strings.Contains(ms[0].Text, "csv") {
		t.Errorf("export xml: %+v", ms)
	}
}

// TestExportCSV_NoCellRunsAsAFormula: a client named like a formula reaches
// the spreadsheet as text, as on the dashboard.
func TestExportCSV_NoCellRunsAsAFormula(t *testing.T) {
	t.Parallel()
	h := newBench(t)
	h.do(t, "organiser", "help")
	h.do(t, "bob", `<@UALICE|alice> =HYPERLINK("http://x.example") — @SUM(A1) logo`)
	ms := h.do(t, "bob", "export csv")
	if len(ms) != 1 || ms[0].Attachment == nil {
		t.Fatalf("export csv: %+v", ms)
	}
	rows, err := csv.NewReader(strings.NewReader(string(ms[0].Attachment.Data))).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("rows %q, %v", rows, err)
	}
	if c, n := rows[1][4], rows[1][5]; c != `'=HYPERLINK("http://x.example")` || n != "'@SUM(A1) logo" {
		t.Errorf("client %q, need %q: want each behind an apostrophe", c, n)
	}
}
