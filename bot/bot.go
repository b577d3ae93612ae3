package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/bot/scheduler"
	"github.com/referbot/referbot/core"
)

// Bot turns requests from any platform into core operations and replies.
type Bot struct {
	svc *core.Service
	log *slog.Logger
}

// New returns a Bot over the service.
func New(svc *core.Service, log *slog.Logger) *Bot {
	if log == nil {
		log = slog.Default()
	}
	return &Bot{svc: svc, log: log}
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

// Run executes a parsed command for the identity.
func (b *Bot) Run(ctx context.Context, id core.Identity, cmd grammar.Command) []Message {
	if h, ok := cmd.(grammar.Help); ok {
		return []Message{{Kind: "help", Title: helpTitle(h.Topic), Text: grammar.Usage(h.Topic)}}
	}
	c, err := b.svc.Join(ctx, id)
	if err != nil {
		return []Message{b.fail(err, cmd)}
	}
	ms, err := b.dispatch(ctx, c, cmd)
	if err != nil {
		return []Message{b.fail(err, cmd)}
	}
	return ms
}

func helpTitle(topic string) string {
	if topic == "" {
		return "referbot — the referral exchange"
	}
	return "/refer " + topic
}

// fail logs unexpected errors and renders every error for the user.
func (b *Bot) fail(err error, cmd grammar.Command) Message {
	if core.ErrorCode(err) == core.EINTERNAL {
		b.log.Error("command failed", "command", cmd.Name(), "err", err)
	}
	return ErrorMessage(err)
}

func (b *Bot) dispatch(ctx context.Context, c core.Caller, cmd grammar.Command) ([]Message, error) {
	s := b.svc
	me := c.Member.ID
	one := func(m Message, err error) ([]Message, error) {
		if err != nil {
			return nil, err
		}
		return []Message{m}, nil
	}
	card := func(title string) func(r *core.Referral, err error) ([]Message, error) {
		return func(r *core.Referral, err error) ([]Message, error) {
			if err != nil {
				return nil, err
			}
			return []Message{Card(r, me, fmt.Sprintf(title, r.Code))}, nil
		}
	}
	switch x := cmd.(type) {
	case grammar.Refer:
		r, err := s.Refer(ctx, c, core.ReferInput(x))
		if err != nil {
			return nil, err
		}
		m := Card(r, me, fmt.Sprintf("Referral %s sent to @%s", r.Code, r.ReceiverName))
		m.Text = estimated(r) + fmt.Sprintf("@%s has been asked to accept or decline; you'll hear as soon as they do.", r.ReceiverName)
		return []Message{m}, nil
	case grammar.Lead:
		r, err := s.PostLead(ctx, c, core.LeadInput(x))
		if err != nil {
			return nil, err
		}
		m := Card(r, me, fmt.Sprintf("Lead %s posted to %s", r.Code, nonEmpty(c.Workspace.Settings.Channel, "the channel")))
		m.Text = estimated(r) + "The first member to claim it gets the client's details; you'll be told who."
		return []Message{m}, nil
	case grammar.Claim:
		r, err := s.Claim(ctx, c, x.Code)
		if err != nil {
			return nil, err
		}
		m := Card(r, me, fmt.Sprintf("You claimed %s — the client is yours", r.Code))
		m.Text = fmt.Sprintf("Only you see the details below. @%s has been told.", r.ReferrerName)
		return []Message{m}, nil
	case grammar.Interested:
		return card("You raised your hand for %s")(s.RaiseHand(ctx, c, x.Code))
	case grammar.Pick:
		return card("You handed %s over")(s.PickClaimer(ctx, c, x.Code, x.Member))
	case grammar.Reassign:
		r, err := s.Reassign(ctx, c, x.Code, x.Member)
		if err != nil {
			return nil, err
		}
		m := Card(r, me, fmt.Sprintf("Referral %s sent to @%s", r.Code, r.ReceiverName))
		m.Text = fmt.Sprintf("@%s has been asked to accept or decline; you'll hear as soon as they do.", r.ReceiverName)
		return []Message{m}, nil
	case grammar.Accept:
		return card("You accepted %s")(s.Accept(ctx, c, x.Code))
	case grammar.Decline:
		return card("You declined %s")(s.Decline(ctx, c, x.Code, x.Reason))
	case grammar.Status:
		return card("%s moved to " + string(x.Stage))(s.Advance(ctx, c, x.Code, x.Stage, core.AdvanceInput{Note: x.Note}))
	case grammar.Won:
		r, err := s.Advance(ctx, c, x.Code, core.StatusWon, core.AdvanceInput{Value: x.Value, Note: x.Note, Confirm: x.Confirm})
		if core.ErrorCode(err) == core.ECONFIRM {
			return []Message{confirmWon(x, err)}, nil
		}
		if err != nil {
			return nil, err
		}
		m := Card(r, me, fmt.Sprintf("%s won 🎉", r.Code))
		m.Text = fmt.Sprintf("Won: %s. @%s has been told. Thank them publicly with /refer thanks %s <message>.", r.WonValue, r.ReferrerName, r.Code)
		return []Message{m}, nil
	case grammar.Lost:
		return card("%s marked lost")(s.Advance(ctx, c, x.Code, core.StatusLost, core.AdvanceInput{Reason: x.Reason}))
	case grammar.Thanks:
		if _, err := s.Thank(ctx, c, x.Code, x.Message); err != nil {
			return nil, err
		}
		return []Message{reply("Thank-you sent", fmt.Sprintf("Your thank-you for %s is posted in %s.", x.Code,
			nonEmpty(c.Workspace.Settings.Channel, "the channel")))}, nil
	case grammar.Feedback:
		f, err := s.GiveFeedback(ctx, c, x.Code, x.Score, x.Comment)
		if err != nil {
			return nil, err
		}
		if f.Replaced != 0 {
			return []Message{reply("Feedback updated", fmt.Sprintf("%s: %d/5 → %d/5. It replaces your earlier score in the figures; "+
				"the history keeps both (/refer show %s).", x.Code, f.Replaced, f.Score, x.Code))}, nil
		}
		return []Message{reply("Feedback recorded", fmt.Sprintf("%s: %d/5. Thank you — it shapes the network's satisfaction figures.", x.Code, x.Score))}, nil
	case grammar.Show:
		d, err := s.Show(ctx, c, x.Code)
		if err != nil {
			return nil, err
		}
		return []Message{DetailMessage(d, me, s.Location(c.Workspace))}, nil
	case grammar.List:
		rs, err := s.List(ctx, c, x.Kind, x.Statuses...)
		if err != nil {
			return nil, err
		}
		return []Message{ListMessage(x.Kind, rs, me)}, nil
	case grammar.Profile:
		mp, err := s.Profile(ctx, c, x.Who)
		if err != nil {
			return nil, err
		}
		return []Message{ProfileMessage(mp, mp.Member.ID == me)}, nil
	case grammar.ProfileSet:
		return one(b.setProfile(ctx, c, x))
	case grammar.Who:
		ss, err := s.Who(ctx, c, x.Need, x.Tags)
		if err != nil {
			return nil, err
		}
		return []Message{WhoMessage(x.Need, ss)}, nil
	case grammar.Touch:
		p, err := s.Touch(ctx, c, x.Partner, x.Kind, x.Note)
		if err != nil {
			return nil, err
		}
		return []Message{reply("Touchpoint logged", fmt.Sprintf("%s with %s. Next touchpoint due %s (every %d days).",
			x.Kind, x.Partner, p.NextDue.In(s.Location(c.Workspace)).Format("Mon 2 Jan 2006"), p.CadenceDays))}, nil
	case grammar.Buddy:
		p, err := s.Buddy(ctx, c, x.Newcomer, x.Mentor)
		if err != nil {
			return nil, err
		}
		return []Message{BuddyMessage(p)}, nil
	case grammar.Stats:
		st, err := s.Stats(ctx, c, core.StatsRequest(x))
		if err != nil {
			return nil, err
		}
		return []Message{StatsMessage(st)}, nil
	case grammar.Reminders:
		m, err := s.SetReminders(ctx, c, x.Mute, x.Cadence)
		if err != nil {
			return nil, err
		}
		switch {
		case x.Mute != nil && *x.Mute:
			return []Message{reply("Reminders off", "You'll get no reminders or nudges. Turn them back on with /refer reminders on.")}, nil
		case x.Mute != nil:
			return []Message{reply("Reminders on", "Welcome back: reminders and nudges will reach you again.")}, nil
		case m.CadenceDays == 0:
			return []Message{reply("Cadence: the network's", "Your partnerships follow the network's touchpoint cadence again.")}, nil
		}
		return []Message{reply("Cadence set", fmt.Sprintf("You'll be reminded to touch base with each partner every %d days.", m.CadenceDays))}, nil
	case grammar.Undelivered:
		ns, retried, err := s.FailedDeliveries(ctx, c, x.Retry)
		if err != nil {
			return nil, err
		}
		if x.Retry {
			return []Message{reply("Queued again", fmt.Sprintf("%s will be sent again now.", plural(retried, "undelivered message")))}, nil
		}
		return []Message{UndeliveredMessage(ns)}, nil
	case grammar.Export:
		data, err := s.Export(ctx, c)
		if err != nil {
			return nil, err
		}
		return []Message{ExportMessage(data)}, nil
	case grammar.Forget:
		if !x.Confirm {
			return []Message{{Kind: "forget", Title: "Erase your personal data?",
				Text: "This erases your name, profile and the notes and thank-you messages you wrote, and stops all messages to you. " +
					"Referrals you gave or received stay as anonymous counts, so your partners' histories and the network's figures still add up. " +
					"It can't be undone: `/refer export` first if you want a copy.\nTo go ahead: /refer forget confirm",
				Buttons: []Button{{"Yes, erase my data", "/refer/forget/confirm", Danger}}}}, nil
		}
		if err := s.Forget(ctx, c); err != nil {
			return nil, err
		}
		return []Message{reply("Your personal data is erased", "Thank you for being part of the network. If you use /refer again, you start afresh.")}, nil
	case grammar.Config:
		args := x.Args
		if x.Key == "schedule" {
			if err := checkSchedule(args); err != nil {
				return nil, err
			}
		}
		st, err := s.Configure(ctx, c, x.Key, args)
		if err != nil {
			return nil, err
		}
		if st.Member != nil {
			who := st.Member.Mention()
			if x.Key == "remove" {
				return []Message{reply(who+" removed", who+" can no longer use referbot in this network. "+
					"Their past referrals stay in the history and the figures.")}, nil
			}
			return []Message{reply(who+" is an admin", who+" can now change the network's settings, see every referral's details and remove members.")}, nil
		}
		m := SettingsMessage(st, s.Location(core.Workspace{}).String())
		if x.Key != "" {
			m.Title = "Setting saved: " + x.Key
		}
		if x.Key == "fee" {
			m.Text = "Fee policy: " + st.Fee.In(st.Currency).String() + "."
		}
		return []Message{m}, nil
	}
	return nil, fmt.Errorf("bot: no handler for %T", cmd)
}

// estimated says back the estimate a new referral or lead recorded.
func estimated(r *core.Referral) string {
	if r.Estimate.IsZero() {
		return ""
	}
	return fmt.Sprintf("Estimated value: %s. ", r.Estimate)
}

// confirmWon asks to confirm a won value far above the usual deals, with
// a button that records it as typed (the note, if any, is not carried).
func confirmWon(x grammar.Won, err error) Message {
	return Message{Kind: "confirm", Title: fmt.Sprintf("Is that the value of %s?", x.Code), Text: core.ErrorMessage(err),
		Buttons: []Button{{"Yes, record it", action("won", x.Code, "confirm", x.Value.Plain()), Primary}}}
}

func (b *Bot) setProfile(ctx context.Context, c core.Caller, x grammar.ProfileSet) (Message, error) {
	s := b.svc
	vals := x.Values
	switch {
	case x.Clear:
		vals = nil
	case x.Field == "triggers":
		// One value per phrase; core splits the phrases on ";".
		vals = []string{strings.Join(x.Values, "; ")}
	}
	p, err := s.SetProfile(ctx, c, x.Field, vals)
	if err != nil {
		return Message{}, err
	}
	if x.Field == "billing" && x.MinBudget != nil {
		// Keep the currency as typed: none means the workspace's.
		if p, err = s.SetProfile(ctx, c, "min-budget", []string{x.MinBudget.Plain()}); err != nil {
			return Message{}, err
		}
	}
	m := ProfileMessage(&core.MemberProfile{Member: c.Member, Profile: *p}, true)
	m.Title = "Profile updated: " + x.Field
	if !p.MinBudget.IsZero() && (x.Field == "min-budget" || x.MinBudget != nil) {
		m.Text = "Minimum budget: " + p.MinBudget.String()
	}
	return m, nil
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

// checkSchedule validates `/refer config schedule <job> "<cron spec>"`
// before core stores it, so a typo never silently stops a job.
func checkSchedule(args []string) error {
	if len(args) < 2 {
		return core.Errorf(core.EINVALID, "Name the job and its schedule.").
			WithHint(`Type /refer config schedule weekly-digest "0 9 * * MON"`)
	}
	if _, err := core.JobByName(args[0]); err != nil {
		return err
	}
	_, err := scheduler.LastFire(strings.Trim(strings.Join(args[1:], " "), `"“”`), time.UTC, time.Now())
	return err
}
