package bot_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/internal/pgtrace"
	"github.com/referbot/referbot/internal/testenv"
)

// BenchmarkRun_Refer measures a whole `/refer @partner …` as an adapter
// runs it — join, the command, its dedupe key — and reports what it asks
// of PostgreSQL per command: round trips, statements and commits.
func BenchmarkRun_Refer(b *testing.B) {
	ctx := context.Background()
	var trace pgtrace.Counter
	db, err := postgres.OpenOptions(ctx, testenv.URL(b), postgres.Options{Tracer: &trace})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	bt := bot.New(core.NewService(db, core.Options{}), testenv.Quiet)
	caller := func(i int) core.Identity {
		return core.Identity{Platform: core.Slack, TeamID: "T1", TeamName: "bench", UserID: "UBOB", UserName: "bob",
			Channel: "<#C1>", RequestKey: fmt.Sprint("command:trig.", i)}
	}
	// Warm up: the workspace, both members and their partnership exist,
	// as in a network that has been running a while.
	for i := range 2 {
		if ms := bt.Handle(ctx, bot.Request{Identity: caller(-1 - i), Text: "<@UALICE|alice> Warm-up — a website"}); len(ms) == 0 || ms[0].Kind == bot.KindError {
			b.Fatalf("warm-up: %+v", ms)
		}
	}
	before := trace.Counts()
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		ms := bt.Handle(ctx, bot.Request{Identity: caller(i), Text: fmt.Sprintf("<@UALICE|alice> Client %d — a new website ~5k", i)})
		if len(ms) == 0 || ms[0].Kind == bot.KindError {
			b.Fatalf("refer: %+v", ms)
		}
	}
	b.StopTimer()
	d := trace.Counts().Sub(before)
	n := float64(i)
	b.ReportMetric(float64(d.RoundTrips)/n, "roundtrips/op")
	b.ReportMetric(float64(d.Statements)/n, "stmts/op")
	b.ReportMetric(float64(d.Commits)/n, "commits/op")
}

// BenchmarkRun_Refer_OneWorkspaceAtOnce runs `/refer` from 16 goroutines
// at once (8 per CPU on this 2-core machine), all in one workspace, each
// its own member: what waits on what shows here, not in the serial
// benchmark.
func BenchmarkRun_Refer_OneWorkspaceAtOnce(b *testing.B) {
	ctx := context.Background()
	db, err := postgres.Open(ctx, testenv.URL(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	bt := bot.New(core.NewService(db, core.Options{}), testenv.Quiet)
	var seq, members atomic.Int64
	run := func(user string) {
		n := seq.Add(1)
		id := core.Identity{Platform: core.Slack, TeamID: "T1", TeamName: "bench", UserID: user, UserName: user,
			Channel: "<#C1>", RequestKey: fmt.Sprint("command:trig.", n)}
		ms := bt.Handle(ctx, bot.Request{Identity: id, Text: fmt.Sprintf("<@UALICE|alice> Client %d — a new website ~5k", n)})
		if len(ms) == 0 || ms[0].Kind == bot.KindError {
			b.Fatalf("refer: %+v", ms)
		}
	}
	for i := range 16 { // everyone has joined
		run(fmt.Sprint("U", i))
	}
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		user := fmt.Sprint("U", members.Add(1)%16)
		for pb.Next() {
			run(user)
		}
	})
}
