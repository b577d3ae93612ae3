package core

import "context"

// For the external tests: Who's matching and the read it asks for.
var (
	ProfileNeedOf = profileNeed
	MatchScore    = func(need string, tags []string, p Profile) float64 {
		score, _ := newNeedQuery(need, NormalizeTags(tags)).match(p)
		return score
	}
)

// WholeBoards is s reading every leaderboard from every member's
// figures: the oracle of the best-first read (leaderboard_top.go).
func WholeBoards(s *Service) *Service {
	c := *s
	c.boardWhole = true
	return &c
}

// LeaderboardBestFirst is Leaderboard read best first only; ok false:
// the period or the board needs the whole read.
func LeaderboardBestFirst(ctx context.Context, s *Service, c Caller, period string) (*Leaderboard, bool, error) {
	p, err := ParsePeriod(period, s.now(), s.Location(c.Workspace))
	if err != nil {
		return nil, false, err
	}
	var ok bool
	lb, err := inTx(ctx, s, func(tx Tx) (*Leaderboard, error) {
		lb, top, err := s.leaderboardTop(ctx, tx, c.Workspace, p)
		ok = top
		return lb, err
	})
	return lb, ok, err
}
