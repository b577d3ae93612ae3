package slack_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/referbot/referbot/internal/fixture"
)

var partners = []string{"UBOB", "UCAROL", "UDAN", "UERIN", "UFRANK"}

// referEach has Alice refer a client to each partner: one DM to each.
func referEach(e *env, users []string) {
	for _, u := range users {
		e.command("UALICE", "C0CHAN", "<@"+u+"> Client "+u+" — a new website")
	}
}

func TestDelivery_FiftySecondsOf429sStillDeliverEveryMessageOnce(t *testing.T) {
	t.Parallel()
	e := setup(t)
	clk := fixture.NewClock(time.Now())
	start := clk.Now()
	e.sender.Now = clk.Now
	limited := 0
	e.slack.fail = func(method string) (int, http.Header, string, bool) {
		if method != "chat.postMessage" || !clk.Now().Before(start.Add(50*time.Second)) {
			return 0, nil, "", false
		}
		limited++
		return http.StatusTooManyRequests, http.Header{"Retry-After": {"2"}}, "", true
	}
	referEach(e, partners)
	ctx := context.Background()
	for clk.Now().Before(start.Add(60 * time.Second)) {
		if _, err := e.sender.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Add(time.Second)
	}
	e.deliver()
	must(t, limited >= 5*20, "only %d 429s: the test did not rate limit for 50 s", limited)
	for _, u := range partners {
		must(t, len(dmTo(e, u)) == 1, "%s got %d DMs, want 1", u, len(dmTo(e, u)))
	}
	must(t, e.count(`SELECT count(*) FROM outbox WHERE status = 'failed'`) == 0, "a rate limit failed a message")
	must(t, e.count(`SELECT max(attempts) FROM outbox`) == 1, "429s used up attempts: %d", e.count(`SELECT max(attempts) FROM outbox`))
}

func TestDelivery_OneHangingDMHoldsBackOnlyItself(t *testing.T) {
	t.Parallel()
	e := setup(t)
	release, others := make(chan struct{}), make(chan string, len(partners))
	e.slack.hold = func(c call) {
		if c.Method != "chat.postMessage" {
			return
		}
		if to := c.Form.Get("channel"); to == "UBOB" {
			<-release // Bob's DM hangs until the test lets it go
		} else {
			others <- to
		}
	}
	referEach(e, partners)
	e.sender.CallTimeout = time.Hour // the test, not the deadline, ends the hanging call
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); e.sender.Run(ctx, time.Hour) }()
	// The four others reach Slack while Bob's call still hangs.
	for range len(partners) - 1 {
		<-others
	}
	close(release)
	cancel()
	<-stopped
	for _, u := range partners {
		must(t, len(dmTo(e, u)) == 1, "%s got %d DMs, want 1", u, len(dmTo(e, u)))
	}
	must(t, e.count(`SELECT count(*) FROM outbox WHERE status = 'sent'`) == len(partners), "not every DM was recorded")
}
