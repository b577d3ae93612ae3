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

// LeaderboardWhole is Leaderboard read from every member's figures: the
// oracle of the best-first read (leaderboard_top.go).
func LeaderboardWhole(ctx context.Context, s *Service, c Caller, period string) (*Leaderboard, error) {
	lb, _, err := leaderboardIn(ctx, s, c, period, func(tx Tx, p Period) (*Leaderboard, bool, error) {
		lb, err := s.leaderboardWhole(ctx, tx, c.Workspace, p)
		return lb, true, err
	})
	return lb, err
}

// LeaderboardBestFirst is Leaderboard read best first only; ok false:
// the period or the board needs the whole read.
func LeaderboardBestFirst(ctx context.Context, s *Service, c Caller, period string) (*Leaderboard, bool, error) {
	return leaderboardIn(ctx, s, c, period, func(tx Tx, p Period) (*Leaderboard, bool, error) {
		return s.leaderboardTop(ctx, tx, c.Workspace, p)
	})
}

// leaderboardIn reads a leaderboard of period with read, in a
// transaction, as Leaderboard does.
func leaderboardIn(ctx context.Context, s *Service, c Caller, period string,
	read func(Tx, Period) (*Leaderboard, bool, error)) (*Leaderboard, bool, error) {
	p, err := ParsePeriod(period, s.now(), s.Location(c.Workspace))
	if err != nil {
		return nil, false, err
	}
	var ok bool
	lb, err := inTx(ctx, s, func(tx Tx) (*Leaderboard, error) {
		lb, got, err := read(tx, p)
		ok = got
		return lb, err
	})
	return lb, ok, err
}
