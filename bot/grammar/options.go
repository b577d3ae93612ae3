package grammar

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/referbot/referbot/core"
)

// opts is what follows the dash: the need, and the options in it.
type opts struct {
	need   string
	tags   []string
	value  *core.Money
	temp   core.Temperature
	expiry int
	fee    *core.FeeTerms
}

type optKind int

const (
	word optKind = iota
	optTag
	optValue
	optTemp
	optExpiry
	optBadExpiry // "expires tomorrow": an error at the end, words inside the need
	optFee       // "fee 10%", "fee EUR 300", "fee reciprocal"
)

// options reads "<need> [#tags] [~value] [hot|warm|cold] [expires Nd]
// [fee 10%|300|EUR 300|reciprocal|none]". Values, expiries and fees are
// taken wherever they stand; tags too, but a tag
// inside the sentence also stays in it as a word; hot/warm/cold only count
// at the end, so "cold storage" stays part of the need.
func (p *parser) options(tail string, lead bool) (opts, error) {
	sc := newOptScan(p, tail)
	if err := sc.scan(lead); err != nil {
		return opts{}, err
	}
	end := sc.trailing()
	for i := end; i < len(sc.ts); i++ {
		if sc.kinds[i] == optBadExpiry {
			return opts{}, sc.badExpiry
		}
	}
	o, temps := sc.split(end)
	if len(sc.values) > 1 {
		return o, p.fail("Give one estimated value, not %d.", len(sc.values))
	}
	if len(sc.values) == 1 {
		o.value = &sc.values[0]
	}
	if len(sc.expiries) > 1 {
		return o, p.fail("Give the lead one expiry, not %d.", len(sc.expiries))
	}
	if len(sc.expiries) == 1 {
		o.expiry = sc.expiries[0]
	}
	if len(sc.fees) > 1 {
		return o, p.fail("Give one fee, not %d.", len(sc.fees))
	}
	if len(sc.fees) == 1 {
		o.fee = &sc.fees[0]
	}
	if len(temps) > 1 && slices.ContainsFunc(temps[1:], func(t core.Temperature) bool { return t != temps[0] }) {
		return o, p.fail("Is the client hot, warm or cold? Pick one.")
	}
	if len(temps) > 0 {
		o.temp = temps[0]
	}
	for _, t := range o.tags {
		if len([]rune(t)) > 40 {
			return o, p.fail("Tags are at most 40 characters; `#%s` is longer.", shorten(t))
		}
	}
	o.tags = core.NormalizeTags(o.tags)
	if err := p.privateInNeed(o.need, lead); err != nil {
		return o, err
	}
	return o, nil
}

// optScan is the first reading of the text after the dash: what each
// token is, and the values and expiries found.
type optScan struct {
	p         *parser
	tail      string
	ts        []token
	kinds     []optKind
	span      []int      // at an option's first token, the tokens it covers
	tags      [][]string // at an optTag token, its tags
	values    []core.Money
	expiries  []int
	fees      []core.FeeTerms
	badExpiry error // the first expiry that can't be read as days
}

func newOptScan(p *parser, tail string) *optScan {
	ts := tokenize(tail)
	return &optScan{
		p: p, tail: tail, ts: ts,
		kinds: make([]optKind, len(ts)),
		span:  make([]int, len(ts)),
		tags:  make([][]string, len(ts)),
	}
}

// scan classifies the tokens; expiries count only for a lead.
func (sc *optScan) scan(lead bool) error {
	for i := 0; i < len(sc.ts); i++ {
		tok := sc.ts[i].text
		sc.span[i] = 1
		switch {
		case isEstimate(tok):
			m, n, err := sc.p.estimate(sc.ts, i)
			if err != nil {
				return err
			}
			sc.kinds[i], sc.span[i] = optValue, n
			sc.values = append(sc.values, m)
			i += n - 1
		case lead && isExpiresWord(tok):
			last, err := sc.expires(i)
			if err != nil {
				return err
			}
			i = last
		case isFeeWord(tok):
			f, n, ok, err := sc.p.feeAt(sc.ts, i)
			if err != nil {
				return err
			}
			if ok { // else "fee" is a word of the need
				sc.kinds[i], sc.span[i] = optFee, n
				sc.fees = append(sc.fees, f)
				i += n - 1
			}
		default:
			if t, ok := tagOf(tok); ok {
				sc.kinds[i], sc.tags[i] = optTag, t
			} else if _, ok := temperatureOf(tok); ok {
				sc.kinds[i] = optTemp
			}
		}
	}
	return nil
}

// expires reads "expires [in] <days>" at ts[i] and returns the index of
// the last token it took.
func (sc *optScan) expires(i int) (int, error) {
	ts := sc.ts
	j := i + 1
	if j < len(ts) && strings.EqualFold(ts[j].text, "in") {
		j++
	}
	if j >= len(ts) {
		return i, nil
	}
	d, unit, ok, err := sc.length(j)
	if err != nil {
		return i, err
	}
	if !ok {
		if isDigit(ts[j].text[0]) {
			return i, sc.p.fail("`%s` is not a number of days; write e.g. `expires 7d`.", shorten(ts[j].text))
		}
		return sc.date(i, j), nil
	}
	if d < 1 || d > 365 {
		return i, sc.p.fail("A lead can stay open for 1 to 365 days, not %d.", d)
	}
	n := j - i + 1 + unit
	sc.kinds[i], sc.span[i] = optExpiry, n
	sc.expiries = append(sc.expiries, d)
	return i + n - 1, nil
}

// length reads a number of days at ts[j]: "7d", "2w", "7 days", "2 weeks",
// "a week". unit is 1 when the unit is a word of its own after the number.
func (sc *optScan) length(j int) (days, unit int, ok bool, err error) {
	ts := sc.ts
	d, ok := daysOf(ts[j].text)
	if !ok && isOneWord(ts[j].text) && j+1 < len(ts) && isDaysWord(ts[j+1].text) {
		d, ok = 1, true // "expires in a week"
	}
	if !ok || j+1 >= len(ts) || strings.ContainsAny(strings.ToLower(ts[j].text), "dw") {
		return d, 0, ok, nil
	}
	switch next := ts[j+1].text; {
	case isDaysWord(next):
		if strings.HasPrefix(strings.ToLower(next), "w") {
			d *= 7
		}
		return d, 1, true, nil
	case isOtherUnit(next):
		return 0, 0, false, sc.p.fail("A lead's expiry is counted in days or weeks, not `%s %s`; write e.g. `expires 30d`.",
			shorten(ts[j].text), shorten(trimPunct(next)))
	}
	return d, 0, true, nil
}

// date marks "expires tomorrow", "expires on Friday": a date, not a
// length. At the end it was meant as the expiry, so it is refused rather
// than read into the need; inside the sentence it stays part of the need.
// It returns the index of the last token it took.
func (sc *optScan) date(i, j int) int {
	ts := sc.ts
	k := j
	if isDatePreposition(ts[k].text) && k+1 < len(ts) {
		k++
	}
	if !isWhenWord(ts[k].text) && !(k > j && isDigit(ts[k].text[0])) {
		return i
	}
	for k+1 < len(ts) && (isWhenWord(ts[k+1].text) || isDigit(ts[k+1].text[0])) {
		k++ // the rest of "next week", "end of month", "5 May"
	}
	sc.kinds[i], sc.span[i] = optBadExpiry, k-i+1
	if sc.badExpiry == nil {
		phrase := trimPunct(sc.tail[ts[i].start:ts[k].end])
		sc.badExpiry = sc.p.fail("`%s` is a date, and a lead's expiry is a number of days it stays open: write `expires 1d` for tomorrow, or e.g. `expires 7d`.",
			shorten(phrase))
	}
	return k
}

// trailing returns where the trailing options start: the suffix of
// tokens that are all options.
func (sc *optScan) trailing() int {
	end := len(sc.ts)
	for k := len(sc.ts) - 1; k >= 0; k-- {
		if sc.span[k] == 0 {
			continue // covered by an earlier multi-token option
		}
		if sc.kinds[k] == word {
			break
		}
		end = k
	}
	return end
}

// split separates the need from the options: tags are taken everywhere
// (and stay in the need as words before end), temperatures only from end
// on.
func (sc *optScan) split(end int) (opts, []core.Temperature) {
	// span is only meaningful at option starts; mark covered tokens.
	covered := make([]bool, len(sc.ts))
	for i := range sc.ts {
		if sc.kinds[i] == optValue || sc.kinds[i] == optExpiry || sc.kinds[i] == optFee {
			for j := 1; j < sc.span[i] && i+j < len(sc.ts); j++ {
				covered[i+j] = true
			}
		}
	}
	var o opts
	var need []string
	var temps []core.Temperature
	for i, t := range sc.ts {
		if covered[i] {
			continue
		}
		switch sc.kinds[i] {
		case optValue, optExpiry, optFee:
			continue
		case optTag:
			o.tags = append(o.tags, sc.tags[i]...)
			if i < end {
				need = append(need, strings.TrimPrefix(t.text, "#"))
			}
			continue
		case optTemp:
			if i >= end {
				tp, _ := temperatureOf(t.text)
				temps = append(temps, tp)
				continue
			}
		}
		need = append(need, t.text)
	}
	o.need = strings.TrimSpace(plain(strings.Join(need, " ")))
	return o, temps
}

func isExpiresWord(s string) bool {
	switch strings.ToLower(s) {
	case "expires", "expire", "expiry", "expiring":
		return true
	}
	return false
}

// isOneWord is "a", "an" or "one", as in "expires in a week".
func isOneWord(s string) bool {
	switch strings.ToLower(s) {
	case "a", "an", "one":
		return true
	}
	return false
}

// isOtherUnit is a unit of time an expiry can't be counted in.
func isOtherUnit(s string) bool {
	switch strings.ToLower(trimPunct(s)) {
	case "h", "hr", "hrs", "hour", "hours", "min", "mins", "minute", "minutes",
		"month", "months", "mo", "year", "years", "yr", "yrs":
		return true
	}
	return false
}

func isDatePreposition(s string) bool {
	switch strings.ToLower(s) {
	case "on", "by", "at", "until", "till", "before", "after", "the":
		return true
	}
	return false
}

// isWhenWord is a word that names a moment rather than a length:
// "tomorrow", "Friday", "next", "June", "soon".
func isWhenWord(s string) bool {
	switch strings.ToLower(trimPunct(s)) {
	case "tomorrow", "tmrw", "tmr", "today", "tonight", "next", "this", "end", "eod", "eow", "eom", "eoy",
		"midnight", "noon", "soon", "asap", "later", "week", "weekend", "month", "year", "of",
		"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
		"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
		"january", "february", "march", "april", "may", "june", "july", "august", "september",
		"october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
		"oct", "nov", "dec":
		return true
	}
	return false
}

func isDaysWord(s string) bool {
	switch strings.ToLower(trimPunct(s)) {
	case "d", "day", "days", "w", "week", "weeks":
		return true
	}
	return false
}

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
