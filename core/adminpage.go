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
		ns, err := tx.FailedNotices(ctx, ws.ID, UndeliveredOnPage)
		for _, n := range ns {
			page.Undelivered = append(page.Undelivered, n.visibleTo(c.Member))
		}
		return page, err
	})
}

// visibleTo returns an undelivered notice as an admin may see it: what
// it was, to whom, why it failed, and its referrals through the
// visibility rule (no one else's private amounts); not its report, nor
// its text where that may carry an amount the admin may not see.
func (n Notice) visibleTo(admin Member) Notice {
	if n.Referral != nil {
		r := n.Referral.VisibleTo(admin)
		if !n.Referral.SeesAmounts(admin) {
			n.Text = ""
		}
		n.Referral = &r
	}
	items := make([]Referral, len(n.Items))
	for i, r := range n.Items {
		items[i] = r.VisibleTo(admin)
	}
	n.Items, n.Report = items, nil
	return n
}
