package discord

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Discord allows a bot 50 REST requests a second in all. globalLimit keeps
// under it by spacing requests (40 a second after a burst of 10, so no
// second sees more than 50) rather than meeting 429s, of which too many
// get the bot's address banned for a while. Interaction responses and
// follow-ups are not bound by the global limit and pass at once: they have
// 3 seconds to arrive.
const (
	globalEvery = time.Second / 40
	globalBurst = 10
)

type globalLimit struct {
	next  http.RoundTripper
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error

	mu  sync.Mutex
	tat time.Time // when the request after the burst may go (GCRA's theoretical arrival time)
}

func (l *globalLimit) RoundTrip(r *http.Request) (*http.Response, error) {
	if p := r.URL.Path; !strings.Contains(p, "/interactions/") && !strings.Contains(p, "/webhooks/") {
		if err := l.wait(r.Context()); err != nil {
			return nil, err
		}
	}
	return l.next.RoundTrip(r)
}

// wait takes the next slot and waits for it.
func (l *globalLimit) wait(ctx context.Context) error {
	l.mu.Lock()
	now := l.now()
	tat := l.tat
	if tat.Before(now) {
		tat = now
	}
	l.tat = tat.Add(globalEvery)
	l.mu.Unlock()
	if d := tat.Sub(now) - (globalBurst-1)*globalEvery; d > 0 {
		return l.sleep(ctx, d)
	}
	return nil
}
