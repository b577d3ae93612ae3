package bot

import (
	"context"
	"strings"

	"github.com/referbot/referbot/core"
)

// What adapters may ask of the bot besides commands and clicks: whether a
// platform delivery is new, the member's home view, autocomplete choices.
// Adapters speak to the bot only, never to core's service behind it.

// FirstDelivery reports whether a platform request (keyed by its trigger,
// event or interaction id) to a team (Slack team, Discord guild) is seen
// for the first time; a retry or a replay is skipped, so nothing is
// applied twice. A request that names no team is always new (it can
// change nothing).
func (b *Bot) FirstDelivery(ctx context.Context, p core.Platform, team, key string) (bool, error) {
	return b.svc.FirstDelivery(ctx, p, team, key)
}

// Home is a member's own pipeline, as App Home shows it.
type Home struct {
	Member   core.Member
	Received []core.Referral
	Given    []core.Referral
	Open     []core.Referral // leads they could claim
	Stats    Message         // their figures this quarter
}

// Home gathers the member's pipeline and figures, as they may see them.
func (b *Bot) Home(ctx context.Context, id core.Identity) (*Home, error) {
	c, err := b.svc.Join(ctx, id)
	if err != nil {
		return nil, err
	}
	h := &Home{Member: c.Member}
	for _, l := range []struct {
		kind core.ListKind
		into *[]core.Referral
	}{{core.ListReceived, &h.Received}, {core.ListGiven, &h.Given}, {core.ListOpen, &h.Open}} {
		if *l.into, err = b.svc.List(ctx, c, l.kind); err != nil {
			return nil, err
		}
	}
	st, err := b.svc.Stats(ctx, c, core.StatsRequest{Period: "quarter", Top: statsRows})
	if err != nil {
		return nil, err
	}
	h.Stats = StatsMessage(st)
	return h, nil
}

// Choice is one autocomplete suggestion: what is shown and what is filled in.
type Choice struct {
	Name  string
	Value string
}

// maxChoices is the most suggestions a platform shows (Discord: 25).
const maxChoices = 25

// Autocomplete suggests values for an option being typed: referral codes
// (the caller's own, or open leads for claim and interested) and tags.
// command is the subcommand path ("claim", "won", ...), option the option's
// name and typed what is typed so far. Errors give no suggestions.
func (b *Bot) Autocomplete(ctx context.Context, id core.Identity, command, option, typed string) []Choice {
	out := []Choice{}
	c, err := b.svc.Join(ctx, id)
	if err != nil {
		return out
	}
	add := func(name, value string) {
		if len(out) < maxChoices {
			out = append(out, Choice{Name: name, Value: value})
		}
	}
	typed = strings.TrimSpace(typed)
	switch option {
	case "code":
		typed = strings.ToUpper(typed)
		kind := core.ListMine
		if command == "claim" || command == "interested" {
			kind = core.ListOpen
		}
		rs, err := b.svc.List(ctx, c, kind)
		if err != nil {
			return out
		}
		for _, r := range rs {
			code := r.Code.String()
			if typed != "" && !strings.Contains(code, strings.TrimPrefix(typed, "R-")) {
				continue
			}
			label := code + " · " + r.Need
			if r.ClientName != "" {
				label = code + " · " + r.ClientName + " — " + r.Need
			}
			add(label+" ("+string(r.Status)+")", code)
		}
	case "tags":
		lower := strings.ToLower(typed)
		words := strings.Fields(lower)
		last, before := "", strings.Join(words, " ")
		if len(words) > 0 && !strings.HasSuffix(typed, " ") {
			last, before = words[len(words)-1], strings.Join(words[:len(words)-1], " ")
		}
		ts, err := b.svc.Tags(ctx, c, strings.TrimPrefix(last, "#"), maxChoices)
		if err != nil {
			return out
		}
		for _, t := range ts {
			v := strings.TrimSpace(before + " " + t)
			add(v, v)
		}
	}
	return out
}
