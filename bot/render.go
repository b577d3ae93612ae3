package bot

import (
	"strings"
	"time"

	"github.com/referbot/referbot/core"
)

// action builds a button's action path.
func action(verb string, code core.Code, rest ...string) string {
	return "/refer/" + strings.Join(append([]string{verb, code.String()}, rest...), "/")
}

func money(m core.Money) string {
	if m.IsZero() {
		return ""
	}
	return m.String()
}

func mention(name string) string {
	if name == "" {
		return "nobody yet"
	}
	return "@" + name
}

// PrivateAmounts stands for amounts a party keeps private.
const PrivateAmounts = "private to the parties"

// cardFields describes a referral; contact appears only when r still holds
// it (core strips it for anyone who may not see it).
func cardFields(r *core.Referral) []Field {
	fs := []Field{}
	if r.ClientName != "" {
		fs = append(fs, Field{"Client", r.ClientName})
	}
	if r.ClientContact != "" {
		fs = append(fs, Field{"Contact", r.ClientContact + " (private)"})
	}
	fs = append(fs, Field{"Need", r.Need})
	if len(r.Tags) > 0 {
		fs = append(fs, Field{"Tags", "#" + strings.Join(r.Tags, " #")})
	}
	if v := money(r.Estimate); v != "" {
		fs = append(fs, Field{"Estimated value", v})
	} else if r.AmountsHidden {
		fs = append(fs, Field{"Amounts", PrivateAmounts})
	}
	fs = append(fs, Field{"Temperature", string(r.Temperature)})
	fs = append(fs, Field{"Stage", string(r.Status)})
	fs = append(fs, Field{"From", mention(r.ReferrerName)})
	if r.ReceiverID != 0 || !r.CreatedAsLead() {
		fs = append(fs, Field{"To", mention(r.ReceiverName)})
	}
	if r.CoOwnerName != "" {
		fs = append(fs, Field{"Co-owner", mention(r.CoOwnerName)})
	}
	if r.Status == core.StatusWon {
		won := wonValue(r)
		if r.AmountsHidden {
			won = "yes — the amount is " + PrivateAmounts
		}
		fs = append(fs, Field{"Won", won})
	}
	if r.LostReason != "" {
		fs = append(fs, Field{"Lost because", r.LostReason})
	}
	if r.DeclineReason != "" {
		fs = append(fs, Field{"Declined because", r.DeclineReason})
	}
	if r.Fee.Kind != "" && r.Fee.Kind != core.FeeNone {
		fee := feeText(r)
		if r.AmountsHidden {
			fee = r.Fee.String()
			if st, ok := feeStatusText[r.FeeStatus]; ok && r.Status == core.StatusWon {
				fee += " — " + st
			}
		}
		fs = append(fs, Field{"Fee", fee})
	}
	if r.Status == core.StatusOpen && !r.ExpiresAt.IsZero() {
		fs = append(fs, Field{"Open until", r.ExpiresAt.UTC().Format("Mon 2 Jan 2006")})
	}
	return fs
}

// nextButtons are the actions that fit a viewer and the stage.
func nextButtons(r *core.Referral, viewerID int64) []Button {
	c := r.Code
	switch {
	case r.Status == core.StatusOpen && viewerID != r.ReferrerID:
		return []Button{{"Claim", action("claim", c), Primary}, {"I'm interested", action("interested", c), Default}}
	case r.Status == core.StatusOffered && viewerID == r.ReceiverID:
		return []Button{{"Accept", action("accept", c), Primary}, {"Decline", action("decline", c), Danger}}
	case r.Status.Working() && r.Owns(viewerID):
		var bs []Button
		next := map[core.Status]core.Status{core.StatusAccepted: core.StatusContacted,
			core.StatusContacted: core.StatusMeeting, core.StatusMeeting: core.StatusProposal}
		if n, ok := next[r.Status]; ok {
			bs = append(bs, Button{"Mark " + string(n), action("status", c, string(n)), Default})
		}
		bs = append(bs, Button{"Won", action("won", c), Primary}, Button{"Lost", action("lost", c), Danger})
		return bs
	case r.Status == core.StatusWon:
		return wonButtons(r, viewerID) // fees.go
	}
	return nil
}

// Card renders a referral for a viewer, with the buttons that fit them.
func Card(r *core.Referral, viewerID int64, title string) Message {
	return Message{Kind: "referral", Title: title, Fields: cardFields(r), Buttons: nextButtons(r, viewerID),
		Referral: r.Code.String()}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func clientOr(r *core.Referral) string {
	if r.ClientName != "" {
		return r.ClientName
	}
	return "the client"
}

// firstWords is s shortened to its first n words, the cut marked.
func firstWords(s string, n int) string {
	short := core.FirstWords(s, n)
	if len(strings.Fields(s)) > n {
		short += " …"
	}
	return short
}

// when formats an instant for a timeline.
func when(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2 Jan 2006 15:04")
}
