package core_test

import (
	"context"
	"testing"

	"github.com/referbot/referbot/core"
)

func TestBuddy_SaysWhoWasToldAndNothingWhenNothingWasSent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org, dana, alice := b.join(t, "T1", "organiser"), b.join(t, "T1", "dana"), b.join(t, "T1", "alice")
	told := func(p *core.Pairing) []string {
		var out []string
		for _, m := range p.Told {
			out = append(out, m.DisplayName)
		}
		return out
	}
	p, err := b.svc.Buddy(ctx, org, ref(dana), ref(alice))
	if err != nil || p.Already || len(p.Told) != 2 || p.Mentor.DisplayName != "alice" || p.Newcomer.BuddyID != alice.Member.ID {
		t.Fatalf("first pairing: %+v (told %v), %v", p, told(p), err)
	}
	before := b.count(t, "outbox")
	// The same pair again: nothing changes, nobody is told.
	p, err = b.svc.Buddy(ctx, org, ref(dana), ref(alice))
	if err != nil || !p.Already || len(p.Told) != 0 {
		t.Fatalf("same pair again: %+v (told %v), %v", p, told(p), err)
	}
	if n := b.count(t, "outbox"); n != before {
		t.Fatalf("same pair again queued %d messages", n-before)
	}
	// Another mentor, then back within the same instant: the messages
	// about that pairing were sent already, so none goes out again.
	if p, err = b.svc.Buddy(ctx, org, ref(dana), ref(org)); err != nil || len(p.Told) != 2 {
		t.Fatalf("new mentor: %+v (told %v), %v", p, told(p), err)
	}
	p, err = b.svc.Buddy(ctx, org, ref(dana), ref(alice))
	if err != nil || p.Already || len(p.Told) != 0 {
		t.Fatalf("back to alice at once: %+v (told %v), %v", p, told(p), err)
	}
}
