package core

import "context"

// UndeliveredOnPage is how many undelivered messages the admin page lists.
const UndeliveredOnPage = 50

// FeesOnPage is how many fees, the newest, the admin page lists; its
// totals count every fee, and AdminFees (fees.csv) lists them all.
const FeesOnPage = 100

// AdminPage computes, for admins only, what the admin page shows: the
// network's health now (as the health DM reads it, falling or not), the
// abuse flags and the fees of the period (as ParsePeriod reads it; all
// time by default: every fee summed, the newest FeesOnPage listed), and
// the latest messages that could not be delivered.
func (s *Service) AdminPage(ctx context.Context, c Caller, period string) (*AdminPage, error) {
	if err := adminOnly(c); err != nil {
		return nil, err
	}
	now := s.now()
	p, err := ParsePeriod(period, now, s.Location(c.Workspace))
	if err != nil {
		return nil, err
	}
	ws := c.Workspace
	return inTx(ctx, s, func(tx Tx) (*AdminPage, error) {
		page := &AdminPage{Period: p}
		var err error
		if page.Health, err = s.health(ctx, tx, ws, now); err != nil {
			return nil, err
		}
		if page.Flags, err = s.flags(ctx, tx, ws, p); err != nil {
			return nil, err
		}
		if page.Fees, err = feeBook(ctx, tx, c, "", p, FeesOnPage); err != nil {
			return nil, err
		}
		ns, err := tx.FailedNotices(ctx, ws.ID, UndeliveredOnPage)
		for _, n := range ns {
			page.Undelivered = append(page.Undelivered, n.visibleTo(c.Member))
		}
		return page, err
	})
}

// AdminFees lists, for admins only, every fee of the period (as AdminPage
// reads it) with its totals: what the admin page lists the newest of.
func (s *Service) AdminFees(ctx context.Context, c Caller, period string) (*FeeBook, error) {
	p, err := s.adminPeriod(c, period)
	if err != nil {
		return nil, err
	}
	return inTx(ctx, s, func(tx Tx) (*FeeBook, error) { return feeBook(ctx, tx, c, "", p, 0) })
}

// AdminFlags is, for admins only, the admin page's abuse flags of the
// period, each naming every code of its evidence (flags.csv).
func (s *Service) AdminFlags(ctx context.Context, c Caller, period string) (*FlagReport, error) {
	p, err := s.adminPeriod(c, period)
	if err != nil {
		return nil, err
	}
	return inTx(ctx, s, func(tx Tx) (*FlagReport, error) { return s.flagsOf(ctx, tx, c.Workspace, p, true) })
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

// adminPeriod reads the period of an admins' report (all time by
// default), refusing anyone but an admin.
func (s *Service) adminPeriod(c Caller, period string) (Period, error) {
	if err := adminOnly(c); err != nil {
		return Period{}, err
	}
	return ParsePeriod(period, s.now(), s.Location(c.Workspace))
}

// adminOnly refuses the admin page, and what it lists, to anyone else.
func adminOnly(c Caller) error {
	if c.Member.IsAdmin() {
		return nil
	}
	return Errorf(EFORBIDDEN, "Only admins can see the admin page.").
		WithHint("The overview, the members' pages and the referrals are yours to read; ask an admin of your network about the rest.")
}
