package core

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
)

// Fees owed and paid. A won value counts — for a finder's fee and for the
// leaderboards — only once the referrer confirms it: winning a referral
// asks its referrer (NoticeWon carries Confirm and Dispute); ConfirmWon
// makes a money fee owed, DisputeWon tells the owners and the admins why
// not. The receiver says when the fee is paid, and the referrer may
// confirm they received it (MarkFee). Every step is an event in the
// referral's history. Fees lists them per member, per currency.

// Confirmation says whether the referrer confirmed a won value.
type Confirmation string

const (
	NotWon      Confirmation = "none"     // not won (yet)
	Unconfirmed Confirmation = "awaiting" // won, awaiting the referrer's word
	Confirmed   Confirmation = "confirmed"
	Disputed    Confirmation = "disputed"
)

// ValueConfirmed reports whether r is won and its referrer confirmed the
// value: only then does it count for a fee and the leaderboards.
func (r *Referral) ValueConfirmed() bool {
	return r.Status == StatusWon && r.WonConfirmation == Confirmed
}

// HasMoneyFee reports whether r's fee is money (a share or a fixed fee)
// that is tracked to its payment.
func (r *Referral) HasMoneyFee() bool { return r.FeeStatus != "" && r.FeeStatus != FeeNotDue }

// FeeAmount is what the fee on r comes to: a share of its won value, or
// the fixed fee.
func (r *Referral) FeeAmount() Money { return r.Fee.Owed(r.WonValue) }

// awaitConfirmation is what winning r sets: its value awaits the
// referrer's word, and so does a fee that comes to money.
func awaitConfirmation(r *Referral) {
	r.WonConfirmation, r.FeeStatus = Unconfirmed, FeeNotDue
	if r.Fee.Fee(r.WonValue.Cents) > 0 {
		r.FeeStatus = FeeAwaiting
	}
}

// checkFeeTerms checks fee terms typed for one referral and puts a fixed
// fee typed without a currency in the network's.
func (s *Service) checkFeeTerms(c Caller, f FeeTerms) (FeeTerms, error) {
	hint := "Write fee 10%, fee 300, fee EUR 300, fee reciprocal or fee none."
	switch f.Kind {
	case FeeNone, FeeReciprocal:
		return FeeTerms{Kind: f.Kind}, nil
	case FeePercent:
		if f.BasisPts <= 0 || f.BasisPts > 10000 {
			return FeeTerms{}, Errorf(EINVALID, "A finder's fee is a share from 0.01%% to 100%% of the won value.").WithHint("%s", hint)
		}
		return FeeTerms{Kind: FeePercent, BasisPts: f.BasisPts}, nil
	case FeeFixed:
		if f.FixedCents <= 0 || f.FixedCents > MaxCents || f.Currency != "" && !IsCurrency(f.Currency) {
			return FeeTerms{}, Errorf(EINVALID, "A fixed finder's fee must be an amount above zero.").WithHint("%s", hint)
		}
		f.Currency = strings.ToUpper(f.Currency)
		return f.In(c.Workspace.Settings.Currency), nil
	}
	return FeeTerms{}, Errorf(EINVALID, "%q is not a kind of fee.", string(f.Kind)).WithHint("%s", hint)
}

// mayConfirm checks the caller may confirm or dispute r's won value: its
// referrer, or an admin when the referrer is no longer in the network
// (nobody else could).
func mayConfirm(ctx context.Context, tx Tx, c Caller, r *Referral, code Code, verb string) error {
	mine := c.Member.ID == r.ReferrerID
	if !mine && c.Member.IsAdmin() {
		m, err := tx.Member(ctx, c.Workspace.ID, r.ReferrerID)
		if err != nil {
			return err
		}
		mine = m.Status != MemberActive
	}
	if !mine {
		return Errorf(EFORBIDDEN, "Only @%s, who referred %s, can %s its won value.", r.ReferrerName, code, verb).
			WithHint("/refer show %s shows where it stands.", code)
	}
	if r.Status != StatusWon {
		return Errorf(ECONFLICT, "%s is %s, not won, so there is no value to %s yet.", code, r.Status, verb).
			WithHint("You'll be asked when it is won.")
	}
	return nil
}

// ConfirmWon records that the referrer agrees with r's won value: from now
// on it counts for the leaderboards, and a money fee on it is owed. The
// owners are told (with a Mark paid button when a fee is owed). A disputed
// value can be confirmed after all; a confirmed one stays confirmed.
func (s *Service) ConfirmWon(ctx context.Context, c Caller, code Code) (*Referral, error) {
	return s.referralTx(ctx, c, func(tx Tx) (*Referral, error) {
		r, err := referral(ctx, tx, c, code)
		if err != nil {
			return nil, err
		}
		if err := mayConfirm(ctx, tx, c, r, code, "confirm"); err != nil {
			return nil, err
		}
		if r.WonConfirmation == Confirmed {
			return nil, Errorf(ECONFLICT, "The won value of %s (%s) is confirmed already.", code, r.WonValue).
				WithHint("/refer fees shows what is owed.")
		}
		r.WonConfirmation = Confirmed
		if r.FeeStatus == FeeAwaiting || r.FeeStatus == FeeDisputed {
			r.FeeStatus = FeeOwed
		}
		return r, s.feeStep(ctx, tx, c, r, EvWonConfirmed, r.WonValue.String(), NoticeWonConfirmed)
	})
}

// DisputeWon records that the referrer does not agree with r's won value,
// and why: it stays unconfirmed, so it counts for nothing and no fee is
// owed on it. The owners and the admins are told the reason. A value can
// be disputed until it is confirmed.
func (s *Service) DisputeWon(ctx context.Context, c Caller, code Code, reason string) (*Referral, error) {
	if err := checkText("reason", reason, maxText, true,
		fmt.Sprintf("Say why, so the receiver can put it right: /refer dispute %s the deal was 4,000, not 40,000", code)); err != nil {
		return nil, err
	}
	return s.referralTx(ctx, c, func(tx Tx) (*Referral, error) {
		r, err := referral(ctx, tx, c, code)
		if err != nil {
			return nil, err
		}
		if err := mayConfirm(ctx, tx, c, r, code, "dispute"); err != nil {
			return nil, err
		}
		switch r.WonConfirmation {
		case Confirmed:
			return nil, Errorf(ECONFLICT, "The won value of %s (%s) was confirmed, so it can't be disputed now.", code, r.WonValue).
				WithHint("If it is wrong, ask @%s to correct it.", r.ReceiverName)
		case Disputed:
			return nil, Errorf(ECONFLICT, "The won value of %s is disputed already.", code).
				WithHint("Once it is put right, confirm it: /refer confirm %s", code)
		}
		r.WonConfirmation = Disputed
		if r.FeeStatus == FeeAwaiting {
			r.FeeStatus = FeeDisputed
		}
		return r, s.feeStep(ctx, tx, c, r, EvWonDisputed, strings.TrimSpace(reason), NoticeWonDisputed)
	})
}

// MarkFee records a fee's payment: FeePaid, said by the referral's owner
// (or an admin) once an owed fee is paid, or FeeReceived, said by the
// referrer once the money arrived (paid or not said so yet).
func (s *Service) MarkFee(ctx context.Context, c Caller, code Code, to FeeStatus) (*Referral, error) {
	if to != FeePaid && to != FeeReceived {
		return nil, Errorf(EINVALID, "A fee can be marked paid or received, not %q.", string(to)).
			WithHint("Type /refer fee %s paid, or /refer fee %s received", code, code)
	}
	return s.referralTx(ctx, c, func(tx Tx) (*Referral, error) {
		r, err := referral(ctx, tx, c, code)
		if err != nil {
			return nil, err
		}
		if err := mayMarkFee(c, r, code, to); err != nil {
			return nil, err
		}
		if r.FeePaidAt.IsZero() {
			r.FeePaidAt = s.now()
		}
		r.FeeStatus = to
		kind, nk := EvFeePaid, NoticeFeePaid
		if to == FeeReceived {
			kind, nk = EvFeeReceived, NoticeFeeReceived
		}
		return r, s.feeStep(ctx, tx, c, r, kind, r.FeeAmount().String(), nk)
	})
}

// mayMarkFee checks who says what, and that the fee is at the step before.
func mayMarkFee(c Caller, r *Referral, code Code, to FeeStatus) error {
	if !r.HasMoneyFee() {
		if r.Status != StatusWon {
			return Errorf(ECONFLICT, "%s isn't won, so no fee is due on it.", code).WithHint("/refer show %s shows where it stands.", code)
		}
		return Errorf(ECONFLICT, "%s has no finder's fee (%s).", code, r.Fee).WithHint("/refer fees lists the fees you owe or are owed.")
	}
	if to == FeePaid && !r.Owns(c.Member.ID) && !c.Member.IsAdmin() {
		if c.Member.ID == r.ReferrerID {
			return Errorf(EFORBIDDEN, "@%s, who owes the fee on %s, says when it is paid.", r.ReceiverName, code).
				WithHint("When it reaches you, type /refer fee %s received", code)
		}
		return Errorf(EFORBIDDEN, "Only @%s, who owes the fee on %s, can mark it paid.", r.ReceiverName, code)
	}
	if to == FeeReceived && c.Member.ID != r.ReferrerID {
		return Errorf(EFORBIDDEN, "Only @%s, who is owed the fee on %s, can confirm receiving it.", r.ReferrerName, code).
			WithHint("To say you paid it: /refer fee %s paid", code)
	}
	switch r.FeeStatus {
	case FeeAwaiting, FeeDisputed:
		return Errorf(ECONFLICT, "The fee on %s isn't owed yet: @%s hasn't confirmed the won value (%s).", code, r.ReferrerName, r.WonValue).
			WithHint("@%s confirms it with /refer confirm %s", r.ReferrerName, code)
	case FeeReceived:
		return Errorf(ECONFLICT, "The fee on %s was paid and received already.", code).WithHint("/refer show %s shows its history.", code)
	case FeePaid:
		if to == FeePaid {
			return Errorf(ECONFLICT, "The fee on %s is marked paid already.", code).
				WithHint("@%s can confirm receiving it with /refer fee %s received", r.ReferrerName, code)
		}
	}
	return nil
}

// feeStep saves r after a fee step, appends its event and tells whom the
// step concerns (see feeRecipients); the receiver's card is refreshed, as
// its buttons change.
func (s *Service) feeStep(ctx context.Context, tx Tx, c Caller, r *Referral, kind EventKind, note string, nk NoticeKind) error {
	if err := tx.UpdateReferral(ctx, r); err != nil {
		return err
	}
	e, err := s.event(ctx, tx, c, r, kind, r.Status, note)
	if err != nil {
		return err
	}
	to, err := feeRecipients(ctx, tx, c, r, nk)
	if err != nil {
		return err
	}
	var ns []Notice
	for _, rc := range to {
		n := notice(c, e, nk, rc, r, note)
		if !r.IsParty(rc.MemberID) {
			// An admin told of a dispute sees what the parties see. They
			// are no party, so the snapshot carries no referral id: the
			// outbox drops a DM about a referral to anyone not its party
			// as stale (an offer gone elsewhere).
			snap := *r
			if snap.AmountsPrivate { // admins see client details, not private amounts
				snap = snap.withoutAmounts()
			}
			snap.ID = 0
			n.Referral, n.Text = &snap, note
		}
		ns = append(ns, n)
	}
	card, err := receiverCard(ctx, tx, c, e, r)
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, append(ns, card...)...)
}

// feeRecipients are those a fee step is news to, never the caller: the
// referrer hears a fee was paid; the owners hear the rest; the admins
// also hear of a dispute, which may need a word from them.
func feeRecipients(ctx context.Context, tx Tx, c Caller, r *Referral, nk NoticeKind) ([]Recipient, error) {
	ids := []int64{r.ReceiverID, r.CoOwnerID}
	if nk == NoticeFeePaid {
		ids = []int64{r.ReferrerID}
	}
	if nk == NoticeWonDisputed {
		ms, err := tx.Members(ctx, c.Workspace.ID)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if m.IsAdmin() && m.Status == MemberActive && !r.IsParty(m.ID) {
				ids = append(ids, m.ID)
			}
		}
	}
	var out []Recipient
	for _, id := range ids {
		if id == 0 || id == c.Member.ID || slices.ContainsFunc(out, func(rc Recipient) bool { return rc.MemberID == id }) {
			continue
		}
		rc, err := memberRecipient(ctx, tx, c, id)
		if err != nil {
			return nil, err
		}
		out = append(out, rc)
	}
	return out, nil
}

// FeeFilters are the words /refer fees takes, and the fee statuses each
// lists; "" lists every fee.
var FeeFilters = map[string][]FeeStatus{
	"":         {FeeAwaiting, FeeOwed, FeeDisputed, FeePaid, FeeReceived},
	"all":      {FeeAwaiting, FeeOwed, FeeDisputed, FeePaid, FeeReceived},
	"owed":     {FeeOwed},
	"awaiting": {FeeAwaiting},
	"disputed": {FeeDisputed},
	"paid":     {FeePaid, FeeReceived},
}

// FeesRequest asks for the fees of a kind (a key of FeeFilters) on deals
// won in a period — for "paid", fees paid in it.
type FeesRequest struct {
	Filter string
	Period string
}

// FeeQuery selects fees from the store: of one member (referrer, receiver
// or co-owner; 0 = everyone's), in some statuses, on deals won in
// [From, To) — or paid in it, with ByPaidAt.
type FeeQuery struct {
	MemberID int64
	Statuses []FeeStatus
	Period   Period
	ByPaidAt bool
	Limit    int // the newest this many; 0: every one
}

// FeeBook is what /refer fees shows: the fees, and what they come to per
// member, per currency.
type FeeBook struct {
	Period   Period
	Filter   string
	Everyone bool        // an admin's view of the whole network; else the caller's own fees
	Fees     []Fee       // newest deal first; with Unlisted, only the newest
	Unlisted int         // fees counted in Members but not in Fees (the admin page lists FeesOnPage)
	Members  []FeeTotals // by name: everyone in the fees (admins), or just the caller
}

// Fee is one referral's fee, as the caller may see the referral.
type Fee struct {
	Referral Referral
	Amount   Money
}

// FeeTotals are one member's fees: what they pay on deals they won, and
// what they get on referrals they gave.
type FeeTotals struct {
	MemberID   int64
	Name       string
	Pays, Gets FeeSums
}

// FeeSums are fees summed by where they stand, per currency; Paid covers
// paid and received ones.
type FeeSums struct {
	Awaiting, Owed, Disputed, Paid Amounts
}

// add counts one fee in the sum for its status.
func (fs *FeeSums) add(st FeeStatus, m Money) {
	switch st {
	case FeeAwaiting:
		fs.Awaiting = fs.Awaiting.plus(m)
	case FeeOwed:
		fs.Owed = fs.Owed.plus(m)
	case FeeDisputed:
		fs.Disputed = fs.Disputed.plus(m)
	case FeePaid, FeeReceived:
		fs.Paid = fs.Paid.plus(m)
	}
}

// IsZero reports whether no fee was counted.
func (fs FeeSums) IsZero() bool {
	return len(fs.Awaiting)+len(fs.Owed)+len(fs.Disputed)+len(fs.Paid) == 0
}

// plus adds one amount of money to the sum in its currency, counting it.
func (as Amounts) plus(m Money) Amounts {
	cur := cmp.Or(m.Currency, DefaultCurrency)
	for i := range as {
		if as[i].Currency == cur {
			as[i].Cents += m.Cents
			as[i].Count++
			return as
		}
	}
	return append(as, Amount{Currency: cur, Cents: m.Cents, Count: 1}).Sort()
}

// Fees lists the caller's fees — those they owe on deals they won and
// those owed to them on referrals they gave — or, for an admin, every
// fee in the network, with what they come to per member and currency.
func (s *Service) Fees(ctx context.Context, c Caller, req FeesRequest) (*FeeBook, error) {
	filter := strings.ToLower(strings.TrimSpace(req.Filter))
	if _, ok := FeeFilters[filter]; !ok {
		return nil, Errorf(EINVALID, "I can't list %q fees.", req.Filter).
			WithHint("Type /refer fees [owed|paid|awaiting|disputed] [period], e.g. /refer fees owed last-quarter")
	}
	p, err := ParsePeriod(req.Period, s.now(), s.Location(c.Workspace))
	if err != nil {
		return nil, err
	}
	return inTx(ctx, s, func(tx Tx) (*FeeBook, error) { return feeBook(ctx, tx, c, filter, p, 0) })
}

// feeBook reads the fees of a filter (a key of FeeFilters) in p: the
// caller's, or everyone's for an admin, each as the caller may see it.
// With listed > 0 it lists only the newest listed of them, in full, and
// sums every one from the columns their amounts need (FeeAmounts).
func feeBook(ctx context.Context, tx Tx, c Caller, filter string, p Period, listed int) (*FeeBook, error) {
	book := &FeeBook{Period: p, Filter: filter, Everyone: c.Member.IsAdmin()}
	q := FeeQuery{MemberID: c.Member.ID, Statuses: FeeFilters[filter], Period: p, ByPaidAt: filter == "paid", Limit: listed}
	if book.Everyone {
		q.MemberID = 0
	}
	rs, err := tx.Fees(ctx, c.Workspace.ID, q)
	if err != nil {
		return nil, err
	}
	summed := rs
	if listed > 0 && len(rs) == listed {
		q.Limit = 0
		if summed, err = tx.FeeAmounts(ctx, c.Workspace.ID, q); err != nil {
			return nil, err
		}
		book.Unlisted = len(summed) - len(rs)
	}
	for _, r := range rs {
		if !r.SeesAmounts(c.Member) {
			// Private amounts: listed, but neither shown nor summed.
			book.Fees = append(book.Fees, Fee{Referral: r.VisibleTo(c.Member)})
			continue
		}
		book.Fees = append(book.Fees, Fee{Referral: r.VisibleTo(c.Member), Amount: r.FeeAmount()})
	}
	book.Members = feeTotals(c, book.Everyone, summed)
	return book, nil
}

// feeTotals sums the fees of rs whose amounts the caller sees, per member
// (everyone's for an admin, else the caller's own), by name.
func feeTotals(c Caller, everyone bool, rs []Referral) []FeeTotals {
	totals := map[int64]*FeeTotals{}
	total := func(id int64, name string) *FeeTotals {
		if totals[id] == nil {
			totals[id] = &FeeTotals{MemberID: id, Name: name}
		}
		return totals[id]
	}
	if !everyone {
		total(c.Member.ID, c.Member.DisplayName)
	}
	for _, r := range rs {
		if !r.SeesAmounts(c.Member) {
			continue
		}
		amount := r.FeeAmount()
		if everyone || r.ReceiverID == c.Member.ID {
			total(r.ReceiverID, r.ReceiverName).Pays.add(r.FeeStatus, amount)
		}
		if everyone || r.ReferrerID == c.Member.ID {
			total(r.ReferrerID, r.ReferrerName).Gets.add(r.FeeStatus, amount)
		}
	}
	var out []FeeTotals
	for _, t := range totals {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b FeeTotals) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.MemberID, b.MemberID))
	})
	return out
}
