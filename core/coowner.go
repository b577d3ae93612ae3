package core

import "context"

// CoOwnerChange is what SetCoOwner did.
type CoOwnerChange struct {
	Referral *Referral // after the change, as the caller may see it
	Added    string    // display name of the new co-owner; "" when one was taken off
	Replaced string    // display name of the co-owner before, if any
	Told     []string  // display names of the members told
}

// SetCoOwner makes a member co-owner of a referral being worked: they
// present to the client together with its receiver, so they see the
// client's details and may move the stage. One at a time: naming another
// replaces the one before; who nil takes the co-owner off. Only the
// receiver (or an admin) may; the referrer, the receiver and a member who
// left can't be co-owner. The referrer and the co-owners (new and old)
// are told, and the history keeps every change.
func (s *Service) SetCoOwner(ctx context.Context, c Caller, code Code, who *MemberRef) (*CoOwnerChange, error) {
	return inTx(ctx, s, func(tx Tx) (*CoOwnerChange, error) {
		r, err := referral(ctx, tx, c, code)
		if err != nil {
			return nil, err
		}
		if err := mayShare(c, r, code); err != nil {
			return nil, err
		}
		out := &CoOwnerChange{Replaced: r.CoOwnerName}
		old := r.CoOwnerID
		var note string
		if who == nil {
			if old == 0 {
				return nil, Errorf(ECONFLICT, "%s has no co-owner.", code).
					WithHint("Add one with /refer coowner %s @member", code)
			}
			r.CoOwnerID, r.CoOwnerName = 0, ""
			note = "@" + out.Replaced + " taken off"
		} else {
			m, err := s.coOwner(ctx, tx, c, r, code, *who)
			if err != nil {
				return nil, err
			}
			r.CoOwnerID, r.CoOwnerName, out.Added = m.ID, m.DisplayName, m.DisplayName
			note = m.Mention() + " added"
			if old != 0 {
				note += " in place of @" + out.Replaced
			}
		}
		e := &Event{Kind: EvCoOwner, From: r.Status, Note: note}
		if r, err = s.amend(ctx, tx, c, r, e); err != nil {
			return nil, err
		}
		ns, told, err := tellParties(ctx, tx, c, e, r, NoticeCoOwner, note, old)
		if err != nil {
			return nil, err
		}
		out.Referral, out.Told = visibleTo(c, r), told
		return out, tx.Enqueue(ctx, ns...)
	})
}

// mayShare checks that the caller may change r's co-owner: its receiver
// or an admin, while it is being worked.
func mayShare(c Caller, r *Referral, code Code) error {
	if r.ReceiverID != c.Member.ID && !c.Member.IsAdmin() {
		if r.ReceiverID == 0 {
			return Errorf(EFORBIDDEN, "%s is an open lead nobody has claimed yet.", code).
				WithHint("Whoever claims it can add a co-owner: /refer claim %s", code)
		}
		return Errorf(EFORBIDDEN, "Only @%s, who received %s, can choose who presents it with them.", r.ReceiverName, code).
			WithHint("/refer show %s shows who owns it.", code)
	}
	switch {
	case r.Status == StatusOffered:
		return Errorf(ECONFLICT, "%s hasn't been accepted yet.", code).
			WithHint("Accept it first: /refer accept %s", code)
	case !r.Status.Working():
		return Errorf(ECONFLICT, "%s is %s; a co-owner joins while a referral is being worked.", code, r.Status).
			WithHint("/refer show %s shows where it stands.", code)
	}
	return nil
}

// coOwner resolves the member to make co-owner of r and checks they can be.
func (s *Service) coOwner(ctx context.Context, tx Tx, c Caller, r *Referral, code Code, who MemberRef) (*Member, error) {
	m, err := s.resolve(ctx, tx, c, who)
	if err != nil {
		return nil, err
	}
	switch {
	case m.Status != MemberActive:
		return nil, Errorf(ENOTFOUND, "%s is no longer a member of this network.", m.Mention())
	case m.ID == r.ReferrerID:
		return nil, Errorf(EINVALID, "%s made this referral; a co-owner is someone who works it with its receiver.", m.Mention()).
			WithHint("Pick a partner: /refer coowner %s @member", code)
	case m.ID == r.ReceiverID:
		return nil, Errorf(EINVALID, "%s already owns %s as its receiver.", m.Mention(), code).
			WithHint("Name someone else: /refer coowner %s @member", code)
	case m.ID == r.CoOwnerID:
		return nil, Errorf(ECONFLICT, "%s is already co-owner of %s.", m.Mention(), code).
			WithHint("To take them off: /refer coowner %s none", code)
	}
	return m, nil
}
