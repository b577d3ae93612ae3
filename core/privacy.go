package core

import (
	"context"
	"time"
)

// Export is everything the exchange stores about one member, as they may
// see it: their profile, the referrals they gave or received (with the
// client details they are entitled to), partnerships and thank-yous.
type Export struct {
	ExportedAt   time.Time     `json:"exported_at"`
	Workspace    string        `json:"workspace"`
	Member       Member        `json:"member"`
	Profile      Profile       `json:"profile"`
	Referrals    []Referral    `json:"referrals"`
	Partnerships []Partnership `json:"partnerships"`
	Thanks       []Thanks      `json:"thanks"`
}

// maxExport bounds the referrals in one export; a member with more gets
// the most recent ones (the network's CSV export covers the rest).
const maxExport = 10000

// Export gathers the caller's own data.
func (s *Service) Export(ctx context.Context, c Caller) (*Export, error) {
	x := &Export{ExportedAt: s.now(), Workspace: c.Workspace.Name, Member: c.Member}
	err := s.tx(ctx, func(tx Tx) error {
		p, err := tx.Profile(ctx, c.Workspace.ID, c.Member.ID)
		if err != nil {
			return err
		}
		x.Profile = *p
		rs, err := tx.ListReferrals(ctx, c.Workspace.ID, ListFilter{MemberID: c.Member.ID, Given: true, Received: true, Limit: maxExport})
		if err != nil {
			return err
		}
		for _, r := range rs {
			x.Referrals = append(x.Referrals, r.VisibleTo(c.Member))
		}
		if x.Partnerships, err = tx.Partnerships(ctx, c.Workspace.ID, c.Member.ID); err != nil {
			return err
		}
		x.Thanks, err = tx.ThanksOf(ctx, c.Workspace.ID, c.Member.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	x.emptyListsNotNull()
	return x, nil
}

// emptyListsNotNull makes every list in the export a list, empty or not:
// JSON readers get [] for "none", never null. (Times that never happened
// are left out by their omitzero tags.)
func (x *Export) emptyListsNotNull() {
	list := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	if x.Referrals == nil {
		x.Referrals = []Referral{}
	}
	if x.Partnerships == nil {
		x.Partnerships = []Partnership{}
	}
	if x.Thanks == nil {
		x.Thanks = []Thanks{}
	}
	for i := range x.Referrals {
		x.Referrals[i].Tags = list(x.Referrals[i].Tags)
	}
	x.Profile.Tags, x.Profile.Triggers, x.Profile.Links = list(x.Profile.Tags), list(x.Profile.Triggers), list(x.Profile.Links)
}

// Forget erases the caller's personal data: name, platform id, profile and
// the free text they wrote. Referrals, stages and amounts stay, anonymised,
// so the network's figures and the other parties' histories still add up.
// Using referbot again later starts a new, empty membership.
func (s *Service) Forget(ctx context.Context, c Caller) error {
	return s.tx(ctx, func(tx Tx) error {
		// Their name is personal data too: the reason says "a member".
		if err := s.depart(ctx, tx, c, &c.Member, "the member left the network"); err != nil {
			return err
		}
		return tx.ForgetMember(ctx, c.Workspace.ID, c.Member.ID)
	})
}

// FailedDeliveries lists, for admins, the messages that could not be
// delivered (channel gone, member deactivated...), newest first; with
// retry, it queues them again instead (after fixing the cause).
func (s *Service) FailedDeliveries(ctx context.Context, c Caller, retry bool) ([]Notice, int, error) {
	if !c.Member.IsAdmin() {
		return nil, 0, Errorf(EFORBIDDEN, "Only admins can see undelivered messages.").
			WithHint("Ask an admin of your network.")
	}
	var (
		ns      []Notice
		retried int
	)
	err := s.tx(ctx, func(tx Tx) error {
		var err error
		if retry {
			retried, err = tx.RetryFailed(ctx, c.Workspace.ID, s.now())
			return err
		}
		ns, err = tx.FailedNotices(ctx, c.Workspace.ID, 20)
		return err
	})
	return ns, retried, err
}
