package core

import (
	"context"
	"slices"
	"strings"
)

// Touch logs a touchpoint with a partner and returns the partnership with
// its next touchpoint due date.
func (s *Service) Touch(ctx context.Context, c Caller, partner MemberRef, kind TouchKind, note string) (*Partnership, error) {
	if !slices.Contains(TouchKinds, kind) {
		return nil, Errorf(EINVALID, "%q is not a kind of touchpoint.", string(kind)).
			WithHint("Use coffee, call, shared-content, intro or meeting, e.g. /refer touch @alice coffee talked about Q3 plans")
	}
	if err := checkText("note", note, maxText, false, ""); err != nil {
		return nil, err
	}
	return inTx(ctx, s, func(tx Tx) (*Partnership, error) {
		m, err := s.resolve(ctx, tx, c, partner)
		if err != nil {
			return nil, err
		}
		if m.ID == c.Member.ID {
			return nil, Errorf(EINVALID, "A touchpoint is with a partner, not with yourself.").
				WithHint("Type /refer touch @partner coffee")
		}
		return s.touch(ctx, tx, c, c.Member.ID, m.ID, kind, strings.TrimSpace(note))
	})
}

// SetReminders mutes or unmutes the caller's reminders (mute non-nil), or
// sets their own touchpoint cadence in days (cadence > 0), or returns to
// the network's (cadence < 0). It returns the member as saved.
func (s *Service) SetReminders(ctx context.Context, c Caller, mute *bool, cadence int) (*Member, error) {
	if cadence > 365 {
		return nil, Errorf(EINVALID, "A cadence is at most 365 days, not %d.", cadence).WithHint("E.g. /refer reminders 30")
	}
	m := c.Member
	return inTx(ctx, s, func(tx Tx) (*Member, error) {
		if mute != nil {
			m.Muted = *mute
			return &m, tx.SaveMember(ctx, &m)
		}
		days := cadence
		if cadence < 0 {
			m.CadenceDays, days = 0, nonZero(c.Workspace.Settings.CadenceDays, 30)
		} else {
			m.CadenceDays = cadence
		}
		if err := tx.SaveMember(ctx, &m); err != nil {
			return nil, err
		}
		return &m, tx.SetCadence(ctx, c.Workspace.ID, m.ID, days)
	})
}

// recordTouch is touch for a change that doesn't show the partnership
// (a referral, a claim, a thank-you): one write, no read.
func (s *Service) recordTouch(ctx context.Context, tx Tx, c Caller, a, b int64, kind TouchKind, note string) error {
	return tx.Touch(ctx, c.Workspace.ID, a, b, c.Workspace.Settings.CadenceDays, s.touchpoint(c, kind, note))
}

// touchpoint is c's touchpoint of the kind, now.
func (s *Service) touchpoint(c Caller, kind TouchKind, note string) Touchpoint {
	return Touchpoint{ActorID: c.Member.ID, Kind: kind, Note: note, At: s.now()}
}

// touch records a touchpoint between two members, creating their
// partnership on first contact, and moves the next touchpoint due date.
func (s *Service) touch(ctx context.Context, tx Tx, c Caller, a, b int64, kind TouchKind, note string) (*Partnership, error) {
	lo, hi := a, b
	if lo > hi {
		lo, hi = hi, lo
	}
	now := s.now()
	p, err := tx.Partnership(ctx, c.Workspace.ID, lo, hi)
	switch ErrorCode(err) {
	case "":
	case ENOTFOUND:
		p = &Partnership{WorkspaceID: c.Workspace.ID, MemberA: lo, MemberB: hi, Type: Advocate, Trust: 1, CreatedAt: now}
		// A new pair's cadence is the shorter of the two members' wishes:
		// their own cadence if they set one, else the network's.
		for _, id := range []int64{lo, hi} {
			m, err := tx.Member(ctx, c.Workspace.ID, id)
			if err != nil {
				return nil, err
			}
			if want := nonZero(m.CadenceDays, c.Workspace.Settings.CadenceDays); p.CadenceDays == 0 || want < p.CadenceDays {
				p.CadenceDays = want
			}
		}
	default:
		return nil, err
	}
	if p.CadenceDays <= 0 {
		p.CadenceDays = 30
	}
	p.LastTouch = now
	p.NextDue = now.AddDate(0, 0, p.CadenceDays)
	if err := tx.SavePartnership(ctx, p); err != nil {
		return nil, err
	}
	t := &Touchpoint{PartnershipID: p.ID, ActorID: c.Member.ID, Kind: kind, Note: note, At: now}
	return p, tx.AddTouchpoint(ctx, c.Workspace.ID, t)
}
