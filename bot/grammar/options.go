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
}

type optKind int

const (
	word optKind = iota
	optTag
	optValue
	optTemp
	optExpiry
	optBadExpiry // "expires tomorrow": an error at the end, words inside the need
)

// options reads "<need> [#tags] [~value] [hot|warm|cold] [expires Nd]".
// Values and expiries are taken wherever they stand; tags too, but a tag
// inside the sentence also stays in it as a word; hot/warm/cold only count
// at the end, so "cold storage" stays part of the need.
func (p *parser) options(tail string, lead bool) (opts, error) {
	var o opts
	ts := tokenize(tail)
	kinds := make([]optKind, len(ts))
	span := make([]int, len(ts)) // tokens an option covers
	var values []core.Money
	var expiries []int
	var badExpiry error // the first expiry that can't be read as days
	tags := make([][]string, len(ts))
	for i := 0; i < len(ts); i++ {
		tok := ts[i].text
		span[i] = 1
		switch {
		case isEstimate(tok):
			m, n, err := p.estimate(ts, i)
			if err != nil {
				return o, err
			}
			kinds[i], span[i] = optValue, n
			values = append(values, m)
			i += n - 1
		case lead && isExpiresWord(tok):
			j := i + 1
			if j < len(ts) && strings.EqualFold(ts[j].text, "in") {
				j++
			}
			if j >= len(ts) {
				continue
			}
			d, ok := daysOf(ts[j].text)
			if !ok && isOneWord(ts[j].text) && j+1 < len(ts) && isDaysWord(ts[j+1].text) {
				d, ok = 1, true // "expires in a week"
			}
			n := j - i + 1
			if ok && j+1 < len(ts) && isDaysWord(ts[j+1].text) && !strings.ContainsAny(strings.ToLower(ts[j].text), "dw") {
				n++
				if strings.HasPrefix(strings.ToLower(ts[j+1].text), "w") {
					d *= 7
				}
			} else if ok && j+1 < len(ts) && isOtherUnit(ts[j+1].text) && !strings.ContainsAny(strings.ToLower(ts[j].text), "dw") {
				return o, p.fail("A lead's expiry is counted in days or weeks, not `%s %s`; write e.g. `expires 30d`.",
					shorten(ts[j].text), shorten(trimPunct(ts[j+1].text)))
			}
			if !ok {
				if isDigit(ts[j].text[0]) {
					return o, p.fail("`%s` is not a number of days; write e.g. `expires 7d`.", shorten(ts[j].text))
				}
				// "expires tomorrow", "expires on Friday": a date, not a
				// length. At the end it was meant as the expiry, so it is
				// refused rather than read into the need; inside the
				// sentence it stays part of the need.
				k := j
				if isDatePreposition(ts[k].text) && k+1 < len(ts) {
					k++
				}
				if isWhenWord(ts[k].text) || k > j && isDigit(ts[k].text[0]) {
					for k+1 < len(ts) && (isWhenWord(ts[k+1].text) || isDigit(ts[k+1].text[0])) {
						k++ // the rest of "next week", "end of month", "5 May"
					}
					kinds[i], span[i] = optBadExpiry, k-i+1
					if badExpiry == nil {
						phrase := trimPunct(tail[ts[i].start:ts[k].end])
						badExpiry = p.fail("`%s` is a date, and a lead's expiry is a number of days it stays open: write `expires 1d` for tomorrow, or e.g. `expires 7d`.",
							shorten(phrase))
					}
					i = k
				}
				continue
			}
			if d < 1 || d > 365 {
				return o, p.fail("A lead can stay open for 1 to 365 days, not %d.", d)
			}
			kinds[i], span[i] = optExpiry, n
			expiries = append(expiries, d)
			i += n - 1
		default:
			if t, ok := tagOf(tok); ok {
				kinds[i], tags[i] = optTag, t
			} else if _, ok := temperatureOf(tok); ok {
				kinds[i] = optTemp
			}
		}
	}
	// The trailing options: a suffix of option tokens.
	end := len(ts)
	for k := len(ts) - 1; k >= 0; k-- {
		if span[k] == 0 {
			continue // covered by an earlier multi-token option
		}
		if kinds[k] == word {
			break
		}
		end = k
	}
	for i := end; i < len(ts); i++ {
		if kinds[i] == optBadExpiry {
			return o, badExpiry
		}
	}
	// span is only meaningful at option starts; mark covered tokens.
	covered := make([]bool, len(ts))
	for i := 0; i < len(ts); i++ {
		if kinds[i] == optValue || kinds[i] == optExpiry {
			for j := 1; j < span[i] && i+j < len(ts); j++ {
				covered[i+j] = true
			}
		}
	}
	var need []string
	var temps []core.Temperature
	for i := 0; i < len(ts); i++ {
		if covered[i] {
			continue
		}
		tok := ts[i].text
		switch kinds[i] {
		case optValue, optExpiry:
			continue
		case optTag:
			o.tags = append(o.tags, tags[i]...)
			if i < end {
				need = append(need, strings.TrimPrefix(tok, "#"))
			}
			continue
		case optTemp:
			if i >= end {
				t, _ := temperatureOf(tok)
				temps = append(temps, t)
				continue
			}
		}
		need = append(need, tok)
	}
	if len(values) > 1 {
		return o, p.fail("Give one estimated value, not %d.", len(values))
	}
	if len(values) == 1 {
		o.value = &values[0]
	}
	if len(expiries) > 1 {
		return o, p.fail("Give the lead one expiry, not %d.", len(expiries))
	}
	if len(expiries) == 1 {
		o.expiry = expiries[0]
	}
	if len(temps) > 1 && slices.ContainsFunc(temps[1:], func(t core.Temperature) bool { return t != temps[0] }) {
		return o, p.fail("Is the client hot, warm or cold? Pick one.")
	}
	if len(temps) > 0 {
		o.temp = temps[0]
	}
	o.need = strings.TrimSpace(plain(strings.Join(need, " ")))
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
