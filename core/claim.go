package core

import (
	"context"
	"slices"
	"strings"
)

// ClaimedError is returned to everyone who lost a claim race; it names the
// winner so the loser sees why.
func claimedError(r *Referral) error {
	who := r.ReceiverName
	if who == "" {
		who = "another member"
	} else {
		who = "@" + who
	}
	return Errorf(ECONFLICT, "%s was already claimed by %s.", r.Code, who).
		WithHint("Open leads go to the first claim; /refer list open shows the ones still waiting.")
}

// openLead loads a lead for a claim-like act and checks it is still open.
// A lead past its expiry is closed even before the expiry job marks it.
func (s *Service) openLead(ctx context.Context, tx Tx, c Caller, code Code) (*Referral, error) {
	r, err := referral(ctx, tx, c, code)
	if err != nil {
		return nil, err
	}
	expired := r.Status == StatusOpen && !r.ExpiresAt.IsZero() && !s.now().Before(r.ExpiresAt)
	switch {
	case r.Status == StatusOpen && !expired:
		return r, nil
	case expired || r.Status == StatusExpired && r.ReceiverID == 0:
		return nil, Errorf(ECONFLICT, "%s expired unclaimed.", code).
			WithHint("Ask @%s whether the client still needs help.", r.ReferrerName)
	case r.ReceiverID != 0 && r.CreatedAsLead():
		return nil, claimedError(r)
	default:
		return nil, Errorf(ECONFLICT, "%s is a direct referral to @%s, not an open lead.", code, r.ReceiverName).
			WithHint("/refer list open shows the leads waiting for a claim.")
	}
}

// CreatedAsLead reports whether the referral began as an open lead. A lead
// has an expiry; a direct referral never does.
func (r *Referral) CreatedAsLead() bool { return !r.ExpiresAt.IsZero() }

// Claim makes the caller the receiver of an open lead. The referral row is
// locked for the check-and-set, so however many members click at once,
// exactly one wins and the rest get ECONFLICT naming the winner.
func (s *Service) Claim(ctx context.Context, c Caller, code Code) (*Referral, error) {
	return s.referralTx(ctx, c, func(tx Tx) (*Referral, error) {
		r, err := s.openLead(ctx, tx, c, code)
		if err != nil {
			return nil, err
		}
		if r.ReferrerID == c.Member.ID {
			return nil, Errorf(EINVALID, "You posted %s, so you can't claim it yourself.", code).
				WithHint("To hand it to someone who raised a hand: /refer pick %s @member", code)
		}
		return r, s.handOver(ctx, tx, c, r, &c.Member, EvClaimed)
	})
}

// handOver gives an open lead to its new owner and tells everyone.
func (s *Service) handOver(ctx context.Context, tx Tx, c Caller, r *Referral, owner *Member, kind EventKind) error {
	ws, err := tx.Workspace(ctx, c.Workspace.ID)
	if err != nil {
		return err
	}
	now := s.now()
	from := r.Status
	r.ReceiverID, r.ReceiverName = owner.ID, owner.DisplayName
	r.Status, r.AcceptedAt, r.UpdatedAt = StatusAccepted, now, now
	e, referrer, err := s.record(ctx, tx, c, r, kind, from, owner.DisplayName)
	if err != nil {
		return err
	}
	if err := s.recordTouch(ctx, tx, c, r.ReferrerID, owner.ID, TouchReferral, r.Code.String()); err != nil {
		return err
	}
	ns := []Notice{notice(c, e, NoticeLeadClaimed, channel(ws), r, "")}
	switch {
	case kind == EvClaimed:
		ns = append(ns, notice(c, e, NoticeClaimedDM, referrer, r, ""))
	default:
		ns = append(ns, notice(c, e, NoticeHandoff, dm(owner), r, ""))
		if c.Member.ID != r.ReferrerID { // an admin picked on the referrer's behalf
			ns = append(ns, notice(c, e, NoticePickedDM, referrer, r, ""))
		}
	}
	return tx.Enqueue(ctx, ns...)
}

// RaiseHand records interest in an open lead; the referrer may then pick.
func (s *Service) RaiseHand(ctx context.Context, c Caller, code Code) (*Referral, error) {
	return s.referralTx(ctx, c, func(tx Tx) (*Referral, error) {
		r, err := s.openLead(ctx, tx, c, code)
		if err != nil {
			return nil, err
		}
		if r.ReferrerID == c.Member.ID {
			return nil, Errorf(EINVALID, "You posted %s; raising your own hand won't help.", code).
				WithHint("Pick someone who did with /refer pick %s @member", code)
		}
		if err := tx.AddInterest(ctx, c.Workspace.ID, r.ID, c.Member.ID); err != nil {
			if ErrorCode(err) == ECONFLICT {
				return nil, Errorf(ECONFLICT, "You already raised your hand for %s.", code).
					WithHint("@%s will pick, or you can /refer claim %s to take it now.", r.ReferrerName, code)
			}
			return nil, err
		}
		e, err := s.event(ctx, tx, c, r, EvHandRaised, r.Status, "")
		if err != nil {
			return nil, err
		}
		hands, err := tx.Interested(ctx, c.Workspace.ID, r.ID)
		if err != nil {
			return nil, err
		}
		referrer, err := memberRecipient(ctx, tx, c, r.ReferrerID)
		if err != nil {
			return nil, err
		}
		n := notice(c, e, NoticeHandRaised, referrer, r, "")
		for i := range hands {
			n.Choices = append(n.Choices, dm(&hands[i]))
		}
		return r, tx.Enqueue(ctx, n)
	})
}

// PickClaimer lets the referrer (or an admin) hand an open lead to one of
// the members who raised a hand.
func (s *Service) PickClaimer(ctx context.Context, c Caller, code Code, who MemberRef) (*Referral, error) {
	return s.referralTx(ctx, c, func(tx Tx) (*Referral, error) {
		r, err := s.openLead(ctx, tx, c, code)
		if err != nil {
			return nil, err
		}
		if r.ReferrerID != c.Member.ID && !c.Member.IsAdmin() {
			return nil, Errorf(EFORBIDDEN, "Only @%s, who posted %s, can pick who gets it.", r.ReferrerName, code).
				WithHint("Raise your hand with /refer interested %s, or claim it with /refer claim %s.", code, code)
		}
		m, err := s.resolve(ctx, tx, c, who)
		if err != nil {
			return nil, err
		}
		hands, err := tx.Interested(ctx, c.Workspace.ID, r.ID)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(hands, func(h Member) bool { return h.ID == m.ID }) {
			names := make([]string, len(hands))
			for i, h := range hands {
				names[i] = h.Mention()
			}
			if len(names) == 0 {
				return nil, Errorf(ECONFLICT, "Nobody has raised a hand for %s yet.", code).
					WithHint("Wait for /refer interested %s, or refer the client directly with /refer @member ...", code)
			}
			return nil, Errorf(EINVALID, "%s hasn't raised a hand for %s.", m.Mention(), code).
				WithHint("Pick one of: %s", strings.Join(names, ", "))
		}
		return r, s.handOver(ctx, tx, c, r, m, EvPicked)
	})
}
