package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// acrossPeriods are the periods the batch tests ask for: all time, the
// health job's 90 days, and shorter and longer ones.
var acrossPeriods = []core.Period{
	{},
	{From: seedNow.Add(-core.RingWindow), To: seedNow},
	{From: seedNow.AddDate(0, 0, -30), To: seedNow.Add(time.Hour)},
	{From: seedNow.AddDate(0, 0, -250), To: seedNow.AddDate(0, 0, -20)},
	{From: time.Date(2026, 5, 28, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC)},
}

// TestFlagsAcross_MatchEachWorkspaceAlone computes the flags of every
// seeded workspace in one statement, each with its own random daily cap
// and time zone, and compares them with the workspaces' flags computed
// one at a time: the same flags, in the same order, none crossing over.
func TestFlagsAcross_MatchEachWorkspaceAlone(t *testing.T) {
	t.Parallel()
	db, conn, st := seeded(t)
	repeatClients(t, conn)
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(15, 34))
	zones := []string{"UTC", "Asia/Tokyo", "America/New_York", "Pacific/Chatham"}
	kinds := map[core.FlagKind]int{}
	for round := range 4 {
		scopes := make([]core.FlagScope, len(st.WorkspaceIDs))
		for i, ws := range st.WorkspaceIDs {
			scopes[i] = core.FlagScope{WorkspaceID: ws, DailyCap: rnd.IntN(4), TimeZone: zones[rnd.IntN(len(zones))]}
		}
		rnd.Shuffle(len(scopes), func(i, j int) { scopes[i], scopes[j] = scopes[j], scopes[i] })
		for _, p := range acrossPeriods {
			q := core.FlagQuery{Period: p, AllCodes: round%2 == 0, Now: seedNow}
			err := db.InTx(ctx, func(tx core.Tx) error {
				all, err := tx.FlagsAcross(ctx, q, scopes)
				if err != nil {
					return err
				}
				for _, sc := range scopes {
					one := q
					one.DailyCap, one.TimeZone = sc.DailyCap, sc.TimeZone
					alone, err := tx.Flags(ctx, sc.WorkspaceID, one)
					if err != nil {
						return err
					}
					if g, w := asJSON(t, all[sc.WorkspaceID]), asJSON(t, alone); g != w {
						t.Errorf("round %d, %v, workspace %d (cap %d, %s): flags across\n%s\nalone\n%s",
							round, p, sc.WorkspaceID, sc.DailyCap, sc.TimeZone, g, w)
					}
					for _, f := range alone {
						kinds[f.Kind]++
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, k := range []core.FlagKind{core.FlagSameClient, core.FlagDailyCap, core.FlagNeverConverts} {
		if kinds[k] == 0 {
			t.Errorf("no %s flag in any round: the comparison tells little (%v)", k, kinds)
		}
	}
}

// TestFlags_SameClientMatchTheReferralsKeys compares the same-client flags
// of short periods (read from the period's referrals) and long ones (read
// from the flagged keys) with the keys of the period's referrals grouped
// one by one: the same referrals flagged together.
func TestFlags_SameClientMatchTheReferralsKeys(t *testing.T) {
	t.Parallel()
	db, conn, st := seeded(t)
	repeatClients(t, conn)
	ctx := context.Background()
	flagged := 0
	for _, ws := range st.WorkspaceIDs {
		for _, p := range acrossPeriods {
			var got []string
			err := db.InTx(ctx, func(tx core.Tx) error {
				fs, err := tx.Flags(ctx, ws, core.FlagQuery{Period: p, TimeZone: "UTC", AllCodes: true, Now: seedNow})
				for _, f := range fs {
					if f.Kind == core.FlagSameClient {
						got = append(got, fmt.Sprint(f.Count, f.Codes))
					}
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			from, to := p.From, p.To
			if from.IsZero() {
				from = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
			}
			if to.IsZero() {
				to = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
			}
			rows, err := conn.Query(ctx, `
				SELECT k.key, r.code FROM referral_client_keys k
				JOIN referrals r ON r.workspace_id = k.workspace_id AND r.id = k.referral_id
				WHERE k.workspace_id = $1 AND r.created_at >= $2 AND r.created_at < $3
				ORDER BY k.key, r.code`, ws, from, to)
			if err != nil {
				t.Fatal(err)
			}
			byKey := map[string][]core.Code{}
			var key string
			var code int64
			for rows.Next() {
				if err := rows.Scan(&key, &code); err != nil {
					t.Fatal(err)
				}
				byKey[key] = append(byKey[key], core.Code(code))
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			var want []string
			for _, codes := range byKey {
				s := fmt.Sprint(len(codes), codes)
				if len(codes) >= core.SameClientMin && !seen[s] {
					seen[s] = true
					want = append(want, s)
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("workspace %d, %v: same-client flags\n%q\nwant (from the keys)\n%q", ws, p, got, want)
			}
			flagged += len(want)
		}
	}
	if flagged == 0 {
		t.Fatal("no same-client flag in any period: the comparison tells nothing")
	}
}

// TestHealthCountsAcross_MatchEachWorkspaceAlone counts the network-health
// figures of every seeded workspace in one statement and compares them
// with each counted alone, at a few instants.
func TestHealthCountsAcross_MatchEachWorkspaceAlone(t *testing.T) {
	t.Parallel()
	db, _, st := seeded(t)
	ctx := context.Background()
	quiet := 0
	for _, at := range []time.Time{seedNow, seedNow.AddDate(0, -2, 3), seedNow.AddDate(0, 0, 40), seedNow.AddDate(0, 0, 200)} {
		q := core.HealthQuery{At: at, Last30: at.AddDate(0, 0, -30), Previous30: at.AddDate(0, 0, -60),
			Year: at.AddDate(-1, 0, 0), Recent: at.AddDate(0, 0, -90), Joined: at.Add(-90 * 24 * time.Hour)}
		err := db.InTx(ctx, func(tx core.Tx) error {
			all, err := tx.HealthCountsAcross(ctx, st.WorkspaceIDs, q)
			if err != nil {
				return err
			}
			if len(all) != len(st.WorkspaceIDs) {
				t.Errorf("at %s: counts for %d workspaces, want %d", at, len(all), len(st.WorkspaceIDs))
			}
			for _, ws := range st.WorkspaceIDs {
				alone, err := tx.HealthCounts(ctx, ws, q)
				if err != nil {
					return err
				}
				if g, w := asJSON(t, all[ws]), asJSON(t, alone); g != w {
					t.Errorf("at %s, workspace %d: counts across\n%s\nalone\n%s", at, ws, g, w)
				}
				quiet += len(alone.GoneQuiet)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if quiet == 0 {
		t.Error("no member gone quiet at any instant: the comparison tells little")
	}
}

// repeatClients renames the client of one referral in five to one of
// seven names (the keys follow, trigger-kept): the seed's clients seldom
// repeat, and same-client flags need some that do.
func repeatClients(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	if _, err := conn.Exec(context.Background(),
		`UPDATE referrals SET client_name = 'Repeat Client ' || (id % 7) WHERE id % 5 = 0`); err != nil {
		t.Fatal(err)
	}
}
