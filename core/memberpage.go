package core

import (
	"cmp"
	"context"
)

// MemberPage computes a member's page for a period (as ParsePeriod reads
// it; all time by default) as the caller may see it: their figures
// (amounts private to their parties left out for anyone else, see
// core/visibility.go), their partnerships with the next touchpoint due,
// and the thank-yous they gave and received. Everyone may read any
// active member's page; a member who was removed or erased their data
// has none.
func (s *Service) MemberPage(ctx context.Context, c Caller, memberID int64, period string) (*MemberPage, error) {
	now := s.now()
	p, err := ParsePeriod(period, now, s.Location(c.Workspace))
	if err != nil {
		return nil, err
	}
	ws := c.Workspace
	return inTx(ctx, s, func(tx Tx) (*MemberPage, error) {
		m, err := tx.Member(ctx, ws.ID, memberID)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			return nil, Errorf(ENOTFOUND, "There is no member %d in this network.", memberID).
				WithHint("Pick a member from the overview's lists.")
		case err != nil:
			return nil, err
		case m.Status != MemberActive:
			return nil, Errorf(ENOTFOUND, "This member has left the network, so their page is no longer shown.").
				WithHint("Their referrals stay in the network's figures; the overview lists the members who take part.")
		}
		page := &MemberPage{Member: *m, Self: m.ID == c.Member.ID}
		prof, err := tx.Profile(ctx, ws.ID, m.ID)
		if err != nil {
			return nil, err
		}
		page.Profile = *prof
		st, err := tx.Stats(ctx, ws.ID, StatsQuery{MemberID: m.ID, Period: p, Now: now, Viewer: c.Member.ID})
		if err != nil {
			return nil, err
		}
		st.Period, st.Member, st.Currency = p, m, cmp.Or(ws.Settings.Currency, DefaultCurrency)
		st.Visible()
		page.Stats = st
		if page.Partners, err = tx.PartnerViews(ctx, ws.ID, m.ID); err != nil {
			return nil, err
		}
		for i := range page.Partners {
			pv := &page.Partners[i]
			pv.Overdue = !pv.NextDue.IsZero() && !pv.NextDue.After(now)
		}
		page.ThanksGiven, page.ThanksReceived, err = tx.ThanksCounts(ctx, ws.ID, m.ID, p)
		return page, err
	})
}
