package core

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Suggestion is a partner Who proposes for a need, with why.
type Suggestion struct {
	Member  Member
	Profile Profile
	Score   float64
	Reasons []string
}

// maxSuggestions is how many partners Who proposes at most.
const maxSuggestions = 5

// fairnessWindow is how far back Who counts referrals received, so
// introductions rotate instead of piling on one member.
const fairnessWindow = 90 * 24 * time.Hour

// Who ranks partners for a need by tag and trigger-phrase matches, service
// words, availability and fairness (fewest referrals received lately first).
func (s *Service) Who(ctx context.Context, c Caller, need string, tags []string) ([]Suggestion, error) {
	if strings.TrimSpace(need) == "" && len(tags) == 0 {
		return nil, Errorf(EINVALID, "Tell me what the client needs.").
			WithHint("E.g. /refer who bookkeeping for a small bakery #tax")
	}
	tags = NormalizeTags(tags)
	q := newNeedQuery(need, tags)
	cands, err := inTx(ctx, s, func(tx Tx) ([]Candidate, error) {
		// Profiles first, matched here; then the recent referrals of the
		// best matches only, so the cost follows who fits best, not the
		// history nor every member who fits at all.
		all, err := tx.Profiled(ctx, c.Workspace.ID, profileNeed(need, tags))
		if err != nil {
			return nil, err
		}
		var fit []Candidate
		for _, cd := range all {
			if score, _ := q.match(cd.Profile); score > 0 && cd.Member.ID != c.Member.ID {
				fit = append(fit, cd)
			}
		}
		return countRecent(fit, need, tags, func(ids []int64) (map[int64]int, error) {
			return tx.ReceivedSince(ctx, c.Workspace.ID, ids, s.now().Add(-fairnessWindow))
		})
	})
	if err != nil {
		return nil, err
	}
	return rankCandidates(cands, c.Member.ID, need, tags), nil
}

// needQuery is a need as Who matches profiles against it.
type needQuery struct {
	lower string          // the need in lower case
	words map[string]bool // its words that carry meaning
	tags  []string
}

func newNeedQuery(need string, tags []string) needQuery {
	q := needQuery{lower: strings.ToLower(need), words: map[string]bool{}, tags: tags}
	for _, w := range splitWords(q.lower) {
		if len(w) > 2 && !stopWords[w] {
			q.words[w] = true
		}
	}
	return q
}

// match scores a profile against the need, before availability and
// fairness, and says why; 0 is no match.
func (q needQuery) match(p Profile) (score float64, why []string) {
	for _, t := range p.Tags {
		if slices.Contains(q.tags, t) || q.words[t] || containsWords(q.lower, strings.ReplaceAll(t, "-", " ")) {
			score += 3
			why = append(why, "#"+t)
		}
	}
	for _, tr := range p.Triggers {
		if tl := strings.ToLower(tr); tl != "" && (containsWords(q.lower, tl) || overlap(q.words, tl) >= 2) {
			score += 4
			why = append(why, fmt.Sprintf("listens for %q", tr)) // the whole phrase, as they wrote it
		}
	}
	if mentioned := overlapping(q.words, strings.ToLower(p.Services+" "+p.Niche+" "+p.Industry)); len(mentioned) > 0 {
		score += float64(len(mentioned))
		why = append(why, "profile mentions “"+strings.Join(mentioned, "”, “")+"”")
	}
	return score, why
}

// rankCandidates scores each active member against the need, best first
// (at most five). Paused members are left out — unless nobody else
// matches: then the paused matches are returned, so the caller can say
// who would fit once back, instead of "nobody".
func rankCandidates(cands []Candidate, self int64, need string, tags []string) []Suggestion {
	q := newNeedQuery(need, tags)
	var out, paused []Suggestion
	for _, cd := range cands {
		if cd.Member.ID == self || cd.Member.Status != MemberActive {
			continue
		}
		score, why := q.match(cd.Profile)
		if score == 0 {
			continue
		}
		if cd.Profile.Availability == Paused {
			paused = append(paused, Suggestion{Member: cd.Member, Profile: cd.Profile, Score: score, Reasons: append(why, "paused")})
			continue
		}
		if cd.Profile.Availability == Busy {
			score -= 2
			why = append(why, "busy")
		}
		// Fair rotation: each recent referral received costs half a point.
		score -= 0.5 * float64(cd.RecentlyGot)
		why = append(why, fmt.Sprintf("received %d in the last 90 days", cd.RecentlyGot))
		out = append(out, Suggestion{Member: cd.Member, Profile: cd.Profile, Score: score, Reasons: why})
	}
	if len(out) == 0 {
		out = paused
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Member.DisplayName < out[j].Member.DisplayName
	})
	if len(out) > maxSuggestions {
		out = out[:maxSuggestions]
	}
	return out
}

// containsWords reports whether phrase occurs in text as whole words:
// "tax" in "a tax return", not in "syntax".
func containsWords(text, phrase string) bool {
	for i := 0; phrase != ""; {
		j := strings.Index(text[i:], phrase)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(phrase)
		if (j == 0 || !isWordByte(text[j-1])) && (end == len(text) || !isWordByte(text[end])) {
			return true
		}
		i = j + 1
	}
	return false
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-' || b >= 0x80
}

var stopWords = map[string]bool{"the": true, "and": true, "for": true, "with": true, "needs": true,
	"need": true, "new": true, "who": true, "our": true, "their": true, "some": true, "help": true,
	"from": true, "that": true, "this": true, "wants": true, "client": true}

func overlap(words map[string]bool, text string) int { return len(overlapping(words, text)) }

// splitWords splits lower-case text into words of letters, digits and
// hyphens.
func splitWords(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-')
	})
}

// overlapping returns the words of text that are in words, once each, in
// the order text has them.
func overlapping(words map[string]bool, text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range splitWords(text) {
		if words[w] && !seen[w] {
			out = append(out, w)
			seen[w] = true
		}
	}
	return out
}
