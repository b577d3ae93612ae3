package bot

import (
	"context"
	"fmt"

	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/core"
)

// The handlers of the referral pipeline: one per command, each calling
// core once and saying back what happened. An error goes back to Run,
// whose one error handler renders it.

// card is a referral card for the caller, titled with the code filled in.
func card(c core.Caller, title string) func(r *core.Referral, err error) (Message, error) {
	return func(r *core.Referral, err error) (Message, error) {
		if err != nil {
			return Message{}, err
		}
		return Card(r, c.Member.ID, fmt.Sprintf(title, r.Code)), nil
	}
}

// offered says a referral was sent to its receiver, who must answer.
func offered(c core.Caller, r *core.Referral) Message {
	m := Card(r, c.Member.ID, fmt.Sprintf("Referral %s sent to @%s", r.Code, r.ReceiverName))
	m.Text = fmt.Sprintf("@%s has been asked to accept or decline; you'll hear as soon as they do.", r.ReceiverName)
	return m
}

func (b *Bot) refer(ctx context.Context, c core.Caller, x grammar.Refer) (Message, error) {
	r, err := b.svc.Refer(ctx, c, core.ReferInput(x))
	if err != nil {
		return Message{}, err
	}
	return referred(c, r), nil
}

// referred is the reply to a /refer that made r.
func referred(c core.Caller, r *core.Referral) Message {
	if r == nil {
		return Message{}
	}
	m := offered(c, r)
	m.Text = estimated(r) + m.Text
	return m
}

func (b *Bot) lead(ctx context.Context, c core.Caller, x grammar.Lead) (Message, error) {
	r, err := b.svc.PostLead(ctx, c, core.LeadInput(x))
	if err != nil {
		return Message{}, err
	}
	ch := c.Workspace.Settings.Channel
	if ch == "" {
		m := Card(r, c.Member.ID, fmt.Sprintf("Lead %s saved", r.Code))
		m.Text = estimated(r) + "It is posted once the network's channel is chosen; the first member to claim it gets the client's details, and you'll be told who."
		return m, nil
	}
	m := Card(r, c.Member.ID, fmt.Sprintf("Lead %s posted to %s", r.Code, ch))
	m.Text = estimated(r) + "The first member to claim it gets the client's details; you'll be told who."
	return m, nil
}

// estimated says back the estimate a new referral or lead recorded.
func estimated(r *core.Referral) string {
	if r.Estimate.IsZero() {
		return ""
	}
	return fmt.Sprintf("Estimated value: %s. ", r.Estimate)
}

func (b *Bot) claim(ctx context.Context, c core.Caller, x grammar.Claim) (Message, error) {
	r, err := b.svc.Claim(ctx, c, x.Code)
	if err != nil {
		return Message{}, err
	}
	m := Card(r, c.Member.ID, fmt.Sprintf("You claimed %s — the client is yours", r.Code))
	m.Text = fmt.Sprintf("Only you see the details below. @%s has been told.", r.ReferrerName)
	return m, nil
}

func (b *Bot) interested(ctx context.Context, c core.Caller, x grammar.Interested) (Message, error) {
	return card(c, "You raised your hand for %s")(b.svc.RaiseHand(ctx, c, x.Code))
}

func (b *Bot) pick(ctx context.Context, c core.Caller, x grammar.Pick) (Message, error) {
	return card(c, "You handed %s over")(b.svc.PickClaimer(ctx, c, x.Code, x.Member))
}

func (b *Bot) reassign(ctx context.Context, c core.Caller, x grammar.Reassign) (Message, error) {
	r, err := b.svc.Reassign(ctx, c, x.Code, x.Member)
	if err != nil {
		return Message{}, err
	}
	return offered(c, r), nil
}

func (b *Bot) accept(ctx context.Context, c core.Caller, x grammar.Accept) (Message, error) {
	return card(c, "You accepted %s")(b.svc.Accept(ctx, c, x.Code))
}

func (b *Bot) decline(ctx context.Context, c core.Caller, x grammar.Decline) (Message, error) {
	return card(c, "You declined %s")(b.svc.Decline(ctx, c, x.Code, x.Reason))
}

func (b *Bot) status(ctx context.Context, c core.Caller, x grammar.Status) (Message, error) {
	return withUndo(card(c, "%s moved to "+string(x.Stage))(b.svc.Advance(ctx, c, x.Code, x.Stage, core.AdvanceInput{Note: x.Note})))
}

func (b *Bot) won(ctx context.Context, c core.Caller, x grammar.Won) (Message, error) {
	r, err := b.svc.Advance(ctx, c, x.Code, core.StatusWon, core.AdvanceInput{Value: x.Value, Note: x.Note, Confirm: x.Confirm})
	if core.ErrorCode(err) == core.ECONFIRM {
		return confirmWon(x, err), nil
	}
	if err != nil {
		return Message{}, err
	}
	m := Card(r, c.Member.ID, fmt.Sprintf("%s won 🎉", r.Code))
	m.Text = fmt.Sprintf("Won: %s. @%s has been told. Thank them publicly with /refer thanks %s <message>.", r.WonValue, r.ReferrerName, r.Code)
	return withUndo(m, nil)
}

// confirmWon asks to confirm a won value far above the usual deals, with
// a button that records it as typed (the note, if any, is not carried).
func confirmWon(x grammar.Won, err error) Message {
	return Message{Kind: "confirm", Title: fmt.Sprintf("Is that the value of %s?", x.Code), Text: core.ErrorMessage(err),
		Buttons: []Button{{"Yes, record it", action("won", x.Code, "confirm", x.Value.Plain()), Primary}}}
}

func (b *Bot) lost(ctx context.Context, c core.Caller, x grammar.Lost) (Message, error) {
	return withUndo(card(c, "%s marked lost")(b.svc.Advance(ctx, c, x.Code, core.StatusLost, core.AdvanceInput{Reason: x.Reason})))
}

func (b *Bot) thanks(ctx context.Context, c core.Caller, x grammar.Thanks) (Message, error) {
	if _, err := b.svc.Thank(ctx, c, x.Code, x.Message); err != nil {
		return Message{}, err
	}
	if c.Workspace.Settings.Channel == "" {
		return reply("Thank-you sent", fmt.Sprintf("Your thank-you for %s reached them by DM, and is posted for everyone once the network's channel is chosen.", x.Code)), nil
	}
	return reply("Thank-you sent", fmt.Sprintf("Your thank-you for %s is posted in %s.", x.Code, c.Workspace.Settings.Channel)), nil
}

func (b *Bot) feedback(ctx context.Context, c core.Caller, x grammar.Feedback) (Message, error) {
	f, err := b.svc.GiveFeedback(ctx, c, x.Code, x.Score, x.Comment)
	if err != nil {
		return Message{}, err
	}
	if f.Replaced != 0 {
		return reply("Feedback updated", fmt.Sprintf("%s: %d/5 → %d/5. It replaces your earlier score in the figures; "+
			"the history keeps both (/refer show %s).", x.Code, f.Replaced, f.Score, x.Code)), nil
	}
	return reply("Feedback recorded", fmt.Sprintf("%s: %d/5. Thank you — it shapes the network's satisfaction figures.", x.Code, x.Score)), nil
}

func (b *Bot) show(ctx context.Context, c core.Caller, x grammar.Show) (Message, error) {
	d, err := b.svc.Show(ctx, c, x.Code)
	if err != nil {
		return Message{}, err
	}
	return DetailMessage(d, c.Member.ID, b.svc.Location(c.Workspace)), nil
}

func (b *Bot) list(ctx context.Context, c core.Caller, x grammar.List) (Message, error) {
	rs, err := b.svc.List(ctx, c, x.Kind, x.Statuses...)
	if err != nil {
		return Message{}, err
	}
	return ListMessage(x.Kind, rs, c.Member.ID), nil
}
