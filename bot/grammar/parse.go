package grammar

import (
	"fmt"
	"slices"
	"strings"

	"github.com/referbot/referbot/core"
)

// Parse reads the text after "/refer". It never panics; on bad input it
// returns a *core.Error (code EINVALID) whose Message says what's wrong and
// whose Hint gives the usage line(s) to type instead. Empty text is Help.
func Parse(text string) (cmd Command, err error) {
	defer func() {
		if r := recover(); r != nil {
			// A bug, not the member's fault; still answer with help.
			cmd, err = nil, core.Errorf(core.EINVALID, "I couldn't make sense of that command.").
				WithHint("Type `/refer help` to see every command.")
		}
	}()
	return parse(text)
}

func parse(text string) (Command, error) {
	s, err := clean(text)
	if err != nil {
		return nil, err
	}
	ts := tokenize(s)
	if len(ts) == 0 {
		return Help{}, nil
	}
	first := ts[0].text
	if _, kind := parseMention(first); kind != notMention {
		return parseRefer(s, ts)
	}
	sp := lookup(first)
	if sp == nil {
		return nil, unknown(s, ts)
	}
	p := &parser{name: sp.name, alias: strings.ToLower(first), s: s, ts: ts[1:]}
	cmd, err := p.run()
	if err != nil {
		return nil, err // never a half-filled command
	}
	return cmd, nil
}

// run parses the arguments of p's subcommand.
func (p *parser) run() (Command, error) {
	if sub, ok := subparsers[p.name]; ok {
		return sub(p)
	}
	return nil, p.fail("I don't know `/refer %s` yet.", p.name)
}

// subparsers reads the arguments of each subcommand, by canonical name
// (the names of specs in usage.go; a test keeps the two alike). doc.go
// says which file holds which.
var subparsers = map[string]func(*parser) (Command, error){
	"help":        (*parser).help,
	"refer":       (*parser).refer,
	"lead":        (*parser).lead,
	"claim":       (*parser).claim,
	"interested":  (*parser).interested,
	"accept":      (*parser).accept,
	"show":        (*parser).show,
	"pick":        (*parser).pick,
	"reassign":    (*parser).reassign,
	"decline":     (*parser).decline,
	"status":      (*parser).status,
	"won":         (*parser).won,
	"lost":        (*parser).lost,
	"thanks":      (*parser).thanks,
	"feedback":    (*parser).feedback,
	"list":        (*parser).list,
	"profile":     (*parser).profile,
	"who":         (*parser).who,
	"touch":       (*parser).touch,
	"buddy":       (*parser).buddy,
	"stats":       (*parser).stats,
	"config":      (*parser).config,
	"reminders":   (*parser).reminders,
	"undelivered": (*parser).undelivered,
	"export":      (*parser).export,
	"forget":      (*parser).forget,
	"confirm":     (*parser).confirm,
	"dispute":     (*parser).dispute,
	"fee":         (*parser).fee,
	"fees":        (*parser).fees,
	"leaderboard": (*parser).leaderboard,
	"undo":        (*parser).undo,
	"correct":     (*parser).correct,
	"coowner":     (*parser).coowner,
	"flags":       (*parser).flags,
	"dashboard":   (*parser).dashboard,
}

// unknown explains an unknown first word, with the nearest subcommand.
func unknown(s string, ts []token) error {
	word := ts[0].text
	msg := fmt.Sprintf("I don't know `/refer %s`.", shorten(word))
	if _, err := core.ParseCode(word); err == nil && len(ts) == 1 {
		return core.Errorf(core.EINVALID, "What should I do with %s?", strings.TrimPrefix(word, "#")).
			WithHint("Type e.g. `/refer show %s`, `/refer claim %s` or `/refer accept %s`.", word, word, word)
	}
	if _, _, ok := splitDash(s); ok && isName(word) && lookup(word) == nil && len(suggest(word, allNames)) == 0 {
		// "/refer bob Acme — site": a referral without the @.
		h := "Type: `/refer @partner <client name> — <need>`\nOr post it for everyone: `/refer lead <need>`"
		if rest := restFrom(s, ts, 1); len(s) <= 120 && rest != "" {
			h = fmt.Sprintf("If %s is the partner, type: `/refer @%s %s`\nOr post it for everyone: `/refer lead %s`", word, word, rest, rest)
		}
		return core.Errorf(core.EINVALID, "%s To refer a client to a partner, start with the partner's @mention.", msg).
			WithHint("%s", h)
	}
	if sug := suggestCommand(word); len(sug) > 0 {
		var cmds []string
		for _, n := range sug {
			rest := restFrom(s, ts, 1)
			if rest != "" {
				rest = " " + rest
			}
			if len(rest) > 40 {
				rest = ""
			}
			cmds = append(cmds, "/refer "+n+rest)
		}
		return core.Errorf(core.EINVALID, "%s", msg).
			WithHint("Did you mean %s? Type `/refer help` to see every command.", orList(cmds))
	}
	return core.Errorf(core.EINVALID, "%s", msg).
		WithHint("Type `/refer help` to see every command, or `/refer @partner <client> — <need>` to refer a client.")
}

// parser reads the arguments of one subcommand.
type parser struct {
	name  string // canonical subcommand
	alias string // the word typed, lower-cased (an alias or the name)
	code  core.Code
	s     string  // the whole cleaned text
	ts    []token // the arguments (after the subcommand word)
}

// fail returns an EINVALID error whose hint is the subcommand's usage.
func (p *parser) fail(format string, args ...any) error {
	return core.Errorf(core.EINVALID, format, args...).WithHint("%s", hint(p.name, p.code))
}

// failHint returns an EINVALID error with a specific hint.
func (p *parser) failHint(hintText, format string, args ...any) error {
	return core.Errorf(core.EINVALID, format, args...).WithHint("%s", hintText)
}

func (p *parser) rest(i int) string { return restFrom(p.s, p.ts, i) }

// shorten quotes the member's text in a message: at most 30 characters,
// and no backticks that would break the message's code markup.
func shorten(s string) string {
	s = strings.ReplaceAll(s, "`", "'")
	if r := []rune(s); len(r) > 30 {
		return string(r[:30]) + "…"
	}
	return s
}

// member reads a mention at ts[i].
func (p *parser) member(i int, role string) (core.MemberRef, error) {
	if i >= len(p.ts) {
		return core.MemberRef{}, p.fail("Name the %s with @, e.g. @alice.", role)
	}
	ref, kind := parseMention(p.ts[i].text)
	switch kind {
	case isGroup:
		return ref, p.fail("`%s` is a group, not one member: name the %s with @, e.g. @alice.", shorten(p.ts[i].text), role)
	case notMention:
		return ref, p.fail("Name the %s with @, e.g. @alice (not `%s`).", role, shorten(p.ts[i].text))
	}
	return ref, nil
}

func (p *parser) help() (Command, error) {
	if len(p.ts) == 0 {
		return Help{}, nil
	}
	topic := strings.TrimPrefix(strings.ToLower(p.ts[0].text), "/")
	if topic == "refer" && len(p.ts) > 1 {
		topic = strings.ToLower(p.ts[1].text)
	}
	if strings.HasPrefix(topic, "@") || strings.HasPrefix(topic, "<@") {
		topic = "refer"
	}
	if s := lookup(topic); s != nil {
		return Help{Topic: s.name}, nil
	}
	if sug := suggestCommand(topic); len(sug) > 0 {
		var cmds []string
		for _, n := range sug {
			cmds = append(cmds, "/refer help "+n)
		}
		return nil, p.failHint(fmt.Sprintf("Did you mean %s?", orList(cmds)), "There's no `/refer %s`.", shorten(topic))
	}
	return nil, p.failHint("Type `/refer help` to see every command.", "There's no `/refer %s`.", shorten(topic))
}

// canonical reads w (already lower-cased) as one of names, itself or
// through an alias: a profile field, a setting.
func canonical(w string, aliases map[string]string, names []string) (string, bool) {
	if n, ok := aliases[w]; ok {
		w = n
	}
	return w, slices.Contains(names, w)
}
