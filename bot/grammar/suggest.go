package grammar

import (
	"strings"
	"unicode/utf8"
)

// suggest returns the candidates nearest to word by edit distance, within
// a threshold that grows with the word's length, best first (at most 3).
func suggest(word string, candidates []string) []string {
	word = strings.ToLower(word)
	if word == "" || utf8.RuneCountInString(word) > 40 {
		return nil
	}
	limit := 1
	if n := utf8.RuneCountInString(word); n >= 5 {
		limit = 2
	}
	best := limit + 1
	var out []string
	for _, c := range candidates {
		d := distance(word, c)
		// A clear prefix ("feed" for feedback) counts as close.
		if len(word) >= 3 && strings.HasPrefix(c, word) && d > limit {
			d = limit
		}
		switch {
		case d < best:
			best, out = d, []string{c}
		case d == best && len(out) < 3:
			out = append(out, c)
		}
	}
	if best > limit {
		return nil
	}
	return out
}

// distance is the optimal-string-alignment edit distance (insertions,
// deletions, substitutions and adjacent transpositions), on runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// orList renders "a, b or c" with each item in backticks.
func orList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = "`" + s + "`"
	}
	switch len(q) {
	case 0:
		return ""
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

func didYouMean(w string, cands []string) string {
	if s := suggest(w, cands); len(s) > 0 {
		return " (did you mean " + orList(s) + "?)"
	}
	return ""
}

// strs lists typed words (stages, kinds) as strings, to suggest from.
func strs[S ~string](xs []S) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
