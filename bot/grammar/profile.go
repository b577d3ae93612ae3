package grammar

import (
	"strings"

	"github.com/referbot/referbot/core"
)

// profileAliases maps what people type to core.ProfileFields.
var profileAliases = map[string]string{
	"tz": "timezone", "time-zone": "timezone", "zone": "timezone",
	"trigger": "triggers", "trigger-phrases": "triggers", "phrases": "triggers",
	"link": "links", "portfolio": "links", "testimonials": "links",
	"minbudget": "min-budget", "min": "min-budget", "minimum": "min-budget", "min_budget": "min-budget",
	"status": "availability", "available": "availability", "avail": "availability",
	"service": "services", "tag": "tags", "outcome": "outcomes", "results": "outcomes",
	"client-size": "size", "budget-range": "budget", "rate": "billing", "pricing": "billing",
	"amount": "amounts", "deal-amounts": "amounts", "values": "amounts",
}

func profileField(w string) (string, bool) {
	return canonical(strings.ToLower(trimPunct(w)), profileAliases, core.ProfileFields)
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
			return nil, p.failHint(formHint("profile", 2), "Which field? %s.", fieldList())
		}
	}
	w := p.ts[0].text
	field, ok := profileField(w)
	if !ok {
		return nil, p.failHint(formHint("profile", 2), "Profiles have no field `%s`%s. Fields: %s.", shorten(w),
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

var fieldExamples = map[string]string{
	"services": "brand identity and packaging design", "tags": "branding packaging web-design",
	"niche": "independent food and drink brands", "industry": "hospitality", "size": "1-20 people",
	"budget": "2k-15k", "triggers": `"our logo looks dated"; "we're launching a new product"`,
	"billing": "fixed min 2k", "min-budget": "2k", "outcomes": "rebrands that lift repeat sales",
	"links": "https://dribbble.com/alice https://alice.studio/testimonials", "contact": "e-mail first, alice@studio.com",
	"timezone": "Europe/Berlin", "availability": "busy", "amounts": "private",
}

func (p *parser) profileValue(field string, i int) (Command, error) {
	raw := p.rest(i)
	h := valueHint("profile set "+field, fieldExamples[field])
	if raw == "" {
		return nil, p.failHint(h+"\nWrite `none` to clear it.", "What should your %s be?", field)
	}
	set := ProfileSet{Field: field}
	switch strings.ToLower(raw) {
	case "none", "-", "clear", "—", "n/a":
		set.Clear = true
		return set, nil
	}
	vals := texts(p.ts[i:])
	var err error
	switch field {
	case "tags":
		set.Values, err = p.tagsValue(vals, h)
	case "triggers":
		set.Values, err = p.triggersValue(raw, h)
	case "links":
		set.Values = linksValue(vals)
	case "billing":
		set.Values, set.MinBudget, err = p.billingValue(i, h)
	case "min-budget":
		set.Values = []string{raw}
		set.MinBudget, err = p.amountToEnd(i,
			p.failHint(h, "`%s` is not an amount I understand; write e.g. 2000, 2k or €1,500.", shorten(raw)))
	case "availability":
		set.Values, err = p.availabilityValue(raw, h)
	case "contact":
		set.Values = contactValue(vals)
	case "timezone":
		set.Values, err = p.timezoneValue(vals, raw, h)
	case "amounts":
		set.Values = []string{strings.ToLower(raw)}
		if set.Values[0] != "private" && set.Values[0] != "public" {
			err = p.failHint(h, "Deal amounts are `private` or `public`, not `%s`.", shorten(raw))
		}
	default:
		set.Values = []string{plain(raw)}
	}
	if err != nil {
		return nil, err
	}
	return set, nil
}

// tagsValue reads tags separated by spaces, commas or semicolons, with or
// without #.
func (p *parser) tagsValue(vals []string, h string) ([]string, error) {
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
	tags = core.NormalizeTags(tags)
	if len(tags) == 0 {
		return nil, p.failHint(h, "Give at least one tag.")
	}
	return tags, nil
}

func (p *parser) triggersValue(raw, h string) ([]string, error) {
	vals := phrases(plain(raw))
	if len(vals) == 0 {
		return nil, p.failHint(h, "Give at least one phrase a client would say.")
	}
	return vals, nil
}

// linksValue reads links separated by spaces or commas; a Slack link
// <https://x|label> is kept as its address.
func linksValue(vals []string) []string {
	var links []string
	for _, v := range vals {
		for l := range strings.FieldsFuncSeq(v, func(r rune) bool { return r == ',' }) {
			if target, _, ok := slackLink(l); ok && hasScheme(target) {
				l = target
			}
			links = append(links, plain(l))
		}
	}
	return links
}

// billingValue reads "hourly|fixed|retainer [min|minimum|from] [budget]
// [<amount>]" from p.ts[i].
func (p *parser) billingValue(i int, h string) ([]string, *core.Money, error) {
	first := p.ts[i].text
	approach := strings.ToLower(trimPunct(first))
	switch approach {
	case "hour", "per-hour", "hourly-rate":
		approach = "hourly"
	case "fixed-price", "project", "per-project", "flat":
		approach = "fixed"
	case "monthly", "retained":
		approach = "retainer"
	}
	if approach != "hourly" && approach != "fixed" && approach != "retainer" {
		return nil, nil, p.failHint(h, "Billing is hourly, fixed or retainer, not `%s`.", shorten(first))
	}
	j := i + 1
	if j >= len(p.ts) {
		return []string{approach}, nil, nil
	}
	if w := strings.ToLower(p.ts[j].text); w == "min" || w == "minimum" || w == "from" {
		j++
	}
	if j < len(p.ts) && strings.EqualFold(p.ts[j].text, "budget") {
		j++
	}
	if j >= len(p.ts) {
		return nil, nil, p.failHint(h, "Give the minimum budget after `min`, e.g. `fixed min 2k`.")
	}
	m, err := p.amountToEnd(j,
		p.failHint(h, "`%s` is not a minimum budget I understand; write e.g. `%s min 2k`.", shorten(p.rest(j)), approach))
	if err != nil {
		return nil, nil, err
	}
	return []string{approach}, m, nil
}

func (p *parser) availabilityValue(raw, h string) ([]string, error) {
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
	return []string{a}, nil
}

// contactValue keeps the words as typed, with Slack's e-mail and web
// links unwrapped.
func contactValue(vals []string) []string {
	var parts []string
	for _, v := range vals {
		if c, _, ok := contactOf(v); ok && c != "" {
			parts = append(parts, c)
		} else {
			parts = append(parts, plain(v))
		}
	}
	return []string{strings.Join(parts, " ")}
}

func (p *parser) timezoneValue(vals []string, raw, h string) ([]string, error) {
	if len(vals) != 1 {
		return nil, p.failHint(h, "A time zone is one name like Europe/Berlin, not `%s`.", shorten(raw))
	}
	return []string{vals[0]}, nil
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
