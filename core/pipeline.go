package core

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
	var r *Referral
	err := s.tx(ctx, func(tx Tx) error {
		var err error
		if r, err = forReceiver(ctx, tx, c, code, "accept"); err != nil {
			return err
		}
		now := s.now()
		r.Status, r.AcceptedAt, r.UpdatedAt = StatusAccepted, now, now
		_, err = s.changed(ctx, tx, c, r, EvAccepted, StatusOffered, "", NoticeAccepted)
		return err
	})
	if err != nil {
		return nil, err
	}
	return visibleTo(c, r), nil
}

// Decline turns a direct referral down with a reason the referrer sees.
func (s *Service) Decline(ctx context.Context, c Caller, code Code, reason string) (*Referral, error) {
	if err := checkText("reason", reason, maxText, true,
		fmt.Sprintf("Say why, e.g. /refer decline %s fully booked until March", code)); err != nil {
		return nil, err
	}
	var r *Referral
	err := s.tx(ctx, func(tx Tx) error {
		var err error
		if r, err = forReceiver(ctx, tx, c, code, "decline"); err != nil {
			return err
		}
		now := s.now()
		r.Status, r.DeclineReason, r.ClosedAt, r.UpdatedAt = StatusDeclined, strings.TrimSpace(reason), now, now
		_, err = s.changed(ctx, tx, c, r, EvDeclined, StatusOffered, r.DeclineReason, NoticeDeclined)
		return err
	})
	if err != nil {
		return nil, err
	}
	return visibleTo(c, r), nil
}

// changed saves r, appends its event and tells the referrer.
func (s *Service) changed(ctx context.Context, tx Tx, c Caller, r *Referral, kind EventKind, from Status, note string, nk NoticeKind) (*Event, error) {
	if err := tx.UpdateReferral(ctx, r); err != nil {
		return nil, err
	}
	e, err := s.event(ctx, tx, c, r, kind, from, note)
	if err != nil {
		return nil, err
	}
	referrer, err := memberRecipient(ctx, tx, c, r.ReferrerID)
	if err != nil {
		return nil, err
	}
	ns := []Notice{notice(c, e, nk, referrer, r, note)}
	if !r.CreatedAsLead() && r.ReceiverID != 0 {
		receiver, err := memberRecipient(ctx, tx, c, r.ReceiverID)
		if err != nil {
			return nil, err
		}
		ns = append(ns, notice(c, e, NoticeCard, receiver, r, ""))
	}
	return e, tx.Enqueue(ctx, ns...)
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
	if !slices.Contains(PipelineStages, to) {
		return nil, Errorf(EINVALID, "%q is not a stage you can move to.", string(to)).
			WithHint("Use contacted, meeting, proposal, won or lost, e.g. /refer status %s meeting", code)
	}
	switch to {
	case StatusWon:
		if in.Value.Cents <= 0 {
			return nil, Errorf(EINVALID, "A won deal needs its value.").
				WithHint("Type /refer won %s <value>, e.g. /refer won %s 4800", code, code)
		}
		if in.Value.Cents > MaxCents {
			return nil, Errorf(EINVALID, "%s is larger than any deal I can record.", in.Value).
				WithHint("Check the number of zeros: /refer won %s <value>", code)
		}
	case StatusLost:
		if err := checkText("reason", in.Reason, maxText, true,
			fmt.Sprintf("Say why, so the referrer learns too: /refer lost %s went with a cheaper quote", code)); err != nil {
			return nil, err
		}
	}
	if err := checkText("note", in.Note, maxText, false, ""); err != nil {
		return nil, err
	}
	var r *Referral
	err := s.tx(ctx, func(tx Tx) error {
		var err error
		if r, err = referral(ctx, tx, c, code); err != nil {
			return err
		}
		if !r.Owns(c.Member.ID) && !c.Member.IsAdmin() {
			if r.ReceiverID == 0 {
				return Errorf(EFORBIDDEN, "%s is an open lead nobody has claimed yet.", code).
					WithHint("Claim it first with /refer claim %s", code)
			}
			return Errorf(EFORBIDDEN, "Only @%s, who owns %s, can move it.", r.ReceiverName, code).
				WithHint("/refer show %s shows where it stands.", code)
		}
		from := r.Status
		switch {
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
		now := s.now()
		r.Status, r.UpdatedAt = to, now
		note := strings.TrimSpace(in.Note)
		nk := NoticeStage
		switch to {
		case StatusWon:
			if r.WonValue, err = s.money(c.Workspace, in.Value); err != nil {
				return err
			}
			if r.WonValue.Currency == "" {
				// Even a deal won for nothing is in a currency, so that
				// the stats count it where it belongs, whatever the
				// network's currency becomes later.
				r.WonValue.Currency = nonEmpty(r.Estimate.Currency, nonEmpty(c.Workspace.Settings.Currency, DefaultCurrency))
			}
			if !in.Confirm {
				if err := unusualWon(ctx, tx, c, code, r.WonValue); err != nil {
					return err
				}
			}
			r.ClosedAt = now
			if r.Fee.Fee(r.WonValue.Cents) > 0 {
				r.FeeStatus = FeeOwed
			}
			nk = NoticeWon
		case StatusLost:
			r.LostReason, r.ClosedAt = strings.TrimSpace(in.Reason), now
			note, nk = r.LostReason, NoticeLost
		}
		e, err := s.changed(ctx, tx, c, r, EvStage, from, note, nk)
		if err != nil || to != StatusWon {
			return err
		}
		// Close the loop: prompt the owner to thank the referrer.
		owner, err := memberRecipient(ctx, tx, c, r.ReceiverID)
		if err != nil {
			return err
		}
		return tx.Enqueue(ctx, notice(c, e, NoticeThankPrompt, owner, r, ""))
	})
	if err != nil {
		return nil, err
	}
	return visibleTo(c, r), nil
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
