package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/core"
)

// Bot turns requests from any platform into core operations and replies.
type Bot struct {
	svc   *core.Service
	log   *slog.Logger
	links Links // where the links the bot hands out point

	mu     sync.Mutex
	checks map[core.Platform]ChannelCheckFunc
}

// New returns a Bot over the service. Its links point under
// DefaultPublicURL unless an option says otherwise (WithPublicURL).
func New(svc *core.Service, log *slog.Logger, opts ...Option) *Bot {
	if log == nil {
		log = slog.Default()
	}
	b := &Bot{svc: svc, log: log, links: NewLinks(DefaultPublicURL)}
	for _, o := range opts {
		o(b)
	}
	return b
}

// Request is a `/refer` command as typed by someone.
type Request struct {
	Identity core.Identity
	Text     string // what followed "/refer"
}

// Handle runs a text command and returns the replies for the caller
// (ephemeral unless said otherwise). It always returns at least one
// message: bad input gets its error and usage, never silence.
func (b *Bot) Handle(ctx context.Context, req Request) []Message {
	cmd, err := grammar.Parse(req.Text)
	if err != nil {
		return []Message{ErrorMessage(err)}
	}
	return b.Run(ctx, req.Identity, cmd)
}

// Run executes a parsed command for the identity: the caller joins and
// the command runs, as one transaction with the record of its request key
// (id.RequestKey): a redelivered request that was applied returns no
// message at all, one that failed is applied now. Every handler returns an error rather than a reply for it; fail,
// the one error handler, turns it into the reply.
func (b *Bot) Run(ctx context.Context, id core.Identity, cmd grammar.Command) []Message {
	if h, ok := cmd.(grammar.Help); ok {
		return []Message{{Kind: "help", Title: helpTitle(h.Topic), Text: grammar.Usage(h.Topic)}}
	}
	if x, ok := cmd.(grammar.Refer); ok {
		// The same transaction, shared with the /refer requests that
		// arrive meanwhile (core's group commit).
		c, r, err := b.svc.ReferCommand(ctx, id, core.ReferInput(x))
		return b.replies(cmd, []Message{referred(c, r)}, err)
	}
	// One transaction: the request's key, joining (a read, in the common
	// case, so commands of one workspace don't queue behind each other)
	// and the command.
	var ms []Message
	err := b.svc.Command(ctx, id, func(ctx context.Context, c core.Caller) error {
		var err error
		ms, err = b.run(ctx, c, cmd)
		return err
	})
	return b.replies(cmd, ms, err)
}

// replies are a command's messages, or what its error says: nothing for
// a request already applied.
func (b *Bot) replies(cmd grammar.Command, ms []Message, err error) []Message {
	switch {
	case errors.Is(err, core.ErrSeen):
		return nil
	case err != nil:
		return []Message{b.fail(err, cmd)}
	}
	return ms
}

func (b *Bot) run(ctx context.Context, c core.Caller, cmd grammar.Command) ([]Message, error) {
	m, err := b.dispatch(ctx, c, cmd)
	if err != nil {
		return nil, err
	}
	if c.Workspace.Settings.Channel == "" && postsToChannel(cmd, c) {
		return []Message{m, channelNeeded(c)}, nil
	}
	return []Message{m}, nil
}

func helpTitle(topic string) string {
	if topic == "" {
		return "referbot — the referral exchange"
	}
	return "/refer " + topic
}

// fail is the one error handler: it logs unexpected errors and renders
// every error for the user (a *core.Error as its message and hint,
// anything else as an apology).
func (b *Bot) fail(err error, cmd grammar.Command) Message {
	if core.ErrorCode(err) == core.EINTERNAL {
		b.log.Error("command failed", "command", cmd.Name(), "err", err)
	}
	return ErrorMessage(err)
}

// dispatch runs cmd for the caller through its handler (referrals.go,
// members.go): one small function per command, returning the reply or the
// error Run's one error handler renders.
func (b *Bot) dispatch(ctx context.Context, c core.Caller, cmd grammar.Command) (Message, error) {
	switch x := cmd.(type) {
	case grammar.Refer:
		return b.refer(ctx, c, x)
	case grammar.Lead:
		return b.lead(ctx, c, x)
	case grammar.Claim:
		return b.claim(ctx, c, x)
	case grammar.Interested:
		return b.interested(ctx, c, x)
	case grammar.Pick:
		return b.pick(ctx, c, x)
	case grammar.Reassign:
		return b.reassign(ctx, c, x)
	case grammar.Accept:
		return b.accept(ctx, c, x)
	case grammar.Decline:
		return b.decline(ctx, c, x)
	case grammar.Status:
		return b.status(ctx, c, x)
	case grammar.Won:
		return b.won(ctx, c, x)
	case grammar.Lost:
		return b.lost(ctx, c, x)
	case grammar.Thanks:
		return b.thanks(ctx, c, x)
	case grammar.Feedback:
		return b.feedback(ctx, c, x)
	case grammar.Show:
		return b.show(ctx, c, x)
	case grammar.List:
		return b.list(ctx, c, x)
	case grammar.Profile:
		return b.profile(ctx, c, x)
	case grammar.ProfileSet:
		return b.setProfile(ctx, c, x)
	case grammar.Who:
		return b.who(ctx, c, x)
	case grammar.Touch:
		return b.touch(ctx, c, x)
	case grammar.Buddy:
		return b.buddy(ctx, c, x)
	case grammar.Stats:
		return b.stats(ctx, c, x)
	case grammar.Reminders:
		return b.reminders(ctx, c, x)
	case grammar.Undelivered:
		return b.undelivered(ctx, c, x)
	case grammar.Flags:
		return b.flags(ctx, c, x)
	case grammar.FlagsDismiss:
		return b.dismissFlag(ctx, c, x)
	case grammar.Export:
		return b.export(ctx, c, x)
	case grammar.Forget:
		return b.forget(ctx, c, x)
	case grammar.Config:
		return b.config(ctx, c, x)
	case grammar.Confirm:
		return b.confirm(ctx, c, x)
	case grammar.Dispute:
		return b.dispute(ctx, c, x)
	case grammar.Fee:
		return b.fee(ctx, c, x)
	case grammar.Fees:
		return b.fees(ctx, c, x)
	case grammar.Leaderboard:
		return b.leaderboard(ctx, c, x)
	case grammar.Undo:
		return b.undo(ctx, c, x)
	case grammar.Correct:
		return b.correct(ctx, c, x)
	case grammar.CoOwner:
		return b.coowner(ctx, c, x)
	case grammar.Dashboard:
		return b.dashboard(ctx, c, x)
	}
	return Message{}, fmt.Errorf("bot: no handler for %T", cmd)
}

// HandleAction runs a button click. Its action is a path such as
// "/refer/claim/R-1042" or "/refer/pick/R-1042/U123", read back into the
// command people type (ActionCommand), so a click and a typed command
// always behave alike. A button for a step that needs more than it
// carries (a won value, a reason) answers with what to type.
func (b *Bot) HandleAction(ctx context.Context, id core.Identity, action string) []Message {
	cmd, err := ActionCommand(action)
	if err == nil {
		err = grammar.Check(cmd)
	}
	if err != nil {
		return []Message{ErrorMessage(err)}
	}
	return b.Run(ctx, id, cmd)
}
