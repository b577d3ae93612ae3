package bot

import (
	"strings"

	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/core"
)

// A button carries a path, such as "/refer/claim/R-1042", rather than
// command text: a Router reads it back into the typed command it stands
// for, filling the command's fields from the path's variables. Nothing is
// turned back into text, so the grammar parses only what people type, and
// a click and a typed command run the same handler.

// Vars are the variables a path matched, by name: {code} in
// "/refer/claim/{code}" is Vars["code"].
type Vars map[string]string

// Code reads the {code} variable as a referral code.
func (v Vars) Code() (core.Code, error) {
	c, err := core.ParseCode(v["code"])
	if err != nil {
		return 0, staleButton()
	}
	return c, nil
}

// RouteFunc builds the command a matched path stands for.
type RouteFunc func(v Vars) (grammar.Command, error)

// Router maps path patterns to the commands they stand for. A pattern is
// a path whose segments are literal words or {name} variables; a path
// matches when it has as many segments and every literal is equal.
type Router struct{ routes []route }

type route struct {
	segments []string
	build    RouteFunc
}

// Route adds a pattern; the first added that matches a path wins.
func (r *Router) Route(pattern string, build RouteFunc) {
	r.routes = append(r.routes, route{segments: strings.Split(pattern, "/"), build: build})
}

// maxPath is the longest path read: button ids are short, and Slack caps
// them at 255 characters.
const maxPath = 200

// staleButton answers a path no route knows: a button from an older
// version of the bot, or one that was tampered with.
func staleButton() error {
	return core.Errorf(core.EINVALID, "That button is no longer valid.").WithHint("Type /refer help for commands.")
}

// Command reads path back into its command. A path no route matches is
// an EINVALID error saying the button is no longer valid.
func (r *Router) Command(path string) (grammar.Command, error) {
	if len(path) > maxPath {
		return nil, staleButton()
	}
	segments := strings.Split(path, "/")
	for _, rt := range r.routes {
		if v, ok := rt.match(segments); ok {
			cmd, err := rt.build(v)
			if err != nil {
				return nil, err
			}
			return cmd, nil
		}
	}
	return nil, staleButton()
}

func (rt route) match(segments []string) (Vars, bool) {
	if len(segments) != len(rt.segments) {
		return nil, false
	}
	var v Vars
	for i, want := range rt.segments {
		name, isVar := strings.CutPrefix(want, "{")
		switch {
		case isVar && segments[i] != "":
			if v == nil {
				v = Vars{}
			}
			v[strings.TrimSuffix(name, "}")] = segments[i]
		case isVar || segments[i] != want:
			return nil, false
		}
	}
	return v, true
}

// withCode is a route whose command needs only the referral's code.
func withCode[C grammar.Command](build func(core.Code) C) RouteFunc {
	return func(v Vars) (grammar.Command, error) {
		c, err := v.Code()
		if err != nil {
			return nil, err
		}
		return build(c), nil
	}
}

// actions are the paths of the bot's buttons (see action and nextButtons)
// and the commands they stand for. Won, Decline, Lost and Dispute with the
// code only stand for a step that needs more (grammar.Check says what): a
// platform opens a form for it, or the clicker is told what to type.
var actions = func() *Router {
	r := &Router{}
	r.Route("/refer/claim/{code}", withCode(func(c core.Code) grammar.Claim { return grammar.Claim{Code: c} }))
	r.Route("/refer/interested/{code}", withCode(func(c core.Code) grammar.Interested { return grammar.Interested{Code: c} }))
	r.Route("/refer/accept/{code}", withCode(func(c core.Code) grammar.Accept { return grammar.Accept{Code: c} }))
	r.Route("/refer/decline/{code}", withCode(func(c core.Code) grammar.Decline { return grammar.Decline{Code: c} }))
	r.Route("/refer/won/{code}", withCode(func(c core.Code) grammar.Won { return grammar.Won{Code: c} }))
	r.Route("/refer/lost/{code}", withCode(func(c core.Code) grammar.Lost { return grammar.Lost{Code: c} }))
	r.Route("/refer/thanks/{code}", withCode(func(c core.Code) grammar.Thanks { return grammar.Thanks{Code: c} }))
	r.Route("/refer/show/{code}", withCode(func(c core.Code) grammar.Show { return grammar.Show{Code: c} }))
	r.Route("/refer/undo/{code}", withCode(func(c core.Code) grammar.Undo { return grammar.Undo{Code: c} }))
	r.Route("/refer/status/{code}/{stage}", statusRoute)
	r.Route("/refer/pick/{code}/{user}", pickRoute)
	r.Route("/refer/won/{code}/confirm/{amount}", confirmWonRoute)
	r.Route("/refer/forget/confirm", func(Vars) (grammar.Command, error) { return grammar.Forget{Confirm: true}, nil })
	r.Route("/refer/reminders/{mode}", remindersRoute)
	r.Route("/refer/confirm/{code}", withCode(func(c core.Code) grammar.Confirm { return grammar.Confirm{Code: c} }))
	r.Route("/refer/dispute/{code}", withCode(func(c core.Code) grammar.Dispute { return grammar.Dispute{Code: c} }))
	r.Route("/refer/fee/{code}/{step}", feeRoute)
	r.Route(ChooseChannel+"/{channel}", channelRoute)
	return r
}()

// ChooseChannel is the action of the channel picker (see channelNeeded):
// the platform appends the chosen channel's id.
const ChooseChannel = "/refer/config/channel"

// channelRoute reads "/refer/config/channel/C123": the network's channel
// chosen in a picker, set as `/refer config channel` would set it.
func channelRoute(v Vars) (grammar.Command, error) {
	if !platformID(v["channel"]) {
		return nil, staleButton()
	}
	return grammar.Config{Key: "channel", Args: []string{"<#" + v["channel"] + ">"}}, nil
}

// ActionCommand reads a button's action path back into the command it
// stands for. It may be one that needs more input (a Won without its
// value): grammar.Check says so, and what to type.
func ActionCommand(path string) (grammar.Command, error) { return actions.Command(path) }

// statusRoute reads "/refer/status/R-1042/meeting". A button for won or
// lost there carries no value or reason: it answers what to type.
func statusRoute(v Vars) (grammar.Command, error) {
	c, err := v.Code()
	if err != nil {
		return nil, err
	}
	switch st := core.Status(v["stage"]); st {
	case core.StatusContacted, core.StatusMeeting, core.StatusProposal:
		return grammar.Status{Code: c, Stage: st}, nil
	case core.StatusWon:
		return nil, grammar.Check(grammar.Won{Code: c})
	case core.StatusLost:
		return nil, grammar.Check(grammar.Lost{Code: c})
	}
	return nil, staleButton()
}

// pickRoute reads "/refer/pick/R-1042/U123": the member by platform id.
func pickRoute(v Vars) (grammar.Command, error) {
	c, err := v.Code()
	if err != nil {
		return nil, err
	}
	if !platformID(v["user"]) {
		return nil, staleButton()
	}
	return grammar.Pick{Code: c, Member: core.MemberRef{UserID: v["user"]}}, nil
}

// platformID accepts a platform user id as a mention carries one: ASCII
// letters and digits, at most 64.
func platformID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return false
		}
	}
	return true
}

// confirmWonRoute reads "/refer/won/R-1042/confirm/5000000EUR": a won
// value far above the usual deals, confirmed (see confirmWon).
func confirmWonRoute(v Vars) (grammar.Command, error) {
	c, err := v.Code()
	if err != nil {
		return nil, err
	}
	amount := v["amount"]
	m, err := core.ParseMoney(amount)
	if err != nil || strings.Contains(amount, " ") || m.Cents <= 0 {
		return nil, staleButton()
	}
	return grammar.Won{Code: c, Value: m, Confirm: true}, nil
}

// remindersRoute reads "/refer/reminders/on" and "/refer/reminders/off".
func remindersRoute(v Vars) (grammar.Command, error) {
	switch mode := v["mode"]; mode {
	case "on", "off":
		mute := mode == "off"
		return grammar.Reminders{Mute: &mute}, nil
	}
	return nil, staleButton()
}
