package discord_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"
)

// BenchmarkInteraction_HTTP measures an application command over real
// HTTP, Ed25519 check to response, against real PostgreSQL: a referral
// created per interaction, and a read-only list.
func BenchmarkInteraction_HTTP(b *testing.B) {
	for _, bc := range []struct {
		name string
		make func(i int) map[string]any
	}{
		{"give", func(i int) map[string]any {
			return slash("U1", []string{"give"}, opt("partner", 6, "U2"), opt("client", 3, fmt.Sprintf("Client %d", i)),
				opt("need", 3, "a new website"), opt("value", 3, "5k"))
		}},
		{"list", func(int) map[string]any { return slash("U1", []string{"list"}) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e := setup(b)
			e.interaction(slash("U1", []string{"list"})) // warm up: workspace and member
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				in := bc.make(i)
				in["id"], in["token"], in["application_id"], in["version"] = fmt.Sprintf("B%d", i), "t", "APP", 1
				body, _ := json.Marshal(in)
				start := time.Now()
				code, resp := e.post(body, start)
				lat = append(lat, time.Since(start))
				if code != http.StatusOK || resp["type"] != float64(4) {
					b.Fatalf("%d %v", code, resp)
				}
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
