package core_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// notices returns the notices queued for a member, oldest first, as the
// outbox keeps them.
func (b *bundle) notices(t testing.TB, m core.Member) []core.Notice {
	t.Helper()
	return b.outbox(t, `recipient_member_id = $1`, m.ID)
}

// outbox returns the notices of the outbox rows matching where, oldest first.
func (b *bundle) outbox(t testing.TB, where string, args ...any) []core.Notice {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, b.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT payload FROM outbox WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		t.Fatal(err)
	}
	payloads, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		t.Fatal(err)
	}
	out := make([]core.Notice, len(payloads))
	for i, p := range payloads {
		if err := json.Unmarshal(p, &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// last returns the latest notice of kind queued for m, or fails.
func (b *bundle) last(t testing.TB, m core.Member, kind core.NoticeKind) core.Notice {
	t.Helper()
	ns := b.notices(t, m)
	for i := len(ns) - 1; i >= 0; i-- {
		if ns[i].Kind == kind {
			return ns[i]
		}
	}
	t.Fatalf("no %s notice for @%s; got %v", kind, m.DisplayName, b.pending(t, m))
	return core.Notice{}
}

// won takes a fresh referral from one member to another to won.
func (b *bundle) won(t testing.TB, from, to core.Caller, client string, value core.Money, fee *core.FeeTerms) *core.Referral {
	t.Helper()
	ctx := context.Background()
	r, err := b.svc.Refer(ctx, from, core.ReferInput{To: ref(to), ClientName: client, Need: "a new website", Fee: fee})
	if err != nil {
		t.Fatalf("refer %s: %v", client, err)
	}
	if _, err := b.svc.Accept(ctx, to, r.Code); err != nil {
		t.Fatal(err)
	}
	if r, err = b.svc.Advance(ctx, to, r.Code, core.StatusWon, core.AdvanceInput{Value: value}); err != nil {
		t.Fatalf("won %s: %v", client, err)
	}
	return r
}

func eventKinds(t testing.TB, b *bundle, c core.Caller, code core.Code) []core.EventKind {
	t.Helper()
	d, err := b.svc.Show(context.Background(), c, code)
	if err != nil {
		t.Fatal(err)
	}
	var out []core.EventKind
	for _, e := range d.Events {
		out = append(out, e.Kind)
	}
	return out
}

func TestFees_OwedOnlyOnceTheReferrerConfirmsThenPaidAndReceived(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	if _, err := b.svc.Configure(ctx, org, "fee", []string{"10%"}); err != nil {
		t.Fatal(err)
	}
	bob, alice := b.join(t, "T1", "bob"), b.join(t, "T1", "alice")
	r := b.won(t, bob, alice, "Acme", core.Money{Cents: 480000}, nil)
	if r.FeeStatus != core.FeeAwaiting || r.WonConfirmation != core.Unconfirmed {
		t.Fatalf("just won: fee %s, value %s; want awaiting, awaiting", r.FeeStatus, r.WonConfirmation)
	}
	if n := b.last(t, bob.Member, core.NoticeWon); n.Referral.WonConfirmation != core.Unconfirmed {
		t.Errorf("the referrer's won DM shows %s, want it awaiting their confirmation", n.Referral.WonConfirmation)
	}

	// Nothing is owed, nor can be paid, before bob confirms; only he can.
	_, err := b.svc.MarkFee(ctx, alice, r.Code, core.FeePaid)
	wantCode(t, err, core.ECONFLICT)
	_, err = b.svc.ConfirmWon(ctx, alice, r.Code)
	wantCode(t, err, core.EFORBIDDEN)

	b.clock.Add(time.Hour)
	if r, err = b.svc.ConfirmWon(ctx, bob, r.Code); err != nil || r.FeeStatus != core.FeeOwed || r.WonConfirmation != core.Confirmed {
		t.Fatalf("confirmed: %+v, %v", r, err)
	}
	if n := b.last(t, alice.Member, core.NoticeWonConfirmed); n.Referral.FeeStatus != core.FeeOwed {
		t.Errorf("alice heard the fee is %s, want owed", n.Referral.FeeStatus)
	}
	_, err = b.svc.ConfirmWon(ctx, bob, r.Code)
	wantCode(t, err, core.ECONFLICT)

	// The receiver says paid — not the referrer — and the referrer confirms receipt.
	_, err = b.svc.MarkFee(ctx, bob, r.Code, core.FeePaid)
	wantCode(t, err, core.EFORBIDDEN)
	b.clock.Add(24 * time.Hour)
	if r, err = b.svc.MarkFee(ctx, alice, r.Code, core.FeePaid); err != nil || r.FeeStatus != core.FeePaid || !r.FeePaidAt.Equal(b.clock.Now()) {
		t.Fatalf("paid: %+v, %v", r, err)
	}
	if n := b.last(t, bob.Member, core.NoticeFeePaid); n.Actor != "alice" {
		t.Errorf("bob's paid notice is from %q", n.Actor)
	}
	_, err = b.svc.MarkFee(ctx, alice, r.Code, core.FeePaid)
	wantCode(t, err, core.ECONFLICT)
	_, err = b.svc.MarkFee(ctx, alice, r.Code, core.FeeReceived)
	wantCode(t, err, core.EFORBIDDEN)
	if r, err = b.svc.MarkFee(ctx, bob, r.Code, core.FeeReceived); err != nil || r.FeeStatus != core.FeeReceived {
		t.Fatalf("received: %+v, %v", r, err)
	}
	b.last(t, alice.Member, core.NoticeFeeReceived)

	want := []core.EventKind{core.EvCreated, core.EvAccepted, core.EvStage, core.EvWonConfirmed, core.EvFeePaid, core.EvFeeReceived}
	if got := eventKinds(t, b, bob, r.Code); !slices.Equal(got, want) {
		t.Errorf("history = %v, want %v", got, want)
	}
}

func TestFees_DisputeLeavesItUnconfirmedAndTellsTheReceiverAndAdmins(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	bob, carol := b.join(t, "T1", "bob"), b.join(t, "T1", "carol")
	eur300 := core.FeeTerms{Kind: core.FeeFixed, FixedCents: 30000, Currency: "EUR"}
	r := b.won(t, bob, carol, "Initech", core.Money{Cents: 1000000}, &eur300)
	if r.Fee != eur300 || r.FeeStatus != core.FeeAwaiting {
		t.Fatalf("a referral's own fee: %+v (%s), want %+v awaiting", r.Fee, r.FeeStatus, eur300)
	}

	_, err := b.svc.DisputeWon(ctx, bob, r.Code, "")
	wantCode(t, err, core.EINVALID)
	const why = "the deal was 1,000, not 10,000"
	if r, err = b.svc.DisputeWon(ctx, bob, r.Code, why); err != nil || r.FeeStatus != core.FeeDisputed || r.WonConfirmation != core.Disputed {
		t.Fatalf("disputed: %+v, %v", r, err)
	}
	for _, m := range []core.Member{carol.Member, org.Member} {
		if n := b.last(t, m, core.NoticeWonDisputed); n.Text != why || n.Referral.ClientName != "Initech" {
			t.Errorf("@%s heard %q about %q; want the reason and the client", m.DisplayName, n.Text, n.Referral.ClientName)
		}
	}
	if got := b.notices(t, bob.Member); slices.ContainsFunc(got, func(n core.Notice) bool { return n.Kind == core.NoticeWonDisputed }) {
		t.Error("the one who disputed was told of it")
	}
	_, err = b.svc.DisputeWon(ctx, bob, r.Code, why)
	wantCode(t, err, core.ECONFLICT)
	_, err = b.svc.MarkFee(ctx, carol, r.Code, core.FeePaid)
	wantCode(t, err, core.ECONFLICT)
	_, err = b.svc.DisputeWon(ctx, org, r.Code, "admins don't speak for referrers")
	wantCode(t, err, core.EFORBIDDEN)

	// Put right (another way), it can be confirmed after all.
	if r, err = b.svc.ConfirmWon(ctx, bob, r.Code); err != nil || r.FeeStatus != core.FeeOwed {
		t.Fatalf("confirmed after a dispute: %+v, %v", r, err)
	}
	_, err = b.svc.DisputeWon(ctx, bob, r.Code, why)
	wantCode(t, err, core.ECONFLICT)
	want := []core.EventKind{core.EvCreated, core.EvAccepted, core.EvStage, core.EvWonDisputed, core.EvWonConfirmed}
	if got := eventKinds(t, b, bob, r.Code); !slices.Equal(got, want) {
		t.Errorf("history = %v, want %v", got, want)
	}
}

func TestFees_TermsPerReferralAndNoFeeToPay(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	if _, err := b.svc.Configure(ctx, org, "fee", []string{"10%"}); err != nil {
		t.Fatal(err)
	}
	bob, alice := b.join(t, "T1", "bob"), b.join(t, "T1", "alice")
	r := b.won(t, bob, alice, "Globex", core.Money{Cents: 100000}, &core.FeeTerms{Kind: core.FeeReciprocal})
	if r.Fee.Kind != core.FeeReciprocal || r.FeeStatus != core.FeeNotDue || r.WonConfirmation != core.Unconfirmed {
		t.Fatalf("reciprocal: %+v %s %s", r.Fee, r.FeeStatus, r.WonConfirmation)
	}
	_, err := b.svc.MarkFee(ctx, alice, r.Code, core.FeePaid)
	wantCode(t, err, core.ECONFLICT)
	if r, err = b.svc.ConfirmWon(ctx, bob, r.Code); err != nil || r.FeeStatus != core.FeeNotDue || !r.ValueConfirmed() {
		t.Fatalf("a value without a fee is confirmed too: %+v, %v", r, err)
	}

	// A fixed fee typed without a currency is in the network's.
	lead, err := b.svc.PostLead(ctx, bob, core.LeadInput{Need: "bookkeeping", Fee: &core.FeeTerms{Kind: core.FeeFixed, FixedCents: 25000}})
	if want := (core.FeeTerms{Kind: core.FeeFixed, FixedCents: 25000, Currency: "USD"}); err != nil || lead.Fee != want {
		t.Fatalf("lead's fee: %+v, %v; want %+v", lead.Fee, err, want)
	}
	for _, bad := range []core.FeeTerms{{Kind: core.FeePercent, BasisPts: 20000}, {Kind: core.FeeFixed}, {Kind: "bribe"}} {
		_, err := b.svc.Refer(ctx, bob, core.ReferInput{To: ref(alice), ClientName: "X", Need: "y", Fee: &bad})
		wantCode(t, err, core.EINVALID)
	}
}

func TestFees_ListPerMemberAndCurrency(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	if _, err := b.svc.Configure(ctx, org, "fee", []string{"10%"}); err != nil {
		t.Fatal(err)
	}
	bob, alice, carol := b.join(t, "T1", "bob"), b.join(t, "T1", "alice"), b.join(t, "T1", "carol")
	usd := func(c int64) core.Money { return core.Money{Cents: c, Currency: "USD"} }
	eur := func(c int64) core.Money { return core.Money{Cents: c, Currency: "EUR"} }

	paid := b.won(t, bob, alice, "Acme", usd(480000), nil)        // USD 480, paid
	owedEUR := b.won(t, bob, alice, "Hooli", eur(200000), nil)    // EUR 200, owed
	owedUSD := b.won(t, bob, carol, "Initech", usd(100000), nil)  // USD 100, owed
	awaiting := b.won(t, carol, bob, "Umbrella", usd(50000), nil) // USD 50, awaiting carol's word
	for _, r := range []*core.Referral{paid, owedEUR, owedUSD} {
		if _, err := b.svc.ConfirmWon(ctx, bob, r.Code); err != nil {
			t.Fatal(err)
		}
	}
	b.clock.Add(time.Hour)
	if _, err := b.svc.MarkFee(ctx, alice, paid.Code, core.FeePaid); err != nil {
		t.Fatal(err)
	}
	amounts := func(ms ...core.Money) core.Amounts {
		var as core.Amounts
		for _, m := range ms {
			as = append(as, core.Amount{Currency: m.Currency, Cents: m.Cents, Count: 1})
		}
		return as.Sort()
	}
	codes := func(book *core.FeeBook) []core.Code {
		var out []core.Code
		for _, f := range book.Fees {
			out = append(out, f.Referral.Code)
		}
		return out
	}

	// bob sees his own: owed to him in two currencies, one paid, and one he owes.
	book, err := b.svc.Fees(ctx, bob, core.FeesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if book.Everyone || len(book.Members) != 1 || book.Members[0].MemberID != bob.Member.ID {
		t.Fatalf("bob's book: everyone %v, members %+v", book.Everyone, book.Members)
	}
	gets, pays := book.Members[0].Gets, book.Members[0].Pays
	if !slices.Equal(gets.Owed, amounts(eur(20000), usd(10000))) || !slices.Equal(gets.Paid, amounts(usd(48000))) ||
		!slices.Equal(pays.Awaiting, amounts(usd(5000))) || len(pays.Owed) != 0 {
		t.Errorf("bob gets %+v, pays %+v", gets, pays)
	}
	if got, want := codes(book), []core.Code{awaiting.Code, owedUSD.Code, owedEUR.Code, paid.Code}; !slices.Equal(got, want) {
		t.Errorf("bob's fees = %v, want %v (latest first)", got, want)
	}
	if f := book.Fees[3]; f.Amount != usd(48000) || f.Referral.ClientName != "Acme" {
		t.Errorf("first fee = %+v", f)
	}

	// Only what is owed; only what was paid this month, not last.
	if book, err = b.svc.Fees(ctx, bob, core.FeesRequest{Filter: "owed"}); err != nil ||
		!slices.Equal(codes(book), []core.Code{owedUSD.Code, owedEUR.Code}) {
		t.Errorf("owed: %v, %v", codes(book), err)
	}
	if book, err = b.svc.Fees(ctx, alice, core.FeesRequest{Filter: "paid", Period: "this-month"}); err != nil ||
		!slices.Equal(codes(book), []core.Code{paid.Code}) || !slices.Equal(book.Members[0].Pays.Paid, amounts(usd(48000))) {
		t.Errorf("alice's paid this month: %v, %+v, %v", codes(book), book, err)
	}
	if book, err = b.svc.Fees(ctx, alice, core.FeesRequest{Filter: "paid", Period: "last-month"}); err != nil || len(book.Fees) != 0 {
		t.Errorf("paid last month: %v, %v", codes(book), err)
	}

	// carol sees hers only; the admin sees everyone, each member's sums.
	if book, err = b.svc.Fees(ctx, carol, core.FeesRequest{}); err != nil ||
		!slices.Equal(codes(book), []core.Code{awaiting.Code, owedUSD.Code}) {
		t.Errorf("carol's: %v, %v", codes(book), err)
	}
	if book, err = b.svc.Fees(ctx, org, core.FeesRequest{}); err != nil || !book.Everyone || len(book.Fees) != 4 {
		t.Fatalf("the admin's: %+v, %v", book, err)
	}
	var names []string
	for _, m := range book.Members {
		names = append(names, m.Name)
	}
	if !slices.Equal(names, []string{"alice", "bob", "carol"}) {
		t.Errorf("members = %v", names)
	}
	if a := book.Members[0]; !slices.Equal(a.Pays.Owed, amounts(eur(20000))) || !slices.Equal(a.Pays.Paid, amounts(usd(48000))) || !a.Gets.IsZero() {
		t.Errorf("alice: %+v", a)
	}
	if c := book.Members[2]; !slices.Equal(c.Pays.Owed, amounts(usd(10000))) || !slices.Equal(c.Gets.Awaiting, amounts(usd(5000))) {
		t.Errorf("carol: %+v", c)
	}

	_, err = b.svc.Fees(ctx, bob, core.FeesRequest{Filter: "overdue"})
	wantCode(t, err, core.EINVALID)
	_, err = b.svc.Fees(ctx, bob, core.FeesRequest{Period: "fortnight"})
	wantCode(t, err, core.EINVALID)
}
