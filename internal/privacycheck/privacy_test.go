package privacycheck_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/referbot/referbot/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// envInt reads a whole number from the environment, or def.
func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: want a whole number", name, v)
	}
	return n
}

// TestVisibility_NoNonPartySeesClientDetailsOnAnyRendering is the property
// test of the one visibility rule. A fixed scenario puts referrals in
// every stage with unique secret tokens in client names, contacts, notes,
// reasons and feedback, and distinctive amounts (7,770,001 and up) in
// every estimate and won value, while some members keep their amounts
// private; it has every role run every command and click every button; a
// seeded random walk of commands and clicks follows, members turning
// their amounts private and public again on the way. Every reply, DM and
// channel post is rendered as console text, Slack Block Kit and a Discord
// embed, and no rendering may show a secret to a viewer who is not an
// active party or admin of its referral, nor a private amount (or the fee
// on it) to anyone but its active parties — a total of several never
// reads as one, so only a total that gives one away would; removed and
// forgotten members may be sent nothing at all.
//
// `make test` walks 150 random steps from seed 1; `make fuzz` sets
// REFERBOT_PRIVACY_STEPS and REFERBOT_PRIVACY_SEEDS for a longer walk
// (REFERBOT_PRIVACY_SEED picks the first seed, to replay a failure).
func TestVisibility_NoNonPartySeesClientDetailsOnAnyRendering(t *testing.T) {
	t.Parallel()
	steps := envInt(t, "REFERBOT_PRIVACY_STEPS", 150)
	seeds := envInt(t, "REFERBOT_PRIVACY_SEEDS", 1)
	first := envInt(t, "REFERBOT_PRIVACY_SEED", 1)
	for seed := first; seed < first+seeds; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, uint64(seed))
			w.fixedScenario()
			fixed := w.step
			w.randomSteps(steps)
			w.report()
			t.Logf("seed %d: %d steps (%d fixed, %d random); %d commands typed or clicked across %d subcommands, "+
				"%d button kinds clicked; %d outputs × %d renderings = %d checked; %d secrets (%d of them amounts) shown to entitled viewers; "+
				"%d renderings withheld a total",
				seed, w.step, fixed, w.step-fixed, sum(w.commands), len(w.commands), len(w.clicks),
				w.outputs, len(renderings), w.checked, w.sightings, w.amountSightings, w.withheld)
			t.Log(w.coverage())
		})
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
