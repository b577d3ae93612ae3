package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"github.com/referbot/referbot/core"
)

// graphSVG draws who referred whom: members as circles sized by how many
// referrals they gave and received, referrals as arrows from referrer to
// receiver, thicker for more, placed by forceLayout.
func graphSVG(id string, g core.Graph) template.HTML {
	const w, margin = 720.0, 56.0
	h := 480.0 // taller as members get more, so each keeps some room
	if len(g.Nodes) > 15 {
		h = 640
	}
	names := make(map[int64]string, len(g.Nodes))
	busiest, heaviest := 1, 1
	for _, nd := range g.Nodes {
		names[nd.MemberID] = nd.Name
		busiest = max(busiest, nd.Given+nd.Received)
	}
	for _, e := range g.Edges {
		heaviest = max(heaviest, e.Count)
	}
	s := newSVG(id, w, h, "Who refers whom", graphDesc(g, names))
	at := make(map[int64]int, len(g.Nodes))
	radius := make([]float64, len(g.Nodes))
	largest := 20.0
	if len(g.Nodes) > 15 {
		largest = 14
	}
	for i, nd := range g.Nodes {
		at[nd.MemberID] = i
		radius[i] = 5 + (largest-5)*math.Sqrt(float64(nd.Given+nd.Received)/float64(busiest))
	}
	pos := forceLayout(g.Nodes, g.Edges, radius, w, h, margin)
	s.open("defs")
	s.open("marker", "id", id+"-arrow", "viewBox", "0 0 10 10", "refX", "9", "refY", "5",
		"markerWidth", "9", "markerHeight", "9", "markerUnits", "userSpaceOnUse", "orient", "auto")
	s.leaf("path", "d", "M0,0 L10,5 L0,10 z", "fill", edgeColour)
	s.close("marker")
	s.close("defs")
	for _, e := range g.Edges {
		a, okA := at[e.From]
		b, okB := at[e.To]
		if !okA || !okB || a == b {
			continue
		}
		s.open("path", "d", edgePath(pos[a], pos[b], radius[a], radius[b]), "fill", "none", "stroke", edgeColour,
			"stroke-width", n(1+3*float64(e.Count-1)/float64(max(heaviest-1, 1))), "marker-end", "url(#"+id+"-arrow)", "class", "edge")
		s.elem("title", fmt.Sprintf("%s → %s: %s, %d won", names[e.From], names[e.To], plural(e.Count, "referral"), e.Won))
		s.close("path")
	}
	for i, nd := range g.Nodes {
		p := pos[i]
		s.open("g")
		s.elem("title", fmt.Sprintf("%s: gave %d, received %d", nd.Name, nd.Given, nd.Received))
		s.leaf("circle", "cx", n(p.X), "cy", n(p.Y), "r", n(radius[i]), "fill", seriesColour, "stroke", "#ffffff",
			"stroke-width", "2", "class", "node")
		s.label(p.X, p.Y+radius[i]+14, "middle", nd.Name, "stroke", "#ffffff", "stroke-width", "3",
			"paint-order", "stroke", "class", "label halo")
		s.close("g")
	}
	return s.done()
}

// edgePath is a slightly bent arrow from a to b, between the circles'
// edges: bent to its left, so a→b and b→a don't cover each other.
func edgePath(a, b point, ra, rb float64) string {
	dx, dy := b.X-a.X, b.Y-a.Y
	d := math.Max(math.Hypot(dx, dy), 1e-6)
	c := point{(a.X+b.X)/2 + dy/d*d*0.12, (a.Y+b.Y)/2 - dx/d*d*0.12}
	from := towards(a, c, ra+1)
	to := towards(b, c, rb+3)
	return fmt.Sprintf("M%s,%s Q%s,%s %s,%s", n(from.X), n(from.Y), n(c.X), n(c.Y), n(to.X), n(to.Y))
}

// towards is the point dist from p in the direction of q.
func towards(p, q point, dist float64) point {
	dx, dy := q.X-p.X, q.Y-p.Y
	d := math.Max(math.Hypot(dx, dy), 1e-6)
	return point{p.X + dx/d*dist, p.Y + dy/d*dist}
}

// graphDesc says the graph in words: its size and its busiest links.
func graphDesc(g core.Graph, names map[int64]string) string {
	if len(g.Nodes) == 0 {
		return "Nobody referred anyone in this period."
	}
	desc := fmt.Sprintf("%s linked by %s.", plural(len(g.Nodes), "member"), plural(len(g.Edges), "who-refers-whom pair"))
	var links []string
	for _, e := range g.Edges {
		links = append(links, fmt.Sprintf("%s to %s %d", names[e.From], names[e.To], e.Count))
	}
	if len(links) > 0 {
		desc += " Referrals: " + strings.Join(links, ", ") + "."
	}
	if g.Others > 0 {
		desc += fmt.Sprintf(" %s less active are left out.", plural(g.Others, "member"))
	}
	return desc
}
