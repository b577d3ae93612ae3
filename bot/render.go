package bot

import (
	"fmt"
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
		fs = append(fs, Field{"Won", money(r.WonValue)})
	}
	if r.LostReason != "" {
		fs = append(fs, Field{"Lost because", r.LostReason})
	}
	if r.DeclineReason != "" {
		fs = append(fs, Field{"Declined because", r.DeclineReason})
	}
	if r.Fee.Kind != "" && r.Fee.Kind != core.FeeNone {
		fee := r.Fee.String()
		if r.FeeStatus == core.FeeOwed || r.FeeStatus == core.FeePaid {
			fee += fmt.Sprintf(" — %s %s", r.Fee.Owed(r.WonValue), r.FeeStatus)
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
	case r.Status == core.StatusWon && r.Owns(viewerID) && !r.Thanked:
		return []Button{{"Thank @" + r.ReferrerName, action("thanks", c), Primary}}
	}
	return nil
}

// Card renders a referral for a viewer, with the buttons that fit them.
func Card(r *core.Referral, viewerID int64, title string) Message {
	return Message{Kind: "referral", Title: title, Fields: cardFields(r), Buttons: nextButtons(r, viewerID),
		Referral: r.Code.String()}
}

// RenderNotice turns an outbox notice into the message to deliver.
func RenderNotice(n core.Notice) Message {
	m := Message{Kind: string(n.Kind), Visibility: Direct, To: n.To.UserID, ToName: n.To.Name, Team: n.TeamID}
	if n.To.IsChannel() {
		m.Visibility, m.To, m.ToName = Channel, n.To.Channel, ""
	}
	r := n.Referral
	if r == nil {
		r = &core.Referral{}
	}
	if n.To.IsChannel() {
		// Core builds channel notices with the public view already; a
		// post seen by everyone applies the rule again, so a notice built
		// wrongly can't put a client's details in the channel.
		pub := r.Public()
		r = &pub
	}
	code := r.Code.String()
	m.Referral = code
	if r.Code == 0 {
		m.Referral = ""
	}
	actor := "@" + n.Actor
	withCard := func(title, text string, buttons ...Button) Message {
		m.Title, m.Text, m.Fields, m.Buttons = title, text, cardFields(r), buttons
		return m
	}
	switch n.Kind {
	case core.NoticeOffered:
		return withCard(fmt.Sprintf("%s referred a client to you (%s)", actor, code),
			"Accept to take it on, or decline with a reason so they can send it elsewhere.",
			Button{"Accept", action("accept", r.Code), Primary}, Button{"Decline", action("decline", r.Code), Danger})
	case core.NoticeAccepted:
		return withCard(fmt.Sprintf("%s accepted your referral %s", actor, code),
			fmt.Sprintf("They own the relationship with %s now; you'll hear of every step.", clientOr(r)))
	case core.NoticeDeclined:
		return withCard(fmt.Sprintf("%s declined your referral %s", actor, code),
			fmt.Sprintf("Reason: %s\nTry /refer who %s to find another partner.", n.Text, firstWords(r.Need, 6)))
	case core.NoticeStage:
		text := fmt.Sprintf("%s moved %s to *%s*.", actor, clientOr(r), r.Status)
		if n.Text != "" {
			text += "\nNote: " + n.Text
		}
		return withCard(fmt.Sprintf("Update on your referral %s: %s", code, r.Status), text)
	case core.NoticeWon:
		text := fmt.Sprintf("%s won the deal with %s for %s. Thank you for the introduction!", actor, clientOr(r), money(r.WonValue))
		if r.FeeStatus == core.FeeOwed {
			text += fmt.Sprintf("\nA finder's fee of %s is owed to you.", r.Fee.Owed(r.WonValue))
		}
		return withCard(fmt.Sprintf("Your referral %s was won 🎉", code), text)
	case core.NoticeLost:
		return withCard(fmt.Sprintf("Your referral %s did not close", code),
			fmt.Sprintf("%s marked it lost. Reason: %s", actor, n.Text))
	case core.NoticeThankPrompt:
		m.Title = fmt.Sprintf("Congratulations on winning %s!", code)
		m.Text = fmt.Sprintf("@%s introduced you to %s. A public thank-you credits them and keeps referrals coming: /refer thanks %s <message>", r.ReferrerName, clientOr(r), code)
		m.Buttons = []Button{{"Thank @" + r.ReferrerName, action("thanks", r.Code), Primary}}
		return m
	case core.NoticeLeadPosted:
		title, text := fmt.Sprintf("New lead %s from %s", code, actor),
			"First to claim it gets the client's details. Raise your hand if you'd rather the referrer picks."
		if n.Text != "" { // posted again: its owner left
			title = fmt.Sprintf("Lead %s from @%s is open again", code, r.ReferrerName)
			text = capitalize(n.Text) + ". " + text
		}
		return withCard(title, text,
			Button{"Claim", action("claim", r.Code), Primary}, Button{"I'm interested", action("interested", r.Code), Default})
	case core.NoticeCard:
		m.Replaces, m.UpdateOnly = string(core.NoticeOffered), true
		return withCard(fmt.Sprintf("Referral %s from @%s: %s", code, r.ReferrerName, r.Status), "",
			nextButtons(r, r.ReceiverID)...)
	case core.NoticeLeadClaimed:
		m.Replaces = string(core.NoticeLeadPosted)
		return withCard(fmt.Sprintf("Lead %s was claimed by @%s", code, r.ReceiverName),
			fmt.Sprintf("@%s owns it now. Thanks, @%s, for sharing it!", r.ReceiverName, r.ReferrerName))
	case core.NoticeClaimedDM:
		return withCard(fmt.Sprintf("%s claimed your lead %s", actor, code),
			"They own the client relationship now; you'll hear of every step.")
	case core.NoticeHandoff:
		return withCard(fmt.Sprintf("%s picked you for lead %s", actor, code),
			"The client is yours: the details are below, only for you.")
	case core.NoticePickedDM:
		return withCard(fmt.Sprintf("%s handed your lead %s to @%s", actor, code, r.ReceiverName),
			"They own the client relationship now; you'll hear of every step.")
	case core.NoticeReleased:
		return withCard(fmt.Sprintf("Your lead %s is open to claims again", code),
			fmt.Sprintf("%s, so it is back in the channel for someone else to claim. You'll be told who takes it.", capitalize(n.Text)))
	case core.NoticeReturned:
		return withCard(fmt.Sprintf("Your referral %s came back to you", code),
			fmt.Sprintf("%s before finishing it. Send %s to someone else with /refer reassign %s @member — /refer who %s suggests partners.",
				capitalize(n.Text), clientOr(r), code, firstWords(r.Need, 6)))
	case core.NoticeHandRaised:
		m.Title = fmt.Sprintf("%s is interested in your lead %s", actor, code)
		names := make([]string, len(n.Choices))
		for i, ch := range n.Choices {
			names[i] = "@" + ch.Name
			m.Buttons = append(m.Buttons, Button{"Pick @" + ch.Name, action("pick", r.Code, ch.UserID), Default})
		}
		m.Text = fmt.Sprintf("Interested so far: %s. Pick one to hand the lead over.", strings.Join(names, ", "))
		return m
	case core.NoticeThanks:
		m.Title = fmt.Sprintf("🙏 %s thanks @%s", actor, r.ReferrerName)
		m.Text = fmt.Sprintf("for the referral %s (%s).", code, firstWords(r.Need, 8))
		if n.Text != "" {
			m.Text += "\n“" + n.Text + "”"
		}
		return m
	case core.NoticeThanksDM:
		m.Title = fmt.Sprintf("%s thanked you for %s", actor, code)
		m.Text = nonEmpty(n.Text, "Thank you for the introduction!")
		return m
	case core.NoticeQuarterly, core.NoticeWeeklyDigest:
		if n.Report == nil {
			break
		}
		out := WeeklyMessage(n.Report)
		if n.Kind == core.NoticeQuarterly {
			out = QuarterlyMessage(n.Report)
		}
		out.To, out.Team = m.To, m.Team
		return out
	case core.NoticeStaleNudge:
		return withCard(fmt.Sprintf("How is %s going? (%s)", clientOr(r), code),
			fmt.Sprintf("There's been no update for a while, and @%s is waiting to hear. A one-line status keeps the loop closed — or say if it's stalled.", r.ReferrerName),
			nextButtons(r, r.ReceiverID)...)
	case core.NoticeStaleDigest:
		m.Title = "Where your referrals stand"
		var lines []string
		for _, it := range n.Items {
			lines = append(lines, fmt.Sprintf("`%s` %s — %s with @%s since %s", it.Code, firstWords(it.Need, 8), it.Status,
				it.ReceiverName, it.UpdatedAt.Format("2 Jan")))
		}
		m.Text = "These haven't moved lately; their owners have been nudged.\n" + strings.Join(lines, "\n")
		return m
	case core.NoticeTouchReminder:
		m.Title = fmt.Sprintf("Time to reconnect with @%s", n.Actor)
		m.Text = fmt.Sprintf("It's been a while since you two were in touch. Idea: %s.\nLog it afterwards with /refer touch @%s coffee|call|shared-content|intro|meeting", n.Text, n.Actor)
		return m
	case core.NoticeBuddyReminder:
		m.Title = fmt.Sprintf("Have you welcomed @%s yet?", n.Actor)
		m.Text = fmt.Sprintf("You're @%s's mentoring buddy. A short hello, a look at their profile (/refer profile @%s) and one introduction to a partner make a newcomer stay.", n.Actor, n.Actor)
		return m
	case core.NoticeAskReminders:
		m.Title = "Still want these reminders?"
		m.Text = fmt.Sprintf("You haven't used referbot since the last %s reminders, so I've stopped sending them. Keep them coming, or pause them — you can change your mind any time with /refer reminders on|off.", n.Text)
		m.Buttons = []Button{{"Keep them coming", "/refer/reminders/on", Primary}, {"Pause reminders", "/refer/reminders/off", Default}}
		return m
	case core.NoticeHealth:
		if n.Health == nil {
			break
		}
		return HealthMessage(n.Health, m)
	case core.NoticeLeadExpired:
		return withCard(fmt.Sprintf("Your lead %s expired unclaimed", code),
			fmt.Sprintf("Nobody claimed it in time. If %s still needs help, refer them directly — /refer who %s suggests partners — or post it again with /refer lead.",
				clientOr(r), firstWords(r.Need, 6)))
	case core.NoticeThankNudge:
		m.Title = fmt.Sprintf("A thank-you for @%s? (%s)", r.ReferrerName, code)
		m.Text = fmt.Sprintf("@%s introduced you to %s. A public thank-you credits them and keeps introductions coming: /refer thanks %s <message>",
			r.ReferrerName, clientOr(r), code)
		m.Buttons = []Button{{"Thank @" + r.ReferrerName, action("thanks", r.Code), Primary}}
		return m
	case core.NoticeBuddy:
		m.Title = fmt.Sprintf("You're @%s's mentoring buddy", n.Actor)
		m.Text = fmt.Sprintf("@%s is new to the network. Say hello, show them how referrals work here, and introduce them to a partner or two.", n.Actor)
		return m
	case core.NoticeBuddyIntro:
		m.Title = "Welcome to the referral network!"
		m.Text = fmt.Sprintf("@%s is your mentoring buddy: ask them anything. Start with /refer profile set services <what you do> so partners know when to send clients your way.", n.Actor)
		return m
	}
	m.Title = string(n.Kind)
	m.Text = n.Text
	return m
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

func nonEmpty(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = append(f[:n], "…")
	}
	return strings.Join(f, " ")
}

// when formats an instant for a timeline.
func when(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2 Jan 2006 15:04")
}
