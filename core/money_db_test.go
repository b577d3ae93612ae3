package core_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/referbot/referbot/core"
)

// snapshot counts the rows an operation could write.
func (b *bundle) snapshot(t *testing.T) string {
	t.Helper()
	var out []string
	for _, tb := range []string{"referrals", "referral_events", "outbox", "profiles"} {
		out = append(out, fmt.Sprintf("%s=%d", tb, b.count(t, tb)))
	}
	return strings.Join(out, " ")
}

// working gives alice a referral from bob that she accepted.
func (b *bundle) working(t *testing.T, bob, alice core.Caller, client string) *core.Referral {
	t.Helper()
	r := b.refer(t, bob, alice, client, 0)
	if _, err := b.svc.Accept(context.Background(), alice, r.Code); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestMoney_RefusedAmountStoresNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	admin := b.join(t, "T1", "organiser")
	if _, err := b.svc.Configure(ctx, admin, "currency", []string{"JPY"}); err != nil {
		t.Fatal(err)
	}
	bob, alice := b.join(t, "T1", "bob"), b.join(t, "T1", "alice")
	r := b.working(t, bob, alice, "Acme")

	before := b.snapshot(t)
	// Typed without a currency in a yen network: 5.50 has no yen reading.
	_, err := b.svc.Advance(ctx, alice, r.Code, core.StatusWon, core.AdvanceInput{Value: core.Money{Cents: 550}})
	wantCode(t, err, core.EINVALID)
	_, err = b.svc.Advance(ctx, alice, r.Code, core.StatusWon, core.AdvanceInput{Value: core.Money{Cents: core.MaxCents + 1}})
	wantCode(t, err, core.EINVALID)
	_, err = b.svc.Refer(ctx, bob, core.ReferInput{To: ref(alice), ClientName: "Globex", Need: "a shop",
		Estimate: core.Money{Cents: 12345}})
	wantCode(t, err, core.EINVALID)
	_, err = b.svc.SetProfile(ctx, alice, "min-budget", []string{"2000.50"})
	wantCode(t, err, core.EINVALID)
	if after := b.snapshot(t); after != before {
		t.Fatalf("refused amounts wrote rows: before %s, after %s", before, after)
	}
	d, err := b.svc.Show(ctx, alice, r.Code)
	if err != nil {
		t.Fatal(err)
	}
	if d.Referral.Status != core.StatusAccepted || !d.Referral.WonValue.IsZero() {
		t.Fatalf("after refused values: %s, won %v", d.Referral.Status, d.Referral.WonValue)
	}

	// A whole number of yen is taken in yen, said back without cents.
	won, err := b.svc.Advance(ctx, alice, r.Code, core.StatusWon, core.AdvanceInput{Value: core.Money{Cents: 500000}})
	if err != nil {
		t.Fatal(err)
	}
	if want := (core.Money{Cents: 5000, Currency: "JPY"}); won.WonValue != want || won.WonValue.String() != "JPY 5,000" {
		t.Fatalf("won %+v (%s), want %+v", won.WonValue, won.WonValue, want)
	}
	p, err := b.svc.SetProfile(ctx, alice, "min-budget", []string{"¥20,000"})
	if err != nil || p.MinBudget.String() != "JPY 20,000" {
		t.Fatalf("min budget %v, %v", p.MinBudget, err)
	}
}

func TestAdvance_WonFarAboveTheUsualNeedsConfirming(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.join(t, "T1", "organiser")
	bob, alice := b.join(t, "T1", "bob"), b.join(t, "T1", "alice")
	won := func(r *core.Referral, v core.Money, confirm bool) (*core.Referral, error) {
		return b.svc.Advance(ctx, alice, r.Code, core.StatusWon, core.AdvanceInput{Value: v, Confirm: confirm})
	}

	// The first win has nothing to compare with.
	if _, err := won(b.working(t, bob, alice, "Acme"), core.Money{Cents: 1_200_000}, false); err != nil {
		t.Fatalf("first win: %v", err)
	}
	// Exactly 100 times the largest is not "more than".
	if _, err := won(b.working(t, bob, alice, "Initech"), core.Money{Cents: 120_000_000}, false); err != nil {
		t.Fatalf("100x: %v", err)
	}

	// 5m against a largest of 1.2m (USD 12,000 before): more than 100x.
	big := b.working(t, bob, alice, "Globex")
	before := b.snapshot(t)
	_, err := won(big, core.Money{Cents: 50_000_000_000}, false)
	wantCode(t, err, core.ECONFIRM)
	var e *core.Error
	errors.As(err, &e)
	for _, want := range []string{"USD 500,000,000", "USD 1,200,000", "confirm"} {
		if !strings.Contains(e.Message+" "+e.Hint, want) {
			t.Errorf("confirmation %q lacks %q", e.Error(), want)
		}
	}
	if !strings.Contains(e.Hint, fmt.Sprintf("/refer won %s 500000000USD confirm", big.Code)) {
		t.Errorf("hint %q doesn't say how to confirm", e.Hint)
	}
	if after := b.snapshot(t); after != before {
		t.Fatalf("an unconfirmed value wrote rows: before %s, after %s", before, after)
	}
	d, _ := b.svc.Show(ctx, alice, big.Code)
	if d.Referral.Status != core.StatusAccepted {
		t.Fatalf("unconfirmed: stage %s", d.Referral.Status)
	}

	// Confirmed, it is stored as given.
	r, err := won(big, core.Money{Cents: 50_000_000_000}, true)
	if err != nil {
		t.Fatalf("confirmed: %v", err)
	}
	if r.Status != core.StatusWon || r.WonValue.String() != "USD 500,000,000" {
		t.Fatalf("confirmed: %s %s", r.Status, r.WonValue)
	}

	// Each currency has its own usual: the first EUR win needs no confirming.
	if _, err := won(b.working(t, bob, alice, "Umbrella"), core.Money{Cents: 90_000_000_000, Currency: "EUR"}, false); err != nil {
		t.Fatalf("first EUR win: %v", err)
	}
	// Another workspace's wins are not compared with.
	eve, mal := b.join(t, "T2", "eve"), b.join(t, "T2", "mal")
	if _, err := b.svc.Advance(ctx, mal, b.working(t, eve, mal, "Hooli").Code, core.StatusWon,
		core.AdvanceInput{Value: core.Money{Cents: 10_000_000_000_000}}); err != nil {
		t.Fatalf("first win in T2: %v", err)
	}
}
