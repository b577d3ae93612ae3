package grammar

import (
	"strings"
	"unicode"
)

// contactOf reports whether tok is a piece of contact detail and returns
// it unwrapped: <mailto:a@b|a@b>, <https://x|x>, an e-mail address, a URL,
// or anything in [brackets] or (parentheses). consent is set when the
// bracket also says consent, as in "(jane@acme.com, consented)".
func contactOf(tok string) (contact string, consent, ok bool) {
	t := strings.TrimRight(tok, ",;.")
	if target, label, isLink := slackLink(t); isLink {
		switch {
		case strings.HasPrefix(strings.ToLower(target), "mailto:"):
			return target[len("mailto:"):], false, true
		case strings.HasPrefix(strings.ToLower(target), "tel:"):
			if label != "" {
				return label, false, true
			}
			return target[len("tel:"):], false, true
		case hasScheme(target):
			return target, false, true
		}
		return "", false, false
	}
	if len(t) >= 2 && (t[0] == '[' && t[len(t)-1] == ']' || t[0] == '(' && t[len(t)-1] == ')') {
		if groupEnd(t, 0) != len(t) {
			return "", false, false // "(a) (b)" is two groups, not one
		}
		var parts []string
		for _, w := range strings.Fields(t[1 : len(t)-1]) {
			if isConsentWord(trimPunct(w)) {
				consent = true
				continue
			}
			parts = append(parts, w)
		}
		inner := strings.TrimRight(strings.TrimSpace(plain(strings.Join(parts, " "))), ",;")
		if inner == "" {
			return "", consent, consent
		}
		return inner, consent, true
	}
	if isEmail(t) || isURL(t) {
		return plain(t), false, true
	}
	return "", false, false
}

func isConsentWord(w string) bool {
	switch strings.ToLower(w) {
	case "consent", "consented", "✓consent", "✔consent", "✅consent", "consent✓", "consent✔", "consent✅":
		return true
	}
	return false
}

func isEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.ContainsAny(local, " <>()[]\"") || strings.Contains(domain, "@") {
		return false
	}
	dot := strings.LastIndexByte(domain, '.')
	if dot <= 0 || dot == len(domain)-1 {
		return false
	}
	for _, r := range domain {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

func isURL(s string) bool {
	l := strings.ToLower(s)
	for _, p := range []string{"http://", "https://", "www."} {
		if strings.HasPrefix(l, p) && len(l) > len(p)+2 {
			return true
		}
	}
	return false
}

// phoneRun reports how many tokens from ts[i] make up a phone number: a
// run of tokens of digits, +, -, (, ), . that starts with + or a digit (or
// "(" and a digit) and holds 7 to 15 digits in all.
func phoneRun(ts []token, i int) (phone string, n int) {
	first := strings.TrimRight(ts[i].text, ",;")
	if first == "" || !(first[0] == '+' || isDigit(first[0]) || first[0] == '(' && len(first) > 1 && isDigit(first[1])) {
		return "", 0
	}
	digits := 0
	var parts []string
	for j := i; j < len(ts); j++ {
		t := strings.TrimRight(ts[j].text, ",;")
		d, ok := phoneDigits(t, j == i)
		if !ok || d == 0 {
			break
		}
		digits += d
		if digits > 15 {
			return "", 0 // too long for a phone number; stop early
		}
		parts = append(parts, t)
		n++
		if strings.HasSuffix(ts[j].text, ",") || strings.HasSuffix(ts[j].text, ";") {
			break // "555 1234, 555 9876": two numbers
		}
	}
	if digits < 7 || digits > 15 {
		return "", 0
	}
	return strings.Join(parts, " "), n
}

func phoneDigits(t string, first bool) (int, bool) {
	d := 0
	for k := 0; k < len(t); k++ {
		c := t[k]
		switch {
		case isDigit(c):
			d++
		case c == '+' && first && k == 0:
		case c == '-' || c == '(' || c == ')' || c == '.' || c == ' ':
		default:
			return 0, false
		}
	}
	return d, true
}
