package core

import (
	"cmp"
	"context"
	"time"
)

// TrendQuarters is how many quarters the overview's trend shows.
const TrendQuarters = 8

// TrendQuery asks the store for the network's figures per quarter:
// Quarters in order, each [From, To), the next starting where one ends.
// Viewer decides which amounts are private to them (see StatsQuery).
type TrendQuery struct {
	Quarters []Period
	Viewer   int64
}

// The funnel counts the referrals created in the period by the furthest
// stage each reached, each step counting those that reached it or went
// further:
//
//   - a referral still in the pipeline, or won, reached the stage it is
//     in (offered and open ones: introduced);
//   - a declined or expired one was only introduced;
//   - a lost one reached the furthest stage its history records before
//     it was lost (contacted, meeting or proposal, leaving out moves that
//     were undone), and at least taken on, since only a taken-on
//     referral can be lost.
//
// A referral that went back (a change undone, a lead released) counts
// where it stands now.
var funnelSteps = []struct {
	Stage Status
	Label string
}{
	{StatusOffered, "introduced"},
	{StatusAccepted, "taken on"},
	{StatusContacted, "contacted"},
	{StatusMeeting, "meeting"},
	{StatusProposal, "proposal"},
	{StatusWon, "won"},
}

// Overview computes the network's overview page for a period (as
// ParsePeriod reads it; all time by default), as the caller may see it:
// the figures, the trend of the last TrendQuarters quarters, the funnel,
// who referred whom and the leaderboards. Everyone may read it.
func (s *Service) Overview(ctx context.Context, c Caller, period string) (*Overview, error) {
	now := s.now()
	loc := s.Location(c.Workspace)
	p, err := ParsePeriod(period, now, loc)
	if err != nil {
		return nil, err
	}
	ws := c.Workspace
	return inTx(ctx, s, func(tx Tx) (*Overview, error) {
		o := &Overview{Period: p}
		st, err := tx.Stats(ctx, ws.ID, StatsQuery{Period: p, Now: now, Viewer: c.Member.ID})
		if err != nil {
			return nil, err
		}
		st.Period, st.Currency = p, cmp.Or(ws.Settings.Currency, DefaultCurrency)
		st.Visible()
		o.Stats = st
		if o.Trend, err = trend(ctx, tx, c, trendQuarters(p, loc)); err != nil {
			return nil, err
		}
		reached, err := tx.Funnel(ctx, ws.ID, p, now)
		if err != nil {
			return nil, err
		}
		o.Funnel = funnel(reached)
		if o.Graph, err = tx.Graph(ctx, ws.ID, p, GraphSize, now); err != nil {
			return nil, err
		}
		if o.Board, err = s.leaderboard(ctx, tx, ws, p); err != nil {
			return nil, err
		}
		return o, nil
	})
}

// trendQuarters returns the TrendQuarters calendar quarters, in loc,
// that end with the one holding p's end, oldest first.
func trendQuarters(p Period, loc *time.Location) []Period {
	last := QuarterOf(p.To.Add(-time.Nanosecond).In(loc))
	qs := make([]Period, TrendQuarters)
	for i := range qs {
		qs[i] = QuarterOf(last.From.AddDate(0, -3*(TrendQuarters-1-i), 0))
	}
	return qs
}

// trend reads the quarters' figures in one query and applies the
// visibility rule to their revenue.
func trend(ctx context.Context, tx Tx, c Caller, qs []Period) ([]TrendPoint, error) {
	pts, err := tx.Trend(ctx, c.Workspace.ID, TrendQuery{Quarters: qs, Viewer: c.Member.ID})
	if err != nil {
		return nil, err
	}
	for i := range pts {
		pts[i].Period = qs[i]
		if pts[i].Received > 0 {
			pts[i].RCR, pts[i].HasRCR = float64(pts[i].Won)/float64(pts[i].Received)*100, true
		}
		pts[i].Revenue = pts[i].Revenue.Sort().Visible()
	}
	return pts, nil
}

// funnel turns counts by furthest stage into the funnel's steps, each
// counting the referrals that reached it or went further.
func funnel(reached map[Status]int) []FunnelStep {
	steps := make([]FunnelStep, len(funnelSteps))
	n := 0
	for i := len(funnelSteps) - 1; i >= 0; i-- {
		n += reached[funnelSteps[i].Stage]
		steps[i] = FunnelStep{Stage: funnelSteps[i].Stage, Label: funnelSteps[i].Label, Count: n}
	}
	return steps
}
