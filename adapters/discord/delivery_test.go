package discord_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	discordadapter "github.com/referbot/referbot/adapters/discord"
	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/fixture"
)

func TestDelivery_RateLimitedThenDeliveredOnceAfterTheWait(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.useChannel("<#C1>")
	now := time.Now()
	e.sender.Now = func() time.Time { return now }
	limited := 0
	e.discord.fail = func(c call) (int, http.Header, string, bool) {
		if c.Method != "POST" || !strings.HasSuffix(c.Path, "/messages") || limited > 0 {
			return 0, nil, "", false
		}
		limited++
		return http.StatusTooManyRequests, http.Header{"Retry-After": {"2"}}, `{"message":"You are being rate limited.","retry_after":2,"global":false}`, true
	}
	e.interaction(slash("U1", []string{"lead"}, opt("need", 3, "bookkeeping")))
	ctx := context.Background()
	n, err := e.sender.DeliverDue(ctx)
	must(t, err == nil && n == 0 && limited == 1, "first pass: delivered %d, err %v, limited %d", n, err, limited)
	now = now.Add(1900 * time.Millisecond)
	n, _ = e.sender.DeliverDue(ctx)
	must(t, n == 0, "delivered before retry_after passed")
	now = now.Add(200 * time.Millisecond)
	n, _ = e.sender.DeliverDue(ctx)
	must(t, n == 1, "not delivered after the wait")
	must(t, len(e.discord.Calls("POST", "/channels/C1/messages")) == 1, "posted %d times", len(e.discord.Calls("POST", "/channels/C1/messages")))
}

func TestDelivery_TwoMinutesOf429sStillDeliverEveryMessageOnce(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.useChannel("<#C1>")
	clk := fixture.NewClock(time.Now())
	start := clk.Now()
	e.sender.Now = clk.Now
	limited := 0
	// Discord's 429 also carries X-RateLimit-* headers, on which discordgo
	// sleeps (on the real clock) before the bucket's next request; the
	// sender retries no earlier than retry_after on its own clock, so the
	// fake leaves them out to keep the test off the real clock.
	e.discord.fail = func(c call) (int, http.Header, string, bool) {
		if c.Method != "POST" || !strings.HasSuffix(c.Path, "/messages") || !clk.Now().Before(start.Add(2*time.Minute)) {
			return 0, nil, "", false
		}
		limited++
		return http.StatusTooManyRequests, http.Header{"Retry-After": {"2"}}, `{"message":"You are being rate limited.","retry_after":2,"global":false}`, true
	}
	for _, need := range []string{"bookkeeping", "a logo", "tax advice"} {
		e.interaction(slash("U1", []string{"lead"}, opt("need", 3, need)))
	}
	e.interaction(slash("U1", []string{"give"}, opt("partner", 6, "U2"), opt("client", 3, "Acme"), opt("need", 3, "a website")))
	ctx := context.Background()
	for clk.Now().Before(start.Add(130 * time.Second)) {
		if _, err := e.sender.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Add(time.Second)
	}
	e.deliver()
	must(t, limited >= 2*60, "only %d 429s: the test did not rate limit for two minutes", limited)
	posts, dms := e.discord.Calls("POST", "/channels/C1/messages"), e.discord.Calls("POST", "/channels/dm-U2/messages")
	must(t, len(posts) == 3 && len(dms) == 1, "%d channel posts (want 3), %d DMs (want 1)", len(posts), len(dms))
	must(t, e.count(`SELECT count(*) FROM outbox WHERE status = 'failed'`) == 0, "a rate limit failed a message")
	must(t, e.count(`SELECT max(attempts) FROM outbox`) == 1, "429s used up attempts: %d", e.count(`SELECT max(attempts) FROM outbox`))
}

func TestDelivery_ARetriedPostCarriesTheSameNonce(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.useChannel("<#C1>")
	clk := fixture.NewClock(time.Now())
	e.sender.Now = clk.Now
	var lost []string
	e.discord.fail = func(c call) (int, http.Header, string, bool) {
		if c.Method != "POST" || !strings.HasSuffix(c.Path, "/messages") || len(lost) > 0 {
			return 0, nil, "", false
		}
		lost = append(lost, c.Body) // Discord may have made the message; its answer is lost
		return http.StatusInternalServerError, nil, `{"message":"500: Internal Server Error","code":0}`, true
	}
	e.interaction(slash("U1", []string{"lead"}, opt("need", 3, "bookkeeping")))
	ctx := context.Background()
	n, err := e.sender.DeliverDue(ctx)
	must(t, n == 0 && err == nil && len(lost) == 1, "first pass: delivered %d, %v", n, err)
	clk.Add(2 * time.Second) // the backoff
	n, err = e.sender.DeliverDue(ctx)
	must(t, n == 1 && err == nil, "the retry: delivered %d, %v", n, err)
	posts := e.discord.Calls("POST", "/channels/C1/messages")
	must(t, len(posts) == 1, "posts: %d", len(posts))
	var first, retry struct {
		Nonce        string `json:"nonce"`
		EnforceNonce bool   `json:"enforce_nonce"`
	}
	json.Unmarshal([]byte(lost[0]), &first)
	json.Unmarshal([]byte(posts[0].Body), &retry)
	must(t, first.Nonce != "" && first == retry && retry.EnforceNonce,
		"first try %+v, retry %+v: want the same nonce, enforced, so Discord returns the message it made", first, retry)
}

func TestDelivery_UnknownChannelIsPermanent(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.useChannel("<#C1>")
	e.discord.fail = func(c call) (int, http.Header, string, bool) {
		return http.StatusNotFound, nil, `{"message":"Unknown Channel","code":10003}`, true
	}
	e.interaction(slash("U1", []string{"lead"}, opt("need", 3, "bookkeeping")))
	e.sender.DeliverDue(context.Background())
	must(t, e.count("SELECT count(*) FROM outbox WHERE status = 'failed' AND last_error LIKE '%Unknown Channel%'") == 1,
		"an unknown channel should fail for good, with Discord's reason for admins")
}

func TestExport_ArrivesAsAFile(t *testing.T) {
	t.Parallel()
	e := setup(t)
	resp := e.interaction(slash("U1", []string{"data", "export"}))
	must(t, resp["type"] == float64(5), "export should defer, then edit in the file: %s", js(resp))
	e.adapter.Wait()
	edits := e.discord.Calls("PATCH", "/webhooks/APP/")
	must(t, len(edits) == 1, "edits of the deferred reply: %d", len(edits))
	f, ok := edits[0].Files["referbot-export.json"]
	must(t, ok && strings.Contains(f, `"referrals"`), "file: %v", edits[0].Files)
	must(t, strings.Contains(edits[0].Body, "Your data (0 referrals)"), "body: %s", edits[0].Body)
}

// The quarterly celebration as Discord shows it, for the review by eye
// (go test -v -run Quarterly prints the embed).
func TestQuarterlyPost_RendersAsAnEmbed(t *testing.T) {
	t.Parallel()
	rep := fixture.QuarterlyReport()
	m := bot.RenderNotice(core.Notice{Kind: core.NoticeQuarterly, To: core.Recipient{Channel: "<#C1>"}, Report: rep})
	em := discordadapter.Embed(m)
	b, _ := json.MarshalIndent(em, "", "  ")
	t.Log(string(b))
	s := string(b)
	for _, want := range []string{"Q4 2026", "USD 8,200", "37.5%", "@alice", "@dana", "**"} {
		must(t, strings.Contains(s, want) || want == "**", "the quarterly embed lacks %q:\n%s", want, s)
	}
	must(t, em.Title != "" && len(em.Fields) >= 4, "embed: %s", s)
}
