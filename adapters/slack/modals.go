package slack

import (
	"context"
	"strings"

	"github.com/slack-go/slack"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/core"
)

// Action ids and modal callback ids of the Slack-only flows.
const (
	actionNew       = "/refer/new" // App Home's "New referral" button
	callbackNew     = "new_referral"
	callbackWon     = "won"
	callbackDecline = "decline"
	callbackLost    = "lost"
	callbackDispute = "dispute"
	fromHome        = "home"
)

func input(id, label, hint string, el slack.BlockElement, optional bool) *slack.InputBlock {
	var h *slack.TextBlockObject
	if hint != "" {
		h = plain(hint, 2000)
	}
	b := slack.NewInputBlock(id, plain(label, 2000), h, el)
	b.Optional = optional
	return b
}

func text(id, placeholder string, multiline bool, max int) *slack.PlainTextInputBlockElement {
	el := slack.NewPlainTextInputBlockElement(plain(placeholder, 150), id)
	el.Multiline, el.MaxLength = multiline, max
	return el
}

func checkbox(id, label string) *slack.CheckboxGroupsBlockElement {
	return slack.NewCheckboxGroupsBlockElement(id, slack.NewOptionBlockObject("yes", plain(label, 75), nil))
}

func modal(callback, title, submit, meta string, blocks ...slack.Block) slack.ModalViewRequest {
	return slack.ModalViewRequest{Type: slack.VTModal, CallbackID: callback, PrivateMetadata: meta,
		Title: plain(title, 24), Submit: plain(submit, 24), Close: plain("Cancel", 24),
		Blocks: slack.Blocks{BlockSet: blocks}}
}

// newReferralModal is the form bare /refer and App Home open.
func newReferralModal() slack.ModalViewRequest {
	temp := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("How ready is the client?", 150), "temperature",
		slack.NewOptionBlockObject("hot", plain("Hot — ready to buy", 75), nil),
		slack.NewOptionBlockObject("warm", plain("Warm — interested", 75), nil),
		slack.NewOptionBlockObject("cold", plain("Cold — exploring", 75), nil))
	temp.InitialOption = slack.NewOptionBlockObject("warm", plain("Warm — interested", 75), nil)
	partner := slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain("Choose a partner", 150), "partner")
	return modal(callbackNew, "New referral", "Send", "",
		input("partner", "Partner to introduce", "Leave empty and tick the box below to post an open lead instead.", partner, true),
		input("lead", "Or", "", checkbox("lead", "Post as an open lead anyone in the network can claim"), true),
		input("client", "Client", "A person or company. Optional for an open lead.", text("client", "Acme Corp", false, 200), true),
		input("contact", "Client's contact", "Email or phone. Shown only to the partner who takes it on, you and admins.", text("contact", "jane@acme.com", false, 200), true),
		input("consent", "Consent", "", checkbox("consent", "The client agreed to be introduced"), true),
		input("need", "What do they need?", "", text("need", "A new website before the March launch", true, 1000), false),
		input("tags", "Tags", "Separated by commas or spaces.", text("tags", "web-dev, branding", false, 200), true),
		input("value", "Estimated value", "", text("value", "5000, 5k or 1,200 EUR", false, 40), true),
		input("temperature", "Temperature", "", temp, true),
		input("fee", "Finder's fee", "Leave empty for the network's policy.", text("fee", "10%, 300, EUR 300, reciprocal or none", false, 40), true),
	)
}

// closeModal opens the form behind the Won, Decline, Lost and Dispute buttons:
// the steps a button stands for without the value or reason they need.
func closeModal(action string) (slack.ModalViewRequest, bool) {
	cmd, err := bot.ActionCommand(action)
	if err != nil || grammar.Check(cmd) == nil {
		return slack.ModalViewRequest{}, false
	}
	switch x := cmd.(type) {
	case grammar.Won:
		code := x.Code.String()
		return modal(callbackWon, "Won "+code, "Mark won", code,
			input("value", "Deal value", "What the client will pay, e.g. 12k or 4,500 EUR.", text("value", "12,000", false, 40), false),
			input("note", "Note", "", text("note", "Signed for the full redesign", true, 500), true)), true
	case grammar.Decline:
		code := x.Code.String()
		return modal(callbackDecline, "Decline "+code, "Decline", code,
			input("reason", "Why?", "The referrer sees this, so they can send the client elsewhere.", text("reason", "Fully booked until May", true, 500), false)), true
	case grammar.Lost:
		code := x.Code.String()
		return modal(callbackLost, "Lost "+code, "Mark lost", code,
			input("reason", "Why didn't it close?", "The referrer sees this.", text("reason", "Went with an in-house team", true, 500), false)), true
	case grammar.Dispute:
		code := x.Code.String()
		return modal(callbackDispute, "Dispute "+code, "Dispute", code,
			input("reason", "What is wrong with the won value?", "The receiver and the admins see this.", text("reason", "The deal was 4,800, not 48,000", true, 500), false)), true
	}
	return slack.ModalViewRequest{}, false
}

// formValues flattens a view's state to block id → its one input.
func formValues(st *slack.ViewState) map[string]slack.BlockAction {
	out := map[string]slack.BlockAction{}
	if st == nil {
		return out
	}
	for block, actions := range st.Values {
		for _, a := range actions {
			out[block] = a
		}
	}
	return out
}

func value(f map[string]slack.BlockAction, id string) string { return strings.TrimSpace(f[id].Value) }

func checked(f map[string]slack.BlockAction, id string) bool { return len(f[id].SelectedOptions) > 0 }

// amount reads an optional (or required) positive amount; a refused one
// says why (an ambiguous one with its readings) under the field.
func amount(s string, required bool) (core.Money, string) {
	if s == "" {
		if required {
			return core.Money{}, "Type the deal value, e.g. 12000, 12k or 4,500 EUR."
		}
		return core.Money{}, ""
	}
	m, err := core.ParseMoney(s)
	if err != nil {
		return core.Money{}, bot.Clip(core.ErrorMessage(err), 500)
	}
	if m.Cents <= 0 {
		return core.Money{}, "Type a positive amount such as 5000, 5k or 1,200 EUR" + map[bool]string{true: ".", false: " — or leave it empty."}[required]
	}
	return m, ""
}

// parseNewReferral checks the new-referral form field by field; errBlock is
// where an error from the operation itself is shown.
func (a *Adapter) parseNewReferral(ctx context.Context, f map[string]slack.BlockAction) (commandFunc, map[string]string, string) {
	errs := map[string]string{}
	lead := checked(f, "lead")
	partner := f["partner"].SelectedUser
	client, contact, need := value(f, "client"), value(f, "contact"), value(f, "need")
	consent := checked(f, "consent")
	switch {
	case lead && partner != "":
		errs["partner"] = "Choose a partner or tick 'open lead' — not both."
	case !lead && partner == "":
		errs["partner"] = "Choose the partner to introduce the client to, or tick 'open lead' below."
	}
	if !lead && client == "" {
		errs["client"] = "Type the client's name (a person or a company)."
	}
	if need == "" {
		errs["need"] = "Say what the client needs, e.g. “a new website before March”."
	}
	if contact != "" && !consent {
		errs["consent"] = "Tick this to store the contact — or leave the contact empty."
	}
	est, msg := amount(value(f, "value"), false)
	if msg != "" {
		errs["value"] = msg
	}
	var fee *core.FeeTerms
	if s := value(f, "fee"); s != "" {
		terms, err := core.ParseFee(s)
		if err != nil {
			errs["fee"] = bot.Clip(core.ErrorMessage(err), 500)
		}
		fee = &terms
	}
	if len(errs) > 0 {
		return nil, errs, ""
	}
	tags := bot.Tags(value(f, "tags"))
	temp := core.Temperature(f["temperature"].SelectedOption.Value)
	if lead {
		cmd := grammar.Lead{ClientName: client, Contact: contact, Consent: consent, Need: need, Tags: tags, Estimate: est, Temperature: temp, Fee: fee}
		return run(cmd), nil, "need"
	}
	to := core.MemberRef{UserID: partner}
	if u, err := a.users.get(ctx, partner); err == nil {
		to.Name = u.name
	}
	cmd := grammar.Refer{To: to, ClientName: client, Contact: contact, Consent: consent, Need: need, Tags: tags, Estimate: est, Temperature: temp, Fee: fee}
	return run(cmd), nil, "partner"
}

// parseClose checks the won, decline, lost and dispute forms.
func parseClose(callback, meta string, f map[string]slack.BlockAction) (commandFunc, map[string]string, string) {
	code, err := core.ParseCode(meta)
	if err != nil {
		return nil, map[string]string{firstBlock(callback): "This form is out of date; close it and click the button again."}, ""
	}
	switch callback {
	case callbackWon:
		v, msg := amount(value(f, "value"), true)
		if msg != "" {
			return nil, map[string]string{"value": msg}, ""
		}
		return run(grammar.Won{Code: code, Value: v, Note: value(f, "note")}), nil, "value"
	case callbackDecline, callbackLost, callbackDispute:
		reason := value(f, "reason")
		if reason == "" {
			who := map[bool]string{true: "the receiver", false: "the referrer"}[callback == callbackDispute]
			return nil, map[string]string{"reason": "Give a short reason; " + who + " sees it."}, ""
		}
		switch callback {
		case callbackDecline:
			return run(grammar.Decline{Code: code, Reason: reason}), nil, "reason"
		case callbackDispute:
			return run(grammar.Dispute{Code: code, Reason: reason}), nil, "reason"
		}
		return run(grammar.Lost{Code: code, Reason: reason}), nil, "reason"
	}
	return nil, nil, ""
}

func firstBlock(callback string) string {
	if callback == callbackWon {
		return "value"
	}
	return "reason"
}

func run(cmd grammar.Command) commandFunc {
	return func(ctx context.Context, b *bot.Bot, id core.Identity) []bot.Message { return b.Run(ctx, id, cmd) }
}
