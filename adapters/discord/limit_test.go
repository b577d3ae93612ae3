package discord

import (
	"context"
	"net/http"
	"testing"
	"time"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestGlobalLimit_SpacesRequestsPastTheBurstButNeverInteractionAnswers(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	var waits []time.Duration
	l := &globalLimit{now: func() time.Time { return now },
		sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil },
		next:  roundTripFunc(func(*http.Request) (*http.Response, error) { return &http.Response{StatusCode: 200}, nil })}
	get := func(path string) {
		t.Helper()
		req, _ := http.NewRequest("POST", "https://discord.com/api/v10"+path, nil)
		if _, err := l.RoundTrip(req); err != nil {
			t.Fatal(err)
		}
	}
	for range globalBurst {
		get("/channels/C1/messages")
	}
	if len(waits) != 0 {
		t.Fatalf("the burst waited: %v", waits)
	}
	get("/interactions/I1/tok/callback")
	get("/webhooks/APP/tok")
	get("/channels/C1/messages")
	get("/channels/C2/messages")
	if len(waits) != 2 || waits[0] != globalEvery || waits[1] != 2*globalEvery {
		t.Fatalf("waits %v, want [%v %v]: past the burst, one request per %v", waits, globalEvery, 2*globalEvery, globalEvery)
	}
	// A second later the burst is back, and no second carries more than 50.
	now = now.Add(time.Second)
	waits = nil
	for range globalBurst {
		get("/channels/C1/messages")
	}
	if len(waits) != 0 {
		t.Fatalf("after a quiet second: waits %v", waits)
	}
	if perSecond := globalBurst + int(time.Second/globalEvery); perSecond > 50 {
		t.Fatalf("up to %d requests in the first second", perSecond)
	}
}
