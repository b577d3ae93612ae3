package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

// The pages' own share of a request (the read models excluded): what
// rendering adds to each page's server time.

// bigData is a fake network at the scale: a full graph, and
// referral pages drawn from 50,000 referrals.
type bigData struct {
	fakeData
	ov   *core.Overview
	list *core.ReferralPage
}

func newBigData(referrals int) *bigData {
	ov := fakeOverview()
	ov.Graph = core.Graph{Others: 460}
	for i := range core.GraphSize {
		ov.Graph.Nodes = append(ov.Graph.Nodes, core.GraphNode{MemberID: int64(100 + i), Name: fmt.Sprintf("member%03d", i), Given: 40 - i, Received: 10 + i%9})
		for j := 1; j <= 5; j++ {
			ov.Graph.Edges = append(ov.Graph.Edges, core.GraphEdge{From: int64(100 + i), To: int64(100 + (i*j+7)%core.GraphSize), Count: 1 + (i+j)%6, Won: (i + j) % 3})
		}
	}
	for i := range 500 {
		ov.Stats.ByPartner = append(ov.Stats.ByPartner, core.PartnerStats{MemberID: int64(100 + i), Name: fmt.Sprintf("member%03d", i),
			Given: i % 40, Received: i % 33, GivenWonValue: core.Amounts{usd(int64(i)*10000, i%5)}})
	}
	list := fakeReferralPage()
	base := list.Referrals[0]
	list.Referrals = nil
	for i := range referrals {
		r := base
		r.Code = core.Code(1001 + i)
		list.Referrals = append(list.Referrals, r)
	}
	list.Total = 50000
	return &bigData{ov: ov, list: list}
}

func (d *bigData) Overview(context.Context, core.Caller, string) (*core.Overview, error) {
	return d.ov, nil
}

func (d *bigData) Referrals(context.Context, core.Caller, core.ReferralQuery) (*core.ReferralPage, error) {
	return d.list, nil
}

func (d *bigData) StreamReferrals(ctx context.Context, _ core.Caller, _ core.ReferralQuery, sink core.ReferralSink) error {
	return streamPages(ctx, d.list, core.ReferralStreamPage, nil, sink)
}

func benchPage(b *testing.B, data dashboardData, path string) {
	s := testServer(data, viewer(alice))
	req := httptest.NewRequest(http.MethodGet, path, nil)
	b.ReportAllocs()
	before := cpuTime()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d", path, w.Code)
		}
	}
	// CPU time, GC included: on a shared machine ns/op also counts the
	// time spent waiting for a core.
	b.ReportMetric(float64((cpuTime()-before).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// cpuTime is the CPU time this process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkOverview_FullGraphAnd500Members(b *testing.B) {
	benchPage(b, newBigData(0), "/dashboard/")
}
func BenchmarkReferrals_PageOf50(b *testing.B) { benchPage(b, newBigData(50), "/dashboard/referrals") }
func BenchmarkReferralsCSV_50000(b *testing.B) {
	benchPage(b, newBigData(50000), "/dashboard/referrals.csv")
}
func BenchmarkMemberPage(b *testing.B) { benchPage(b, &fakeData{}, "/dashboard/members/12") }
func BenchmarkAdminPage(b *testing.B)  { benchPage(b, &fakeData{}, "/dashboard/admin") }

func BenchmarkForceLayout_FullGraph(b *testing.B) {
	g := newBigData(0).ov.Graph
	radius := make([]float64, len(g.Nodes))
	for i := range radius {
		radius[i] = 5 + float64(i%10)
	}
	for b.Loop() {
		forceLayout(g.Nodes, g.Edges, radius, 720, 640, 56)
	}
}
