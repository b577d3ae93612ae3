package web

import (
	"cmp"
	"encoding/csv"
	"errors"
	"io"
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
	f := startCSV(w, rep.name, rep.period, rep.header)
	for _, row := range rep.rows {
		f.write(row)
	}
	f.flush()
}

// csvFile is a CSV attachment written to the response as its rows come:
// a report that is read a page at a time is sent a page at a time.
type csvFile struct {
	w    http.ResponseWriter
	cw   *csv.Writer
	rows int // rows written under the header
}

// startCSV sets the headers of the attachment name-period.csv and writes
// its byte-order mark and header row (buffered until the first flush).
func startCSV(w http.ResponseWriter, name, period string, header []string) *csvFile {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+fileName(name, period)+`"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180
	f := &csvFile{w: w, cw: cw}
	io.WriteString(w, utf8BOM)
	f.put(header)
	return f
}

// write adds a row under the header.
func (f *csvFile) write(row []string) {
	f.put(row)
	f.rows++
}

// put writes row through the formula guard, escaping its cells in place
// (a writer of many rows reuses one).
func (f *csvFile) put(row []string) {
	for i, c := range row {
		row[i] = bot.SafeCell(c)
	}
	f.cw.Write(row)
}

// flush sends the rows written so far to the client; an error means it
// is gone (or too slow: see csvWriteWait).
func (f *csvFile) flush() error {
	f.cw.Flush()
	if err := f.cw.Error(); err != nil {
		return err
	}
	rc := http.NewResponseController(f.w)
	if err := rc.Flush(); err != nil {
		return err
	}
	// The server's WriteTimeout counts from the request: a long download
	// gets csvWriteWait more for each part instead, so only a client that
	// stops reading is cut off. (A recorder in tests has no deadline.)
	if err := rc.SetWriteDeadline(time.Now().Add(csvWriteWait)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}

// csvWriteWait is how long the client may take to read one flushed part
// of a CSV.
const csvWriteWait = 30 * time.Second

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
