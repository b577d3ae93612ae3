package grammar

import (
	"strconv"
	"strings"

	"github.com/referbot/referbot/core"
)

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
		return nil, p.fail("`%s` is not a kind of touchpoint%s. Use coffee, call, shared-content, intro or meeting.",
			shorten(p.ts[1].text), didYouMean(w, strs(core.TouchKinds)))
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
