package core_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// deliverAll marks every pending notice of the test's workspaces
// delivered, as a sender would.
func (b *bundle) deliverAll(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	ns, err := b.db.ClaimNotices(ctx, core.Slack, 1000, b.clock.Now(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if err := b.db.MarkDelivered(ctx, n.WorkspaceID, n.ID, "ts-"+string(n.Kind), b.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
}

// outboxRow is one outbox row as stored.
type outboxRow struct {
	id        int64
	recipient *int64
	status    string
	payload   string
}

func (b *bundle) outboxRows(t testing.TB) []outboxRow {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, b.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT id, recipient_member_id, status, payload::text FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (outboxRow, error) {
		var r outboxRow
		return r, row.Scan(&r.id, &r.recipient, &r.status, &r.payload)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestForget_ScrubsTheOutbox(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.join(t, "T1", "organiser")
	bob, alice, carol := b.join(t, "T1", "bob"), b.join(t, "T1", "alice"), b.join(t, "T1", "carol")

	// Sent to bob, with a client's details only he and alice may see.
	globex, err := b.svc.Refer(ctx, alice, core.ReferInput{To: ref(bob), ClientName: "Globex",
		Contact: "ceo@globex.example", Consent: true, Need: "a brand"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Accept(ctx, bob, globex.Code); err != nil {
		t.Fatal(err)
	}
	// Sent by bob to others: an offer, a lead in the channel, a raised hand
	// (alice gets Pick buttons naming him), a thank-you in his words. And
	// to him, alice's note on the referral he gave her.
	acme := b.refer(t, bob, alice, "Acme", 0)
	if _, err := b.svc.Accept(ctx, alice, acme.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Advance(ctx, alice, acme.Code, core.StatusContacted, core.AdvanceInput{Note: "call on monday"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.PostLead(ctx, bob, core.LeadInput{ClientName: "Initech", Contact: "pm@initech.example",
		Consent: true, Need: "tax"}); err != nil {
		t.Fatal(err)
	}
	lead, err := b.svc.PostLead(ctx, alice, core.LeadInput{Need: "copywriting"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.RaiseHand(ctx, bob, lead.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Thank(ctx, bob, globex.Code, "bob says: thank you alice"); err != nil {
		t.Fatal(err)
	}
	b.deliverAll(t)
	// Still waiting when he leaves: an offer to him. His leaving queues
	// more, naming him: Globex goes back to alice.
	if _, err := b.svc.Refer(ctx, carol, core.ReferInput{To: ref(bob), ClientName: "Hooli", Need: "an app"}); err != nil {
		t.Fatal(err)
	}

	if err := b.svc.Forget(ctx, bob); err != nil {
		t.Fatal(err)
	}

	forbidden := []string{`"bob"`, `"u-bob"`, "bob says", "pm@initech.example"}
	toHim := []string{"Globex", "ceo@globex.example", "Acme", "call on monday", "Hooli"}
	renamed := 0
	for _, r := range b.outboxRows(t) {
		for _, s := range forbidden {
			if contains(r.payload, s) {
				t.Errorf("outbox row %d (%s) still holds %s: %s", r.id, r.status, s, r.payload)
			}
		}
		if r.recipient != nil && *r.recipient == bob.Member.ID {
			if r.status == "sent" {
				t.Errorf("a message delivered to bob survived: %s", r.payload)
			}
			for _, s := range toHim {
				if contains(r.payload, s) {
					t.Errorf("row %d to bob still holds %q: %s", r.id, s, r.payload)
				}
			}
			continue
		}
		var n struct {
			Actor    string         `json:"actor"`
			Referral *core.Referral `json:"referral"`
			Choices  []core.Recipient
		}
		if err := json.Unmarshal([]byte(r.payload), &n); err != nil {
			t.Fatal(err)
		}
		if n.Actor == "former member" {
			renamed++
		}
		for _, ch := range n.Choices {
			if ch.MemberID == bob.Member.ID && (ch.Name != "former member" || ch.UserID == "u-bob") {
				t.Errorf("row %d: a Pick choice still names bob: %+v", r.id, ch)
			}
		}
	}
	if renamed < 5 { // the offer, the lead, the raised hand, the thank-you post and DM, Globex's return
		t.Errorf("%d notices by bob now say \"former member\", want at least 4", renamed)
	}
	// Alice's own view of the referral bob sent her stays as she got it.
	if ks := b.kinds(t, `recipient_member_id = $1 AND payload->'referral'->>'client_name' = 'Acme'`, alice.Member.ID); len(ks) == 0 {
		t.Error("alice's notices about Acme lost their referral")
	}
	// What was waiting for him is still counted for admins, without content.
	if ks := b.kinds(t, `recipient_member_id = $1 AND status = 'failed'`, bob.Member.ID); len(ks) == 0 {
		t.Error("the offer waiting for bob is no longer listed as undelivered")
	}
}
