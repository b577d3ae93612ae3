package web

import (
	"math"

	"github.com/referbot/referbot/core"
)

// A force-directed layout of the who-refers-whom graph (Fruchterman and
// Reingold, 1991): members repel each other, referrals pull the two ends
// together, and the moves shrink until the graph settles; then members
// still overlapping (circle and name) are pushed apart. It starts from a
// sunflower spiral in the order of the nodes and draws no random numbers,
// so the same graph is always drawn the same way.

type point struct{ X, Y float64 }

// layoutIterations is how many rounds of forces the layout runs; the
// graph holds at most core.GraphSize members, so this stays cheap.
const layoutIterations = 200

// labelRoom is the room a member's name takes below its circle.
const labelRoom = 18

// forceLayout places the nodes, whose circles have the given radii, in a
// w×h box, keeping margin clear at every side; positions are in the
// order of nodes.
func forceLayout(nodes []core.GraphNode, edges []core.GraphEdge, radius []float64, w, h, margin float64) []point {
	pos := make([]point, len(nodes))
	if len(nodes) == 0 {
		return pos
	}
	box := box{margin, margin, w - margin, h - margin}
	cx, cy := w/2, h/2
	index := make(map[int64]int, len(nodes))
	golden := math.Pi * (3 - math.Sqrt(5))
	for i, nd := range nodes {
		index[nd.MemberID] = i
		r := math.Sqrt((float64(i) + 0.5) / float64(len(nodes)))
		pos[i] = point{cx + r*math.Cos(float64(i)*golden)*(w/2-margin), cy + r*math.Sin(float64(i)*golden)*(h/2-margin)}
	}
	k := 0.8 * math.Sqrt((w-2*margin)*(h-2*margin)/float64(len(nodes))) // the ideal distance
	temp := w / 8
	disp := make([]point, len(nodes))
	for range layoutIterations {
		for i := range disp {
			// a pull to the centre keeps parts that share no edge together
			disp[i] = point{(cx - pos[i].X) * 0.02, (cy - pos[i].Y) * 0.02}
		}
		for i := range pos {
			for j := i + 1; j < len(pos); j++ {
				dx, dy := pos[i].X-pos[j].X, pos[i].Y-pos[j].Y
				d := math.Max(math.Sqrt(dx*dx+dy*dy), 0.01)
				f := k * k / d / d
				disp[i].X += dx * f
				disp[i].Y += dy * f
				disp[j].X -= dx * f
				disp[j].Y -= dy * f
			}
		}
		for _, e := range edges {
			a, okA := index[e.From]
			b, okB := index[e.To]
			if !okA || !okB || a == b {
				continue
			}
			dx, dy := pos[a].X-pos[b].X, pos[a].Y-pos[b].Y
			d := math.Sqrt(dx*dx + dy*dy)
			f := d / k * (1 + math.Log1p(float64(e.Count))) / 2
			disp[a].X -= dx * f
			disp[a].Y -= dy * f
			disp[b].X += dx * f
			disp[b].Y += dy * f
		}
		for i := range pos {
			if d := math.Sqrt(disp[i].X*disp[i].X + disp[i].Y*disp[i].Y); d > 0 {
				step := math.Min(d, temp)
				pos[i] = box.clamp(point{pos[i].X + disp[i].X/d*step, pos[i].Y + disp[i].Y/d*step})
			}
		}
		temp = math.Max(temp*0.97, 0.5)
	}
	pos = fitBox(pos, w, h, margin)
	separate(pos, radius, box)
	return pos
}

// fitBox scales the positions to fill the box inside the margin, keeping
// their proportions: forces settle the shape, the box gives it its room.
func fitBox(pos []point, w, h, margin float64) []point {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pos {
		minX, maxX = math.Min(minX, p.X), math.Max(maxX, p.X)
		minY, maxY = math.Min(minY, p.Y), math.Max(maxY, p.Y)
	}
	spanX, spanY := maxX-minX, maxY-minY
	if spanX < 1e-9 && spanY < 1e-9 {
		return pos
	}
	scale := math.Min((w-2*margin)/math.Max(spanX, 1e-9), (h-2*margin)/math.Max(spanY, 1e-9))
	out := make([]point, len(pos))
	for i, p := range pos {
		out[i] = point{w/2 + (p.X-(minX+maxX)/2)*scale, h/2 + (p.Y-(minY+maxY)/2)*scale}
	}
	return out
}

// box is the area nodes may take.
type box struct{ minX, minY, maxX, maxY float64 }

func (b box) clamp(p point) point {
	return point{math.Min(math.Max(p.X, b.minX), b.maxX), math.Min(math.Max(p.Y, b.minY), b.maxY)}
}

// separate pushes apart members whose circles and names overlap, a few
// rounds, each pair half the gap each way.
func separate(pos []point, radius []float64, b box) {
	for range 60 {
		moved := false
		for i := range pos {
			for j := i + 1; j < len(pos); j++ {
				dx, dy := pos[j].X-pos[i].X, pos[j].Y-pos[i].Y
				d := math.Sqrt(dx*dx + dy*dy)
				need := radius[i] + radius[j] + labelRoom
				if d >= need {
					continue
				}
				if d < 0.01 { // on top of each other: apart along the diagonal
					dx, dy, d = 1, 1, math.Sqrt2
				}
				push := (need - d) / 2
				pos[i] = b.clamp(point{pos[i].X - dx/d*push, pos[i].Y - dy/d*push})
				pos[j] = b.clamp(point{pos[j].X + dx/d*push, pos[j].Y + dy/d*push})
				moved = true
			}
		}
		if !moved {
			return
		}
	}
}
