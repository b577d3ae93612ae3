package grammar

import (
	"strings"

	"github.com/referbot/referbot/core"
)

// configAliases maps what people type to core.ConfigKeys.
var configAliases = map[string]string{
	"tz": "timezone", "time-zone": "timezone", "zone": "timezone",
	"expiry": "lead-expiry", "lead-expiry-days": "lead-expiry", "leadexpiry": "lead-expiry",
	"stale": "stale-days", "staledays": "stale-days",
	"quiet-hours": "quiet", "fees": "fee", "admins": "admin",
	"undo": "undo-window", "undo-hours": "undo-window", "release": "release-after", "auto-release": "release-after",
	"cap": "daily-cap", "dailycap": "daily-cap", "daily-limit": "daily-cap",
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
	key, ok := canonical(w, configAliases, core.ConfigKeys)
	if !ok {
		return nil, p.fail("There is no setting `%s`%s. Settings: %s.", shorten(p.ts[0].text),
			didYouMean(w, core.ConfigKeys), strings.Join(core.ConfigKeys, ", "))
	}
	c := Config{Key: key, Args: texts(p.ts[1:])}
	h := valueHint("config "+key, configExamples[key])
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
	"schedule": `weekly-digest "0 9 * * MON"`, "undo-window": "24h", "release-after": "21d", "daily-cap": "10",
}

func (p *parser) undelivered() (Command, error) {
	retry, err := p.onlyWord("retry")
	if err != nil {
		return nil, err
	}
	return Undelivered{Retry: retry}, nil
}

func (p *parser) export() (Command, error) {
	switch {
	case len(p.ts) == 0:
		return Export{}, nil
	case len(p.ts) == 1 && strings.EqualFold(p.ts[0].text, "csv"):
		return Export{CSV: true}, nil
	case len(p.ts) == 1 && strings.EqualFold(p.ts[0].text, "json"):
		return Export{}, nil
	}
	return nil, p.fail("`/refer export` takes nothing after it, or csv for your referrals as a spreadsheet.")
}

func (p *parser) forget() (Command, error) {
	confirm, err := p.onlyWord("confirm")
	if err != nil {
		return nil, err
	}
	return Forget{Confirm: confirm}, nil
}

// onlyWord reads a subcommand that takes nothing or one given word after
// it (`undelivered retry`, `forget confirm`) and reports whether the word
// was there.
func (p *parser) onlyWord(w string) (bool, error) {
	switch {
	case len(p.ts) == 0:
		return false, nil
	case len(p.ts) == 1 && strings.EqualFold(p.ts[0].text, w):
		return true, nil
	}
	return false, p.fail("`/refer %s` takes only the word %s after it.", p.name, w)
}
