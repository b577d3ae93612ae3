package core

import (
	"cmp"
	"slices"
	"strings"
)

// countRecent fills in RecentlyGot for the matching candidates that can
// make Who's top suggestions, and returns those (in fit's order, so ties
// rank as before) with the paused ones, which need no count: what
// rankCandidates ranks first among them is what it would rank first
// among all of fit.
//
// A candidate's score is its match, less 2 when busy, less half a point
// per recent referral, so the match less the busy point bounds it from
// above. Candidates are counted best bound first, a batch at a time,
// until the last suggestion shown already beats every bound left (or
// ties it with a name that sorts first): then no candidate left can take
// its place, whatever their count.
func countRecent(fit []Candidate, need string, tags []string, received func(ids []int64) (map[int64]int, error)) ([]Candidate, error) {
	q := newNeedQuery(need, tags)
	type bounded struct {
		at    int // index in fit
		bound float64
	}
	var open []bounded
	var done []int // indexes in fit decided without a count (paused)
	for i, cd := range fit {
		if cd.Member.Status != MemberActive {
			continue // never suggested
		}
		if cd.Profile.Availability == Paused {
			done = append(done, i)
			continue
		}
		b, _ := q.match(cd.Profile)
		if cd.Profile.Availability == Busy {
			b -= 2
		}
		open = append(open, bounded{i, b})
	}
	slices.SortStableFunc(open, func(a, b bounded) int {
		return cmp.Or(cmp.Compare(b.bound, a.bound), cmp.Compare(fit[a.at].Member.DisplayName, fit[b.at].Member.DisplayName))
	})
	counted := 0
	for batch := 16; counted < len(open); batch *= 2 {
		end := min(counted+batch, len(open))
		ids := make([]int64, 0, end-counted)
		for _, o := range open[counted:end] {
			ids = append(ids, fit[o.at].Member.ID)
		}
		got, err := received(ids)
		if err != nil {
			return nil, err
		}
		for _, o := range open[counted:end] {
			fit[o.at].RecentlyGot = got[fit[o.at].Member.ID]
			done = append(done, o.at)
		}
		counted = end
		if counted < len(open) && settled(fit, done, need, tags, open[counted].bound, fit[open[counted].at].Member.DisplayName) {
			break
		}
	}
	slices.Sort(done)
	out := make([]Candidate, len(done))
	for i, at := range done {
		out[i] = fit[at]
	}
	return out, nil
}

// settled reports whether the candidates decided so far fill Who's
// suggestions and the last of them ranks before any candidate left: one
// whose score is at most bound and whose name sorts at or after name.
func settled(fit []Candidate, done []int, need string, tags []string, bound float64, name string) bool {
	cands := make([]Candidate, len(done))
	for i, at := range done {
		cands[i] = fit[at]
	}
	top := rankCandidates(cands, 0, need, tags)
	if len(top) < maxSuggestions || top[len(top)-1].Profile.Availability == Paused {
		return false
	}
	last := top[len(top)-1]
	return last.Score > bound || last.Score == bound && last.Member.DisplayName < name
}

// ProfileNeed narrows Who's read of profiles (Tx.Profiled) to those that
// can match a need. Narrow false reads every profile.
//
// When the need and its words are plain ASCII, a profile matches (needQuery.match)
// only through a word of the need that stands as a whole word in its
// tags, triggers or texts — a tag or trigger phrase found in the need
// carries the need's words it spans; a service word is one — or through
// a tag equal to one of the need's tags. Whole words here are bounded by
// anything but an ASCII letter or digit, looser than the matching's own
// bounds, and letters compare without case: never fewer profiles than
// match. What the words can't vouch for is read whatever it says:
// profiles with letters outside ASCII (Go and PostgreSQL fold their case
// apart) and tags or triggers without a letter or digit.
type ProfileNeed struct {
	Narrow bool
	Words  []string // the need's words, short and common ones too ([a-z0-9-] only)
	Tags   []string // the need's tags, normalised
}

// profileNeed is what Who asks Profiled for: narrowed by the need's
// words unless the need has letters outside ASCII.
func profileNeed(need string, tags []string) ProfileNeed {
	for i := 0; i < len(need); i++ {
		if need[i] >= 0x80 {
			return ProfileNeed{}
		}
	}
	words := splitWords(strings.ToLower(need))
	slices.Sort(words)
	return ProfileNeed{Narrow: true, Words: slices.Compact(words), Tags: append([]string{}, tags...)}
}
