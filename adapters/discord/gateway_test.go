package discord_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	discordadapter "github.com/referbot/referbot/adapters/discord"
	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/internal/testenv"
)

// TestGateway_InteractionRunsThroughTheSameHandler connects over a fake
// Gateway (HELLO, IDENTIFY, READY), delivers an INTERACTION_CREATE and
// sees the answer posted to the interaction callback — the same reply the
// HTTP endpoint gives; commands were registered at start.
func TestGateway_InteractionRunsThroughTheSameHandler(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.useChannel("<#C1>")
	in := slash("U1", []string{"lead"}, opt("need", 3, "bookkeeping for a bakery"))
	in["id"], in["token"], in["application_id"], in["version"] = "GW1", "gwtoken", "APP", 1
	identified := make(chan map[string]any, 1)
	e.discord.Dispatch = func(id map[string]any) []map[string]any {
		identified <- id
		return []map[string]any{{"t": "INTERACTION_CREATE", "d": in}}
	}

	a, err := discordadapter.New(discordadapter.Options{Bot: bot.New(e.svc, quiet), Token: "test-token", AppID: "APP",
		APIURL: e.discord.APIURL(), Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, true) }()

	select {
	case id := <-identified:
		must(t, id["op"] == float64(2), "first frame from the bot: %v", id)
	case <-time.After(15 * time.Second):
		t.Fatal("the bot never identified on the Gateway")
	}
	deadline := time.Now().Add(15 * time.Second)
	for len(e.discord.Calls("POST", "/interactions/GW1/gwtoken/callback")) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no interaction callback; calls: %v", e.discord.All())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cb := e.discord.Calls("POST", "/interactions/GW1/gwtoken/callback")[0].Body
	must(t, strings.Contains(cb, `"type":4`) && strings.Contains(cb, "Lead R-1001 posted") && strings.Contains(cb, `"flags":64`), "callback: %s", cb)
	must(t, len(e.discord.Calls("PUT", "/applications/APP/commands")) == 1, "commands were not registered globally at start")
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after ctx ended")
	}
	must(t, e.count("SELECT count(*) FROM referrals") == 1, "the lead was not created once")
}

// TestGateway_DownAtStartIsRetriedAndReported: the Gateway refuses the
// first connections; the adapter is not ready meanwhile, retries with
// backoff, and is ready once it is let in (HELLO, IDENTIFY, READY).
func TestGateway_DownAtStartIsRetriedAndReported(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var (
		mu       sync.Mutex
		down     = true
		attempts int
	)
	e.discord.GatewayDown = func() bool {
		mu.Lock()
		defer mu.Unlock()
		attempts++
		return down
	}

	a, err := discordadapter.New(discordadapter.Options{Bot: bot.New(e.svc, quiet), Token: "test-token", AppID: "APP",
		APIURL: e.discord.APIURL(), Log: quiet, RetryBase: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, true) }()
	waitFor(t, "two refused Gateway attempts", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return attempts >= 2
	})
	must(t, a.Ready() != nil, "ready while the Gateway is down")
	mu.Lock()
	down = false
	mu.Unlock()
	waitFor(t, "connected once the Gateway is back", func() bool { return a.Ready() == nil })
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after ctx ended")
	}
}

// waitFor waits up to 15 s for cond.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testenv.Eventually(t, what, cond)
}
