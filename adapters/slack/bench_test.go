package slack_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"
)

// BenchmarkSlashCommand_HTTP measures /refer over real HTTP, signature
// check to reply, against real PostgreSQL (the fake Slack answers
// users.info from a warm cache after the first call): a referral
// created per request, and a read-only list.
func BenchmarkSlashCommand_HTTP(b *testing.B) {
	for _, bc := range []struct{ name, text string }{
		{"refer", "<@UBOB> Client %d — a new website ~5k"},
		{"list", "list"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e := setup(b)
			e.command("UALICE", "C0CHAN", "help") // warm up: workspace, member, name cache
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				text := bc.text
				if bc.name == "refer" {
					text = fmt.Sprintf(bc.text, i)
				}
				body := e.commandBody("UALICE", "C0CHAN", text)
				start := time.Now()
				code, reply := e.post("/slack/commands", form, body, start)
				lat = append(lat, time.Since(start))
				if code != http.StatusOK || reply == "" {
					b.Fatalf("%d %s", code, reply)
				}
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
