package grammar

import (
	"strings"

	"github.com/referbot/referbot/core"
)

// flags reads `flags [period]` and `flags dismiss <flag-id> <reason>`.
func (p *parser) flags() (Command, error) {
	if len(p.ts) == 0 || !strings.EqualFold(p.ts[0].text, "dismiss") {
		if len(p.ts) > 1 {
			return nil, p.fail("`/refer flags` takes one period, e.g. `last-quarter` or `30d`.")
		}
		return Flags{Period: p.rest(0)}, nil
	}
	h := formHint("flags", 1)
	if len(p.ts) < 2 {
		return nil, p.failHint(h, "Which flag? Its ID is in `/refer flags`, e.g. F-1a2b3c.")
	}
	id, err := core.ParseFlagID(p.ts[1].text)
	if err != nil {
		return nil, p.failHint(h, "`%s` is not a flag ID; they look like F-1a2b3c.", shorten(p.ts[1].text))
	}
	reason := p.rest(2)
	if reason == "" {
		return nil, p.failHint(h, "Say why you dismiss %s, for the other admins.", id)
	}
	return FlagsDismiss{ID: id, Reason: reason}, nil
}
