package web

import (
	"html"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Charts are drawn here as SVG, on the server: no script, no CDN, nothing
// the Content-Security-Policy has to allow. Each is an accessible image
// (role="img" with a <title> and a <desc> saying its figures) that scales
// with its viewBox, and the page puts its figures in a table under it.
// Colours are presentation attributes, so a chart reads without the
// stylesheet; text is dark on white (16:1).

// Colours of the charts' series and text; see assets/dashboard.css.
const (
	inkColour    = "#1b1f24"
	seriesColour = "#1d4ed8"
	secondColour = "#0f766e"
	axisColour   = "#6b7280"
	gridColour   = "#e5e7eb"
	edgeColour   = "#5b6474"
)

// svg writes an SVG document; every attribute value and text is escaped.
type svg struct{ b strings.Builder }

// newSVG opens an <svg> of w×h units with its title and description; id
// names the chart (its title and desc ids derive from it).
func newSVG(id string, w, h float64, title, desc string) *svg {
	s := &svg{}
	s.open("svg", "xmlns", "http://www.w3.org/2000/svg", "viewBox", "0 0 "+n(w)+" "+n(h),
		"width", n(w), "height", n(h), "role", "img", "aria-labelledby", id+"-title "+id+"-desc",
		"font-family", "system-ui, sans-serif")
	s.elem("title", title, "id", id+"-title")
	s.elem("desc", desc, "id", id+"-desc")
	return s
}

// open writes a start tag; attrs are name, value pairs.
func (s *svg) open(name string, attrs ...string) {
	s.b.WriteString("<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		s.b.WriteString(" " + attrs[i] + `="` + html.EscapeString(attrs[i+1]) + `"`)
	}
	s.b.WriteString(">")
}

func (s *svg) close(name string) { s.b.WriteString("</" + name + ">") }

// leaf writes an empty element.
func (s *svg) leaf(name string, attrs ...string) {
	s.open(name, attrs...)
	s.close(name)
}

// elem writes an element holding text.
func (s *svg) elem(name, text string, attrs ...string) {
	s.open(name, attrs...)
	s.b.WriteString(html.EscapeString(text))
	s.close(name)
}

// label writes text at (x, y), anchored start, middle or end; attrs
// override its defaults (dark text, 15 units, class label).
func (s *svg) label(x, y float64, anchor, text string, attrs ...string) {
	defaults := []string{"fill", inkColour, "font-size", "15", "class", "label"}
	all := []string{"x", n(x), "y", n(y), "text-anchor", anchor}
	for i := 0; i+1 < len(defaults); i += 2 {
		if !slices.Contains(attrs, defaults[i]) {
			all = append(all, defaults[i], defaults[i+1])
		}
	}
	s.elem("text", text, append(all, attrs...)...)
}

// done closes the <svg> and returns it for a template: safe, since every
// text in it went through html.EscapeString.
func (s *svg) done() template.HTML {
	s.close("svg")
	return template.HTML(s.b.String())
}

// n writes a coordinate with at most one decimal.
func n(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// niceScale is an axis from 0 for values up to max: its top and a tick
// step of 1, 2 or 5 times a power of ten, about four ticks.
func niceScale(max float64) (top, step float64) {
	if max <= 0 {
		return 1, 1
	}
	raw := max / 4
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step = 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	step = math.Max(step, 1) // counts: whole ticks
	return step * math.Ceil(max/step), step
}
