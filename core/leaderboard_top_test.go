package core_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/testenv"
)

// TestLeaderboard_BestFirstEqualsTheWholeRead plays random histories in
// a New York network — deals of sixteen members won across quarter ends
// (so the quarters in New York and in UTC differ by hours of deals), in
// three currencies, confirmed or not, repeats of a client to the same
// partner, values corrected, wins undone, a member who leaves — and at
// several moments (one member's joining date set again by hand) compares each period's leaderboard read best first
// (leaderboard_top.go, migration 036) with the one read from every
// member's figures: top givers, most improved, newcomers' first wins,
// all of it. The best-first read must have answered on its own (not
// fallen back to the whole read) for all time and for whole quarters.
func TestLeaderboard_BestFirstEqualsTheWholeRead(t *testing.T) {
	t.Parallel()
	for seed := range uint64(2) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			b := setup(t)
			rng := rand.New(rand.NewPCG(seed, 36))
			b.clock.t = time.Date(2025, 5, 20, 9, 0, 0, 0, time.UTC)
			org := b.join(t, "T1", "organiser")
			b.settle(t, org, `{"timezone": "America/New_York"}`)
			people := []core.Caller{b.join(t, "T1", "organiser")}
			for i := range 15 {
				people = append(people, b.join(t, "T1", fmt.Sprintf("member%02d", i)))
			}
			var won []core.Code
			bestFirst := map[string]int{}
			gone := map[int64]bool{}
			for round := range 5 {
				for range 90 {
					b.clock.Add(time.Duration(1+rng.IntN(40)) * time.Hour)
					from, to := people[rng.IntN(len(people))], people[rng.IntN(len(people))]
					if from.Member.ID == to.Member.ID || gone[from.Member.ID] || gone[to.Member.ID] {
						continue
					}
					switch op := rng.IntN(10); {
					case op < 7:
						client := boardClients[rng.IntN(len(boardClients)-1)]
						rs := b.play(t, map[string]core.Caller{"a": from, "b": to}, []deal{{"a", "b", client, "",
							b.clock.t, boardValues[rng.IntN(len(boardValues))], rng.IntN(5) > 0}})
						won = append(won, rs[0].Code)
					case op < 8 && len(won) > 0:
						_, _ = b.svc.Correct(ctx, people[0], won[rng.IntN(len(won))], boardValues[rng.IntN(len(boardValues))], "typo")
					case op < 9 && len(won) > 0:
						code := won[rng.IntN(len(won))]
						d, err := b.svc.Show(ctx, people[0], code)
						if err != nil {
							t.Fatal(err)
						}
						if r, ok := memberOf(people, d.Referral.ReceiverID); ok && !gone[r.Member.ID] {
							_, _ = b.svc.Undo(ctx, r, code)
						}
					default:
						_, _ = b.svc.Refer(ctx, from, core.ReferInput{To: ref(to), ClientName: "Walk-in", Need: "a website"})
					}
				}
				if round == 3 {
					p := people[1+rng.IntN(len(people)-1)]
					if err := b.svc.Forget(ctx, p); err != nil {
						t.Fatal(err)
					}
					gone[p.Member.ID] = true
				}
				if round == 2 {
					// a member's joining date set again: their first win
					// is a newcomer's no more
					if err := testenv.Exec(t, b.url, `UPDATE members SET joined_at = joined_at - interval '200 days'
						WHERE workspace_id = $1 AND id = $2`, org.Workspace.ID, people[1+rng.IntN(len(people)-1)].Member.ID); err != nil {
						t.Fatal(err)
					}
				}
				if n := testenv.Count(t, b.url, `SELECT count(*) FROM member_first_wins f JOIN members m
					ON m.workspace_id = f.workspace_id AND m.id = f.member_id WHERE f.joined_at IS DISTINCT FROM m.joined_at`); n != 0 {
					t.Fatalf("round %d: %d first wins keep another joining date than their member's", round, n)
				}
				if n := boardDealsDrift(t, b.url); n != 0 {
					t.Fatalf("round %d: %d kept deals differ from the tallies'", round, n)
				}
				viewer := people[0]
				for _, period := range []string{"all", "last-quarter", "this-quarter", "2025-Q3", "2025-Q4", "2026-Q1", "30d", "2025-10..2026-01"} {
					want, err := core.LeaderboardWhole(ctx, b.svc, viewer, period)
					if err != nil {
						t.Fatal(err)
					}
					got, err := b.svc.Leaderboard(ctx, viewer, period)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("round %d, %s:\n best first %+v\n whole      %+v", round, period, got, want)
					}
					if top, ok, err := core.LeaderboardBestFirst(ctx, b.svc, viewer, period); err != nil {
						t.Fatal(err)
					} else if ok {
						bestFirst[period]++
						if !reflect.DeepEqual(top, want) {
							t.Fatalf("round %d, %s read best first only:\n got  %+v\n want %+v", round, period, top, want)
						}
					}
				}
			}
			for _, period := range []string{"all", "2025-Q3", "2025-Q4"} {
				if bestFirst[period] == 0 {
					t.Errorf("%s was never read best first (%v)", period, bestFirst)
				}
			}
		})
	}
}

func memberOf(people []core.Caller, id int64) (core.Caller, bool) {
	for _, p := range people {
		if p.Member.ID == id {
			return p, true
		}
	}
	return core.Caller{}, false
}

// boardDealsDrift counts the kept deals (migration 036) that differ from
// what the board rollups add up to (rows counted down to nothing aside).
func boardDealsDrift(t testing.TB, url string) int {
	t.Helper()
	return testenv.Count(t, url, `
		WITH want AS (
			SELECT b.workspace_id, q.bucket, b.member_id, sum(q.deals) AS deals, sum(q.prev_deals) AS prev_deals
			FROM board_rollups b
			CROSS JOIN LATERAL (VALUES (board_quarter(b.bucket, 0), b.n, 0::bigint),
				(CASE WHEN b.bucket <> '-infinity' THEN board_quarter(b.bucket, 1) END, 0::bigint, b.n)) AS q (bucket, deals, prev_deals)
			WHERE b.measure = 2 AND q.bucket IS NOT NULL
			GROUP BY 1, 2, 3
		)
		SELECT count(*) FROM want w FULL JOIN board_deals d USING (workspace_id, bucket, member_id)
		WHERE COALESCE(w.deals, 0) <> COALESCE(d.deals, 0) OR COALESCE(w.prev_deals, 0) <> COALESCE(d.prev_deals, 0)`)
}
