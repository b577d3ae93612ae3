package core

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// forReceiver loads an offered referral and checks the caller is its receiver.
func forReceiver(ctx context.Context, tx Tx, c Caller, code Code, verb string) (*Referral, error) {
	r, err := referral(ctx, tx, c, code)
	if err != nil {
		return nil, err
	}
	if r.ReceiverID != c.Member.ID {
		if r.Status == StatusOpen {
			return nil, Errorf(ECONFLICT, "%s is an open lead, not a referral to you.", code).
				WithHint("Take it with /refer claim %s", code)
		}
		return nil, Errorf(EFORBIDDEN, "Only @%s, who received %s, can %s it.", r.ReceiverName, code, verb)
	}
	if r.Status != StatusOffered {
		return nil, Errorf(ECONFLICT, "%s is already %s, so it can't be %sed now.", code, r.Status, strings.TrimSuffix(verb, "e")).
			WithHint("/refer show %s shows where it stands.", code)
	}
	return r, nil
}

// Accept takes on a direct referral; the referrer is told.
func (s *Service) Accept(ctx context.Context, c Caller, code Code) (*Referral, error) {
	return s.referralTx(ctx, c, func(tx Tx) (*Referral, error) {
		r, err := forReceiver(ctx, tx, c, code, "accept")
		if err != nil {
			return nil, err
		}
		now := s.now()
		r.Status, r.AcceptedAt, r.UpdatedAt = StatusAccepted, now, now
		_, err = s.changed(ctx, tx, c, r, EvAccepted, StatusOffered, "", NoticeAccepted)
		return r, err
	})
}

// Decline turns a direct referral down with a reason the referrer sees.
func (s *Service) Decline(ctx context.Context, c Caller, code Code, reason string) (*Referral, error) {
	if err := checkText("reason", reason, maxText, true,
		fmt.Sprintf("Say why, e.g. /refer decline %s fully booked until March", code)); err != nil {
		return nil, err
	}
	return s.referralTx(ctx, c, func(tx Tx) (*Referral, error) {
		r, err := forReceiver(ctx, tx, c, code, "decline")
		if err != nil {
			return nil, err
		}
		now := s.now()
		r.Status, r.DeclineReason, r.ClosedAt, r.UpdatedAt = StatusDeclined, strings.TrimSpace(reason), now, now
		_, err = s.changed(ctx, tx, c, r, EvDeclined, StatusOffered, r.DeclineReason, NoticeDeclined)
		return r, err
	})
}

// changed saves r, appends its event and tells the referrer.
func (s *Service) changed(ctx context.Context, tx Tx, c Caller, r *Referral, kind EventKind, from Status, note string, nk NoticeKind) (*Event, error) {
	e, referrer, err := s.record(ctx, tx, c, r, kind, from, note)
	if err != nil {
		return nil, err
	}
	card, err := receiverCard(ctx, tx, c, e, r)
	if err != nil {
		return nil, err
	}
	return e, tx.Enqueue(ctx, append([]Notice{notice(c, e, nk, referrer, r, note)}, card...)...)
}

// AdvanceInput carries what a stage change needs: a value for won, a
// reason for lost, an optional note for the others. Confirm records a won
// value far above the network's usual deals (see Advance).
type AdvanceInput struct {
	Value   Money
	Reason  string
	Note    string
	Confirm bool
}

// UnusualWon is how many times the largest won value so far (in the same
// currency, in the workspace) a new won value may be before it needs
// confirming: a slip of three zeros must not enter the ledger for good.
const UnusualWon = 100

// PipelineStages are the stages a receiver moves a referral through.
var PipelineStages = []Status{StatusContacted, StatusMeeting, StatusProposal, StatusWon, StatusLost}

// Advance moves an accepted referral forward through the pipeline. Only
// its owner (receiver or co-owner) or an admin may; stages never go back;
// won needs a value and lost a reason. The referrer hears of every change.
// A won value more than UnusualWon times the largest so far in its
// currency is refused with ECONFIRM unless in.Confirm; nothing is stored.
func (s *Service) Advance(ctx context.Context, c Caller, code Code, to Status, in AdvanceInput) (*Referral, error) {
	if err := checkAdvance(code, to, in); err != nil {
		return nil, err
	}
	return s.referralTx(ctx, c, func(tx Tx) (*Referral, error) {
		r, err := referral(ctx, tx, c, code)
		if err != nil {
			return nil, err
		}
		if err := mayAdvance(c, r, code, to); err != nil {
			return nil, err
		}
		from, now := r.Status, s.now()
		r.Status, r.UpdatedAt = to, now
		note := strings.TrimSpace(in.Note)
		nk := NoticeStage
		switch to {
		case StatusWon:
			if err := s.win(ctx, tx, c, r, code, in, now); err != nil {
				return nil, err
			}
			nk = NoticeWon
		case StatusLost:
			r.LostReason, r.ClosedAt = strings.TrimSpace(in.Reason), now
			note, nk = r.LostReason, NoticeLost
		}
		e, err := s.changed(ctx, tx, c, r, EvStage, from, note, nk)
		if err != nil || to != StatusWon {
			return r, err
		}
		// Close the loop: prompt the owner to thank the referrer.
		owner, err := memberRecipient(ctx, tx, c, r.ReceiverID)
		if err != nil {
			return nil, err
		}
		return r, tx.Enqueue(ctx, notice(c, e, NoticeThankPrompt, owner, r, ""))
	})
}

// checkAdvance checks what Advance was given, before it reads anything:
// a stage of the pipeline, a value for won, a reason for lost.
func checkAdvance(code Code, to Status, in AdvanceInput) error {
	if !slices.Contains(PipelineStages, to) {
		return Errorf(EINVALID, "%q is not a stage you can move to.", string(to)).
			WithHint("Use contacted, meeting, proposal, won or lost, e.g. /refer status %s meeting", code)
	}
	switch to {
	case StatusWon:
		if in.Value.Cents <= 0 {
			return Errorf(EINVALID, "A won deal needs its value.").
				WithHint("Type /refer won %s <value>, e.g. /refer won %s 4800", code, code)
		}
		if in.Value.Cents > MaxCents {
			return Errorf(EINVALID, "%s is larger than any deal I can record.", in.Value).
				WithHint("Check the number of zeros: /refer won %s <value>", code)
		}
	case StatusLost:
		if err := checkText("reason", in.Reason, maxText, true,
			fmt.Sprintf("Say why, so the referrer learns too: /refer lost %s went with a cheaper quote", code)); err != nil {
			return err
		}
	}
	return checkText("note", in.Note, maxText, false, "")
}

// mayAdvance checks that the caller may move r to the stage: its owner or
// an admin, from an accepted stage, forward only.
func mayAdvance(c Caller, r *Referral, code Code, to Status) error {
	if !r.Owns(c.Member.ID) && !c.Member.IsAdmin() {
		if r.ReceiverID == 0 {
			return Errorf(EFORBIDDEN, "%s is an open lead nobody has claimed yet.", code).
				WithHint("Claim it first with /refer claim %s", code)
		}
		return Errorf(EFORBIDDEN, "Only @%s, who owns %s, can move it.", r.ReceiverName, code).
			WithHint("/refer show %s shows where it stands.", code)
	}
	switch from := r.Status; {
	case from == StatusOffered:
		return Errorf(ECONFLICT, "%s hasn't been accepted yet.", code).
			WithHint("Accept it first: /refer accept %s", code)
	case from.Closed():
		return Errorf(ECONFLICT, "%s is already %s; its stage can't change any more.", code, from).
			WithHint("/refer show %s shows its history.", code)
	case pipelineRank[to] <= pipelineRank[from]:
		return Errorf(ECONFLICT, "%s is already at %s; stages only move forward (contacted → meeting → proposal → won or lost).", code, from).
			WithHint("/refer show %s shows its history.", code)
	}
	return nil
}

// win records r as won at now for the value given: in the workspace's
// currency when none was typed, confirmed if unusual (see UnusualWon),
// awaiting its referrer's confirmation, as its fee does.
func (s *Service) win(ctx context.Context, tx Tx, c Caller, r *Referral, code Code, in AdvanceInput, now time.Time) error {
	var err error
	if r.WonValue, err = s.money(c.Workspace, in.Value); err != nil {
		return err
	}
	if r.WonValue.Currency == "" {
		// Even a deal won for nothing is in a currency, so that
		// the stats count it where it belongs, whatever the
		// network's currency becomes later.
		r.WonValue.Currency = cmp.Or(r.Estimate.Currency, cmp.Or(c.Workspace.Settings.Currency, DefaultCurrency))
	}
	if !in.Confirm {
		if err := unusualWon(ctx, tx, c, code, r.WonValue); err != nil {
			return err
		}
	}
	r.ClosedAt = now
	awaitConfirmation(r) // the referrer confirms the value; a fee is owed once they do (fees.go)
	return nil
}

// unusualWon asks to confirm a won value more than UnusualWon times the
// largest so far in its currency; with none so far there is nothing to
// compare with.
func unusualWon(ctx context.Context, tx Tx, c Caller, code Code, v Money) error {
	most, err := tx.MaxWonValue(ctx, c.Workspace.ID, v.Currency)
	if err != nil || most <= 0 || v.Cents <= UnusualWon*most {
		return err
	}
	return Errorf(ECONFIRM, "Won: %s? That is more than %d times the largest deal won in %s so far (%s). Please confirm it is right before I record it.",
		v, UnusualWon, v.Currency, Money{Cents: most, Currency: v.Currency}).
		WithHint("If it is, type /refer won %s %s confirm — if not, type the right value: /refer won %s <value>", code, v.Plain(), code)
}
