package core

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// The leaderboard of a big network, read best first (issue 15): showing
// ten top givers and three most improved must not read every member's
// figures. The store keeps each member's confirmed won deals per UTC
// quarter and all time, and for a quarter those gained over the quarter
// before (migrations/036_board_deals.sql), in indexes ordered by them;
// Tx.BoardRanked hands out members by either, a page at a time. Deals are
// what top givers and most improved rank by first, and counting repeats
// once only ever lowers a member's deals (and raises their deals of the
// period before), so the kept count bounds the shown one from above: once
// the last member shown has more deals (or gained more) than the next
// page's first, no member left can take its place. Members the kept
// counts miss — deals at the period's edges, repeats won the period
// before — come first, whatever their rank. Periods the store keeps no
// such count for (not all time, nor a quarter up to a time zone's hours),
// and boards with fewer than ten members who won a deal, are read whole
// as before (leaderboardWhole).

// boardPage is how many members the first page of a best-first read
// asks for; each next page asks for twice as many.
const boardPage = 16

// leaderboardTop is leaderboard read best first; ok false: the period or
// the board needs the whole read.
func (s *Service) leaderboardTop(ctx context.Context, tx Tx, ws Workspace, p Period) (_ *Leaderboard, ok bool, err error) {
	lb := &Leaderboard{Period: p, Currency: cmp.Or(ws.Settings.Currency, DefaultCurrency)}
	now := newBoardReader(tx, ws.ID, s.now())
	scan := BoardScan{Period: p, Now: s.now(), Limit: boardPage}
	if ok, err = topGivers(ctx, now, scan, lb); !ok || err != nil {
		return nil, false, err
	}
	if prev, has := p.Before(); has {
		lb.Previous = &prev
		scan.Gain = true
		if ok, err = topImproved(ctx, now, newBoardReader(tx, ws.ID, s.now()), scan, prev, lb); !ok || err != nil {
			return nil, false, err
		}
	}
	firsts, err := tx.NewcomersFirstWins(ctx, ws.ID, p)
	if err != nil {
		return nil, false, err
	}
	lb.FirstWins = firsts
	slices.SortFunc(lb.FirstWins, FirstWin.compare)
	return lb, true, nil
}

// topGivers fills lb.Givers reading members by deals, most first.
func topGivers(ctx context.Context, r *boardReader, scan BoardScan, lb *Leaderboard) (bool, error) {
	for {
		page, err := r.tx.BoardRanked(ctx, r.workspaceID, scan)
		if err != nil || !page.Ordered {
			return false, err
		}
		entries, err := r.entries(ctx, scan.Period, append(page.Edge, page.memberIDs()...))
		if err != nil {
			return false, err
		}
		var givers []BoardEntry
		for _, e := range entries {
			if e.Deals > 0 || e.Given > 0 {
				givers = append(givers, e)
			}
		}
		slices.SortFunc(givers, lb.rank)
		bound, more := page.next(scan.Limit)
		if len(givers) >= BoardSize && int64(givers[BoardSize-1].Deals) > bound {
			lb.Givers = givers[:BoardSize]
			return true, nil
		}
		if !more {
			return false, nil
		}
		scan = scan.after(page)
	}
}

// topImproved fills lb.Improved reading members by deals gained over
// prev, most first; now holds the figures of lb.Period read so far.
func topImproved(ctx context.Context, now, before *boardReader, scan BoardScan, prev Period, lb *Leaderboard) (bool, error) {
	for {
		page, err := now.tx.BoardRanked(ctx, now.workspaceID, scan)
		if err != nil || !page.Ordered {
			return false, err
		}
		ids := append(page.Edge, page.memberIDs()...)
		es, err := now.entries(ctx, scan.Period, ids)
		if err != nil {
			return false, err
		}
		bs, err := before.entries(ctx, prev, ids)
		if err != nil {
			return false, err
		}
		// only the members read over both periods: the others' gain is
		// not known yet (read for top givers only)
		var improved []Improvement
		for id := range before.read {
			e, ok := es[id]
			if !ok {
				continue
			}
			b := bs[id]
			b.MemberID, b.Name = e.MemberID, e.Name
			if lb.gain(e, b).compare(gain{}) > 0 {
				improved = append(improved, Improvement{Now: e, Before: b})
			}
		}
		slices.SortFunc(improved, func(x, y Improvement) int {
			return cmp.Or(lb.gain(y.Now, y.Before).compare(lb.gain(x.Now, x.Before)), lb.rank(x.Now, y.Now))
		})
		bound, more := page.next(scan.Limit)
		if len(improved) >= ImprovedSize && int64(lb.gain(improved[ImprovedSize-1].Now, improved[ImprovedSize-1].Before).deals) > bound {
			lb.Improved = improved[:ImprovedSize]
			return true, nil
		}
		if !more {
			return false, nil
		}
		scan = scan.after(page)
	}
}

// boardReader works out members' figures over one period, each member
// once, and keeps them.
type boardReader struct {
	tx          Tx
	workspaceID int64
	now         time.Time
	read        map[int64]bool
	figures     map[int64]BoardEntry // active members with any figure
}

func newBoardReader(tx Tx, workspaceID int64, now time.Time) *boardReader {
	return &boardReader{tx: tx, workspaceID: workspaceID, now: now, read: map[int64]bool{}, figures: map[int64]BoardEntry{}}
}

// entries returns the figures over p of every member read so far, after
// reading those of ids not read yet (inactive members have none).
func (r *boardReader) entries(ctx context.Context, p Period, ids []int64) (map[int64]BoardEntry, error) {
	var fresh []MemberKey
	var freshIDs []int64
	for _, id := range ids {
		if !r.read[id] {
			r.read[id] = true
			fresh = append(fresh, MemberKey{WorkspaceID: r.workspaceID, MemberID: id})
			freshIDs = append(freshIDs, id)
		}
	}
	if len(fresh) == 0 {
		return r.figures, nil
	}
	ms, err := r.tx.MembersByKey(ctx, fresh)
	if err != nil {
		return nil, err
	}
	active := activeByID(ms)
	got, err := boardEntries(ctx, r.tx, r.workspaceID, []Period{p}, r.now, active, freshIDs)
	if err != nil {
		return nil, err
	}
	for id, e := range got[0] {
		r.figures[id] = e
	}
	return r.figures, nil
}

// BoardScan asks the store for members best first: by their confirmed
// won deals over Period, or (Gain) by those gained over Period.Before;
// Limit of them, after After (nil: from the best). Now is the clock
// Period was read with.
type BoardScan struct {
	Period Period
	Now    time.Time
	Gain   bool
	Limit  int
	After  *BoardRank
}

// after is the scan of the page after p, twice as long.
func (q BoardScan) after(p *BoardPage) BoardScan {
	last := p.Ranks[len(p.Ranks)-1]
	q.After, q.Limit = &last, q.Limit*2
	return q
}

// BoardRank is a member's kept count (deals, or deals gained) over the
// bucket a scan reads: at least what the leaderboard will show for them
// unless they are among the page's Edge.
type BoardRank struct {
	MemberID int64
	Value    int64
}

// BoardPage is a page of a best-first read. Ordered false: the store
// keeps no count for the period (every member must be read). Edge (on
// the first page) lists the members whose kept count may be below what
// they show: read them whatever their rank.
type BoardPage struct {
	Ordered bool
	Ranks   []BoardRank // counted more than 0, most first
	Edge    []int64
}

func (p *BoardPage) memberIDs() []int64 {
	ids := make([]int64, len(p.Ranks))
	for i, r := range p.Ranks {
		ids[i] = r.MemberID
	}
	return ids
}

// next bounds the kept count of every member not read yet, and says
// whether there are more to read (a full page).
func (p *BoardPage) next(limit int) (bound int64, more bool) {
	if len(p.Ranks) < limit {
		return 0, false
	}
	return p.Ranks[len(p.Ranks)-1].Value, true
}

// activeByID are the active members of ms by ID.
func activeByID(ms []Member) map[int64]Member {
	active := map[int64]Member{}
	for _, m := range ms {
		if m.Status == MemberActive {
			active[m.ID] = m
		}
	}
	return active
}
