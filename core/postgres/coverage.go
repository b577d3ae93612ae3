package postgres

import (
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// coverage splits a period [from, to) into what the rollups answer (whole
// UTC months, or the all-time rows) and the few referrals at its edges
// that are read one by one, so that the sum of both is exact to the
// microsecond whatever the period and the workspace's time zone.
//
// Each edge is a range of time added (sign 1) or taken away (sign -1): a
// period starting a few hours into a month reads that whole month from
// the rollups and takes those hours away; one starting late in a month
// adds its last days instead. An edge costs the referrals in it, not its
// length, so time after now counts as nothing: a period that runs to now
// reads its current month whole and takes away the (empty) future.
type coverage struct {
	all      bool               // read the all-time rows ('-infinity' bucket)
	lo, hi   pgtype.Timestamptz // the buckets read: [lo, hi), an index range either way
	edgeLo   []pgtype.Timestamptz
	edgeHi   []pgtype.Timestamptz
	edgeSign []int32
}

// covered is the span of time the rollup rows read stand for: the
// corrections for a viewer's own private referrals apply within it.
func (c coverage) covered() (pgtype.Timestamptz, pgtype.Timestamptz) {
	switch {
	case c.all:
		return ts(time.Time{}, pgtype.NegativeInfinity), ts(time.Time{}, pgtype.Infinity)
	case c.lo.InfinityModifier == pgtype.Finite && c.lo.Time.Equal(firstMonth):
		return ts(time.Time{}, pgtype.NegativeInfinity), c.hi
	}
	return c.lo, c.hi
}

// ts is a timestamptz parameter; a zero time is the given infinity.
func ts(t time.Time, inf pgtype.InfinityModifier) pgtype.Timestamptz {
	if t.IsZero() {
		return pgtype.Timestamptz{InfinityModifier: inf, Valid: true}
	}
	return pgtype.Timestamptz{Time: t, Valid: true}
}

// firstMonth is before any month a referral is in: the months read from
// the beginning start here, and the all-time rows ('-infinity') end here.
var firstMonth = time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)

// quarterStart is the start of t's UTC quarter, as member_totals and
// board_deals bucket them.
func quarterStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month()-(t.Month()-1)%3, 1, 0, 0, 0, 0, time.UTC)
}

func monthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// coverPeriod plans the reading of [from, to) (zero from: since the
// beginning; zero to: for ever); wall is the clock the edges' cost is
// guessed with (never the result: any plan is exact).
func coverPeriod(from, to, wall time.Time) coverage {
	var c coverage
	edge := func(lo, hi time.Time, sign int32) {
		if lo.Before(hi) {
			c.edgeLo = append(c.edgeLo, ts(lo, pgtype.NegativeInfinity))
			c.edgeHi = append(c.edgeHi, ts(hi, pgtype.Infinity))
			c.edgeSign = append(c.edgeSign, sign)
		}
	}
	// cost is how much recorded time [lo, hi) spans.
	cost := func(lo, hi time.Time) time.Duration {
		if hi.After(wall) {
			hi = wall
		}
		return max(hi.Sub(lo), 0)
	}
	if from.IsZero() && (to.IsZero() || cost(to, wall) < 24*time.Hour) {
		// Since the beginning, to about now or later: the all-time rows,
		// less whatever happens to be recorded after the period's end.
		c.all = true
		c.lo, c.hi = ts(time.Time{}, pgtype.NegativeInfinity), ts(firstMonth, 0)
		if !to.IsZero() {
			c.edgeLo = append(c.edgeLo, ts(to, 0))
			c.edgeHi = append(c.edgeHi, ts(time.Time{}, pgtype.Infinity))
			c.edgeSign = append(c.edgeSign, -1)
		}
		return c
	}
	var lo, hi time.Time // zero lo: since the beginning; zero hi: for ever
	if !from.IsZero() {
		lo = monthStart(from)
		if next := lo.AddDate(0, 1, 0); !lo.Equal(from) && cost(lo, from) > cost(from, next) {
			lo = next
		}
	}
	if !to.IsZero() {
		hi = monthStart(to)
		if next := hi.AddDate(0, 1, 0); !hi.Equal(to) && cost(hi, to) > cost(to, next) {
			hi = next
		}
	}
	if !lo.IsZero() && !hi.IsZero() && !lo.Before(hi) {
		// Inside a month or two: read the referrals themselves.
		edge(from, to, 1)
		c.lo, c.hi = ts(from, 0), ts(from, 0) // no month
		return c
	}
	c.lo, c.hi = ts(lo, 0), ts(hi, pgtype.Infinity)
	if lo.IsZero() {
		c.lo = ts(firstMonth, 0) // every month, never the all-time rows
	}
	if !from.IsZero() {
		edge(from, lo, 1)
		edge(lo, from, -1)
	}
	if !to.IsZero() {
		edge(hi, to, 1)
		edge(to, hi, -1)
	}
	return c
}

// buckets lists the rollup buckets c reads: the all-time one, or each
// month from lo to hi; ok false when they are not a few (no end, or
// more than ten years of months).
func (c coverage) buckets() (_ []pgtype.Timestamptz, ok bool) {
	if c.all {
		return []pgtype.Timestamptz{c.lo}, true
	}
	if c.lo.InfinityModifier != pgtype.Finite || c.hi.InfinityModifier != pgtype.Finite ||
		c.hi.Time.After(c.lo.Time.AddDate(10, 0, 0)) {
		return nil, false
	}
	var out []pgtype.Timestamptz
	for m := c.lo.Time; m.Before(c.hi.Time); m = m.AddDate(0, 1, 0) {
		out = append(out, ts(m, 0))
	}
	return out, true
}
