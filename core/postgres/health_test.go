package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

// TestHealthCounts_MatchTheNetworksFigures drives the random histories of
// the rollup test and compares HealthCounts with what the network-health
// report read before it had a statement of its own: four network Stats
// (30 days, the 30 before, a year, 90 days) and their breakdowns; gone
// quiet are the members of long standing the last 90 days' breakdown
// leaves out.
func TestHealthCounts_MatchTheNetworksFigures(t *testing.T) {
	t.Parallel()
	forHistories(t, func(h *history, round int) {
		for _, at := range []time.Time{time.Date(2026, 6, 10, 15, 30, 0, 0, time.UTC), h.at(), h.at(), h.at().AddDate(0, 0, 60)} {
			h.checkHealth(round, at)
		}
	})
}

// historyRounds is how many rounds of steps forHistories plays.
const historyRounds = 3

// forHistories drives three random histories (seeds 0 to 2) of the
// rollup test, 80 changes a round (each followed by the extra steps, if
// any), and checks each after each of historyRounds rounds.
func forHistories(t *testing.T, check func(h *history, round int), extra ...func(h *history)) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			h := newHistory(t, seed)
			for round := range historyRounds {
				for range 80 {
					h.step()
					for _, step := range extra {
						step(h)
					}
				}
				check(h, round)
			}
		})
	}
}

func (h *history) checkHealth(round int, at time.Time) {
	ctx := context.Background()
	q := core.HealthQuery{At: at, Last30: at.AddDate(0, 0, -30), Previous30: at.AddDate(0, 0, -60),
		Year: at.AddDate(-1, 0, 0), Recent: at.AddDate(0, 0, -90),
		Joined: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)} // the members join when the test runs, after at
	var got, want core.HealthCounts
	h.b.tx(h.t, func(tx core.Tx) (err error) {
		if got, err = tx.HealthCounts(ctx, h.b.ws.ID, q); err != nil {
			return err
		}
		stats := func(from, to time.Time) *core.Stats {
			if err == nil {
				var st *core.Stats
				st, err = tx.Stats(ctx, h.b.ws.ID, core.StatsQuery{Period: core.Period{From: from, To: to}, Now: at})
				return st
			}
			return nil
		}
		last, prev, year, recent := stats(q.Last30, at), stats(q.Previous30, q.Last30), stats(q.Year, at), stats(q.Recent, at)
		if err != nil {
			return err
		}
		want.Last30, want.Previous30 = last.Given, prev.Given
		for _, p := range year.ByPartner {
			if p.Received > 0 && p.Given == 0 {
				want.OnlyTake = append(want.OnlyTake, p.Name)
			}
		}
		active := map[int64]bool{}
		for _, p := range recent.ByPartner {
			active[p.MemberID] = true
		}
		members, err := tx.Members(ctx, h.b.ws.ID)
		for _, m := range members {
			if m.Status == core.MemberActive && !active[m.ID] && m.JoinedAt.Before(q.Joined) {
				want.GoneQuiet = append(want.GoneQuiet, m.DisplayName)
			}
		}
		return err
	})
	if g, w := asJSON(h.t, got), asJSON(h.t, want); g != w {
		h.t.Fatalf("round %d, at %s:\n health counts %s\n network stats %s", round, at, g, w)
	}
}
