package core_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// pending lists the kinds of notices waiting for a member, oldest first.
func (b *bundle) pending(t testing.TB, m core.Member) []string {
	t.Helper()
	return b.kinds(t, `recipient_member_id = $1 AND status = 'pending'`, m.ID)
}

// kinds lists the kinds of outbox rows matching where, oldest first.
func (b *bundle) kinds(t testing.TB, where string, args ...any) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, b.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT kind FROM outbox WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		t.Fatal(err)
	}
	ks, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

func TestRaiseHand_RevealsNothingMoreThanThePublicView(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.join(t, "T1", "organiser")
	bob, carol := b.join(t, "T1", "bob"), b.join(t, "T1", "carol")
	lead, err := b.svc.PostLead(ctx, bob, core.LeadInput{ClientName: "Dr Kay", Contact: "dr.kay@clinic.example",
		Consent: true, Need: "a booking site"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.svc.RaiseHand(ctx, carol, lead.Code)
	if err != nil {
		t.Fatal(err)
	}
	if r.ClientName != "" || r.ClientContact != "" {
		t.Fatalf("a raised hand returned the client: %q %q", r.ClientName, r.ClientContact)
	}
	d, err := b.svc.Show(ctx, carol, lead.Code)
	if err != nil {
		t.Fatal(err)
	}
	if d.Referral.ClientName != "" || d.Referral.ClientContact != "" {
		t.Fatalf("show after a raised hand revealed the client: %+v", d.Referral)
	}
	// Being picked makes carol a party: now she sees it.
	r, err = b.svc.PickClaimer(ctx, bob, lead.Code, ref(carol))
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := b.svc.Show(ctx, carol, lead.Code); d.Referral.ClientContact != "dr.kay@clinic.example" {
		t.Fatalf("the picked member doesn't see the contact: %+v", d.Referral)
	}
}

func TestShow_NonPartiesSeeNoClientNotesOrReasons(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	admin := b.join(t, "T1", "organiser")
	bob, alice, dave := b.join(t, "T1", "bob"), b.join(t, "T1", "alice"), b.join(t, "T1", "dave")
	r := b.refer(t, bob, alice, "Gina's Bakery", 500000)
	if _, err := b.svc.Accept(ctx, alice, r.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Advance(ctx, alice, r.Code, core.StatusContacted, core.AdvanceInput{Note: "called Gina, she wants pre-orders"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Advance(ctx, alice, r.Code, core.StatusLost, core.AdvanceInput{Reason: "Gina's budget fell through"}); err != nil {
		t.Fatal(err)
	}
	r2 := b.refer(t, bob, alice, "Hal's Garage", 0)
	if _, err := b.svc.Decline(ctx, alice, r2.Code, "Hal owes me money"); err != nil {
		t.Fatal(err)
	}
	for _, code := range []core.Code{r.Code, r2.Code} {
		for _, c := range []core.Caller{admin, bob, alice, dave} {
			d, err := b.svc.Show(ctx, c, code)
			if err != nil {
				t.Fatal(err)
			}
			var text strings.Builder
			text.WriteString(d.Referral.ClientName + d.Referral.ClientContact + d.Referral.LostReason + d.Referral.DeclineReason)
			for _, e := range d.Events {
				text.WriteString(e.Note)
			}
			seen := strings.Contains(text.String(), "Gina") || strings.Contains(text.String(), "Hal")
			if want := c.Member.ID != dave.Member.ID; seen != want {
				t.Errorf("%s on %s: sees client details %v, want %v (%q)", c.Member.DisplayName, code, seen, want, text.String())
			}
			if len(d.Events) < 2 || d.Referral.Need == "" || d.Referral.Status == "" {
				t.Errorf("%s on %s: the public view lost the need, stage or timeline", c.Member.DisplayName, code)
			}
		}
	}
}

func TestRemoveMember_OfferedReferralReturnsAndClaimedLeadIsReleased(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	bob, omar, carol := b.join(t, "T1", "bob"), b.join(t, "T1", "omar"), b.join(t, "T1", "carol")
	offered := b.refer(t, bob, omar, "Acme", 0)
	working := b.refer(t, bob, omar, "Globex", 0)
	if _, err := b.svc.Accept(ctx, omar, working.Code); err != nil {
		t.Fatal(err)
	}
	lead, err := b.svc.PostLead(ctx, carol, core.LeadInput{ClientName: "Initech", Contact: "pm@initech.example", Consent: true, Need: "tax return"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Claim(ctx, omar, lead.Code); err != nil {
		t.Fatal(err)
	}
	if len(b.pending(t, omar.Member)) == 0 {
		t.Fatal("omar should have notices waiting before removal")
	}

	if _, err := b.svc.Configure(ctx, org, "remove", []string{"@omar"}); err != nil {
		t.Fatal(err)
	}
	if ks := b.pending(t, omar.Member); len(ks) != 0 {
		t.Fatalf("a removed member still has notices waiting: %v", ks)
	}
	for _, code := range []core.Code{offered.Code, working.Code} {
		d, err := b.svc.Show(ctx, bob, code)
		if err != nil {
			t.Fatal(err)
		}
		if d.Referral.Status != core.StatusDeclined || !strings.Contains(d.Referral.DeclineReason, "omar") {
			t.Errorf("%s after omar's removal: %s %q, want declined naming omar", code, d.Referral.Status, d.Referral.DeclineReason)
		}
		if last := d.Events[len(d.Events)-1]; last.Kind != core.EvReturned {
			t.Errorf("%s: last event %s, want returned", code, last.Kind)
		}
	}
	if ks := b.pending(t, bob.Member); strings.Count(strings.Join(ks, " "), string(core.NoticeReturned)) != 2 {
		t.Errorf("bob's notices %v, want two %s", ks, core.NoticeReturned)
	}
	d, err := b.svc.Show(ctx, carol, lead.Code)
	if err != nil {
		t.Fatal(err)
	}
	if d.Referral.Status != core.StatusOpen || d.Referral.ReceiverID != 0 || !d.Referral.ExpiresAt.After(b.clock.Now()) {
		t.Fatalf("omar's claimed lead: %+v, want open again", d.Referral)
	}
	if ks := b.kinds(t, `recipient_member_id IS NULL AND kind = $1`, string(core.NoticeLeadPosted)); len(ks) != 2 {
		t.Errorf("channel lead posts: %d, want the original and a new one", len(ks))
	}
	if ks := b.pending(t, carol.Member); !strings.Contains(strings.Join(ks, " "), string(core.NoticeReleased)) {
		t.Errorf("carol wasn't told her lead is open again: %v", ks)
	}
	// Someone else can take the released lead; omar gets nothing of it.
	if _, err := b.svc.Claim(ctx, bob, lead.Code); err != nil {
		t.Fatal(err)
	}
	// And the returned referral can go to someone else.
	r, err := b.svc.Reassign(ctx, bob, offered.Code, ref(carol))
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != core.StatusOffered || r.ReceiverID != carol.Member.ID || r.DeclineReason != "" {
		t.Fatalf("reassigned: %+v", r)
	}
	if _, err := b.svc.Accept(ctx, carol, offered.Code); err != nil {
		t.Fatal(err)
	}
	if ks := b.pending(t, omar.Member); len(ks) != 0 {
		t.Fatalf("the removed member got notices afterwards: %v", ks)
	}
}

func TestForget_ReturnsWhatWasWaitingWithoutTheirName(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.join(t, "T1", "organiser")
	bob, omar := b.join(t, "T1", "bob"), b.join(t, "T1", "omar")
	r := b.refer(t, bob, omar, "Acme", 0)
	if err := b.svc.Forget(ctx, omar); err != nil {
		t.Fatal(err)
	}
	d, err := b.svc.Show(ctx, bob, r.Code)
	if err != nil {
		t.Fatal(err)
	}
	if d.Referral.Status != core.StatusDeclined || strings.Contains(d.Referral.DeclineReason, "omar") {
		t.Fatalf("after forget: %s %q, want declined without the name", d.Referral.Status, d.Referral.DeclineReason)
	}
	if ks := b.pending(t, omar.Member); len(ks) != 0 {
		t.Fatalf("a forgotten member has notices waiting: %v", ks)
	}
}

func TestReassign_OnlyTheReferrerAndOnlyWhenItCameBack(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.join(t, "T1", "organiser")
	bob, alice, carol := b.join(t, "T1", "bob"), b.join(t, "T1", "alice"), b.join(t, "T1", "carol")
	r := b.refer(t, bob, alice, "Acme", 0)
	if _, err := b.svc.Accept(ctx, alice, r.Code); err != nil {
		t.Fatal(err)
	}
	_, err := b.svc.Reassign(ctx, bob, r.Code, ref(carol))
	wantCode(t, err, core.ECONFLICT) // alice is working on it
	r2 := b.refer(t, bob, alice, "Globex", 0)
	if _, err := b.svc.Decline(ctx, alice, r2.Code, "fully booked"); err != nil {
		t.Fatal(err)
	}
	_, err = b.svc.Reassign(ctx, carol, r2.Code, ref(carol))
	wantCode(t, err, core.EFORBIDDEN)
	_, err = b.svc.Reassign(ctx, bob, r2.Code, ref(bob))
	wantCode(t, err, core.EINVALID)
	got, err := b.svc.Reassign(ctx, bob, r2.Code, ref(carol))
	if err != nil {
		t.Fatal(err)
	}
	if got.ReceiverName != "carol" || got.Status != core.StatusOffered {
		t.Fatalf("reassigned: %+v", got)
	}
	if ks := b.pending(t, carol.Member); len(ks) != 1 || ks[0] != string(core.NoticeOffered) {
		t.Fatalf("carol's notices: %v, want one offer", ks)
	}
	d, _ := b.svc.Show(ctx, bob, r2.Code)
	kinds := []core.EventKind{}
	for _, e := range d.Events {
		kinds = append(kinds, e.Kind)
	}
	if len(kinds) != 3 || kinds[1] != core.EvDeclined || kinds[2] != core.EvReassigned {
		t.Fatalf("history %v, want created, declined, reassigned", kinds)
	}
}

func TestPick_AnAdminIsNamedAndTheReferrerTold(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	admin := b.join(t, "T1", "organiser")
	bob, carol := b.join(t, "T1", "bob"), b.join(t, "T1", "carol")
	lead, err := b.svc.PostLead(ctx, bob, core.LeadInput{Need: "bookkeeping"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.RaiseHand(ctx, carol, lead.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.PickClaimer(ctx, admin, lead.Code, ref(carol)); err != nil {
		t.Fatal(err)
	}
	d, _ := b.svc.Show(ctx, bob, lead.Code)
	if last := d.Events[len(d.Events)-1]; last.Kind != core.EvPicked || last.ActorName != "organiser" {
		t.Fatalf("pick event %+v, want the admin as actor", last)
	}
	if ks := b.pending(t, bob.Member); !strings.Contains(strings.Join(ks, " "), string(core.NoticePickedDM)) {
		t.Fatalf("the referrer wasn't told of the admin's pick: %v", ks)
	}
}
