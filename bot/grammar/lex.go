package grammar

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/referbot/referbot/core"
)

// MaxLen is the longest command text accepted, in characters. Slack caps
// slash command text at 4,000 characters too; anything longer is a paste
// accident.
const MaxLen = 4000

// CheckLength reports, as Parse would, whether text is too long once
// cleaned: an adapter checks it before any work a command's text costs
// (looking up the people it mentions), so an oversize paste costs none.
func CheckLength(text string) error {
	_, err := clean(text)
	return err
}

// clean applies the input hygiene: valid UTF-8, no invisible format or
// control characters, whitespace collapsed to single spaces, a length cap,
// and a leading "/refer" dropped when a whole line was passed.
func clean(text string) (string, error) {
	if len(text) > 4*MaxLen {
		return "", tooLong(utf8.RuneCountInString(text))
	}
	text = strings.ToValidUTF8(text, "\uFFFD")
	var b strings.Builder
	b.Grow(len(text))
	var prev rune
	for i, r := range text {
		switch {
		case r == '\u200d':
			// A zero-width joiner glues emoji sequences (👩‍💻); elsewhere
			// it is an invisible trick, so only keep it between symbols.
			next, _ := utf8.DecodeRuneInString(text[i+len("\u200d"):])
			if isEmojiish(prev) && isEmojiish(next) {
				b.WriteRune(r)
			}
		case unicode.IsSpace(r), unicode.IsControl(r):
			// Newlines, tabs and other C0/C1 controls separate words.
			b.WriteByte(' ')
		case unicode.Is(unicode.Cf, r):
			// Zero-width spaces, BOM, bidi overrides, soft hyphens, tag
			// characters: invisible, so dropped.
			continue
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	s := strings.Join(strings.Fields(b.String()), " ")
	if n := utf8.RuneCountInString(s); n > MaxLen {
		return "", tooLong(n)
	}
	for {
		rest, ok := cutWordFold(s, "/refer")
		if !ok {
			return s, nil
		}
		s = rest
	}
}

func isEmojiish(r rune) bool {
	return r >= 0x2000 && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsSpace(r)
}

func tooLong(n int) error {
	return core.Errorf(core.EINVALID, "That command is too long (%d characters; at most %d).", n, MaxLen).
		WithHint("Shorten the need or note and try again. Type `/refer help` to see every command.")
}

// cutWordFold removes a leading word (case-insensitive) followed by a space
// or the end of s.
func cutWordFold(s, word string) (string, bool) {
	if len(s) < len(word) || !strings.EqualFold(s[:len(word)], word) {
		return s, false
	}
	rest := s[len(word):]
	if rest == "" {
		return "", true
	}
	if rest[0] != ' ' {
		return s, false
	}
	return rest[1:], true
}

// token is one word of the cleaned text, with its byte span so the free
// text after it can be sliced out exactly as typed.
type token struct {
	text       string
	start, end int
}

// closers pairs the brackets that group words into one token.
var closers = map[byte]byte{'<': '>', '[': ']', '(': ')'}

// groupEnd returns the index just past the bracket group opening at s[i],
// or -1 when it is not closed.
func groupEnd(s string, i int) int {
	c, ok := closers[s[i]]
	if !ok {
		return -1
	}
	j := strings.IndexByte(s[i+1:], c)
	if j < 0 {
		return -1
	}
	return i + 1 + j + 1
}

// tokenize splits cleaned text on spaces, keeping a bracket group
// (<...>, [...], (...)) in one token even when it holds spaces, as Slack's
// <https://x|link text> does.
func tokenize(s string) []token {
	var out []token
	i := 0
	for i < len(s) {
		if s[i] == ' ' {
			i++
			continue
		}
		start := i
		for i < len(s) && s[i] != ' ' {
			if e := groupEnd(s, i); e > 0 {
				i = e
				continue
			}
			i++
		}
		out = append(out, token{text: s[start:i], start: start, end: i})
	}
	return out
}

func texts(ts []token) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.text
	}
	return out
}

// restFrom returns the text from token i to the end, as typed.
func restFrom(s string, ts []token, i int) string {
	if i >= len(ts) {
		return ""
	}
	return s[ts[i].start:]
}

// splitDash splits s at the first separator between client and need: an
// em dash, en dash or horizontal bar (spaced or not), "--" (which Slack and
// macOS may already have turned into an em dash), or a hyphen with a space
// on both sides. Separators inside bracket groups do not count.
func splitDash(s string) (head, tail string, ok bool) {
	for i := 0; i < len(s); {
		if e := groupEnd(s, i); e > 0 {
			i = e
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '—' || r == '–' || r == '―':
			return cutAt(s, i, i+n)
		case r == '-' && i+1 < len(s) && s[i+1] == '-':
			j := i
			for j < len(s) && s[j] == '-' {
				j++
			}
			return cutAt(s, i, j)
		case r == '-' && (i == 0 || s[i-1] == ' ') && (i+1 == len(s) || s[i+1] == ' '):
			return cutAt(s, i, i+1)
		}
		i += n
	}
	return s, "", false
}

func cutAt(s string, i, j int) (string, string, bool) {
	tail := strings.TrimSpace(s[j:])
	// "——" or "— -": one separator, written twice.
	tail = strings.TrimSpace(strings.TrimLeft(tail, "—–―-"))
	return strings.TrimSpace(s[:i]), tail, true
}

// trimPunct drops punctuation people put after a word in a sentence.
func trimPunct(s string) string {
	return strings.TrimRight(s, ",;:.!?")
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
