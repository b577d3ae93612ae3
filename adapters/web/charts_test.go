package web

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

func TestForceLayout_TheSameGraphIsDrawnTheSameWayInsideTheBoxNodesApart(t *testing.T) {
	t.Parallel()
	for name, g := range map[string]core.Graph{"six members": fakeOverview().Graph, "forty members": newBigData(0).ov.Graph} {
		radius := make([]float64, len(g.Nodes))
		for i := range radius {
			radius[i] = 5 + float64(i%4)*3
		}
		first := forceLayout(g.Nodes, g.Edges, radius, 720, 640, 56)
		if again := forceLayout(g.Nodes, g.Edges, radius, 720, 640, 56); !slices.Equal(first, again) {
			t.Fatalf("%s: two layouts of one graph differ:\n%v\n%v", name, first, again)
		}
		for i, p := range first {
			if p.X < 56 || p.X > 720-56 || p.Y < 56 || p.Y > 640-56 {
				t.Errorf("%s: %s at %v, outside the box", name, g.Nodes[i].Name, p)
			}
			for j, q := range first[:i] {
				if d := math.Hypot(p.X-q.X, p.Y-q.Y); d < radius[i]+radius[j]+labelRoom-0.5 {
					t.Errorf("%s: %s and %s overlap, only %.0f apart", name, g.Nodes[i].Name, g.Nodes[j].Name, d)
				}
			}
		}
	}
	g := fakeOverview().Graph
	if svg := string(graphSVG("g", g)); svg != string(graphSVG("g", g)) {
		t.Error("the network chart differs between two renderings")
	}
}

func TestCharts_WellFormedForNoDataOneNodeAndAFullGraph(t *testing.T) {
	t.Parallel()
	full := core.Graph{}
	for i := range core.GraphSize {
		full.Nodes = append(full.Nodes, core.GraphNode{MemberID: int64(i + 1), Name: "member <" + string(rune('a'+i%26)) + "> & co", Given: i % 7, Received: i % 5})
		full.Edges = append(full.Edges, core.GraphEdge{From: int64(i + 1), To: int64((i*7)%core.GraphSize + 1), Count: 1 + i%4})
	}
	for name, svg := range map[string]string{
		"empty trend":  string(trendSVG("a", nil)),
		"empty funnel": string(funnelSVG("b", nil)),
		"zero funnel":  string(funnelSVG("c", []core.FunnelStep{{Stage: core.StatusOffered}})),
		"empty graph":  string(graphSVG("d", core.Graph{})),
		"one node":     string(graphSVG("e", core.Graph{Nodes: []core.GraphNode{{MemberID: 1, Name: "solo"}}})),
		"full graph":   string(graphSVG("f", full)),
	} {
		wellFormed(t, svg)
		if strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") {
			t.Errorf("%s: a coordinate is not a number:\n%.400s", name, svg)
		}
	}
	if svg := string(graphSVG("f", full)); !strings.Contains(svg, "member &lt;a&gt; &amp; co") {
		t.Error("a name with markup in it is not escaped in the chart")
	}
}

func TestNiceScale_RoundTopsAndSteps(t *testing.T) {
	t.Parallel()
	for max, want := range map[float64][2]float64{0: {1, 1}, 3: {3, 1}, 12: {15, 5}, 42: {60, 20}, 95: {100, 50}, 1234: {1500, 500}} {
		if top, step := niceScale(max); top != want[0] || step != want[1] {
			t.Errorf("niceScale(%v) = %v, %v; want %v", max, top, step, want)
		}
	}
}

// The pages say amounts in chat's words: the same stats read the same in
// a card as in /refer stats (bot.StatsMessage).
func TestText_AmountsReadAsChatReadsThem(t *testing.T) {
	t.Parallel()
	field := func(m bot.Message, name string) string {
		for _, f := range m.Fields {
			if f.Name == name {
				return f.Value
			}
		}
		t.Fatalf("chat has no field %q", name)
		return ""
	}
	network := fakeOverview().Stats
	chat := bot.StatsMessage(network)
	if got, want := strings.Join(bot.AmountLines(network.Revenue, "USD", bot.SumOf("deal")), " · "), field(chat, "Revenue from referrals"); got != want {
		t.Errorf("revenue reads %q, chat %q", got, want)
	}
	if got, want := sums(network.AvgDeal, "USD"), field(chat, "Average deal"); got != want {
		t.Errorf("average deal reads %q, chat %q", got, want)
	}
	if got, want := pct(network.RCR), strings.Fields(field(chat, "Conversion rate (RCR)"))[0]; got != want {
		t.Errorf("conversion rate reads %q, chat %q", got, want)
	}
	member := fakeMemberPage().Stats
	member.Reciprocity = core.Amounts{usd(-2290000, 0), {Currency: "EUR", Cents: 120000}, {Currency: "JPY", Withheld: core.WithheldSubtract}}
	chat = bot.StatsMessage(member)
	if got, want := strings.Join(bot.AmountLines(member.Reciprocity, "USD", bot.SignedSum), " · ")+" (given − received won value)", field(chat, "Reciprocity balance"); got != want {
		t.Errorf("reciprocity reads %q, chat %q", got, want)
	}
	if got, want := "9 (est. "+sums(member.GivenEstimate, "USD")+")", field(chat, "Referrals given"); got != want {
		t.Errorf("given reads %q, chat %q", got, want)
	}
}
