package bot

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/core"
)

// The handlers that fix a referral after the fact (undo, correct) and
// share it with a co-owner.

func (b *Bot) undo(ctx context.Context, c core.Caller, x grammar.Undo) (Message, error) {
	u, err := b.svc.Undo(ctx, c, x.Code)
	if err != nil {
		return Message{}, err
	}
	m := Card(u.Referral, c.Member.ID, fmt.Sprintf("Undone on %s: %s", x.Code, strings.TrimPrefix(u.What, "the ")))
	m.Text = fmt.Sprintf("%s: %s. %s The history keeps both (/refer show %s).",
		capitalize(u.What), u.Now, toldText(u.Told), x.Code)
	return m, nil
}

func (b *Bot) correct(ctx context.Context, c core.Caller, x grammar.Correct) (Message, error) {
	k, err := b.svc.Correct(ctx, c, x.Code, x.Value, x.Note)
	if err != nil {
		return Message{}, err
	}
	m := Card(k.Referral, c.Member.ID, fmt.Sprintf("Won value of %s corrected", x.Code))
	m.Text = fmt.Sprintf("Won: %s → %s. Fees, stats and reports use the new value; the history keeps both. %s",
		k.Old, k.New, toldText(k.Told))
	return m, nil
}

func (b *Bot) coowner(ctx context.Context, c core.Caller, x grammar.CoOwner) (Message, error) {
	ch, err := b.svc.SetCoOwner(ctx, c, x.Code, x.Member)
	if err != nil {
		return Message{}, err
	}
	if ch.Added == "" {
		m := Card(ch.Referral, c.Member.ID, fmt.Sprintf("%s has no co-owner now", x.Code))
		m.Text = fmt.Sprintf("@%s no longer sees the client's details. %s", ch.Replaced, toldText(ch.Told))
		return m, nil
	}
	m := Card(ch.Referral, c.Member.ID, fmt.Sprintf("@%s is co-owner of %s", ch.Added, x.Code))
	m.Text = fmt.Sprintf("@%s sees the client's details and can move the stage with you.", ch.Added)
	if ch.Replaced != "" {
		m.Text += fmt.Sprintf(" They replace @%s, who no longer does.", ch.Replaced)
	}
	m.Text += " " + toldText(ch.Told)
	return m, nil
}

// toldText says who was told: "@bob and @carol have been told."
func toldText(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return "@" + names[0] + " has been told."
	}
	ms := make([]string, len(names))
	for i, n := range names {
		ms[i] = "@" + n
	}
	return strings.Join(ms[:len(ms)-1], ", ") + " and " + ms[len(ms)-1] + " have been told."
}

// undoButton offers to undo the change a reply reports.
func undoButton(code core.Code) Button { return Button{"Undo", action("undo", code), Default} }

// withUndo adds the Undo button to the reply to a change.
func withUndo(m Message, err error) (Message, error) {
	if err == nil {
		if c, perr := core.ParseCode(m.Referral); perr == nil {
			m.Buttons = append(m.Buttons, undoButton(c))
		}
	}
	return m, err
}

// releaseText writes the release-after setting: "21 days", "off".
func releaseText(days int) string {
	if days <= 0 {
		return "off"
	}
	return plural(days, "day")
}

// The notices of corrections, co-owners and released handoffs (see
// notices, which lists them with every other kind).

func undoneNotice(d draft) (Message, bool) {
	return d.card(fmt.Sprintf("%s undid a change on %s", d.actor, d.code),
		fmt.Sprintf("%s undid %s. It stands at *%s* now; the history keeps both.", d.actor, cmp.Or(d.n.Text, "a change"), d.r.Status))
}

func correctedNotice(d draft) (Message, bool) {
	text := fmt.Sprintf("%s corrected the value %s was won for", d.actor, d.client()) + prefixed(": ", d.n.Text) +
		". Fees, stats and reports use the new value."
	toReferrer := d.n.To.MemberID != 0 && d.n.To.MemberID == d.r.ReferrerID
	switch {
	case toReferrer && d.r.WonConfirmation == core.Unconfirmed:
		// A corrected value is the referrer's to confirm again.
		text += "\nPlease confirm the new value"
		if d.r.FeeStatus == core.FeeAwaiting {
			text += fmt.Sprintf(": the finder's fee owed to you on it is %s", d.r.Fee.Owed(d.r.WonValue))
		}
		text += "."
		return d.card(fmt.Sprintf("Won value of %s corrected", d.code), text, confirmButtons(d.r)...)
	case toReferrer && d.r.FeeStatus == core.FeeOwed:
		text += fmt.Sprintf("\nThe finder's fee owed to you is now %s.", d.r.Fee.Owed(d.r.WonValue))
	}
	return d.card(fmt.Sprintf("Won value of %s corrected", d.code), text)
}

// thanksWithdrawnNotice edits the channel's thank-you post: its author
// undid it, and it no longer counts.
func thanksWithdrawnNotice(d draft) (Message, bool) {
	d.m.Replaces, d.m.UpdateOnly = string(core.NoticeThanks), true
	return d.say(fmt.Sprintf("%s withdrew a thank-you to @%s", d.actor, d.r.ReferrerName),
		fmt.Sprintf("for the referral %s (%s). It no longer counts.", d.code, firstWords(d.r.Need, 8)))
}

// coOwnerNotice tells the new co-owner they are one, the referrer who
// presents their client now, and anyone else (a co-owner taken off, the
// receiver when an admin chose) what changed.
func coOwnerNotice(d draft) (Message, bool) {
	to := d.n.To.MemberID
	switch {
	case to != 0 && to == d.r.CoOwnerID:
		return d.card(fmt.Sprintf("%s made you co-owner of %s", d.actor, d.code),
			fmt.Sprintf("You present to %s together with @%s: the details below are for the parties only. Move the stage as it goes: /refer status %s contacted|meeting|proposal",
				d.client(), d.r.ReceiverName, d.code), nextButtons(d.r, to)...)
	case to != 0 && to == d.r.ReferrerID:
		text := fmt.Sprintf("%s: %s.", d.actor, cmp.Or(d.n.Text, "the co-owner changed"))
		if d.r.CoOwnerName != "" {
			text += fmt.Sprintf(" @%s sees the client's details and can move the stage; you'll hear of every step.", d.r.CoOwnerName)
		}
		return d.card(fmt.Sprintf("Co-owner of your referral %s: %s", d.code, mention(d.r.CoOwnerName)), text)
	}
	return d.card(fmt.Sprintf("Co-owner of %s changed", d.code), fmt.Sprintf("%s: %s.", d.actor, cmp.Or(d.n.Text, "the co-owner changed")))
}

// takenBackNotice tells an owner that a referral they did not update went
// back: a lead to the channel, a direct referral to its referrer.
func takenBackNotice(d draft) (Message, bool) {
	why := capitalize(cmp.Or(d.n.Text, "it had no update for a while"))
	if d.r.CreatedAsLead() {
		return d.card(fmt.Sprintf("Lead %s is open to claims again", d.code),
			fmt.Sprintf("%s, so it went back to the channel for someone else to claim, and @%s was told. If you're still on it, claim it again: /refer claim %s",
				why, d.r.ReferrerName, d.code))
	}
	return d.card(fmt.Sprintf("Referral %s went back to @%s", d.code, d.r.ReferrerName),
		fmt.Sprintf("%s, so it went back to @%s, who may send it to someone else. If you're still on it, tell them.", why, d.r.ReferrerName))
}

// correctionSetting says back an undo-window or release-after change.
func correctionSetting(key string, st core.Settings) string {
	switch key {
	case "undo-window":
		if st.UndoWindowHours <= 0 {
			return "Undo window: off. Only admins can undo changes or correct won values now."
		}
		return fmt.Sprintf("Undo window: %s. Members can undo their own changes and correct won values for that long; admins any time.",
			core.WindowText(st.UndoWindowHours))
	case "release-after":
		if st.ReleaseAfterDays <= 0 {
			return "Stale handoffs are never released: claimed and accepted referrals stay with their owners however long they go without an update."
		}
		return fmt.Sprintf("A claimed or accepted referral with no update for %s goes back: a lead to the channel, a direct referral to its referrer.",
			releaseText(st.ReleaseAfterDays))
	}
	return ""
}
