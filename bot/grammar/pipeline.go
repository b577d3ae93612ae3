package grammar

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/referbot/referbot/core"
)

// takeCode reads the referral code that every pipeline command starts with.
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

func (p *parser) codeOnly() (core.Code, error) {
	if err := p.takeCode(); err != nil {
		return 0, err
	}
	if len(p.ts) > 0 {
		return 0, p.fail("`/refer %s` takes only the referral code, not `%s`.", p.name, shorten(p.rest(0)))
	}
	return p.code, nil
}

func (p *parser) claim() (Command, error) {
	c, err := p.codeOnly()
	return Claim{Code: c}, err
}

func (p *parser) interested() (Command, error) {
	if len(p.ts) > 1 && strings.EqualFold(p.ts[0].text, "hand") {
		p.ts = p.ts[1:] // "raise hand R-1042"
	}
	c, err := p.codeOnly()
	return Interested{Code: c}, err
}

func (p *parser) accept() (Command, error) {
	c, err := p.codeOnly()
	return Accept{Code: c}, err
}

func (p *parser) show() (Command, error) {
	c, err := p.codeOnly()
	return Show{Code: c}, err
}

func (p *parser) pick() (Command, error) {
	code, m, err := p.codeAndMember("member to give the lead to")
	return Pick{Code: code, Member: m}, err
}

func (p *parser) reassign() (Command, error) {
	code, m, err := p.codeAndMember("partner to send it to")
	return Reassign{Code: code, Member: m}, err
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

// declineArgs reads what follows decline's code: the reason.
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
		return nil, amountErr(err, p.ts[0].text,
			p.fail("`%s` is not an amount I understand; write the value like 4800, 4.8k, $12,500 or 900 EUR.", shorten(p.ts[0].text)))
	}
	if m.Cents <= 0 {
		return nil, p.fail("A won deal's value must be more than zero.")
	}
	return Won{Code: p.code, Value: m, Note: plain(p.rest(n)), Confirm: confirm}, nil
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
		cands := append([]string{"given", "received", "open", "mine", "all"}, strs(core.AllStatuses)...)
		return nil, p.fail("I can't list `%s`%s.", shorten(t.text), didYouMean(w, cands))
	}
	return l, nil
}
