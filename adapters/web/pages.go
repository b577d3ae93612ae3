package web

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/referbot/referbot/core"
)

//go:embed templates/*.html
var templateFiles embed.FS

// pageNames are the templates under templates/, one per page; each is
// parsed with the layout and the shared parts.
var pageNames = []string{"overview", "member", "referrals", "referral", "admin", "error"}

var pages = parsePages()

func parsePages() map[string]*template.Template {
	funcs := template.FuncMap{"asset": assetPath}
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		out[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFiles,
			"templates/layout.html", "templates/parts.html", "templates/"+name+".html"))
	}
	return out
}

// page is what the layout needs around every page's body.
type page struct {
	Title  string
	Nav    string // the nav entry of this page: overview, me, referrals, admin
	Viewer *Viewer
	Admin  bool
	// Period is the period as typed (?period=), kept by the period form
	// and every link; PeriodLabel how the read model read it.
	Period      string
	PeriodLabel string
	Action      string  // where the period form goes: this page
	Keep        []param // the page's other query parameters, kept by the period form
	Links       nav
	Body        any
}

type param struct{ Name, Value string }

// nav are the layout's links, each keeping the period.
type nav struct{ Overview, Me, Referrals, Admin string }

// kpi is one figure card; ID is its stable data-kpi name.
type kpi struct {
	ID, Label string
	Lines     []string
	Note      string
}

// table is a table of figures; every chart has one under it.
type table struct {
	ID, Caption string
	Head        []string
	Rows        [][]cell
	Empty       string // said instead when there are no rows
}

// cell is one table cell: text (several lines when Lines), a link when
// Href, right-aligned when Num.
type cell struct {
	Text  string
	Lines []string
	Href  string
	Num   bool
	Class string // "overdue": a warning, also said in its text
}

// column is a table's header cell; Num right-aligns it over figures.
type column struct {
	Name string
	Num  bool
}

// Columns are the table's header cells, aligned as its first row.
func (t table) Columns() []column {
	out := make([]column, len(t.Head))
	for i, h := range t.Head {
		out[i].Name = h
		if len(t.Rows) > 0 && i < len(t.Rows[0]) {
			out[i].Num = t.Rows[0][i].Num
		}
	}
	return out
}

func text(s string) cell { return cell{Text: s} }
func num(n int) cell     { return cell{Text: strconv.Itoa(n), Num: true} }
func link(s, href string) cell {
	return cell{Text: s, Href: href}
}

// chart is an SVG chart with its figures as a table under it and its CSV.
type chart struct {
	ID, Title string
	SVG       template.HTML // built by chart*.go, every text in it escaped
	Table     table
	CSV       string
}

// newPage starts a page for the viewer at ?period=; without a viewer (not
// signed in) the layout shows no menu and no data.
func (s *Server) newPage(r *http.Request, v *Viewer, title, navName string) *page {
	period := r.URL.Query().Get("period")
	return &page{Title: title, Nav: navName, Viewer: v, Admin: v != nil && v.Caller.Member.IsAdmin(), Period: period,
		Action: r.URL.Path, Links: nav{Overview: withPeriod("/dashboard/", period), Me: withPeriod("/dashboard/me", period),
			Referrals: withPeriod("/dashboard/referrals", period), Admin: withPeriod("/dashboard/admin", period)}}
}

// withPeriod is path with ?period= when one was chosen.
func withPeriod(path, period string) string {
	if period == "" {
		return path
	}
	return path + "?" + url.Values{"period": {period}}.Encode()
}

// render writes the page with the template name and status. It renders
// into a buffer first, so a template error never leaves half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, p *page) {
	var buf bytes.Buffer
	if err := pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("dashboard: rendering a page", "page", name, "err", err)
		http.Error(w, core.ErrorMessage(err), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store") // pages hold a member's figures
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
