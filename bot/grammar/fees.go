package grammar

import (
	"strings"

	"github.com/referbot/referbot/core"
)

// The fee and leaderboard commands: confirm and dispute a won value, mark
// a fee paid or received, list fees, and the leaderboard; and the
// `fee ...` option of a referral or a lead.

// Confirm is the referrer agreeing with a won value: `confirm R-1042`.
type Confirm struct{ Code core.Code }

// Dispute is the referrer disputing a won value, with a reason the
// receiver and the admins read: `dispute R-1042 <reason>`.
type Dispute struct {
	Code   core.Code
	Reason string
}

// Fee records a fee's payment: `fee R-1042 paid` (the receiver) or
// `fee R-1042 received` (the referrer). Step is core.FeePaid or
// core.FeeReceived.
type Fee struct {
	Code core.Code
	Step core.FeeStatus
}

// Fees lists fees: `fees [owed|paid|awaiting|disputed|all] [period]`.
// Filter is a key of core.FeeFilters; Period is passed on as typed.
type Fees struct {
	Filter string
	Period string
}

// Leaderboard asks for the leaderboard: `leaderboard [period]`.
type Leaderboard struct{ Period string }

func (Confirm) Name() string     { return "confirm" }
func (Dispute) Name() string     { return "dispute" }
func (Fee) Name() string         { return "fee" }
func (Fees) Name() string        { return "fees" }
func (Leaderboard) Name() string { return "leaderboard" }

func (p *parser) confirm() (Command, error) {
	c, err := p.codeOnly()
	return Confirm{Code: c}, err
}

func (p *parser) dispute() (Command, error) {
	if err := p.takeCode(); err != nil {
		return nil, err
	}
	return p.disputeArgs()
}

// disputeArgs reads what follows dispute's code: the reason.
func (p *parser) disputeArgs() (Command, error) {
	reason := plain(p.rest(0))
	if reason == "" {
		return nil, p.fail("Say what is wrong with the won value, so the receiver can put it right.")
	}
	return Dispute{Code: p.code, Reason: reason}, nil
}

// feeSteps are the words for a fee's payment, by who says them.
var feeSteps = map[string]core.FeeStatus{
	"paid": core.FeePaid, "pay": core.FeePaid, "payed": core.FeePaid, "settled": core.FeePaid,
	"received": core.FeeReceived, "receive": core.FeeReceived, "got": core.FeeReceived, "recieved": core.FeeReceived,
}

// fee reads `fee R-1042 paid|received`; `fee owed` and the like, without
// a code, are read as `fees`.
func (p *parser) fee() (Command, error) {
	if len(p.ts) == 0 || !isExplicitCode(trimPunct(p.ts[0].text)) && !allDigitsText(p.ts[0].text) {
		p.name = "fees"
		return p.fees()
	}
	if err := p.takeCode(); err != nil {
		return nil, err
	}
	if len(p.ts) != 1 {
		return nil, p.fail("Say paid (you paid the fee) or received (you got it), and nothing else.")
	}
	w := strings.ToLower(trimPunct(p.ts[0].text))
	step, ok := feeSteps[w]
	if !ok {
		return nil, p.fail("`%s` is not a step of a fee%s. Say paid (you paid it) or received (you got it).",
			shorten(p.ts[0].text), didYouMean(w, []string{"paid", "received"}))
	}
	return Fee{Code: p.code, Step: step}, nil
}

func allDigitsText(s string) bool {
	s = strings.TrimPrefix(trimPunct(s), "#")
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// feeFilterWords are the words `fees` takes for core.FeeFilters.
var feeFilterWords = map[string]string{
	"owed": "owed", "owing": "owed", "due": "owed", "unpaid": "owed", "outstanding": "owed", "open": "owed",
	"paid": "paid", "received": "paid", "settled": "paid",
	"awaiting": "awaiting", "unconfirmed": "awaiting", "pending": "awaiting",
	"disputed": "disputed", "dispute": "disputed", "disputes": "disputed",
	"all": "", "everything": "",
}

// fees reads `fees [owed|paid|awaiting|disputed|all] [period]`, the
// filter before or after the period.
func (p *parser) fees() (Command, error) {
	var f Fees
	var period []string
	seen := false
	for _, t := range p.ts {
		w := strings.ToLower(trimPunct(t.text))
		if filter, ok := feeFilterWords[w]; ok {
			if seen {
				return nil, p.fail("List one kind of fee at a time: owed, paid, awaiting or disputed.")
			}
			f.Filter, seen = filter, true
			continue
		}
		period = append(period, t.text)
	}
	f.Period = strings.Join(period, " ")
	return f, nil
}

func (p *parser) leaderboard() (Command, error) {
	return Leaderboard{Period: p.rest(0)}, nil
}

// isFeeWord is the word a referral's fee option starts with.
func isFeeWord(s string) bool {
	switch strings.ToLower(strings.TrimSuffix(s, ":")) {
	case "fee", "fees":
		return true
	}
	return false
}

// feeAt reads the fee terms after the word fee at ts[i]: "fee 10%", "fee
// 12.5%", "fee 300", "fee EUR 300", "fee $300", "fee reciprocal", "fee
// none". ok is false when what follows is no fee ("fee structure"): the
// word is then part of the need. It returns how many tokens it took.
func (p *parser) feeAt(ts []token, i int) (f core.FeeTerms, n int, ok bool, err error) {
	if i+1 >= len(ts) {
		return f, 0, false, nil
	}
	next := trimPunct(ts[i+1].text)
	switch strings.ToLower(next) {
	case "none", "no", "reciprocal", "reciprocity", "mutual":
		kind := core.FeeNone
		if strings.HasPrefix(strings.ToLower(next), "recip") || strings.EqualFold(next, "mutual") {
			kind = core.FeeReciprocal
		}
		return core.FeeTerms{Kind: kind}, 2, true, nil
	}
	if strings.HasSuffix(next, "%") {
		f, err := core.ParseFee(next)
		if err != nil {
			return f, 0, false, p.fail("`%s` is not a share I can read; write a fee like `fee 10%%` or `fee 12.5%%`.", shorten(next))
		}
		return f, 2, true, nil
	}
	if !strings.ContainsAny(next, "0123456789") && !isCurrencySign(next) {
		return f, 0, false, nil
	}
	m, k, err := moneyAt(ts, i+1, "")
	if err != nil {
		typed := next
		if isCurrencySign(next) && i+2 < len(ts) {
			typed += " " + ts[i+2].text // "EUR 12,5": explain the number
		}
		return f, 0, false, amountErr(err, typed,
			p.fail("`%s` is not a fee I understand; write fee 10%%, fee 300, fee EUR 300, fee reciprocal or fee none.", shorten(next)))
	}
	if m.Cents <= 0 {
		return f, 0, false, p.fail("A fixed fee must be more than zero; write `fee none` for no fee.")
	}
	return core.FeeTerms{Kind: core.FeeFixed, FixedCents: m.Cents, Currency: m.Currency}, 1 + k, true, nil
}
