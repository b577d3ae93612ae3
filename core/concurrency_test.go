package core_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/referbot/referbot/core"
)

// Referrals of one workspace no longer wait for each other (codes come in
// blocks, the daily cap locks only its member): at once, they still get
// distinct codes, and no member gets past the cap.
func TestRefer_AtOnceInOneWorkspace_DistinctCodesAndTheDailyCapHolds(t *testing.T) {
	t.Parallel()
	b := setup(t)
	raceTheCap(t, b, func(giver core.Caller, to core.MemberRef, i int) (*core.Referral, error) {
		giver = b.join(t, "T1", giver.Member.DisplayName) // with the cap in its settings
		return b.svc.Refer(context.Background(), giver, core.ReferInput{To: to,
			ClientName: fmt.Sprint(giver.Member.DisplayName, " client ", i), Need: "a website"})
	})
}

// raceTheCap has four members of a network whose daily cap is 3 refer six
// clients each, all at once, through refer: each gets exactly three
// referrals, under codes of their own, and the others are refused with
// the cap's message. It returns the network.
func raceTheCap(t *testing.T, b *bundle, refer func(giver core.Caller, to core.MemberRef, i int) (*core.Referral, error)) []core.Caller {
	t.Helper()
	n := b.network(t, "T1", "none", "amy", "ben", "cat", "dan", "eve")
	if _, err := b.svc.Configure(context.Background(), n[0], "daily-cap", []string{"3"}); err != nil {
		t.Fatal(err)
	}
	givers := n[1:5]
	const each = 6
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		made    = map[string]int{}
		codes   = map[core.Code]bool{}
		refused int
	)
	for _, giver := range givers {
		name := giver.Member.DisplayName
		for i := range each {
			wg.Go(func() {
				r, err := refer(giver, ref(n[5]), i)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case core.ErrorCode(err) == core.ECONFLICT:
					if !strings.HasPrefix(err.Error(), "You have given 3 referrals today, the network's daily cap, so I can't record this one.") {
						t.Errorf("refused with %q", err)
					}
					refused++
				case err != nil:
					t.Errorf("%s's referral %d: %v", name, i, err)
				default:
					made[name]++
					if codes[r.Code] {
						t.Errorf("%s given twice", r.Code)
					}
					codes[r.Code] = true
				}
			})
		}
	}
	wg.Wait()
	for _, giver := range givers {
		if name := giver.Member.DisplayName; made[name] != 3 {
			t.Errorf("%s gave %d referrals today, want the cap, 3", name, made[name])
		}
	}
	if refused != len(givers)*(each-3) {
		t.Errorf("%d refused, want %d", refused, len(givers)*(each-3))
	}
	if got := b.count(t, "referrals"); got != len(codes) || got != 3*len(givers) {
		t.Errorf("%d referrals stored, %d distinct codes handed out, want %d", got, len(codes), 3*len(givers))
	}
	return n
}

// Referrals of one workspace to one receiver, at once, all go through:
// each adds to the same rows of the stats rollups (migration 016, the
// receiver's and the network's) and none is refused as a conflict
// (a deadlock between two of them would be).
func TestRefer_AtOnceToOneReceiver_NoneIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	n := b.network(t, "T1", "none", "amy", "ben", "cat", "dan", "eve", "fay", "gus", "hal")
	const each = 8
	var wg sync.WaitGroup
	for _, giver := range n[1:8] {
		for i := range each {
			wg.Go(func() {
				if _, err := b.svc.Refer(ctx, giver, core.ReferInput{To: ref(n[8]),
					ClientName: fmt.Sprint(giver.Member.DisplayName, " client ", i), Need: "a website"}); err != nil {
					t.Errorf("%s's referral %d: %v", giver.Member.DisplayName, i, err)
				}
			})
		}
	}
	wg.Wait()
	if got := b.count(t, "referrals"); got != 7*each {
		t.Errorf("%d referrals stored, want %d", got, 7*each)
	}
}
