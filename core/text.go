package core

import "strings"

// limits on free text, so a paste accident can't fill the database.
const (
	maxName = 200
	maxText = 2000
)

func checkText(field, v string, max int, required bool, hint string) error {
	if required && strings.TrimSpace(v) == "" {
		return Errorf(EINVALID, "The %s is missing.", field).WithHint("%s", hint)
	}
	if len(v) > max {
		return Errorf(EINVALID, "The %s is too long (%d characters; at most %d).", field, len(v), max).
			WithHint("Shorten it and try again.")
	}
	return nil
}

// NormalizeTags lower-cases tags, strips '#' and drops duplicates.
func NormalizeTags(tags []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range tags {
		t = strings.ToLower(strings.Trim(strings.TrimSpace(t), "#,;."))
		if t == "" || seen[t] || len(t) > 40 {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

func nonZero(v, alt int) int {
	if v == 0 {
		return alt
	}
	return v
}

// FirstWords is s shortened to its first n words.
func FirstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[:n]
	}
	return strings.Join(f, " ")
}
