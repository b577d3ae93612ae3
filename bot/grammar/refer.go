package grammar

import (
	"fmt"
	"strings"

	"github.com/referbot/referbot/core"
)

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
	tags, estimate, err := p.merge(cl, o)
	if err != nil {
		return nil, err
	}
	return Refer{
		To: to, ClientName: cl.name, Contact: cl.contact, Consent: cl.consent,
		Need: o.need, Tags: tags, Estimate: estimate, Temperature: o.temp, Fee: o.fee,
	}, nil
}

// merge joins what came before the dash and what came after it: the tags
// of both, and the one estimate either holds.
func (p *parser) merge(cl client, o opts) (tags []string, estimate core.Money, err error) {
	switch {
	case o.value != nil && cl.value != nil:
		return nil, estimate, p.fail("Give one estimated value, not 2.")
	case o.value != nil:
		estimate = *o.value
	case cl.value != nil:
		estimate = *cl.value
	}
	return core.NormalizeTags(append(cl.tags, o.tags...)), estimate, nil
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
	tags, estimate, err := p.merge(cl, o)
	if err != nil {
		return nil, err
	}
	return Lead{
		ClientName: cl.name, Contact: cl.contact, Consent: cl.consent,
		Need: o.need, Tags: tags, Estimate: estimate, Temperature: o.temp, ExpiryDays: o.expiry, Fee: o.fee,
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
		bare := "/refer @alice Acme Bakery — new logo"
		if p.name == "lead" {
			bare = "/refer lead bookkeeping for a bakery"
		}
		return cl, p.failHint(
			fmt.Sprintf("If they agreed, add `consent` after the contact: `%s`\nIf not, leave the contact out: `%s`", consentExample(p.name == "lead"), bare),
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
		return m, n, amountErr(err, tok,
			p.fail("`%s` is not an amount I understand; write the estimate like ~5000, ~5k, ~$12,500 or ~900EUR.", shorten(tok)))
	}
	if m.Cents <= 0 {
		return m, n, p.fail("The estimated value must be more than zero; leave it out if you don't know.")
	}
	return m, n, nil
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
		return p.failHint("Put contact details before the dash, followed by `consent` once the client agreed: `"+consentExample(lead)+"`",
			"The need is shown to others, so it can't hold contact details like `%s`.", shorten(plain(tok)))
	}
	return nil
}

// consentExample is the line that shows how to give a client's contact
// details, in a direct referral or in a lead.
func consentExample(lead bool) string {
	if lead {
		return "/refer lead Acme Bakery jane@acmebakery.com consent — bookkeeping"
	}
	return "/refer @alice Acme Bakery jane@acmebakery.com consent — new logo"
}
