package core

// For the external tests: Who's matching and the read it asks for.
var (
	ProfileNeedOf = profileNeed
	MatchScore    = func(need string, tags []string, p Profile) float64 {
		score, _ := newNeedQuery(need, NormalizeTags(tags)).match(p)
		return score
	}
)
