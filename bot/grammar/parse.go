package grammar

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/referbot/referbot/core"
)

// Parse reads the text after "/refer". It never panics; on bad input it
// returns a *core.Error (code EINVALID) whose Message says what's wrong and
// whose Hint gives the usage line(s) to type instead. Empty text is Help.
func Parse(text string) (cmd Command, err error) {
	defer func() {
		if r := recover(); r != nil {
			// A bug, not the member's fault; still answer with help.
			cmd, err = nil, core.Errorf(core.EINVALID, "I couldn't make sense of that command.").
				WithHint("Type `/refer help` to see every command.")
		}
	}()
	return parse(text)
}

func parse(text string) (Command, error) {
	s, err := clean(text)
	if err != nil {
		return nil, err
	}
	ts := tokenize(s)
	if len(ts) == 0 {
		return Help{}, nil
	}
	first := ts[0].text
	if _, kind := parseMention(first); kind != notMention {
		return parseRefer(s, ts)
	}
	sp := lookup(first)
	if sp == nil {
		return nil, unknown(s, ts)
	}
	p := &parser{name: sp.name, alias: strings.ToLower(first), s: s, ts: ts[1:]}
	cmd, err := p.run()
	if err != nil {
		return nil, err // never a half-filled command
	}
	return cmd, nil
}

// run parses the arguments of p's subcommand.
func (p *parser) run() (Command, error) {
	switch p.name {
	case "help":
		return p.help()
	case "refer":
		return p.refer()
	case "lead":
		return p.lead()
	case "claim":
		c, err := p.codeOnly()
		return Claim{Code: c}, err
	case "interested":
		if len(p.ts) > 1 && strings.EqualFold(p.ts[0].text, "hand") {
			p.ts = p.ts[1:] // "raise hand R-1042"
		}
		c, err := p.codeOnly()
		return Interested{Code: c}, err
	case "accept":
		c, err := p.codeOnly()
		return Accept{Code: c}, err
	case "show":
		c, err := p.codeOnly()
		return Show{Code: c}, err
	case "pick":
		code, m, err := p.codeAndMember("member to give the lead to")
		return Pick{Code: code, Member: m}, err
	case "reassign":
		code, m, err := p.codeAndMember("partner to send it to")
		return Reassign{Code: code, Member: m}, err
	case "decline":
		return p.decline()
	case "status":
		return p.status()
	case "won":
		return p.won()
	case "lost":
		return p.lost()
	case "thanks":
		return p.thanks()
	case "feedback":
		return p.feedback()
	case "list":
		return p.list()
	case "profile":
		return p.profile()
	case "who":
		return p.who()
	case "touch":
		return p.touch()
	case "buddy":
		return p.buddy()
	case "stats":
		return p.stats()
	case "config":
		return p.config()
	case "reminders":
		return p.reminders()
	case "undelivered":
		switch {
		case len(p.ts) == 0:
			return Undelivered{}, nil
		case len(p.ts) == 1 && strings.EqualFold(p.ts[0].text, "retry"):
			return Undelivered{Retry: true}, nil
		}
		return nil, p.fail("`/refer undelivered` takes only the word retry after it.")
	case "export":
		if len(p.ts) > 0 {
			return nil, p.fail("`/refer export` takes nothing after it.")
		}
		return Export{}, nil
	case "forget":
		switch {
		case len(p.ts) == 0:
			return Forget{}, nil
		case len(p.ts) == 1 && strings.EqualFold(p.ts[0].text, "confirm"):
			return Forget{Confirm: true}, nil
		}
		return nil, p.fail("`/refer forget` takes only the word confirm after it.")
	}
	return nil, p.fail("I don't know `/refer %s` yet.", p.name)
}

// unknown explains an unknown first word, with the nearest subcommand.
func unknown(s string, ts []token) error {
	word := ts[0].text
	msg := fmt.Sprintf("I don't know `/refer %s`.", shorten(word))
	if _, err := core.ParseCode(word); err == nil && len(ts) == 1 {
		return core.Errorf(core.EINVALID, "What should I do with %s?", strings.TrimPrefix(word, "#")).
			WithHint("Type e.g. `/refer show %s`, `/refer claim %s` or `/refer accept %s`.", word, word, word)
	}
	if _, _, ok := splitDash(s); ok && isName(word) && lookup(word) == nil && len(suggest(word, allNames)) == 0 {
		// "/refer bob Acme — site": a referral without the @.
		h := "Type: `/refer @partner <client name> — <need>`\nOr post it for everyone: `/refer lead <need>`"
		if rest := restFrom(s, ts, 1); len(s) <= 120 && rest != "" {
			h = fmt.Sprintf("If %s is the partner, type: `/refer @%s %s`\nOr post it for everyone: `/refer lead %s`", word, word, rest, rest)
		}
		return core.Errorf(core.EINVALID, "%s To refer a client to a partner, start with the partner's @mention.", msg).
			WithHint("%s", h)
	}
	if sug := suggestCommand(word); len(sug) > 0 {
		var cmds []string
		for _, n := range sug {
			rest := restFrom(s, ts, 1)
			if rest != "" {
				rest = " " + rest
			}
			if len(rest) > 40 {
				rest = ""
			}
			cmds = append(cmds, "/refer "+n+rest)
		}
		return core.Errorf(core.EINVALID, "%s", msg).
			WithHint("Did you mean %s? Type `/refer help` to see every command.", orList(cmds))
	}
	return core.Errorf(core.EINVALID, "%s", msg).
		WithHint("Type `/refer help` to see every command, or `/refer @partner <client> — <need>` to refer a client.")
}

// parser reads the arguments of one subcommand.
type parser struct {
	name  string // canonical subcommand
	alias string // the word typed, lower-cased (an alias or the name)
	code  core.Code
	s     string  // the whole cleaned text
	ts    []token // the arguments (after the subcommand word)
}

// fail returns an EINVALID error whose hint is the subcommand's usage.
func (p *parser) fail(format string, args ...any) error {
	return core.Errorf(core.EINVALID, format, args...).WithHint("%s", hint(p.name, p.code))
}

// failHint returns an EINVALID error with a specific hint.
func (p *parser) failHint(hintText, format string, args ...any) error {
	return core.Errorf(core.EINVALID, format, args...).WithHint("%s", hintText)
}

func (p *parser) rest(i int) string { return restFrom(p.s, p.ts, i) }

// code reads the referral code that every pipeline command starts with.
func (p *parser) takeCode() error {
	if len(p.ts) == 0 {
		return p.fail("Which referral? Give its code after `/refer %s`.", p.name)
	}
	tok := trimPunct(p.ts[0].text)
	if !isExplicitCode(tok) {
		// "won 5000 R-1010": the code must come first.
		for k := 1; k < len(p.ts); k++ {
			if code := trimPunct(p.ts[k].text); isExplicitCode(code) {
				c, _ := core.ParseCode(code)
				words := []string{"/refer", p.name, c.String()}
				for _, t := range append(p.ts[:k:k], p.ts[k+1:]...) {
					words = append(words, strings.ReplaceAll(t.text, "`", "'"))
				}
				return p.failHint(fmt.Sprintf("Type: `%s`", strings.Join(words, " ")),
					"Put the referral's code first, right after `/refer %s`.", p.name)
			}
		}
	}
	c, err := core.ParseCode(tok)
	if err != nil {
		if _, kind := parseMention(tok); kind == isMember {
			return p.fail("Start with the referral's code, then the member.")
		}
		return p.fail("`%s` is not a referral code; codes look like R-1042 (`/refer list` shows yours).", shorten(tok))
	}
	p.code = c
	p.ts = p.ts[1:]
	return nil
}

// isExplicitCode reports a referral code written as one, "R-1042" or
// "#R1042", not a bare number that could be an amount.
func isExplicitCode(s string) bool {
	t := strings.TrimPrefix(s, "#")
	if t == "" || t[0] != 'R' && t[0] != 'r' {
		return false
	}
	_, err := core.ParseCode(t)
	return err == nil
}

// shorten quotes the member's text in a message: at most 30 characters,
// and no backticks that would break the message's code markup.
func shorten(s string) string {
	s = strings.ReplaceAll(s, "`", "'")
	if r := []rune(s); len(r) > 30 {
		return string(r[:30]) + "…"
	}
	return s
}

func (p *parser) codeOnly() (core.Code, error) {
	if err := p.takeCode(); err != nil {
		return 0, err
	}
	if len(p.ts) > 0 {
		return 0, p.fail("`/refer %s` takes only the referral code, not `%s`.", p.name, shorten(p.rest(0)))
	}
	return p.code, nil
}

// member reads a mention at ts[i].
func (p *parser) member(i int, role string) (core.MemberRef, error) {
	if i >= len(p.ts) {
		return core.MemberRef{}, p.fail("Name the %s with @, e.g. @alice.", role)
	}
	ref, kind := parseMention(p.ts[i].text)
	switch kind {
	case isGroup:
		return ref, p.fail("`%s` is a group, not one member: name the %s with @, e.g. @alice.", shorten(p.ts[i].text), role)
	case notMention:
		return ref, p.fail("Name the %s with @, e.g. @alice (not `%s`).", role, shorten(p.ts[i].text))
	}
	return ref, nil
}

func (p *parser) help() (Command, error) {
	if len(p.ts) == 0 {
		return Help{}, nil
	}
	topic := strings.TrimPrefix(strings.ToLower(p.ts[0].text), "/")
	if topic == "refer" && len(p.ts) > 1 {
		topic = strings.ToLower(p.ts[1].text)
	}
	if strings.HasPrefix(topic, "@") || strings.HasPrefix(topic, "<@") {
		topic = "refer"
	}
	if s := lookup(topic); s != nil {
		return Help{Topic: s.name}, nil
	}
	if sug := suggestCommand(topic); len(sug) > 0 {
		var cmds []string
		for _, n := range sug {
			cmds = append(cmds, "/refer help "+n)
		}
		return nil, p.failHint(fmt.Sprintf("Did you mean %s?", orList(cmds)), "There's no `/refer %s`.", shorten(topic))
	}
	return nil, p.failHint("Type `/refer help` to see every command.", "There's no `/refer %s`.", shorten(topic))
}

// refer reads `refer @partner ...` and `to @partner ...`.
func (p *parser) refer() (Command, error) {
	if len(p.ts) == 0 {
		return nil, p.fail("Who is the client for? Start with the partner's @mention.")
	}
	s := p.s[p.ts[0].start:]
	return parseRefer(s, tokenize(s))
}

func parseRefer(s string, ts []token) (Command, error) {
	p := &parser{name: "refer", s: s, ts: ts}
	to, err := p.member(0, "partner")
	if err != nil {
		return nil, err
	}
	body := p.rest(1)
	if body == "" {
		return nil, p.fail("Tell me who the client is and what they need.")
	}
	head, tail, ok := splitDash(body)
	if !ok {
		return nil, p.fail("Put a dash between the client and what they need.")
	}
	cl, err := p.client(head, true)
	if err != nil {
		return nil, err
	}
	o, err := p.options(tail, false)
	if err != nil {
		return nil, err
	}
	if o.need == "" {
		return nil, p.fail("Say what the client needs after the dash.")
	}
	if o.value != nil && cl.value != nil {
		return nil, p.fail("Give one estimated value, not 2.")
	}
	return Refer{
		To: to, ClientName: cl.name, Contact: cl.contact, Consent: cl.consent,
		Need: o.need, Tags: core.NormalizeTags(append(cl.tags, o.tags...)),
		Estimate: firstMoney(o.value, cl.value), Temperature: o.temp,
	}, nil
}

func firstMoney(a, b *core.Money) core.Money {
	switch {
	case a != nil:
		return *a
	case b != nil:
		return *b
	}
	return core.Money{}
}

func (p *parser) lead() (Command, error) {
	body := p.rest(0)
	if body == "" {
		return nil, p.fail("Describe the work the lead is for.")
	}
	var cl client
	tail := body
	if head, t, ok := splitDash(body); ok {
		var err error
		if cl, err = p.client(head, false); err != nil {
			return nil, err
		}
		tail = t
	}
	o, err := p.options(tail, true)
	if err != nil {
		return nil, err
	}
	if o.need == "" {
		if cl.name != "" || cl.contact != "" {
			return nil, p.fail("Say what the client needs after the dash.")
		}
		return nil, p.fail("Describe the work the lead is for.")
	}
	if o.value != nil && cl.value != nil {
		return nil, p.fail("Give one estimated value, not 2.")
	}
	return Lead{
		ClientName: cl.name, Contact: cl.contact, Consent: cl.consent,
		Need: o.need, Tags: core.NormalizeTags(append(cl.tags, o.tags...)),
		Estimate: firstMoney(o.value, cl.value), Temperature: o.temp, ExpiryDays: o.expiry,
	}, nil
}

// client is the part before the dash.
type client struct {
	name, contact string
	consent       bool
	tags          []string
	value         *core.Money
}

// client reads "<client name> [contact] [consent]".
func (p *parser) client(head string, required bool) (client, error) {
	var cl client
	var names, contacts []string
	ts := tokenize(head)
	for i := 0; i < len(ts); i++ {
		tok := ts[i].text
		if isConsentWord(trimPunct(tok)) {
			cl.consent = true
			continue
		}
		if phone, n := phoneRun(ts, i); n > 0 {
			contacts = append(contacts, phone)
			i += n - 1
			continue
		}
		if c, consent, ok := contactOf(tok); ok {
			cl.consent = cl.consent || consent
			if c != "" {
				contacts = append(contacts, c)
			}
			continue
		}
		if tags, ok := tagOf(tok); ok {
			cl.tags = append(cl.tags, tags...)
			continue
		}
		if isEstimate(tok) {
			m, n, err := p.estimate(ts, i)
			if err != nil {
				return cl, err
			}
			if cl.value != nil {
				return cl, p.fail("Give one estimated value, not 2.")
			}
			cl.value = &m
			i += n - 1
			continue
		}
		names = append(names, tok)
	}
	cl.name = strings.TrimSpace(plain(strings.Join(names, " ")))
	cl.contact = strings.Join(contacts, ", ")
	if cl.name == "" && required {
		if cl.contact != "" {
			return cl, p.fail("Name the client too, not only their contact details.")
		}
		return cl, p.fail("Name the client before the dash.")
	}
	if cl.contact != "" && !cl.consent {
		ex := "/refer @alice Acme Bakery jane@acmebakery.com consent — new logo"
		bare := "/refer @alice Acme Bakery — new logo"
		if p.name == "lead" {
			ex = "/refer lead Acme Bakery jane@acmebakery.com consent — bookkeeping"
			bare = "/refer lead bookkeeping for a bakery"
		}
		return cl, p.failHint(
			fmt.Sprintf("If they agreed, add `consent` after the contact: `%s`\nIf not, leave the contact out: `%s`", ex, bare),
			"I only keep a client's contact details (`%s`) once they agreed to the introduction.", shorten(cl.contact))
	}
	return cl, nil
}

func isEstimate(tok string) bool {
	return strings.HasPrefix(tok, "~") || strings.HasPrefix(tok, "≈")
}

// estimate reads "~5k" at ts[i].
func (p *parser) estimate(ts []token, i int) (core.Money, int, error) {
	tok := ts[i].text
	strip := "~"
	if strings.HasPrefix(tok, "≈") {
		strip = "≈"
	}
	if strings.TrimPrefix(tok, strip) == "" {
		return core.Money{}, 1, p.fail("Write the estimated value right after the ~, e.g. ~5000 or ~5k.")
	}
	m, n, err := moneyAt(ts, i, strip)
	if err != nil {
		return m, n, p.amountErr(err, tok, "`%s` is not an amount I understand; write the estimate like ~5000, ~5k, ~$12,500 or ~900EUR.", shorten(tok))
	}
	if m.Cents <= 0 {
		return m, n, p.fail("The estimated value must be more than zero; leave it out if you don't know.")
	}
	return m, n, nil
}

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

// privateInNeed refuses e-mail addresses and phone numbers in the need:
// the need is shown in channel posts and digests, contact details never.
func (p *parser) privateInNeed(need string, lead bool) error {
	ts := tokenize(need)
	for i, t := range ts {
		tok := strings.TrimRight(t.text, ",;.")
		target, _, isLink := slackLink(tok)
		email := isEmail(tok) || isLink && strings.HasPrefix(strings.ToLower(target), "mailto:")
		phone := false
		if !email && strings.HasPrefix(tok, "+") {
			_, n := phoneRun(ts, i)
			phone = n > 0
		}
		if !email && !phone {
			continue
		}
		ex := "`/refer @alice Acme Bakery jane@acmebakery.com consent — new logo`"
		if lead {
			ex = "`/refer lead Acme Bakery jane@acmebakery.com consent — bookkeeping`"
		}
		return p.failHint("Put contact details before the dash, followed by `consent` once the client agreed: "+ex,
			"The need is shown to others, so it can't hold contact details like `%s`.", shorten(plain(tok)))
	}
	return nil
}

// codeAndMember reads "R-1042 @bob" or "@bob R-1042" (pick, reassign).
func (p *parser) codeAndMember(what string) (core.Code, core.MemberRef, error) {
	if len(p.ts) == 2 {
		if _, kind := parseMention(p.ts[0].text); kind == isMember {
			p.ts[0], p.ts[1] = p.ts[1], p.ts[0]
		}
	}
	if err := p.takeCode(); err != nil {
		return 0, core.MemberRef{}, err
	}
	m, err := p.member(0, what)
	if err != nil {
		return 0, core.MemberRef{}, err
	}
	if len(p.ts) > 1 {
		return 0, core.MemberRef{}, p.fail("Name one member, then nothing else.")
	}
	return p.code, m, nil
}

func (p *parser) decline() (Command, error) {
	if err := p.takeCode(); err != nil {
		return nil, err
	}
	return p.declineArgs()
}

func (p *parser) declineArgs() (Command, error) {
	reason := plain(p.rest(0))
	if reason == "" {
		return nil, p.fail("Say why you decline, so the referrer can pass the client on.")
	}
	return Decline{Code: p.code, Reason: reason}, nil
}

var stageWords = map[string]core.Status{
	"contacted": core.StatusContacted, "contact": core.StatusContacted, "called": core.StatusContacted,
	"meeting": core.StatusMeeting, "meet": core.StatusMeeting, "met": core.StatusMeeting, "meeting-booked": core.StatusMeeting,
	"proposal": core.StatusProposal, "proposed": core.StatusProposal, "quote": core.StatusProposal, "quoted": core.StatusProposal,
	"won": core.StatusWon, "win": core.StatusWon, "lost": core.StatusLost, "lose": core.StatusLost,
}

func (p *parser) status() (Command, error) {
	if err := p.takeCode(); err != nil {
		return nil, err
	}
	if len(p.ts) == 0 {
		return nil, p.fail("Which stage? Use contacted, meeting or proposal (or won, lost).")
	}
	w := strings.ToLower(trimPunct(p.ts[0].text))
	st, ok := stageWords[w]
	if !ok {
		return nil, p.fail("`%s` is not a stage%s. Use contacted, meeting or proposal (or won, lost).",
			shorten(p.ts[0].text), didYouMean(w, []string{"contacted", "meeting", "proposal", "won", "lost"}))
	}
	switch st {
	case core.StatusWon:
		p.name = "won"
		p.ts = p.ts[1:]
		return p.wonArgs()
	case core.StatusLost:
		p.name = "lost"
		p.ts = p.ts[1:]
		return p.lostArgs()
	}
	return Status{Code: p.code, Stage: st, Note: plain(p.rest(1))}, nil
}

func didYouMean(w string, cands []string) string {
	if s := suggest(w, cands); len(s) > 0 {
		return " (did you mean " + orList(s) + "?)"
	}
	return ""
}

func (p *parser) won() (Command, error) {
	if err := p.takeCode(); err != nil {
		return nil, err
	}
	return p.wonArgs()
}

func (p *parser) wonArgs() (Command, error) {
	// A last word "confirm" records a value far above the usual deals.
	confirm := false
	if k := len(p.ts); k > 1 && strings.EqualFold(trimPunct(p.ts[k-1].text), "confirm") {
		confirm = true
		p.s, p.ts = strings.TrimRight(p.s[:p.ts[k-1].start], " "), p.ts[:k-1]
	}
	if len(p.ts) == 0 {
		return nil, p.fail("What was the deal worth? Add its value after the code.")
	}
	m, n, err := moneyAt(p.ts, 0, "~")
	if err != nil {
		return nil, p.amountErr(err, p.ts[0].text, "`%s` is not an amount I understand; write the value like 4800, 4.8k, $12,500 or 900 EUR.", shorten(p.ts[0].text))
	}
	if m.Cents <= 0 {
		return nil, p.fail("A won deal's value must be more than zero.")
	}
	return Won{Code: p.code, Value: m, Note: plain(p.rest(n)), Confirm: confirm}, nil
}

// amountErr explains an amount that was not read: for something that
// looks like a number, core's own reason (ambiguous, with its readings;
// negative; too precise); for a word, the general message and usage.
func (p *parser) amountErr(err error, tok, format string, args ...any) error {
	var e *core.Error
	if strings.ContainsAny(tok, "0123456789") && errors.As(err, &e) {
		return e
	}
	return p.fail(format, args...)
}

func (p *parser) lost() (Command, error) {
	if err := p.takeCode(); err != nil {
		return nil, err
	}
	return p.lostArgs()
}

func (p *parser) lostArgs() (Command, error) {
	reason := plain(p.rest(0))
	if reason == "" {
		return nil, p.fail("Say why it was lost, so the referrer learns too.")
	}
	return Lost{Code: p.code, Reason: reason}, nil
}

func (p *parser) thanks() (Command, error) {
	if err := p.takeCode(); err != nil {
		return nil, err
	}
	return Thanks{Code: p.code, Message: plain(p.rest(0))}, nil
}

func (p *parser) feedback() (Command, error) {
	if err := p.takeCode(); err != nil {
		return nil, err
	}
	if len(p.ts) == 0 {
		return nil, p.fail("How happy was the client, from 1 to 5?")
	}
	score, ok := scoreOf(p.ts[0].text)
	if !ok {
		return nil, p.fail("The score is a number from 1 to 5, not `%s`.", shorten(p.ts[0].text))
	}
	return Feedback{Code: p.code, Score: score, Comment: plain(p.rest(1))}, nil
}

// scoreOf reads "4", "4/5" or "★★★★".
func scoreOf(s string) (int, bool) {
	s = trimPunct(s)
	if stars := strings.Count(s, "★") + strings.Count(s, "⭐"); stars > 0 &&
		strings.Trim(s, "★⭐\ufe0f") == "" {
		return stars, stars <= 5
	}
	s = strings.TrimSuffix(s, "/5")
	if len(s) != 1 || s[0] < '1' || s[0] > '5' {
		return 0, false
	}
	n, _ := strconv.Atoi(s)
	return n, true
}

var listKinds = map[string]core.ListKind{
	"mine": core.ListMine, "my": core.ListMine, "me": core.ListMine,
	"given": core.ListGiven, "sent": core.ListGiven, "gave": core.ListGiven,
	"received": core.ListReceived, "got": core.ListReceived, "inbox": core.ListReceived,
	"open": core.ListOpen, "leads": core.ListOpen,
	"all": core.ListAll, "everything": core.ListAll,
}

func (p *parser) list() (Command, error) {
	l := List{Kind: core.ListMine}
	stages := make([]string, len(core.AllStatuses))
	for i, s := range core.AllStatuses {
		stages[i] = string(s)
	}
	kindSet := false
	for i, t := range p.ts {
		w := strings.ToLower(trimPunct(t.text))
		if k, ok := listKinds[w]; ok && !kindSet && (i == 0 || !slices.Contains(core.AllStatuses, core.Status(w))) {
			l.Kind, kindSet = k, true
			continue
		}
		if st := core.Status(w); slices.Contains(core.AllStatuses, st) {
			if !slices.Contains(l.Statuses, st) {
				l.Statuses = append(l.Statuses, st)
			}
			continue
		}
		if _, ok := listKinds[w]; ok && kindSet {
			return nil, p.fail("List one kind at a time: given, received, open, mine or all.")
		}
		cands := append([]string{"given", "received", "open", "mine", "all"}, stages...)
		return nil, p.fail("I can't list `%s`%s.", shorten(t.text), didYouMean(w, cands))
	}
	return l, nil
}

// profileAliases maps what people type to core.ProfileFields.
var profileAliases = map[string]string{
	"tz": "timezone", "time-zone": "timezone", "zone": "timezone",
	"trigger": "triggers", "trigger-phrases": "triggers", "phrases": "triggers",
	"link": "links", "portfolio": "links", "testimonials": "links",
	"minbudget": "min-budget", "min": "min-budget", "minimum": "min-budget", "min_budget": "min-budget",
	"status": "availability", "available": "availability", "avail": "availability",
	"service": "services", "tag": "tags", "outcome": "outcomes", "results": "outcomes",
	"client-size": "size", "budget-range": "budget", "rate": "billing", "pricing": "billing",
}

func profileField(w string) (string, bool) {
	w = strings.ToLower(trimPunct(w))
	if f, ok := profileAliases[w]; ok {
		return f, true
	}
	if slices.Contains(core.ProfileFields, w) {
		return w, true
	}
	return "", false
}

func (p *parser) profile() (Command, error) {
	if len(p.ts) == 0 {
		return Profile{}, nil
	}
	first := p.ts[0].text
	if ref, kind := parseMention(first); kind != notMention {
		if kind == isGroup {
			return nil, p.fail("`%s` is a group; name one member, e.g. `/refer profile @alice`.", shorten(first))
		}
		if len(p.ts) > 1 {
			return nil, p.fail("To see someone's profile, name only them: `/refer profile %s`.", ref)
		}
		return Profile{Who: &ref}, nil
	}
	switch strings.ToLower(first) {
	case "me", "mine", "show":
		if len(p.ts) == 1 {
			return Profile{}, nil
		}
	case "set", "edit", "update":
		p.ts = p.ts[1:]
		if len(p.ts) == 0 {
			return nil, p.failHint(formHint("profile", 2, 0), "Which field? %s.", fieldList())
		}
	}
	w := p.ts[0].text
	field, ok := profileField(w)
	if !ok {
		return nil, p.failHint(formHint("profile", 2, 0), "Profiles have no field `%s`%s. Fields: %s.", shorten(w),
			didYouMean(strings.ToLower(w), core.ProfileFields), fieldList())
	}
	i := 1
	// "min budget 2k"
	if field == "min-budget" && len(p.ts) > 1 && strings.EqualFold(p.ts[1].text, "budget") {
		i = 2
	}
	return p.profileValue(field, i)
}

func fieldList() string { return strings.Join(core.ProfileFields, ", ") }

func (p *parser) fieldHint(field, example string) string {
	return typeLine("profile set "+field+" <value>", "profile set "+field+" "+example)
}

var fieldExamples = map[string]string{
	"services": "brand identity and packaging design", "tags": "branding packaging web-design",
	"niche": "independent food and drink brands", "industry": "hospitality", "size": "1-20 people",
	"budget": "2k-15k", "triggers": `"our logo looks dated"; "we're launching a new product"`,
	"billing": "fixed min 2k", "min-budget": "2k", "outcomes": "rebrands that lift repeat sales",
	"links": "https://dribbble.com/alice https://alice.studio/testimonials", "contact": "e-mail first, alice@studio.com",
	"timezone": "Europe/Berlin", "availability": "busy",
}

func (p *parser) profileValue(field string, i int) (Command, error) {
	raw := p.rest(i)
	vals := texts(p.ts[i:])
	h := p.fieldHint(field, fieldExamples[field])
	if raw == "" {
		return nil, p.failHint(h+"\nWrite `none` to clear it.", "What should your %s be?", field)
	}
	set := ProfileSet{Field: field}
	switch strings.ToLower(raw) {
	case "none", "-", "clear", "—", "n/a":
		set.Clear = true
		return set, nil
	}
	switch field {
	case "tags":
		var tags []string
		for _, v := range vals {
			for t := range strings.FieldsFuncSeq(v, func(r rune) bool { return r == ',' || r == ';' }) {
				t = strings.TrimPrefix(trimPunct(t), "#")
				if len([]rune(t)) > 40 {
					return nil, p.failHint(h, "Tags are at most 40 characters; `%s` is longer.", shorten(t))
				}
				tags = append(tags, t)
			}
		}
		set.Values = core.NormalizeTags(tags)
		if len(set.Values) == 0 {
			return nil, p.failHint(h, "Give at least one tag.")
		}
	case "triggers":
		set.Values = phrases(plain(raw))
		if len(set.Values) == 0 {
			return nil, p.failHint(h, "Give at least one phrase a client would say.")
		}
	case "links":
		for _, v := range vals {
			for l := range strings.FieldsFuncSeq(v, func(r rune) bool { return r == ',' }) {
				if target, label, ok := slackLink(l); ok && hasScheme(target) {
					_ = label
					l = target
				}
				set.Values = append(set.Values, plain(l))
			}
		}
	case "billing":
		approach := strings.ToLower(trimPunct(vals[0]))
		switch approach {
		case "hour", "per-hour", "hourly-rate":
			approach = "hourly"
		case "fixed-price", "project", "per-project", "flat":
			approach = "fixed"
		case "monthly", "retained":
			approach = "retainer"
		}
		if approach != "hourly" && approach != "fixed" && approach != "retainer" {
			return nil, p.failHint(h, "Billing is hourly, fixed or retainer, not `%s`.", shorten(vals[0]))
		}
		set.Values = []string{approach}
		j := i + 1
		if j < len(p.ts) {
			if w := strings.ToLower(p.ts[j].text); w == "min" || w == "minimum" || w == "from" {
				j++
			}
			if j < len(p.ts) && strings.EqualFold(p.ts[j].text, "budget") {
				j++
			}
			if j >= len(p.ts) {
				return nil, p.failHint(h, "Give the minimum budget after `min`, e.g. `fixed min 2k`.")
			}
			m, n, err := moneyAt(p.ts, j, "")
			if err == nil && j+n != len(p.ts) || err != nil && !strings.ContainsAny(p.ts[j].text, "0123456789") {
				return nil, p.failHint(h, "`%s` is not a minimum budget I understand; write e.g. `%s min 2k`.", shorten(p.rest(j)), approach)
			}
			if err != nil {
				return nil, err
			}
			set.MinBudget = &m
		}
	case "min-budget":
		m, n, err := moneyAt(p.ts, i, "")
		if err == nil && i+n != len(p.ts) || err != nil && !strings.ContainsAny(p.ts[i].text, "0123456789") {
			return nil, p.failHint(h, "`%s` is not an amount I understand; write e.g. 2000, 2k or €1,500.", shorten(raw))
		}
		if err != nil {
			return nil, err
		}
		set.Values = []string{raw}
		set.MinBudget = &m
	case "availability":
		a := strings.ToLower(trimPunct(raw))
		switch a {
		case "available", "free", "yes", "on":
			a = string(core.Open)
		case "full", "booked":
			a = string(core.Busy)
		case "pause", "away", "off", "vacation", "holiday":
			a = string(core.Paused)
		}
		if a != string(core.Open) && a != string(core.Busy) && a != string(core.Paused) {
			return nil, p.failHint(h, "Availability is open, busy or paused, not `%s`.", shorten(raw))
		}
		set.Values = []string{a}
	case "contact":
		var parts []string
		for _, v := range vals {
			if c, _, ok := contactOf(v); ok && c != "" {
				parts = append(parts, c)
			} else {
				parts = append(parts, plain(v))
			}
		}
		set.Values = []string{strings.Join(parts, " ")}
	case "timezone":
		if len(vals) != 1 {
			return nil, p.failHint(h, "A time zone is one name like Europe/Berlin, not `%s`.", shorten(raw))
		}
		set.Values = []string{vals[0]}
	default:
		set.Values = []string{plain(raw)}
	}
	return set, nil
}

// phrases splits trigger phrases on ; or | or quotes: `"a b" "c"`, `a b; c`.
func phrases(s string) []string {
	var out []string
	var cur strings.Builder
	inQuote := false
	flush := func() {
		t := strings.TrimSpace(cur.String())
		t = strings.Trim(t, "'‘’ ")
		if t != "" {
			out = append(out, t)
		}
		cur.Reset()
	}
	for _, r := range s {
		switch r {
		case '"', '“', '”', '„', '«', '»':
			flush()
			inQuote = !inQuote
		case ';', '|':
			if inQuote {
				cur.WriteRune(r)
			} else {
				flush()
			}
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return out
}

func (p *parser) who() (Command, error) {
	var need []string
	var tags []string
	for _, t := range p.ts {
		if tg, ok := tagOf(t.text); ok {
			tags = append(tags, tg...)
			continue
		}
		need = append(need, t.text)
	}
	w := Who{Need: plain(strings.Join(need, " ")), Tags: core.NormalizeTags(tags)}
	if w.Need == "" && len(w.Tags) == 0 {
		return nil, p.fail("Tell me what the client needs.")
	}
	return w, nil
}

var touchWords = map[string]core.TouchKind{
	"coffee": core.TouchCoffee, "lunch": core.TouchCoffee, "drinks": core.TouchCoffee,
	"call": core.TouchCall, "phone": core.TouchCall, "zoom": core.TouchCall, "video": core.TouchCall,
	"shared-content": core.TouchContent, "content": core.TouchContent, "shared": core.TouchContent,
	"share": core.TouchContent, "article": core.TouchContent,
	"intro": core.TouchIntro, "introduction": core.TouchIntro,
	"meeting": core.TouchMeeting, "meetup": core.TouchMeeting, "met": core.TouchMeeting,
}

func (p *parser) touch() (Command, error) {
	m, err := p.member(0, "partner")
	if err != nil {
		return nil, err
	}
	if len(p.ts) < 2 {
		return nil, p.fail("What kind of touchpoint was it with %s? coffee, call, shared-content, intro or meeting.", m)
	}
	w := strings.ToLower(trimPunct(p.ts[1].text))
	k, ok := touchWords[w]
	rest := 2
	if w == "shared" && len(p.ts) > 2 && strings.EqualFold(trimPunct(p.ts[2].text), "content") {
		rest = 3
	}
	if !ok {
		kinds := make([]string, len(core.TouchKinds))
		for i, k := range core.TouchKinds {
			kinds[i] = string(k)
		}
		return nil, p.fail("`%s` is not a kind of touchpoint%s. Use coffee, call, shared-content, intro or meeting.",
			shorten(p.ts[1].text), didYouMean(w, kinds))
	}
	return Touch{Partner: m, Kind: k, Note: plain(p.rest(rest))}, nil
}

func (p *parser) buddy() (Command, error) {
	n, err := p.member(0, "newcomer")
	if err != nil {
		return nil, err
	}
	m, err := p.member(1, "mentor")
	if err != nil {
		return nil, err
	}
	if len(p.ts) > 2 {
		return nil, p.fail("Name the newcomer, then the mentor, and nothing else.")
	}
	if n == m {
		return nil, p.fail("A member can't be their own buddy.")
	}
	return Buddy{Newcomer: n, Mentor: m}, nil
}

func (p *parser) stats() (Command, error) {
	var st Stats
	i := 0
	if len(p.ts) > 0 {
		first := p.ts[0].text
		ref, kind := parseMention(first)
		switch {
		case kind == isMember:
			st.Who, i = &ref, 1
		case kind == isGroup:
			return nil, p.fail("`%s` is a group; for everyone's figures type `/refer stats network`.", shorten(first))
		default:
			switch strings.ToLower(first) {
			case "me", "mine", "my":
				i = 1
			case "network", "all", "everyone", "team", "us", "network-wide":
				st.Network, i = true, 1
			}
		}
	}
	st.Period = p.rest(i)
	if len(p.ts) > i {
		if _, kind := parseMention(p.ts[i].text); kind != notMention {
			return nil, p.fail("Ask for one member's figures at a time.")
		}
	}
	return st, nil
}

// configAliases maps what people type to core.ConfigKeys.
var configAliases = map[string]string{
	"tz": "timezone", "time-zone": "timezone", "zone": "timezone",
	"expiry": "lead-expiry", "lead-expiry-days": "lead-expiry", "leadexpiry": "lead-expiry",
	"stale": "stale-days", "staledays": "stale-days",
	"quiet-hours": "quiet", "fees": "fee", "admins": "admin",
}

func (p *parser) config() (Command, error) {
	if len(p.ts) == 0 || len(p.ts) == 1 && strings.EqualFold(p.ts[0].text, "show") {
		return Config{}, nil
	}
	w := strings.ToLower(p.ts[0].text)
	if w == "set" && len(p.ts) > 1 {
		p.ts = p.ts[1:]
		w = strings.ToLower(p.ts[0].text)
	}
	key, ok := configAliases[w]
	if !ok {
		key = w
	}
	if !slices.Contains(core.ConfigKeys, key) {
		return nil, p.fail("There is no setting `%s`%s. Settings: %s.", shorten(p.ts[0].text),
			didYouMean(w, core.ConfigKeys), strings.Join(core.ConfigKeys, ", "))
	}
	c := Config{Key: key, Args: texts(p.ts[1:])}
	h := typeLine("config "+key+" <value>", "config "+key+" "+configExamples[key])
	if len(c.Args) == 0 {
		if key == "admin" || key == "remove" {
			return nil, p.failHint(h, "Name one member, with @.")
		}
		return nil, p.failHint(h, "What should %s be?", key)
	}
	switch key {
	case "admin", "remove":
		ref, kind := parseMention(c.Args[0])
		if kind != isMember || len(c.Args) != 1 {
			return nil, p.failHint(h, "Name one member, with @.")
		}
		c.Member = &ref
	case "schedule":
		if len(c.Args) < 2 {
			return nil, p.failHint(h, "Name the job and its schedule.")
		}
	}
	return c, nil
}

var configExamples = map[string]string{
	"channel": "#referrals", "timezone": "Europe/Berlin", "quiet": "20-8", "cadence": "30",
	"lead-expiry": "7", "stale-days": "10", "currency": "EUR", "fee": "10%", "admin": "@alice", "remove": "@mallory",
	"schedule": `weekly-digest "0 9 * * MON"`,
}

// reminders reads `reminders off|on|<days>|default` and its aliases
// (`mute`, `unmute`, `cadence N`), remembered in p.alias.
func (p *parser) reminders() (Command, error) {
	h := typeLine("reminders off|on|<days>|default", "reminders 14")
	var word string
	switch {
	case p.alias == "mute" && len(p.ts) == 0:
		word = "off"
	case p.alias == "unmute" && len(p.ts) == 0:
		word = "on"
	case len(p.ts) == 1:
		word = strings.ToLower(trimPunct(p.ts[0].text))
	default:
		return nil, p.failHint(h, "Say off, on, a number of days, or default.")
	}
	yes, no := true, false
	switch word {
	case "off", "mute", "stop":
		return Reminders{Mute: &yes}, nil
	case "on", "unmute", "start":
		return Reminders{Mute: &no}, nil
	case "default":
		return Reminders{Cadence: -1}, nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(word, "d"))
	if err != nil || n < 1 || n > 365 {
		return nil, p.failHint(h, "%q isn't off, on, default or a number of days from 1 to 365.", word)
	}
	return Reminders{Cadence: n}, nil
}
