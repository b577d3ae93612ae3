package web

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/referbot/referbot/core"
)

// funnelSVG draws the pipeline: one bar per stage, as long as the
// referrals that reached it, each labelled with its count and its share
// of the first stage.
func funnelSVG(id string, steps []core.FunnelStep) template.HTML {
	const w, rowH, labelW, right, top = 720.0, 40.0, 110.0, 120.0, 8.0
	h := top*2 + rowH*float64(max(len(steps), 1))
	var first float64
	if len(steps) > 0 {
		first = float64(steps[0].Count)
	}
	widest := 0.0
	var said []string
	for _, st := range steps {
		widest = max(widest, float64(st.Count))
		said = append(said, fmt.Sprintf("%s %d (%s)", stageName(st.Stage), st.Count, shareOf(st.Count, first)))
	}
	desc := "No referrals in this period."
	if len(steps) > 0 {
		desc = "Referrals of the period by how far they got: " + strings.Join(said, ", ") + "."
	}
	s := newSVG(id, w, h, "Pipeline funnel", desc)
	barW := w - labelW - right
	for i, st := range steps {
		y := top + rowH*float64(i)
		length := 0.0
		if widest > 0 {
			length = float64(st.Count) / widest * barW
		}
		s.label(labelW-8, y+rowH/2+5, "end", stageName(st.Stage))
		s.leaf("rect", "x", n(labelW), "y", n(y+6), "width", n(max(length, 1)), "height", n(rowH-12),
			"fill", seriesColour, "class", "series-0")
		s.label(labelW+length+6, y+rowH/2+5, "start", fmt.Sprintf("%d (%s)", st.Count, shareOf(st.Count, first)))
	}
	return s.done()
}

// shareOf is n as a percentage of all: "45%"; "—" of nothing.
func shareOf(n int, all float64) string {
	if all == 0 {
		return "—"
	}
	return pct(float64(n) / all * 100)
}

// stageName names a funnel step as people say it: a referral offered or
// posted was introduced; one accepted was taken on.
func stageName(st core.Status) string {
	switch st {
	case core.StatusOffered, core.StatusOpen:
		return "introduced"
	case core.StatusAccepted:
		return "taken on"
	}
	return string(st)
}
