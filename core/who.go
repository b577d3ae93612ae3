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
	cands, err := inTx(ctx, s, func(tx Tx) ([]Candidate, error) {
		return tx.Candidates(ctx, c.Workspace.ID, s.now().Add(-fairnessWindow))
	})
	if err != nil {
		return nil, err
	}
	return rankCandidates(cands, c.Member.ID, need, NormalizeTags(tags)), nil
}

// rankCandidates scores each active member against the need, best first
// (at most five). Paused members are left out — unless nobody else
// matches: then the paused matches are returned, so the caller can say
// who would fit once back, instead of "nobody".
func rankCandidates(cands []Candidate, self int64, need string, tags []string) []Suggestion {
	needLower := strings.ToLower(need)
	words := map[string]bool{}
	for _, w := range splitWords(needLower) {
		if len(w) > 2 && !stopWords[w] {
			words[w] = true
		}
	}
	var out, paused []Suggestion
	for _, cd := range cands {
		if cd.Member.ID == self || cd.Member.Status != MemberActive {
			continue
		}
		var score float64
		var why []string
		for _, t := range cd.Profile.Tags {
			if slices.Contains(tags, t) || words[t] || containsWords(needLower, strings.ReplaceAll(t, "-", " ")) {
				score += 3
				why = append(why, "#"+t)
			}
		}
		for _, tr := range cd.Profile.Triggers {
			if tl := strings.ToLower(tr); tl != "" && (containsWords(needLower, tl) || overlap(words, tl) >= 2) {
				score += 4
				why = append(why, fmt.Sprintf("listens for %q", tr)) // the whole phrase, as they wrote it
			}
		}
		if mentioned := overlapping(words, strings.ToLower(cd.Profile.Services+" "+cd.Profile.Niche+" "+cd.Profile.Industry)); len(mentioned) > 0 {
			score += float64(len(mentioned))
			why = append(why, "profile mentions “"+strings.Join(mentioned, "”, “")+"”")
		}
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
	if len(out) > 5 {
		out = out[:5]
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
