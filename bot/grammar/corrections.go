package grammar

import (
	"strings"

	"github.com/referbot/referbot/core"
)

// Undo reverts the caller's own last change on a referral: a stage move,
// won or lost, a thank-you or a rating (`undo`, `revert`).
type Undo struct{ Code core.Code }

// Correct sets the won value of a won referral (always > 0): `correct
// R-1042 <value> [note]`.
type Correct struct {
	Code  core.Code
	Value core.Money
	Note  string
}

// CoOwner makes Member co-owner of a referral, or with Member nil (typed
// `none`) takes the co-owner off.
type CoOwner struct {
	Code   core.Code
	Member *core.MemberRef
}

func (Undo) Name() string    { return "undo" }
func (Correct) Name() string { return "correct" }
func (CoOwner) Name() string { return "coowner" }

func (p *parser) undo() (Command, error) {
	c, err := p.codeOnly()
	return Undo{Code: c}, err
}

func (p *parser) correct() (Command, error) {
	if err := p.takeCode(); err != nil {
		return nil, err
	}
	if len(p.ts) == 0 {
		return nil, p.fail("What is the right value? Add it after the code.")
	}
	m, n, err := moneyAt(p.ts, 0, "~")
	if err != nil {
		return nil, amountErr(err, p.ts[0].text,
			p.fail("`%s` is not an amount I understand; write the value like 4800, 4.8k, $12,500 or 900 EUR.", shorten(p.ts[0].text)))
	}
	if m.Cents <= 0 {
		return nil, p.failHint("If it wasn't won after all, reopen it: `/refer undo "+p.code.String()+"`",
			"A won deal's value must be more than zero.")
	}
	return Correct{Code: p.code, Value: m, Note: plain(p.rest(n))}, nil
}

// noCoOwner are the words that take a co-owner off.
var noCoOwner = map[string]bool{"none": true, "nobody": true, "off": true, "remove": true, "-": true}

func (p *parser) coowner() (Command, error) {
	if len(p.ts) == 2 && noCoOwner[strings.ToLower(trimPunct(p.ts[1].text))] {
		if err := p.takeCode(); err != nil {
			return nil, err
		}
		return CoOwner{Code: p.code}, nil
	}
	code, m, err := p.codeAndMember("co-owner")
	if err != nil {
		return nil, err
	}
	return CoOwner{Code: code, Member: &m}, nil
}
