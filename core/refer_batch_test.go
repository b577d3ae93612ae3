package core_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/testenv"
)

// referAs sends a /refer as the platform delivers it: the caller's
// identity with a request key.
func referAs(ctx context.Context, b *bundle, team, name, key string, in core.ReferInput) (*core.Referral, error) {
	_, r, err := b.svc.ReferCommand(ctx, core.Identity{Platform: core.Slack, TeamID: team, UserID: "u-" + name,
		UserName: name, Channel: "#referrals", RequestKey: key}, in)
	return r, err
}

// transactions is how many transactions wrote the stored referrals.
func (b *bundle) transactions(t testing.TB) int {
	t.Helper()
	return testenv.Count(t, b.url, "SELECT count(DISTINCT xmin::text) FROM referrals")
}

// Many /refer at once, in one workspace and in many: every one answered
// with a referral is stored once, under a code of its own, and they were
// written together (fewer transactions than referrals).
func TestReferCommand_AtOnce_EveryAcknowledgedReferralStoredOnceUnderItsOwnCode(t *testing.T) {
	t.Parallel()
	for _, teams := range []int{1, 8} {
		t.Run(fmt.Sprint(teams, " workspaces"), func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			ctx := context.Background()
			const givers, each = 16, 8
			for w := range teams {
				team := fmt.Sprint("T", w)
				for g := range givers {
					b.join(t, team, fmt.Sprint("giver", g))
				}
				b.join(t, team, "partner")
			}
			var (
				wg    sync.WaitGroup
				mu    sync.Mutex
				acked = map[string]*core.Referral{} // by client
			)
			for g := range givers {
				for i := range each {
					wg.Go(func() {
						team := fmt.Sprint("T", (g+i)%teams)
						key := fmt.Sprintf("%s trigger %d-%d", team, g, i)
						client := fmt.Sprint("Client ", i%4) // repeated: shared client keys
						r, err := referAs(ctx, b, team, fmt.Sprint("giver", g), key,
							core.ReferInput{To: core.MemberRef{UserID: "u-partner"}, ClientName: client, Need: "a website"})
						if err != nil {
							t.Errorf("%s: %v", key, err)
							return
						}
						mu.Lock()
						acked[key] = r
						mu.Unlock()
					})
				}
			}
			wg.Wait()
			if got := b.count(t, "referrals"); got != len(acked) || got != givers*each {
				t.Fatalf("%d referrals stored, %d acknowledged, want %d", got, len(acked), givers*each)
			}
			// the rows under each code, read at once
			stored := map[string]int{}
			rows, err := dbConn(t, b.url).Query(ctx, `SELECT workspace_id, code, client_name, count(*) FROM referrals GROUP BY 1, 2, 3`)
			if err != nil {
				t.Fatal(err)
			}
			var (
				ws, code, n int64
				client      string
			)
			if _, err := pgx.ForEachRow(rows, []any{&ws, &code, &client, &n}, func() error {
				stored[fmt.Sprint(ws, code, client)] += int(n)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			codes := map[string]bool{}
			for key, r := range acked {
				k := fmt.Sprint(r.WorkspaceID, r.Code)
				if codes[k] {
					t.Errorf("%s given twice in workspace %d", r.Code, r.WorkspaceID)
				}
				codes[k] = true
				if n := stored[fmt.Sprint(r.WorkspaceID, int64(r.Code), r.ClientName)]; n != 1 {
					t.Errorf("%s: %d rows under its code %s, want 1", key, n, r.Code)
				}
			}
			// What the triggers keep follows every referral of the batches.
			if n := keysDrift(t, b.url); n != 0 {
				t.Errorf("%d client keys or counts differ from the referrals'", n)
			}
			if n := testenv.Count(t, b.url, `
				WITH made AS (SELECT workspace_id, count(*)::numeric AS n FROM referrals GROUP BY 1)
				SELECT count(*) FROM (
					(SELECT * FROM made EXCEPT SELECT workspace_id, sum(n) FROM stats_rollups
						WHERE subject = 0 AND measure = 1 AND bucket = '-infinity' GROUP BY 1)
					UNION ALL
					(SELECT * FROM made EXCEPT SELECT workspace_id, sum(n) FROM pair_rollups
						WHERE bucket = '-infinity' AND referrer_id <> 0 AND receiver_id <> 0 GROUP BY 1)) x`); n != 0 {
				t.Errorf("%d workspaces' rollups don't count their referrals", n)
			}
			for _, table := range []string{"referral_events", "outbox", "touchpoints", "inbound_requests"} {
				if got := b.count(t, table); got != givers*each {
					t.Errorf("%d rows in %s, want one per referral, %d", got, table, givers*each)
				}
			}
			if tx := b.transactions(t); tx >= givers*each {
				t.Errorf("%d referrals written by %d transactions: none shared one", givers*each, tx)
			} else {
				t.Logf("%d referrals written by %d transactions", givers*each, tx)
			}
		})
	}
}

// The daily cap holds when a member's referrals arrive together: in one
// batch or several, exactly the cap's number go through and the others
// are refused with the cap's message.
func TestReferCommand_AtOnce_TheDailyCapHolds(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	n := raceTheCap(t, b, func(giver core.Caller, to core.MemberRef, i int) (*core.Referral, error) {
		name := giver.Member.DisplayName
		return referAs(ctx, b, "T1", name, fmt.Sprint(name, i), core.ReferInput{To: to,
			ClientName: fmt.Sprint(name, " client ", i), Need: "a website"})
	})
	// A refused request left no key: delivered again, it is refused again,
	// while one applied is seen.
	var seen, refused int
	for i := range 6 {
		_, err := referAs(ctx, b, "T1", "amy", fmt.Sprint("amy", i), core.ReferInput{To: ref(n[5]), ClientName: "again", Need: "a website"})
		switch {
		case errors.Is(err, core.ErrSeen):
			seen++
		case core.ErrorCode(err) == core.ECONFLICT:
			refused++
		default:
			t.Errorf("amy%d delivered again: %v", i, err)
		}
	}
	if seen != 3 || refused != 3 {
		t.Errorf("delivered again: %d seen, %d refused, want 3 and 3", seen, refused)
	}
}

// A request delivered many times at once (platform retries) is applied
// once: one referral per key, every other delivery answered as seen.
func TestReferCommand_RedeliveredAtOnce_AppliedOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.join(t, "T1", "amy")
	b.join(t, "T1", "ben")
	const keys, copies = 12, 6
	var (
		wg         sync.WaitGroup
		mu         sync.Mutex
		made, seen int
		byKey      = map[string]int{}
	)
	for k := range keys {
		for range copies {
			wg.Go(func() {
				key := fmt.Sprint("trigger-", k)
				_, err := referAs(ctx, b, "T1", "amy", key, core.ReferInput{To: core.MemberRef{UserID: "u-ben"},
					ClientName: key, Need: "a website"})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errors.Is(err, core.ErrSeen):
					seen++
				case err != nil:
					t.Errorf("%s: %v", key, err)
				default:
					made++
					byKey[key]++
				}
			})
		}
	}
	wg.Wait()
	if made != keys || seen != keys*(copies-1) {
		t.Errorf("%d applied and %d seen, want %d and %d", made, seen, keys, keys*(copies-1))
	}
	for key, n := range byKey {
		if n != 1 {
			t.Errorf("%s applied %d times", key, n)
		}
	}
	if got := b.count(t, "referrals"); got != keys {
		t.Errorf("%d referrals stored, want %d", got, keys)
	}
}

// Requests a batch can't decide alone (a newcomer, a partner named for
// the first time or without a mention) and requests it refuses (a paused
// partner, oneself) are answered as Refer answers them, one by one, and
// the others of their batch are stored.
func TestReferCommand_AtOnce_UnusualAndRefusedRequestsAnsweredAsAlone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	amy, ben := b.join(t, "T1", "amy"), b.join(t, "T1", "ben")
	paused := b.join(t, "T1", "pat")
	if _, err := b.svc.SetProfile(ctx, paused, "availability", []string{"paused"}); err != nil {
		t.Fatal(err)
	}
	type want struct {
		name, key string
		in        core.ReferInput
		err       string // the error's text; "" for a referral
	}
	var cases []want
	for i := range 8 {
		cases = append(cases,
			want{"amy", fmt.Sprint("ok-", i), core.ReferInput{To: ref(ben), ClientName: fmt.Sprint("ok ", i), Need: "a website"}, ""},
			want{fmt.Sprint("new", i), fmt.Sprint("new-", i), core.ReferInput{To: ref(ben), ClientName: fmt.Sprint("new ", i), Need: "a site"}, ""},
			want{"amy", fmt.Sprint("first-", i), core.ReferInput{To: core.MemberRef{UserID: fmt.Sprint("u-first", i), Name: "first"},
				ClientName: fmt.Sprint("first ", i), Need: "a site"}, ""},
			want{"ben", fmt.Sprint("named-", i), core.ReferInput{To: core.MemberRef{Name: "amy"}, ClientName: fmt.Sprint("named ", i), Need: "a site"}, ""},
			want{"amy", fmt.Sprint("paused-", i), core.ReferInput{To: ref(paused), ClientName: "p", Need: "a site"},
				"@pat has paused new referrals for now."},
			want{"amy", fmt.Sprint("self-", i), core.ReferInput{To: ref(amy), ClientName: "s", Need: "a site"},
				"You can't refer a client to yourself."},
			want{"ben", fmt.Sprint("noneed-", i), core.ReferInput{To: ref(amy), ClientName: "n"}, "The need is missing."})
	}
	var wg sync.WaitGroup
	for _, c := range cases {
		wg.Go(func() {
			r, err := referAs(ctx, b, "T1", c.name, c.key, c.in)
			switch {
			case c.err == "" && err != nil:
				t.Errorf("%s: %v", c.key, err)
			case c.err == "" && r.ClientName != c.in.ClientName:
				t.Errorf("%s: referral of %q", c.key, r.ClientName)
			case c.err != "" && (err == nil || !strings.HasPrefix(err.Error(), c.err)):
				t.Errorf("%s: %v, want %q", c.key, err, c.err)
			}
		})
	}
	wg.Wait()
	if got := b.count(t, "referrals"); got != 4*8 {
		t.Errorf("%d referrals stored, want %d", got, 4*8)
	}
	// Refused requests left no key behind.
	if got := b.count(t, "inbound_requests WHERE key LIKE 'paused-%' OR key LIKE 'self-%' OR key LIKE 'noneed-%'"); got != 0 {
		t.Errorf("%d keys of refused requests kept", got)
	}
}

// A request the database refuses inside a batch fails alone: the batch's
// transaction rolls back, each of its requests is written on its own, and
// all but the bad one are stored.
func TestReferCommand_OneFailingInABatch_TheOthersAreStored(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.join(t, "T1", "amy")
	b.join(t, "T1", "ben")
	if err := testenv.Exec(t, b.url, `
		CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.client_name = 'boom' THEN RAISE EXCEPTION 'boom refused'; END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER refuse_boom BEFORE INSERT ON referrals FOR EACH ROW EXECUTE FUNCTION refuse_boom();`); err != nil {
		t.Fatal(err)
	}
	const n = 40
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		failed []string
	)
	for i := range n {
		wg.Go(func() {
			client := fmt.Sprint("client ", i)
			if i%10 == 3 {
				client = "boom"
			}
			_, err := referAs(ctx, b, "T1", "amy", fmt.Sprint("k", i), core.ReferInput{To: core.MemberRef{UserID: "u-ben"},
				ClientName: client, Need: "a website"})
			if err != nil {
				mu.Lock()
				failed = append(failed, client)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(failed) != n/10 {
		t.Errorf("failed: %q, want the %d booms", failed, n/10)
	}
	for _, c := range failed {
		if c != "boom" {
			t.Errorf("%s failed with the booms", c)
		}
	}
	if got := b.count(t, "referrals"); got != n-n/10 {
		t.Errorf("%d referrals stored, want %d", got, n-n/10)
	}
	if got := b.count(t, "inbound_requests"); got != n-n/10 {
		t.Errorf("%d request keys kept, want %d (a failed request is new when delivered again)", got, n-n/10)
	}
}
