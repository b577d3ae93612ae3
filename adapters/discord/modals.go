package discord

import (
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/core"
)

func input(id, label, placeholder string, style discordgo.TextInputStyle, required bool, max int) discordgo.MessageComponent {
	return discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{CustomID: id, Label: label,
		Placeholder: placeholder, Style: style, Required: required, MaxLength: max}}}
}

func modal(customID, title string, rows ...discordgo.MessageComponent) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal,
		Data: &discordgo.InteractionResponseData{CustomID: customID, Title: bot.Clip(title, 45), Components: rows}}
}

// newReferralModal is the form of /refer new: the partner, temperature
// and consent come from the command's options (a modal holds only text
// inputs), the rest is typed in the form. Without a partner it posts an
// open lead.
func newReferralModal(a args) *discordgo.InteractionResponse {
	p := a.member("partner")
	partnerID, partnerName, title := "", "", "New open lead"
	if p != nil {
		partnerID, partnerName = p.UserID, bot.Clip(strings.NewReplacer("|", " ").Replace(p.Name), 30)
		title = "Refer a client to " + p.Name
	}
	consent := "0"
	if a.boolean("consent") {
		consent = "1"
	}
	id := strings.Join([]string{"new", partnerID, a.str("temperature"), consent, partnerName}, "|")
	contact := "Leave empty: you didn't set consent:True"
	if consent == "1" {
		contact = "jane@acme.com — shown only to who takes it on"
	}
	return modal(bot.Clip(id, maxCustomID), title,
		input("client", "Client", "Acme Corp (a person or company)", discordgo.TextInputShort, p != nil, 200),
		input("contact", "Client's contact", bot.Clip(contact, 100), discordgo.TextInputShort, false, 200),
		input("need", "What do they need?", "A new website before the March launch", discordgo.TextInputParagraph, true, 1000),
		input("tags", "Tags", "web-dev branding", discordgo.TextInputShort, false, 200),
		input("value", "Estimated value", "5000, 5k or 1,200 EUR", discordgo.TextInputShort, false, 40))
}

// closeModal is the form behind Won, Decline, Lost and Dispute: the steps a
// button stands for without the value or reason they need. Its id carries
// the guild for a click in a DM.
func closeModal(action, guild string) (*discordgo.InteractionResponse, bool) {
	cmd, err := bot.ActionCommand(action)
	if err != nil || grammar.Check(cmd) == nil {
		return nil, false
	}
	id := func(code core.Code) string { return cmd.Name() + "|" + code.String() + "|" + guild }
	switch x := cmd.(type) {
	case grammar.Won:
		return modal(id(x.Code), "Won "+x.Code.String(),
			input("value", "Deal value", "12,000 or 12k", discordgo.TextInputShort, true, 40),
			input("note", "Note for the referrer", "Signed for the full redesign", discordgo.TextInputParagraph, false, 500)), true
	case grammar.Decline:
		return modal(id(x.Code), "Decline "+x.Code.String(),
			input("reason", "Why? The referrer sees this", "Fully booked until May", discordgo.TextInputParagraph, true, 500)), true
	case grammar.Lost:
		return modal(id(x.Code), "Lost "+x.Code.String(),
			input("reason", "Why didn't it close?", "Went with an in-house team", discordgo.TextInputParagraph, true, 500)), true
	case grammar.Dispute:
		return modal(id(x.Code), "Dispute "+x.Code.String(),
			input("reason", "What is wrong? The receiver sees this", "The deal was 4,800, not 48,000", discordgo.TextInputParagraph, true, 500)), true
	}
	return nil, false
}

// modalValues reads a submitted form's text inputs by id.
func modalValues(d discordgo.ModalSubmitInteractionData) map[string]string {
	out := map[string]string{}
	for _, row := range d.Components {
		r, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range r.Components {
			if t, ok := c.(*discordgo.TextInput); ok {
				out[t.CustomID] = strings.TrimSpace(t.Value)
			}
		}
	}
	return out
}

func invalid(format string, args ...any) *core.Error {
	return core.Errorf(core.EINVALID, format, args...)
}

// parseModal checks a form and builds its command; the error says which
// field to fix. guild is set for forms opened from a DM.
func parseModal(customID string, f map[string]string) (grammar.Command, string, error) {
	parts := strings.Split(customID, "|")
	switch parts[0] {
	case "new":
		if len(parts) != 5 {
			break
		}
		partner, temp, consent, name := parts[1], parts[2], parts[3] == "1", parts[4]
		if partner != "" && f["client"] == "" {
			return nil, "", invalid("The client's name is empty.").WithHint("Open the form again (/refer new) and type who the client is.")
		}
		if f["need"] == "" {
			return nil, "", invalid("Say what the client needs.").WithHint("E.g. “a new website before March”.")
		}
		if f["contact"] != "" && !consent {
			return nil, "", invalid("I can't store the client's contact without their consent.").
				WithHint("Run /refer new again with consent:True, or leave the contact empty.")
		}
		est, err := amount(f["value"], false)
		if err != nil {
			return nil, "", err
		}
		tags := bot.Tags(f["tags"])
		if partner == "" {
			return grammar.Lead{ClientName: f["client"], Contact: f["contact"], Consent: consent, Need: f["need"], Tags: tags,
				Estimate: est, Temperature: core.Temperature(temp)}, "", nil
		}
		return grammar.Refer{To: core.MemberRef{UserID: partner, Name: name}, ClientName: f["client"], Contact: f["contact"],
			Consent: consent, Need: f["need"], Tags: tags, Estimate: est, Temperature: core.Temperature(temp)}, "", nil
	case "won", "decline", "lost", "dispute":
		if len(parts) != 3 {
			break
		}
		code, err := core.ParseCode(parts[1])
		if err != nil {
			break
		}
		guild := parts[2]
		switch parts[0] {
		case "won":
			v, err := amount(f["value"], true)
			if err != nil {
				return nil, "", err
			}
			return grammar.Won{Code: code, Value: v, Note: f["note"]}, guild, nil
		case "decline":
			if f["reason"] == "" {
				return nil, "", invalid("Give a short reason; the referrer sees it.")
			}
			return grammar.Decline{Code: code, Reason: f["reason"]}, guild, nil
		case "dispute":
			if f["reason"] == "" {
				return nil, "", invalid("Say what is wrong; the receiver sees it.")
			}
			return grammar.Dispute{Code: code, Reason: f["reason"]}, guild, nil
		default:
			if f["reason"] == "" {
				return nil, "", invalid("Give a short reason; the referrer sees it.")
			}
			return grammar.Lost{Code: code, Reason: f["reason"]}, guild, nil
		}
	}
	return nil, "", invalid("This form is out of date.").WithHint("Close it and start again with /refer new or the button.")
}
