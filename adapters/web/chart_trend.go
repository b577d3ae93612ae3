package web

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/referbot/referbot/core"
)

// trendSVG draws referrals given and won quarter by quarter as grouped
// bars, oldest quarter first.
func trendSVG(id string, points []core.TrendPoint) template.HTML {
	const w, h, left, right, top, bottom = 720.0, 320.0, 48.0, 16.0, 40.0, 48.0
	var highest float64
	var said []string
	for _, p := range points {
		highest = max(highest, float64(p.Given), float64(p.Won))
		said = append(said, fmt.Sprintf("%s: %d given, %d won", p.Period.Label, p.Given, p.Won))
	}
	desc := "No quarters to show."
	if len(points) > 0 {
		desc = "Referrals given and won per quarter. " + strings.Join(said, "; ") + "."
	}
	s := newSVG(id, w, h, "Referrals given and won, quarter by quarter", desc)
	topV, step := niceScale(highest)
	plotH, plotW := h-top-bottom, w-left-right
	y := func(v float64) float64 { return top + plotH - v/topV*plotH }
	for v := 0.0; v <= topV; v += step {
		s.leaf("line", "x1", n(left), "x2", n(w-right), "y1", n(y(v)), "y2", n(y(v)), "stroke", gridColour, "class", "grid")
		s.label(left-6, y(v)+4, "end", strconv.FormatFloat(v, 'f', -1, 64), "class", "label small", "font-size", "13")
	}
	legend := []struct{ name, colour string }{{"Given", seriesColour}, {"Won", secondColour}}
	for i, l := range legend {
		x := left + float64(i)*90
		s.leaf("rect", "x", n(x), "y", "10", "width", "14", "height", "14", "fill", l.colour, "class", "series-"+strconv.Itoa(i))
		s.label(x+20, 22, "start", l.name)
	}
	if len(points) > 0 {
		group := plotW / float64(len(points))
		bar := min(group*0.35, 48)
		for i, p := range points {
			x0 := left + group*float64(i) + group/2 - bar
			for j, v := range []int{p.Given, p.Won} {
				x := x0 + float64(j)*bar
				s.leaf("rect", "x", n(x), "y", n(y(float64(v))), "width", n(bar-2), "height", n(y(0)-y(float64(v))),
					"fill", legend[j].colour, "class", "series-"+strconv.Itoa(j))
				s.label(x+bar/2-1, y(float64(v))-4, "middle", strconv.Itoa(v), "class", "label small", "font-size", "13")
			}
			s.label(left+group*float64(i)+group/2, h-bottom+18, "middle", p.Period.Label)
		}
	}
	s.leaf("line", "x1", n(left), "x2", n(w-right), "y1", n(y(0)), "y2", n(y(0)), "stroke", axisColour, "class", "axis")
	return s.done()
}
