package core

import "context"

// Detail is a referral with its history, as the caller may see it.
type Detail struct {
	Referral   Referral
	Events     []Event
	Interested []Member
}

// Show returns a referral and its timeline as the caller may see them
// (see VisibleTo).
func (s *Service) Show(ctx context.Context, c Caller, code Code) (*Detail, error) {
	return inTx(ctx, s, func(tx Tx) (*Detail, error) {
		r, err := loadReferral(ctx, tx, c, code, false)
		if err != nil {
			return nil, err
		}
		d := &Detail{Referral: r.VisibleTo(c.Member)}
		if d.Events, err = tx.Events(ctx, c.Workspace.ID, r.ID); err != nil {
			return nil, err
		}
		for i := range d.Events {
			d.Events[i] = d.Events[i].VisibleTo(r, c.Member)
		}
		if r.Status == StatusOpen {
			d.Interested, err = tx.Interested(ctx, c.Workspace.ID, r.ID)
		}
		return d, err
	})
}

// ListKind selects which referrals List returns.
type ListKind string

const (
	ListMine     ListKind = "mine" // given or received
	ListGiven    ListKind = "given"
	ListReceived ListKind = "received"
	ListOpen     ListKind = "open" // unclaimed leads
	ListAll      ListKind = "all"  // admins: everything
)

// List returns the caller's referrals of a kind, newest first.
func (s *Service) List(ctx context.Context, c Caller, kind ListKind, statuses ...Status) ([]Referral, error) {
	f := ListFilter{MemberID: c.Member.ID, Statuses: statuses, Limit: 50}
	switch kind {
	case ListMine, "":
		f.Given, f.Received = true, true
	case ListGiven:
		f.Given = true
	case ListReceived:
		f.Received = true
	case ListOpen:
		f.MemberID, f.OpenLeads = 0, true
	case ListAll:
		if !c.Member.IsAdmin() {
			return nil, Errorf(EFORBIDDEN, "Only admins can list every referral.").
				WithHint("Try /refer list mine, given, received or open.")
		}
		f.MemberID = 0
	default:
		return nil, Errorf(EINVALID, "I can't list %q.", string(kind)).
			WithHint("Try /refer list mine, given, received or open.")
	}
	return inTx(ctx, s, func(tx Tx) ([]Referral, error) {
		rs, err := tx.ListReferrals(ctx, c.Workspace.ID, f)
		var out []Referral
		for _, r := range rs {
			out = append(out, r.VisibleTo(c.Member))
		}
		return out, err
	})
}
