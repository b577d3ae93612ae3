package grammar

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/referbot/referbot/core"
)

// MaxLen is the longest command text accepted, in characters. Slack caps
// slash command text at 4,000 characters too; anything longer is a paste
// accident.
const MaxLen = 4000

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

// mentionResult is what a token says about a member.
type mentionKind int

const (
	notMention mentionKind = iota
	isMember
	isGroup // @here, @channel, a role or user group: not one member
)

// parseMention reads <@U123>, <@U123|alice>, <@123>, <@!123> and @alice.
func parseMention(tok string) (core.MemberRef, mentionKind) {
	t := tok
	if strings.HasPrefix(t, "<") {
		t = strings.TrimRight(t, ",;:.!?")
	} else {
		t = trimPunct(t)
	}
	if strings.HasPrefix(t, "<!") && strings.HasSuffix(t, ">") {
		return core.MemberRef{}, isGroup // <!here>, <!channel>, <!subteam^S1|@devs>
	}
	if inner, ok := strings.CutPrefix(t, "<@"); ok {
		inner, ok = strings.CutSuffix(inner, ">")
		if !ok {
			return core.MemberRef{}, notMention
		}
		if strings.HasPrefix(inner, "&") {
			return core.MemberRef{}, isGroup // a Discord role
		}
		inner = strings.TrimPrefix(inner, "!")
		id, name, _ := strings.Cut(inner, "|")
		if !isID(id) {
			return core.MemberRef{}, notMention
		}
		name = strings.TrimPrefix(strings.TrimSpace(name), "@")
		if utf8.RuneCountInString(name) > 80 {
			name = ""
		}
		return core.MemberRef{UserID: id, Name: name}, isMember
	}
	if name, ok := strings.CutPrefix(t, "@"); ok {
		if !isName(name) {
			return core.MemberRef{}, notMention
		}
		switch strings.ToLower(name) {
		case "here", "channel", "everyone":
			return core.MemberRef{}, isGroup
		}
		return core.MemberRef{Name: name}, isMember
	}
	return core.MemberRef{}, notMention
}

func isID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

// isName accepts what people use as chat handles: letters, digits and
// . _ - ' (no spaces, no @, no brackets).
func isName(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > 80 {
		return false
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || strings.ContainsRune("._-'’", r)) {
			return false
		}
	}
	return true
}

// slackLink splits a Slack link token <target|label> or <target>.
func slackLink(tok string) (target, label string, ok bool) {
	inner, ok1 := strings.CutPrefix(tok, "<")
	inner, ok2 := strings.CutSuffix(inner, ">")
	if !ok1 || !ok2 || inner == "" || strings.ContainsAny(inner, "<>") {
		return "", "", false
	}
	target, label, _ = strings.Cut(inner, "|")
	return target, label, true
}

func hasScheme(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") ||
		strings.HasPrefix(l, "mailto:") || strings.HasPrefix(l, "tel:")
}

// plain turns Slack markup in free text into what the member typed: links
// to their label, <!here> and friends to inert text, and &amp; &lt; &gt;
// back to characters. Member mentions stay as they are, so platforms still
// render them.
func plain(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '<' {
			if e := groupEnd(s, i); e > 0 {
				b.WriteString(unwrapAngle(s[i:e]))
				i = e
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	r := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
	return r.Replace(b.String())
}

func unwrapAngle(tok string) string {
	target, label, ok := slackLink(tok)
	if !ok {
		return tok
	}
	switch {
	case strings.HasPrefix(target, "!"):
		// <!here>, <!channel>, <!everyone>, <!subteam^S1|@devs>, <!date^...|fallback>
		if label != "" {
			return label
		}
		name, _, _ := strings.Cut(target[1:], "^")
		return "@" + name
	case strings.HasPrefix(target, "@") || strings.HasPrefix(target, "#"):
		return tok // member or channel mention: keep for the platform
	case hasScheme(target):
		if label != "" {
			return label
		}
		target = strings.TrimPrefix(target, "mailto:")
		return strings.TrimPrefix(target, "tel:")
	}
	return tok
}

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

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// tagOf reads "#branding" (or "#a,#b") as tags. "#1" and "#R-1042" are not
// tags, nor are Slack channel links.
func tagOf(tok string) ([]string, bool) {
	if !strings.HasPrefix(tok, "#") {
		return nil, false
	}
	var out []string
	for part := range strings.SplitSeq(tok, ",") {
		part = trimPunct(part)
		name, ok := strings.CutPrefix(part, "#")
		if !ok || !isTag(name) {
			return nil, false
		}
		out = append(out, name)
	}
	return out, true
}

func isTag(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if i == 0 && !unicode.IsLetter(r) {
			return false
		}
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '-' || r == '_' || r == '/' || r == '+' || r == '&') {
			return false
		}
	}
	if _, err := core.ParseCode(s); err == nil {
		return false // #R1042 is a referral, not a tag
	}
	return true
}

// temperatureOf reads hot, warm or cold.
func temperatureOf(tok string) (core.Temperature, bool) {
	switch t := core.Temperature(strings.ToLower(trimPunct(tok))); t {
	case core.Hot, core.Warm, core.Cold:
		return t, true
	}
	return "", false
}

// knownCurrencies are three-letter codes recognised in lower case after an
// amount ("900 eur"); upper-case codes are always recognised.
var knownCurrencies = map[string]bool{
	"usd": true, "eur": true, "gbp": true, "chf": true, "cad": true, "aud": true, "nzd": true,
	"jpy": true, "sek": true, "nok": true, "dkk": true, "pln": true, "czk": true, "huf": true,
	"inr": true, "brl": true, "mxn": true, "zar": true, "sgd": true, "hkd": true, "cny": true,
	"ils": true, "try": true, "aed": true, "ron": true,
}

func isCurrencyWord(s string) bool {
	if len(s) != 3 {
		return false
	}
	if knownCurrencies[strings.ToLower(s)] {
		return true
	}
	return strings.ToUpper(s) == s && core.IsCurrency(s) // "CEO" is not one
}

// moneyAt reads an amount at ts[i] with the tokens that belong to it: a
// currency before or after ("EUR 4800", "4800 EUR", "$ 4800") and groups
// of three digits after a space ("5 000", "1 000 000", also "1 000,50",
// which core then refuses rather than it being cut short to 1). It
// returns how many tokens the amount took.
func moneyAt(ts []token, i int, strip string) (core.Money, int, error) {
	words := []string{strings.TrimPrefix(trimPunct(ts[i].text), strip)}
	j := i + 1
	if isCurrencySign(words[0]) && j < len(ts) && strings.IndexAny(trimPunct(ts[j].text), "0123456789") == 0 {
		words = append(words, trimPunct(ts[j].text))
		j++
	}
	if shortGroupEnd(words[len(words)-1]) {
		for j < len(ts) && isThousands(trimPunct(ts[j].text)) {
			w := trimPunct(ts[j].text)
			words = append(words, w)
			j++
			if len(w) > 3 {
				break // "000,50": decimals end the number
			}
		}
	}
	amount := strings.Join(words, " ")
	if j < len(ts) {
		next := trimPunct(ts[j].text)
		if isCurrencyWord(next) {
			if m, err := core.ParseMoney(amount + " " + next); err == nil {
				return m, j + 1 - i, nil
			}
		}
		if len(next) == 3 && strings.ToUpper(next) == next && letterCount(next) == 3 && !core.IsCurrency(next) {
			// "4800 EUO": a currency mistyped, not a note to keep.
			if _, err := core.ParseMoney(amount); err == nil {
				_, err = core.ParseMoney(amount + " " + next)
				return core.Money{}, j + 1 - i, err
			}
		}
	}
	m, err := core.ParseMoney(amount)
	return m, j - i, err
}

func letterCount(s string) int {
	n := 0
	for _, r := range s {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
			n++
		}
	}
	return n
}

// isCurrencySign reports a currency standing before its amount, apart:
// "EUR 4800", "$ 4800".
func isCurrencySign(s string) bool {
	switch s {
	case "$", "US$", "€", "£", "¥", "₹", "₩":
		return true
	}
	return isCurrencyWord(s)
}

// shortGroupEnd reports whether s ends in one to three digits that are
// not already part of a grouped or decimal number: "5", "€12", "EUR250",
// not "4,800", "4.5" or "4800".
func shortGroupEnd(s string) bool {
	n := 0
	for n < len(s) && isDigit(s[len(s)-1-n]) {
		n++
	}
	if n == 0 || n > 3 {
		return false
	}
	if n < len(s) {
		switch s[len(s)-1-n] {
		case ',', '.', ' ':
			return false
		}
	}
	return true
}

// isThousands reports a token that continues a number written with a
// space between thousands: three digits, maybe with decimals ("000",
// "000.50", "000,50").
func isThousands(s string) bool {
	if len(s) < 3 || !isDigit(s[0]) || !isDigit(s[1]) || !isDigit(s[2]) {
		return false
	}
	if len(s) == 3 {
		return true
	}
	if s[3] != ',' && s[3] != '.' || len(s) == 4 {
		return false
	}
	for i := 4; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// daysOf reads "7d", "7", "7days", "2w" as a number of days.
func daysOf(s string) (int, bool) {
	s = strings.ToLower(trimPunct(s))
	mult := 1
	for _, suf := range []struct {
		s string
		m int
	}{{"days", 1}, {"day", 1}, {"d", 1}, {"weeks", 7}, {"week", 7}, {"w", 7}} {
		if v, ok := strings.CutSuffix(s, suf.s); ok && v != "" {
			s, mult = v, suf.m
			break
		}
	}
	if s == "" || len(s) > 4 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, false
	}
	return n * mult, true
}

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
