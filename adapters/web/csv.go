package web

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// Every report as CSV (/dashboard/<report>.csv?period=…): RFC 4180 with a
// header row, UTF-8 with a byte-order mark so spreadsheets don't guess
// the encoding, dates as ISO 8601, amounts as plain numbers (1234.50)
// beside their currency, and no cell a spreadsheet would run as a formula.

// report is a CSV file: its header and rows.
type report struct {
	name   string // "referrals": the file is referbot-<name>-<period>.csv
	period string // the period's label, for the file's name
	header []string
	rows   [][]string
}

func (rep *report) add(row ...string) { rep.rows = append(rep.rows, row) }

// utf8BOM starts every file, so Excel reads it as UTF-8.
const utf8BOM = "\ufeff"

// writeCSV sends the report as an attachment.
func writeCSV(w http.ResponseWriter, rep *report) {
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true // RFC 4180
	cw.Write(safeRow(rep.header))
	for _, row := range rep.rows {
		cw.Write(safeRow(row))
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+fileName(rep.name, rep.period)+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// fileName names a report and its period: referbot-overview-q3-2026.csv.
func fileName(name, period string) string {
	return "referbot-" + slug(name, "report") + "-" + slug(period, "all-time") + ".csv"
}

// slug is s in lower-case letters, digits and dashes (or def if nothing is
// left), safe in a header and a file name.
func slug(s, def string) string {
	return cmp.Or(strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(s), "-"), "-"), def)
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

func safeRow(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = bot.SafeCell(c)
	}
	return out
}

// isoDay writes a day as ISO 8601 in UTC, as `/refer export csv` does;
// "" for none.
func isoDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

// amountCells are an amount as a plain number and its currency; a
// withheld total has no number, and says why in note.
func amountCells(a core.Amount) (value, currency, note string) {
	if a.Withheld != "" {
		return "", a.Currency, "withheld: " + a.Withheld
	}
	return a.Money().Number(), a.Currency, ""
}
