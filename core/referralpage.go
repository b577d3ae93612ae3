package core

import (
	"context"
	"slices"
	"strings"
)

// MaxReferralPageSize is the most referrals one page may list (the CSV
// reads every match a page at a time instead: StreamReferrals).
const MaxReferralPageSize = 500

// ReferralFilter selects referrals from the store, newest first: created
// in Period, in one of Statuses (any if empty), with PartnerID as a party
// (0: anyone), carrying Tag ("" any); Limit 0 returns every match.
type ReferralFilter struct {
	Period    Period
	Statuses  []Status
	PartnerID int64
	Tag       string
	Limit     int
	Offset    int
}

// Referrals returns a page of the network's referrals that q selects,
// newest first, each as the caller may see it (VisibleTo: no client
// details, notes or reasons for anyone but the parties and admins, no
// private amounts for anyone but the parties), and how many match in all.
// A page past the last, an unknown stage or period is refused with what
// to type instead.
func (s *Service) Referrals(ctx context.Context, c Caller, q ReferralQuery) (*ReferralPage, error) {
	f, err := s.referralFilter(c, &q)
	if err != nil {
		return nil, err
	}
	return inTx(ctx, s, func(tx Tx) (*ReferralPage, error) {
		page := &ReferralPage{Period: f.Period, Query: q, Names: map[int64]string{}}
		if q.PartnerID != 0 {
			m, err := listPartner(ctx, tx, c, q.PartnerID)
			if err != nil {
				return nil, err
			}
			page.Names[m.ID] = m.DisplayName
		}
		rs, total, err := tx.ReferralPage(ctx, c.Workspace.ID, f)
		if err != nil {
			return nil, err
		}
		if len(rs) == 0 && f.Offset > 0 {
			last := max((total+f.Limit-1)/f.Limit, 1)
			return nil, Errorf(EINVALID, "There is no page %d: the %d referrals that match fill %d.", q.Page, total, last).
				WithHint("Ask for page 1 to %d.", last)
		}
		page.Total = total
		page.Referrals = make([]Referral, len(rs))
		for i, r := range rs {
			page.Referrals[i] = r.VisibleTo(c.Member)
			page.name(r.ReferrerID, r.ReferrerName)
			page.name(r.ReceiverID, r.ReceiverName)
			page.name(r.CoOwnerID, r.CoOwnerName)
		}
		return page, nil
	})
}

// listPartner is the member a list's partner filter names; ENOTFOUND, with
// what to do instead, if there is none in the caller's network.
func listPartner(ctx context.Context, tx Tx, c Caller, id int64) (*Member, error) {
	m, err := tx.Member(ctx, c.Workspace.ID, id)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "There is no member %d in this network.", id).
			WithHint("Pick a partner from the list, or leave the partner out to see everyone's referrals.")
	}
	return m, err
}

// name records the display name of a member the page mentions.
func (p *ReferralPage) name(id int64, name string) {
	if id != 0 {
		p.Names[id] = name
	}
}

// referralFilter checks q, fills in its defaults and turns it into the
// store's filter.
func (s *Service) referralFilter(c Caller, q *ReferralQuery) (ReferralFilter, error) {
	p, err := ParsePeriod(q.Period, s.now(), s.Location(c.Workspace))
	if err != nil {
		return ReferralFilter{}, err
	}
	f := ReferralFilter{Period: p, Statuses: q.Stages, PartnerID: q.PartnerID}
	for _, st := range q.Stages {
		if !slices.Contains(AllStatuses, st) {
			return f, Errorf(EINVALID, "There is no stage %q.", string(st)).
				WithHint("Pick stages among %s.", statusList())
		}
	}
	if q.Tag != "" {
		tags := NormalizeTags([]string{q.Tag})
		if len(tags) == 0 {
			return f, Errorf(EINVALID, "%q is not a tag.", q.Tag).
				WithHint("Tags are single words such as branding or web-dev, at most 40 characters.")
		}
		f.Tag, q.Tag = tags[0], tags[0]
	}
	if q.PartnerID < 0 {
		return f, Errorf(EINVALID, "There is no member %d in this network.", q.PartnerID).
			WithHint("Pick a partner from the list, or leave the partner out to see everyone's referrals.")
	}
	switch {
	case q.PageSize == 0:
		q.PageSize = ReferralPageSize
	case q.PageSize < 0 || q.PageSize > MaxReferralPageSize:
		return f, Errorf(EINVALID, "A page can list 1 to %d referrals, not %d.", MaxReferralPageSize, q.PageSize).
			WithHint("Ask for %d per page, or download the CSV for every referral.", ReferralPageSize)
	}
	switch {
	case q.Page == 0:
		q.Page = 1
	case q.Page < 0:
		return f, Errorf(EINVALID, "There is no page %d: pages count from 1.", q.Page).
			WithHint("Ask for page 1.")
	}
	f.Limit, f.Offset = q.PageSize, (q.Page-1)*q.PageSize
	return f, nil
}

// statusList names every stage for a hint: "offered, open, ...".
func statusList() string {
	names := make([]string, len(AllStatuses))
	for i, st := range AllStatuses {
		names[i] = string(st)
	}
	return strings.Join(names, ", ")
}
