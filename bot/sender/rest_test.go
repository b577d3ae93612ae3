package sender

import (
	"testing"
	"time"
)

// The claim's rest is internal to Run's loop: tested here, on the engine.
func TestRest_OnlyAfterAnExpensiveClaimThreeTimesItsLength(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	e := &engine{}
	if got := e.rest(at); got != 0 {
		t.Errorf("before any claim: rest %s, want none", got)
	}
	e.claimTook, e.claimEnded = 5*time.Millisecond, at
	if got := e.rest(at); got != 0 {
		t.Errorf("after a cheap claim (5 ms): rest %s, want none", got)
	}
	e.claimTook = 100 * time.Millisecond
	if got := e.rest(at.Add(50 * time.Millisecond)); got != 250*time.Millisecond {
		t.Errorf("50 ms after a 100 ms claim: rest %s, want 250ms", got)
	}
	if got := e.rest(at.Add(time.Second)); got != 0 {
		t.Errorf("a second after a 100 ms claim: rest %s, want none", got)
	}
}
