package grammar

import "github.com/referbot/referbot/core"

// What the grammar offers commands that were not typed as one line: a
// button's path read back into a command (bot's router), and Discord's
// typed subcommands whose options still hold free text.

// Check reports what a command built from typed values lacks that Parse
// would have asked for, in the same words and with the same hint: a Won
// without its value, a Decline, a Lost or a Dispute without a reason. A button that
// stands for such a step carries only the referral's code; a platform
// opens a form for the rest, or the member is told what to type.
func Check(cmd Command) error {
	var err error
	switch x := cmd.(type) {
	case Won:
		if x.Value.IsZero() {
			_, err = (&parser{name: x.Name(), code: x.Code}).wonArgs()
		}
	case Decline:
		if x.Reason == "" {
			_, err = (&parser{name: x.Name(), code: x.Code}).declineArgs()
		}
	case Lost:
		if x.Reason == "" {
			_, err = (&parser{name: x.Name(), code: x.Code}).lostArgs()
		}
	case Dispute:
		if x.Reason == "" {
			_, err = (&parser{name: x.Name(), code: x.Code}).disputeArgs()
		}
	}
	return err
}

// ParseArgs reads what a member typed as the arguments of the subcommand
// name (canonical, as Name returns it), by the rules Parse applies after
// the subcommand's word: for a platform whose typed options already chose
// the subcommand but hold free text (a help topic, a profile value, a
// setting). It never panics; bad input returns a *core.Error as Parse does.
func ParseArgs(name, args string) (cmd Command, err error) {
	defer func() {
		if r := recover(); r != nil {
			cmd, err = nil, core.Errorf(core.EINVALID, "I couldn't make sense of that command.").
				WithHint("Type `/refer help` to see every command.")
		}
	}()
	sp := lookup(name)
	if sp == nil {
		return nil, core.Errorf(core.EINVALID, "I don't know `/refer %s`.", shorten(name)).
			WithHint("Type `/refer help` to see every command.")
	}
	s, err := clean(args)
	if err != nil {
		return nil, err
	}
	return (&parser{name: sp.name, alias: sp.name, s: s, ts: tokenize(s)}).run()
}
