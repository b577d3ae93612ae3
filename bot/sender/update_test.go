package sender_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/sender"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/testenv"
)

// editor is a messenger that can edit: each message is posted where it was
// addressed, and it records which message each update edits.
type editor struct {
	mu      sync.Mutex        // the sender's workers call it concurrently
	posted  map[string]string // ref → addressee
	closed  map[string]bool   // addressees whose DMs fail for good
	updates []string          // "ref → addressee of the update"
}

func (e *editor) Send(_ context.Context, m bot.Message) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed[m.To] {
		return "", &sender.PermanentError{Err: errors.New("cannot_dm_user")}
	}
	ref := fmt.Sprint(len(e.posted) + 1)
	e.posted[ref] = m.To
	return ref, nil
}

func (e *editor) Update(_ context.Context, ref string, m bot.Message) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.updates = append(e.updates, e.posted[ref]+" ← "+m.To)
	return nil
}

func TestSender_UpdatesOnlyTheRecipientsOwnMessage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := testenv.New(t, testenv.Options{At: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)})
	db, clk, svc := e.DB, e.Clock, e.Svc
	join := func(uid, name string) core.Caller {
		return e.Join(core.Identity{Platform: core.Slack, TeamID: "T1", UserID: uid, UserName: name, Channel: "C1"})
	}
	bob, alice, carol := join("U1", "bob"), join("U2", "alice"), join("U3", "carol")
	m := &editor{posted: map[string]string{}, closed: map[string]bool{}}
	s := &sender.Sender{Outbox: db, Platform: core.Slack, Messenger: m, Now: clk.Now, Log: slog.New(slog.DiscardHandler)}
	deliver := func() { t.Helper(); testenv.Deliver(t, s) }

	// Alice is offered a referral and declines it; bob sends it on to
	// carol, whose offer can't be delivered; carol accepts it anyway.
	r, err := svc.Refer(ctx, bob, core.ReferInput{To: core.MemberRef{UserID: "U2"}, ClientName: "Acme",
		Contact: "jane@acme.example", Consent: true, Need: "a website"})
	if err != nil {
		t.Fatal(err)
	}
	deliver()
	if _, err := svc.Decline(ctx, alice, r.Code, "fully booked"); err != nil {
		t.Fatal(err)
	}
	deliver()
	m.closed["U3"] = true
	if _, err := svc.Reassign(ctx, bob, r.Code, core.MemberRef{UserID: "U3"}); err != nil {
		t.Fatal(err)
	}
	deliver()
	delete(m.closed, "U3")
	if _, err := svc.Accept(ctx, carol, r.Code); err != nil {
		t.Fatal(err)
	}
	deliver()
	// Carol's refreshed card must not land in alice's DM, who is no longer
	// a party; it edits only carol's own offer, and she has none.
	for _, u := range m.updates {
		if u != "U2 ← U2" && u != "U3 ← U3" {
			t.Errorf("an update edited another member's message: %s", u)
		}
	}
}
