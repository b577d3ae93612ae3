package core

import "context"

// UndeliveredOnPage is how many undelivered messages the admin page lists.
const UndeliveredOnPage = 50

// AdminPage computes, for admins only, what the admin page shows: the
// network's health now (as the health DM reads it, falling or not), the
// abuse flags and every fee of the period (as ParsePeriod reads it; all
// time by default), and the latest messages that could not be delivered.
func (s *Service) AdminPage(ctx context.Context, c Caller, period string) (*AdminPage, error) {
	if !c.Member.IsAdmin() {
		return nil, Errorf(EFORBIDDEN, "Only admins can see the admin page.").
			WithHint("The overview, the members' pages and the referrals are yours to read; ask an admin of your network about the rest.")
	}
	now := s.now()
	p, err := ParsePeriod(period, now, s.Location(c.Workspace))
	if err != nil {
		return nil, err
	}
	ws := c.Workspace
	return inTx(ctx, s, func(tx Tx) (*AdminPage, error) {
		page := &AdminPage{Period: p}
		members, err := tx.Members(ctx, ws.ID)
		if err != nil {
			return nil, err
		}
		if page.Health, err = s.health(ctx, tx, ws, members, now); err != nil {
			return nil, err
		}
		if page.Flags, err = s.flags(ctx, tx, ws, p); err != nil {
			return nil, err
		}
		if page.Fees, err = feeBook(ctx, tx, c, "", p); err != nil {
			return nil, err
		}
		page.Undelivered, err = tx.FailedNotices(ctx, ws.ID, UndeliveredOnPage)
		return page, err
	})
}
