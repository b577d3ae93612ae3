package core

import (
	"context"
	"time"
)

// depart settles what was waiting for a member who leaves the network
// (removed by an admin, or erasing their data), in the transaction that
// makes them leave:
//   - a direct referral offered to them, or one they were working on, goes
//     back to its referrer, who is told and can send it to someone else
//     with /refer reassign;
//   - a lead they had claimed (or were picked for) is open to claims again,
//     posted anew to the channel;
//   - where they were only co-owner, they are taken off it;
//   - their raised hands no longer count, and nothing more is sent to them.
//
// why is the reason the referrers read (and the history keeps).
func (s *Service) depart(ctx context.Context, tx Tx, c Caller, m *Member, why string) error {
	if err := s.endSignIns(ctx, tx, c.Workspace.ID, m.ID); err != nil {
		return err // their dashboard sessions end with them
	}
	rs, err := tx.ListReferrals(ctx, c.Workspace.ID, ListFilter{MemberID: m.ID, Received: true,
		Statuses: []Status{StatusOffered, StatusAccepted, StatusContacted, StatusMeeting, StatusProposal}})
	if err != nil {
		return err
	}
	ws, err := tx.Workspace(ctx, c.Workspace.ID)
	if err != nil {
		return err
	}
	for i := range rs {
		r, err := referral(ctx, tx, c, rs[i].Code) // locked for the change
		if err != nil {
			return err
		}
		switch {
		case r.CoOwnerID == m.ID && r.ReceiverID != m.ID:
			r.CoOwnerID, r.CoOwnerName = 0, ""
			if err := tx.UpdateReferral(ctx, r); err != nil {
				return err
			}
			if _, err := s.event(ctx, tx, c, r, EvCoOwner, r.Status, why); err != nil {
				return err
			}
		case r.CreatedAsLead():
			if err := s.release(ctx, tx, c, ws, r, why); err != nil {
				return err
			}
		default:
			if err := s.giveBack(ctx, tx, c, r, why); err != nil {
				return err
			}
		}
	}
	return tx.DropPendingNotices(ctx, c.Workspace.ID, m.ID, "the recipient is no longer a member")
}

// release opens a lead to claims again: its owner can no longer work it.
// The channel gets a fresh Claim post and the referrer is told.
func (s *Service) release(ctx context.Context, tx Tx, c Caller, ws *Workspace, r *Referral, why string) error {
	from := reopenLead(ws, r, s.now())
	e, referrer, err := s.record(ctx, tx, c, r, EvReleased, from, why)
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, releasedNotices(c, e, ws, r, referrer, why)...)
}

// reopenLead makes r an open lead again, unowned, open to claims for the
// network's lead expiry from now; it returns the status r had.
func reopenLead(ws *Workspace, r *Referral, now time.Time) Status {
	from := r.Status
	days := ws.Settings.LeadExpiryDays
	if days <= 0 {
		days = DefaultSettings().LeadExpiryDays
	}
	r.ReceiverID, r.ReceiverName, r.CoOwnerID, r.CoOwnerName = 0, "", 0, ""
	r.Status, r.AcceptedAt, r.UpdatedAt, r.ExpiresAt = StatusOpen, time.Time{}, now, now.AddDate(0, 0, days)
	return from
}

// releasedNotices are what a release (event e) says: the channel gets a
// new lead post (the kind later claims edit), saying why the lead is open
// again, and the referrer is told.
func releasedNotices(c Caller, e *Event, ws *Workspace, r *Referral, referrer Recipient, why string) []Notice {
	return []Notice{notice(c, e, NoticeLeadPosted, channel(ws), r, why), notice(c, e, NoticeReleased, referrer, r, why)}
}

// giveBack returns a direct referral to its referrer, who may reassign it.
func (s *Service) giveBack(ctx context.Context, tx Tx, c Caller, r *Referral, why string) error {
	from := returnToReferrer(r, why, s.now())
	e, referrer, err := s.record(ctx, tx, c, r, EvReturned, from, why)
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, notice(c, e, NoticeReturned, referrer, r, why))
}

// returnToReferrer declines r on its receiver's behalf, for why; it
// returns the status r had.
func returnToReferrer(r *Referral, why string, now time.Time) Status {
	from := r.Status
	r.Status, r.DeclineReason, r.ClosedAt, r.UpdatedAt = StatusDeclined, why, now, now
	return from
}

// Reassign sends a direct referral that came back (declined, or returned
// because its receiver left) to another partner, who is asked to accept
// or decline as with any referral. Only its referrer or an admin may; the
// history keeps every hand it passed through.
func (s *Service) Reassign(ctx context.Context, c Caller, code Code, to MemberRef) (*Referral, error) {
	return s.referralTx(ctx, c, func(tx Tx) (*Referral, error) {
		r, err := referral(ctx, tx, c, code)
		if err != nil {
			return nil, err
		}
		if r.ReferrerID != c.Member.ID && !c.Member.IsAdmin() {
			return nil, Errorf(EFORBIDDEN, "Only @%s, who made %s, can send it to someone else.", r.ReferrerName, code)
		}
		switch {
		case r.CreatedAsLead():
			return nil, Errorf(ECONFLICT, "%s is a lead: it goes to whoever claims it.", code).
				WithHint("/refer show %s shows where it stands.", code)
		case r.Status != StatusDeclined && r.Status != StatusOffered:
			return nil, Errorf(ECONFLICT, "%s is %s with @%s; only a declined or unanswered referral can be sent elsewhere.",
				code, r.Status, r.ReceiverName).WithHint("/refer show %s shows where it stands.", code)
		}
		m, err := s.resolve(ctx, tx, c, to)
		if err != nil {
			return nil, err
		}
		if m.ID == r.ReferrerID {
			return nil, Errorf(EINVALID, "You can't refer a client to yourself.").
				WithHint("Pick a partner with /refer who %s", FirstWords(r.Need, 6))
		}
		if m.ID == r.ReceiverID && r.Status == StatusOffered {
			return nil, Errorf(ECONFLICT, "%s is already waiting for %s's answer.", code, m.Mention())
		}
		if err := takesReferrals(ctx, tx, c, m, r.Need); err != nil {
			return nil, err
		}
		from, now := r.Status, s.now()
		r.ReceiverID, r.ReceiverName, r.CoOwnerID, r.CoOwnerName = m.ID, m.DisplayName, 0, ""
		r.Status, r.DeclineReason, r.ClosedAt, r.AcceptedAt, r.UpdatedAt = StatusOffered, "", time.Time{}, time.Time{}, now
		if err := tx.UpdateReferral(ctx, r); err != nil {
			return nil, err
		}
		e, err := s.event(ctx, tx, c, r, EvReassigned, from, m.DisplayName)
		if err != nil {
			return nil, err
		}
		if err := s.recordTouch(ctx, tx, c, r.ReferrerID, m.ID, TouchReferral, code.String()); err != nil {
			return nil, err
		}
		return r, tx.Enqueue(ctx, notice(c, e, NoticeOffered, dm(m), r, ""))
	})
}
