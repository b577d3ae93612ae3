package slack

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/slack-go/slack"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

func (a *Adapter) interactionForm(ctx context.Context, body []byte) (any, error) {
	f, err := url.ParseQuery(string(body))
	if err != nil || f.Get("payload") == "" {
		return nil, badRequest("missing payload")
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(f.Get("payload")), &cb); err != nil {
		return nil, badRequest("malformed payload")
	}
	return a.interaction(ctx, cb)
}

// interaction handles a button click or a modal submission.
func (a *Adapter) interaction(ctx context.Context, cb slack.InteractionCallback) (any, error) {
	key := cb.TriggerID
	if key == "" && cb.View.ID != "" {
		key = cb.View.ID + ":" + cb.View.Hash
	}
	t := team{TeamID: cb.Team.ID, TeamName: cb.Team.Domain, UserID: cb.User.ID, UserName: cb.User.Name,
		Channel: cb.Channel.ID}
	if cb.Type == slack.InteractionTypeBlockActions && len(cb.ActionCallback.BlockActions) > 0 {
		// A click that runs a command records its key with its work.
		return nil, a.click(ctx, cb, t, actionOf(cb.ActionCallback.BlockActions[0]), requestKey(ctx, "interaction", key))
	}
	if first, err := a.first(ctx, t.TeamID, "interaction", key); err != nil || !first {
		return nil, err
	}
	switch cb.Type {
	case slack.InteractionTypeViewSubmission:
		return a.submit(ctx, cb, t)
	}
	return nil, nil // view_closed, shortcuts: nothing to do
}

// actionOf is the action a block action stands for: a button's id; the
// chosen option of a static_select (its value); a conversations_select's
// id completed with the chosen channel.
func actionOf(ba *slack.BlockAction) string {
	switch ba.Type {
	case slack.ActionType(slack.OptTypeStatic):
		return ba.SelectedOption.Value
	case slack.ActionType(slack.OptTypeConversations):
		return ba.ActionID + "/" + ba.SelectedConversation
	}
	return ba.ActionID
}

// click runs a button. Buttons that need more input (a won value, a
// reason) open a modal; the rest run as the command they stand for.
func (a *Adapter) click(ctx context.Context, cb slack.InteractionCallback, t team, action, key string) error {
	opens := action == actionNew
	if !opens {
		_, opens = closeModal(action)
	}
	if opens && key != "" { // a form opens: no work to record the key with
		if first, err := a.bot.FirstDelivery(ctx, core.Slack, t.TeamID, key); err != nil || !first {
			return err
		}
	}
	if action == actionNew {
		v := newReferralModal()
		if cb.Container.Type == "view" {
			v.PrivateMetadata = fromHome // refresh Home after the submission
		}
		return a.openOrSay(ctx, cb, t, v)
	}
	if v, ok := closeModal(action); ok {
		return a.openOrSay(ctx, cb, t, v)
	}
	ms, done := bot.RunWithin(&a.deadline, ctx, func(ctx context.Context) []bot.Message {
		id := a.identity(ctx, t)
		id.RequestKey = key
		return a.bot.HandleAction(ctx, id, action)
	}, func(ctx context.Context, ms []bot.Message) {
		if len(ms) > 0 { // none: a redelivery of a click already applied
			a.afterClick(ctx, cb, t, ms)
		}
	})
	if done && len(ms) > 0 {
		a.deadline.Go(ctx, func(ctx context.Context) { a.afterClick(ctx, cb, t, ms) })
	}
	return nil
}

// openOrSay opens a modal, or says why it could not.
func (a *Adapter) openOrSay(ctx context.Context, cb slack.InteractionCallback, t team, v slack.ModalViewRequest) error {
	if err := a.openView(ctx, cb.TriggerID, v); err != nil {
		a.log.Error("views.open failed", "err", err)
		a.deadline.Go(ctx, func(ctx context.Context) {
			a.afterClick(ctx, cb, t, []bot.Message{{Kind: bot.KindError, Text: "I couldn't open the form; please click again, or type the command (/refer help)."}})
		})
	}
	return nil
}

// afterClick shows the result where the click happened: a card in the
// clicker's DM is updated in place; elsewhere the clicker gets an
// ephemeral reply (channel posts are updated through the outbox, for
// everyone); on the App Home the reply comes as a DM and Home refreshes.
func (a *Adapter) afterClick(ctx context.Context, cb slack.InteractionCallback, t team, ms []bot.Message) {
	a.wake()
	c := cb.Container
	switch {
	case c.Type == "view":
		for _, m := range ms {
			m.Visibility, m.To = bot.Direct, t.UserID
			if _, err := a.Messenger().Send(ctx, m); err != nil {
				a.log.Error("reply by DM failed", "err", err)
			}
		}
		a.publishHome(ctx, t)
		return
	case strings.HasPrefix(c.ChannelID, "D") && !c.IsEphemeral && len(ms) > 0 && !ms[0].IsError() && c.MessageTs != "":
		err := a.Messenger().Update(ctx, c.ChannelID+"/"+c.MessageTs, ms[0])
		if err == nil {
			ms = ms[1:]
		} else {
			a.log.Error("chat.update of the clicked DM failed", "err", err)
		}
	}
	a.respond(ctx, cb.ResponseURL, ms, c.IsEphemeral)
}

// submit handles a modal: invalid fields come back inline and nothing is
// written; a valid one runs, closes, and the result arrives as a DM.
func (a *Adapter) submit(ctx context.Context, cb slack.InteractionCallback, t team) (any, error) {
	form := formValues(cb.View.State)
	var (
		cmd      commandFunc
		errs     map[string]string
		errBlock string
	)
	switch cb.View.CallbackID {
	case callbackNew:
		cmd, errs, errBlock = a.parseNewReferral(ctx, form)
	case callbackWon, callbackDecline, callbackLost, callbackDispute:
		cmd, errs, errBlock = parseClose(cb.View.CallbackID, cb.View.PrivateMetadata, form)
	default:
		return nil, nil
	}
	if len(errs) > 0 {
		return slack.NewErrorsViewSubmissionResponse(errs), nil
	}
	ms := cmd(ctx, a.bot, a.identity(ctx, t))
	if len(ms) > 0 && ms[0].IsError() {
		return slack.NewErrorsViewSubmissionResponse(map[string]string{errBlock: bot.Clip(ms[0].Text, 500)}), nil
	}
	a.deadline.Go(ctx, func(ctx context.Context) {
		a.wake()
		for _, m := range ms {
			m.Visibility, m.To = bot.Direct, t.UserID
			if _, err := a.Messenger().Send(ctx, m); err != nil {
				a.log.Error("confirmation DM failed", "err", err)
			}
		}
		if cb.View.PrivateMetadata == fromHome {
			a.publishHome(ctx, t)
		}
	})
	return nil, nil
}

// commandFunc runs a command built from a form.
type commandFunc func(ctx context.Context, b *bot.Bot, id core.Identity) []bot.Message
