package web

import (
	"math"

	"github.com/referbot/referbot/core"
)

// A force-directed layout of the who-refers-whom graph (Fruchterman and
// Reingold, 1991): members repel each other, referrals pull the two ends
// together, and the moves shrink until the graph settles. It starts from
// a sunflower spiral in the order of the nodes and draws no random
// numbers, so the same graph is always drawn the same way.

type point struct{ X, Y float64 }

// layoutIterations is how many rounds of forces the layout runs; the
// graph holds at most core.GraphSize members, so this stays cheap.
const layoutIterations = 300

// forceLayout places the nodes in a w×h box, keeping margin clear at
// every side; positions are in the order of nodes.
func forceLayout(nodes []core.GraphNode, edges []core.GraphEdge, w, h, margin float64) []point {
	pos := make([]point, len(nodes))
	if len(nodes) == 0 {
		return pos
	}
	index := make(map[int64]int, len(nodes))
	golden := math.Pi * (3 - math.Sqrt(5))
	for i, nd := range nodes {
		index[nd.MemberID] = i
		r := math.Sqrt((float64(i) + 0.5) / float64(len(nodes)))
		pos[i] = point{r * math.Cos(float64(i)*golden), r * math.Sin(float64(i)*golden)}
	}
	k := math.Sqrt(1 / float64(len(nodes))) // ideal distance in the unit disc
	temp := 0.1
	disp := make([]point, len(nodes))
	for it := 0; it < layoutIterations; it++ {
		for i := range disp {
			// a pull to the centre keeps parts that share no edge together
			disp[i] = point{-pos[i].X * 0.05, -pos[i].Y * 0.05}
		}
		for i := range pos {
			for j := i + 1; j < len(pos); j++ {
				dx, dy := pos[i].X-pos[j].X, pos[i].Y-pos[j].Y
				d := math.Max(math.Sqrt(dx*dx+dy*dy), 1e-3)
				f := k * k / d
				disp[i].X += dx / d * f
				disp[i].Y += dy / d * f
				disp[j].X -= dx / d * f
				disp[j].Y -= dy / d * f
			}
		}
		for _, e := range edges {
			a, okA := index[e.From]
			b, okB := index[e.To]
			if !okA || !okB || a == b {
				continue
			}
			dx, dy := pos[a].X-pos[b].X, pos[a].Y-pos[b].Y
			d := math.Max(math.Sqrt(dx*dx+dy*dy), 1e-3)
			f := d * d / k * (1 + math.Log1p(float64(e.Count))) / 2
			disp[a].X -= dx / d * f
			disp[a].Y -= dy / d * f
			disp[b].X += dx / d * f
			disp[b].Y += dy / d * f
		}
		for i := range pos {
			d := math.Hypot(disp[i].X, disp[i].Y)
			if d > 0 {
				step := math.Min(d, temp)
				pos[i].X += disp[i].X / d * step
				pos[i].Y += disp[i].Y / d * step
			}
		}
		temp = math.Max(temp*0.985, 0.002)
	}
	return fitBox(pos, w, h, margin)
}

// fitBox scales the positions to fill the box inside the margin, keeping
// their proportions.
func fitBox(pos []point, w, h, margin float64) []point {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pos {
		minX, maxX = math.Min(minX, p.X), math.Max(maxX, p.X)
		minY, maxY = math.Min(minY, p.Y), math.Max(maxY, p.Y)
	}
	spanX, spanY := maxX-minX, maxY-minY
	scale := math.Min((w-2*margin)/math.Max(spanX, 1e-9), (h-2*margin)/math.Max(spanY, 1e-9))
	out := make([]point, len(pos))
	for i, p := range pos {
		out[i] = point{w / 2, h / 2}
		if spanX > 1e-9 || spanY > 1e-9 {
			out[i] = point{w/2 + (p.X-(minX+maxX)/2)*scale, h/2 + (p.Y-(minY+maxY)/2)*scale}
		}
	}
	return out
}
