package core_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

// BenchmarkRefer measures one direct referral end to end: resolve the
// receiver, insert, event, touchpoint and outbox, in one transaction.
func BenchmarkRefer(b *testing.B) {
	bb := setup(b)
	ctx := context.Background()
	bob, alice := bb.join(b, "T1", "bob"), bb.join(b, "T1", "alice")
	in := core.ReferInput{To: ref(alice), ClientName: "Acme", Need: "a website", Estimate: core.Money{Cents: 500000}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := bb.svc.Refer(ctx, bob, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClaim measures posting a lead and claiming it.
func BenchmarkClaim(b *testing.B) {
	bb := setup(b)
	ctx := context.Background()
	poster, claimer := bb.join(b, "T1", "poster"), bb.join(b, "T1", "claimer")
	codes := make([]core.Code, 0, 1024)
	post := func() {
		r, err := bb.svc.PostLead(ctx, poster, core.LeadInput{Need: "bookkeeping"})
		if err != nil {
			b.Fatal(err)
		}
		codes = append(codes, r.Code)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		post()
		b.StartTimer()
		if _, err := bb.svc.Claim(ctx, claimer, codes[len(codes)-1]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClaim_Contended measures claims racing on the same leads: every
// goroutine tries every lead, one wins each.
func BenchmarkClaim_Contended(b *testing.B) {
	bb := setup(b)
	ctx := context.Background()
	poster := bb.join(b, "T1", "poster")
	var members []core.Caller
	for i := range 8 {
		members = append(members, bb.join(b, "T1", fmt.Sprint("m", i)))
	}
	r, err := bb.svc.PostLead(ctx, poster, core.LeadInput{Need: "bookkeeping"})
	if err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c := members[n.Add(1)%int64(len(members))]
		for pb.Next() {
			if _, err := bb.svc.Claim(ctx, c, r.Code); core.ErrorCode(err) != core.ECONFLICT && err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkStats measures member and network figures over a network of
// 50 members and 2,000 referrals in every stage.
func BenchmarkStats(b *testing.B) {
	bb := setup(b)
	ctx := context.Background()
	var ms []core.Caller
	for i := range 50 {
		ms = append(ms, bb.join(b, "T1", fmt.Sprint("member", i)))
	}
	for i := range 2000 {
		from, to := ms[i%50], ms[(i*7+1)%50]
		if from.Member.ID == to.Member.ID {
			to = ms[(i+1)%50]
		}
		r := bb.refer(b, from, to, fmt.Sprint("client", i), int64(i%10+1)*100000)
		if i%4 == 0 {
			continue
		}
		if _, err := bb.svc.Accept(ctx, to, r.Code); err != nil {
			b.Fatal(err)
		}
		bb.clock.Add(time.Hour)
		switch i % 4 {
		case 1:
			if _, err := bb.svc.Advance(ctx, to, r.Code, core.StatusWon, core.AdvanceInput{Value: core.Money{Cents: int64(i) * 1000}}); err != nil {
				b.Fatal(err)
			}
			if _, err := bb.svc.Thank(ctx, to, r.Code, ""); err != nil {
				b.Fatal(err)
			}
		case 2:
			if _, err := bb.svc.Advance(ctx, to, r.Code, core.StatusLost, core.AdvanceInput{Reason: "budget"}); err != nil {
				b.Fatal(err)
			}
		}
	}
	for _, bc := range []struct {
		name string
		req  core.StatsRequest
	}{{"member", core.StatsRequest{}}, {"network", core.StatsRequest{Network: true}}, {"network-quarter", core.StatsRequest{Network: true, Period: "quarter"}}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bb.svc.Stats(ctx, ms[0], bc.req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
