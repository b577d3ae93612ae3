package core

import (
	"context"
	"time"
)

// ReferralStreamPage is how many referrals StreamReferrals reads from the
// store at a time: enough that a download of 50,000 is a hundred short
// queries, few enough that its first rows leave at once and its memory
// stays one page whatever the network's size.
const ReferralStreamPage = 500

// ReferralKey is a referral's place in the newest-first order of the
// referrals lists: its creation time, then its id. Neither ever changes,
// so a stream that goes on after the last key it read never repeats a
// referral, nor skips one that still matches, whatever is written
// meanwhile.
type ReferralKey struct {
	CreatedAt time.Time
	ID        int64
}

// A ReferralSink takes what StreamReferrals reads: Begin once, when the
// query is checked and before any referral (a refusal comes before it, so
// the caller can still answer with what to type instead), then Page for
// every page in order. An error from either stops the stream and is
// returned.
type ReferralSink interface {
	Begin(p Period) error
	Page(rs []Referral) error
}

// StreamReferrals hands sink every referral q selects, newest first, each
// as the caller may see it (VisibleTo, as in Referrals), q.PageSize at a
// time (0: ReferralStreamPage; q.Page is not used: every match). Each
// page is read in a short transaction of its own and handed over after
// it ends, so a slow reader holds no connection: a referral created
// meanwhile is newer than the first page and left out; one whose stage
// changes shows its stage when its page is read.
func (s *Service) StreamReferrals(ctx context.Context, c Caller, q ReferralQuery, sink ReferralSink) error {
	q.Page = 1
	if q.PageSize == 0 {
		q.PageSize = ReferralStreamPage
	}
	f, err := s.referralFilter(c, &q)
	if err != nil {
		return err
	}
	if q.PartnerID != 0 {
		err := s.tx(ctx, func(tx Tx) error { _, err := listPartner(ctx, tx, c, q.PartnerID); return err })
		if err != nil {
			return err
		}
	}
	if err := sink.Begin(f.Period); err != nil {
		return err
	}
	var after ReferralKey
	for {
		rs, err := inTx(ctx, s, func(tx Tx) ([]Referral, error) {
			return tx.ReferralsAfter(ctx, c.Workspace.ID, f, after)
		})
		if err != nil {
			return err
		}
		if len(rs) == 0 {
			return nil
		}
		last := rs[len(rs)-1]
		after = ReferralKey{CreatedAt: last.CreatedAt, ID: last.ID}
		for i := range rs {
			rs[i] = rs[i].VisibleTo(c.Member)
		}
		if err := sink.Page(rs); err != nil {
			return err
		}
		if len(rs) < f.Limit {
			return nil
		}
	}
}
