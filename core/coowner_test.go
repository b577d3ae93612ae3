package core_test

import (
	"context"
	"strings"
	"testing"

	"github.com/referbot/referbot/core"
)

func TestCoOwner_SeesTheClientMovesTheStageAndOnlyTheReceiverChooses(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	bob, alice := b.join(t, "T1", "bob"), b.join(t, "T1", "alice")
	carol, dave, erin := b.join(t, "T1", "carol"), b.join(t, "T1", "dave"), b.join(t, "T1", "erin")
	to := func(c core.Caller) *core.MemberRef { return &core.MemberRef{UserID: c.Member.UserID} }
	sees := func(c core.Caller, code core.Code) bool {
		t.Helper()
		r := ok(b.svc.Show(ctx, c, code))(t).Referral
		return r.ClientName == "Acme" && r.ClientContact == "Acme@example.com"
	}
	told := func(c core.Caller) int {
		t.Helper()
		return len(b.kinds(t, `recipient_member_id = $1 AND kind = $2`, c.Member.ID, string(core.NoticeCoOwner)))
	}

	r := b.refer(t, bob, alice, "Acme", 0)
	wantCode(t, second(b.svc.SetCoOwner(ctx, alice, r.Code, to(carol))), core.ECONFLICT) // not accepted yet
	ok(b.svc.Accept(ctx, alice, r.Code))(t)
	if sees(carol, r.Code) {
		t.Fatal("carol sees the client before she is co-owner")
	}
	// Only the receiver chooses: not the referrer, not a stranger.
	wantCode(t, second(b.svc.SetCoOwner(ctx, bob, r.Code, to(carol))), core.EFORBIDDEN)
	wantCode(t, second(b.svc.SetCoOwner(ctx, dave, r.Code, to(carol))), core.EFORBIDDEN)
	// Nor can the referrer or the receiver be co-owner.
	wantCode(t, second(b.svc.SetCoOwner(ctx, alice, r.Code, to(bob))), core.EINVALID)
	wantCode(t, second(b.svc.SetCoOwner(ctx, alice, r.Code, to(alice))), core.EINVALID)

	ch := ok(b.svc.SetCoOwner(ctx, alice, r.Code, to(carol)))(t)
	if ch.Added != "carol" || ch.Replaced != "" || ch.Referral.CoOwnerID != carol.Member.ID {
		t.Fatalf("co-owner: %+v", ch)
	}
	if !sees(carol, r.Code) {
		t.Error("the co-owner doesn't see the client's details")
	}
	if told(bob) != 1 || told(carol) != 1 || told(alice) != 0 {
		t.Errorf("told: bob %d, carol %d, alice %d; want 1, 1, 0", told(bob), told(carol), told(alice))
	}
	// The co-owner moves the stage (and the referrer hears of it), but
	// can't choose another co-owner.
	if r2 := ok(b.svc.Advance(ctx, carol, r.Code, core.StatusContacted, core.AdvanceInput{Note: "met Jane"}))(t); r2.Status != core.StatusContacted {
		t.Errorf("the co-owner's move: %s", r2.Status)
	}
	if ks := b.kinds(t, `recipient_member_id = $1 AND kind = $2`, bob.Member.ID, string(core.NoticeStage)); len(ks) != 1 {
		t.Errorf("bob heard of %d stage moves", len(ks))
	}
	wantCode(t, second(b.svc.SetCoOwner(ctx, carol, r.Code, to(dave))), core.EFORBIDDEN)
	wantCode(t, second(b.svc.SetCoOwner(ctx, alice, r.Code, to(carol))), core.ECONFLICT) // already

	// One at a time: naming another replaces her, and she is told.
	ch = ok(b.svc.SetCoOwner(ctx, alice, r.Code, to(dave)))(t)
	if ch.Added != "dave" || ch.Replaced != "carol" {
		t.Errorf("replacement: %+v", ch)
	}
	if sees(carol, r.Code) || !sees(dave, r.Code) {
		t.Error("after the replacement carol still sees the client, or dave doesn't")
	}
	if told(carol) != 2 || told(dave) != 1 || told(bob) != 2 {
		t.Errorf("told: carol %d, dave %d, bob %d; want 2, 1, 2", told(carol), told(dave), told(bob))
	}
	// A removed member can't be co-owner; an admin may choose for the receiver.
	ok(b.svc.Configure(ctx, org, "remove", []string{"<@" + erin.Member.UserID + ">"}))(t)
	wantCode(t, second(b.svc.SetCoOwner(ctx, alice, r.Code, to(erin))), core.ENOTFOUND)
	ok(b.svc.SetCoOwner(ctx, org, r.Code, nil))(t)
	if sees(dave, r.Code) {
		t.Error("dave still sees the client once taken off")
	}
	wantCode(t, second(b.svc.SetCoOwner(ctx, alice, r.Code, nil)), core.ECONFLICT) // none to take off

	var notes []string
	for _, e := range b.history(t, bob, r.Code) {
		if e.Kind == core.EvCoOwner {
			notes = append(notes, e.Note)
		}
	}
	if want := "@carol added|@dave added in place of @carol|@dave taken off"; join(notes) != want {
		t.Errorf("co-owner history %q, want %q", join(notes), want)
	}
}

func join(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += "|"
		}
		out += s
	}
	return out
}

func TestUndoAndCorrect_OnlyYourOwnLatestChangeBesideACoOwner(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.join(t, "T1", "organiser")
	bob, alice, carol, dave := b.join(t, "T1", "bob"), b.join(t, "T1", "alice"), b.join(t, "T1", "carol"), b.join(t, "T1", "dave")
	r := b.refer(t, bob, alice, "Acme", 0)
	ok(b.svc.Accept(ctx, alice, r.Code))(t)
	ok(b.svc.SetCoOwner(ctx, alice, r.Code, &core.MemberRef{UserID: carol.Member.UserID}))(t)
	ok(b.svc.Advance(ctx, alice, r.Code, core.StatusContacted, core.AdvanceInput{}))(t)
	ok(b.svc.Advance(ctx, carol, r.Code, core.StatusMeeting, core.AdvanceInput{}))(t)
	// alice's move has a later one built on it: refused, naming carol.
	_, err := b.svc.Undo(ctx, alice, r.Code)
	wantCode(t, err, core.ECONFLICT)
	if !strings.Contains(err.Error(), "@carol moved it to meeting") {
		t.Errorf("refusal: %q", err)
	}
	// Others have nothing of their own to undo.
	wantCode(t, second(b.svc.Undo(ctx, bob, r.Code)), core.ECONFLICT)
	wantCode(t, second(b.svc.Undo(ctx, dave, r.Code)), core.ECONFLICT)
	// carol undoes hers, then alice hers.
	ok(b.svc.Undo(ctx, carol, r.Code))(t)
	if u := ok(b.svc.Undo(ctx, alice, r.Code))(t); u.Referral.Status != core.StatusAccepted {
		t.Errorf("after both undos: %s", u.Referral.Status)
	}

	// Correct: only a won deal, only its owners (or an admin), a new value.
	wantCode(t, second(b.svc.Correct(ctx, alice, r.Code, core.Money{Cents: 100}, "")), core.ECONFLICT)
	ok(b.svc.Advance(ctx, alice, r.Code, core.StatusWon, core.AdvanceInput{Value: core.Money{Cents: 90000, Currency: "EUR"}}))(t)
	_, err = b.svc.Correct(ctx, bob, r.Code, core.Money{Cents: 100}, "")
	wantCode(t, err, core.EFORBIDDEN)
	if !strings.Contains(err.Error(), "ask @alice") {
		t.Errorf("the referrer's refusal: %q", err)
	}
	wantCode(t, second(b.svc.Correct(ctx, dave, r.Code, core.Money{Cents: 100}, "")), core.EFORBIDDEN)
	wantCode(t, second(b.svc.Correct(ctx, alice, r.Code, core.Money{Cents: 90000}, "")), core.EINVALID)
	wantCode(t, second(b.svc.Correct(ctx, alice, r.Code, core.Money{}, "")), core.EINVALID)
	// A value typed without a currency is in the deal's, not the network's.
	if k := ok(b.svc.Correct(ctx, carol, r.Code, core.Money{Cents: 95000}, ""))(t); k.New != (core.Money{Cents: 95000, Currency: "EUR"}) {
		t.Errorf("corrected to %s, want EUR 950", k.New)
	}
	// Both other parties are told; the corrector is not.
	for _, c := range []core.Caller{bob, alice} {
		if ks := b.kinds(t, `recipient_member_id = $1 AND kind = $2`, c.Member.ID, string(core.NoticeCorrected)); len(ks) != 1 {
			t.Errorf("%s told %d times", c.Member.DisplayName, len(ks))
		}
	}
	if ks := b.kinds(t, `recipient_member_id = $1 AND kind = $2`, carol.Member.ID, string(core.NoticeCorrected)); len(ks) != 0 {
		t.Errorf("carol was told of her own correction")
	}
}
