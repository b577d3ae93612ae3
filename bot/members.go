package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/bot/scheduler"
	"github.com/referbot/referbot/core"
)

// The handlers of members, partnerships and the network's settings: one
// per command, like the referral pipeline's.

func (b *Bot) profile(ctx context.Context, c core.Caller, x grammar.Profile) (Message, error) {
	mp, err := b.svc.Profile(ctx, c, x.Who)
	if err != nil {
		return Message{}, err
	}
	return ProfileMessage(mp, mp.Member.ID == c.Member.ID), nil
}

func (b *Bot) setProfile(ctx context.Context, c core.Caller, x grammar.ProfileSet) (Message, error) {
	vals := x.Values
	switch {
	case x.Clear:
		vals = nil
	case x.Field == "triggers":
		// One value per phrase; core splits the phrases on ";".
		vals = []string{strings.Join(x.Values, "; ")}
	}
	p, err := b.svc.SetProfile(ctx, c, x.Field, vals)
	if err != nil {
		return Message{}, err
	}
	if x.Field == "billing" && x.MinBudget != nil {
		// Keep the currency as typed: none means the workspace's.
		if p, err = b.svc.SetProfile(ctx, c, "min-budget", []string{x.MinBudget.Plain()}); err != nil {
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

func (b *Bot) who(ctx context.Context, c core.Caller, x grammar.Who) (Message, error) {
	ss, err := b.svc.Who(ctx, c, x.Need, x.Tags)
	if err != nil {
		return Message{}, err
	}
	return WhoMessage(x.Need, ss), nil
}

func (b *Bot) touch(ctx context.Context, c core.Caller, x grammar.Touch) (Message, error) {
	p, err := b.svc.Touch(ctx, c, x.Partner, x.Kind, x.Note)
	if err != nil {
		return Message{}, err
	}
	return reply("Touchpoint logged", fmt.Sprintf("%s with %s. Next touchpoint due %s (every %d days).",
		x.Kind, x.Partner, p.NextDue.In(b.svc.Location(c.Workspace)).Format("Mon 2 Jan 2006"), p.CadenceDays)), nil
}

func (b *Bot) buddy(ctx context.Context, c core.Caller, x grammar.Buddy) (Message, error) {
	p, err := b.svc.Buddy(ctx, c, x.Newcomer, x.Mentor)
	if err != nil {
		return Message{}, err
	}
	return BuddyMessage(p), nil
}

func (b *Bot) stats(ctx context.Context, c core.Caller, x grammar.Stats) (Message, error) {
	st, err := b.svc.Stats(ctx, c, core.StatsRequest{Who: x.Who, Network: x.Network, Period: x.Period, Top: statsRows})
	if err != nil {
		return Message{}, err
	}
	return StatsMessage(st), nil
}

func (b *Bot) reminders(ctx context.Context, c core.Caller, x grammar.Reminders) (Message, error) {
	m, err := b.svc.SetReminders(ctx, c, x.Mute, x.Cadence)
	if err != nil {
		return Message{}, err
	}
	switch {
	case x.Mute != nil && *x.Mute:
		return reply("Reminders off", "You'll get no reminders or nudges. Turn them back on with /refer reminders on."), nil
	case x.Mute != nil:
		return reply("Reminders on", "Welcome back: reminders and nudges will reach you again."), nil
	case m.CadenceDays == 0:
		return reply("Cadence: the network's", "Your partnerships follow the network's touchpoint cadence again."), nil
	}
	return reply("Cadence set", fmt.Sprintf("You'll be reminded to touch base with each partner every %d days.", m.CadenceDays)), nil
}

func (b *Bot) undelivered(ctx context.Context, c core.Caller, x grammar.Undelivered) (Message, error) {
	ns, retried, err := b.svc.FailedDeliveries(ctx, c, x.Retry)
	if err != nil {
		return Message{}, err
	}
	if x.Retry {
		return reply("Queued again", fmt.Sprintf("%s will be sent again now.", plural(retried, "undelivered message"))), nil
	}
	return UndeliveredMessage(ns), nil
}

func (b *Bot) export(ctx context.Context, c core.Caller, x grammar.Export) (Message, error) {
	data, err := b.svc.Export(ctx, c)
	if err != nil {
		return Message{}, err
	}
	if x.CSV {
		return ExportCSVMessage(data)
	}
	return ExportMessage(data), nil
}

func (b *Bot) forget(ctx context.Context, c core.Caller, x grammar.Forget) (Message, error) {
	if !x.Confirm {
		return Message{Kind: "forget", Title: "Erase your personal data?",
			Text: "This erases your name, profile and the notes and thank-you messages you wrote, and stops all messages to you. " +
				"Referrals you gave or received stay as anonymous counts, so your partners' histories and the network's figures still add up. " +
				"It can't be undone: `/refer export` first if you want a copy.\nTo go ahead: /refer forget confirm",
			Buttons: []Button{{"Yes, erase my data", "/refer/forget/confirm", Danger}}}, nil
	}
	if err := b.svc.Forget(ctx, c); err != nil {
		return Message{}, err
	}
	return reply("Your personal data is erased", "Thank you for being part of the network. If you use /refer again, you start afresh."), nil
}

func (b *Bot) config(ctx context.Context, c core.Caller, x grammar.Config) (Message, error) {
	if x.Key == "schedule" {
		if err := checkSchedule(x.Args); err != nil {
			return Message{}, err
		}
	}
	if strings.EqualFold(x.Key, "channel") && c.Member.IsAdmin() {
		// Before core saves it: can the bot post there at all?
		if err := b.checkChannel(ctx, c, x.Args); err != nil {
			return Message{}, err
		}
	}
	st, err := b.svc.Configure(ctx, c, x.Key, x.Args)
	if err != nil {
		return Message{}, err
	}
	if st.Member != nil {
		who := st.Member.Mention()
		if x.Key == "remove" {
			return reply(who+" removed", who+" can no longer use referbot in this network. "+
				"Their past referrals stay in the history and the figures."), nil
		}
		return reply(who+" is an admin", who+" can now change the network's settings, see every referral's details and remove members."), nil
	}
	m := SettingsMessage(st, b.svc.Location(core.Workspace{}).String())
	if x.Key != "" {
		m.Title = "Setting saved: " + x.Key
	}
	if x.Key == "fee" {
		m.Text = "Fee policy: " + st.Fee.In(st.Currency).String() + "."
	}
	if t := correctionSetting(x.Key, st.Settings); t != "" {
		m.Text = t
	}
	if strings.EqualFold(x.Key, "channel") {
		m.Text = "Leads and thank-yous are posted in " + st.Channel + " from now on; any that were waiting go there now."
	}
	return m, nil
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
