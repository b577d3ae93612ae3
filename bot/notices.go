package bot

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/referbot/referbot/core"
)

// RenderNotice turns an outbox notice into the message to deliver.
func RenderNotice(n core.Notice) Message {
	d := draft{n: n, r: n.Referral, m: Message{Kind: string(n.Kind), Visibility: Direct, To: n.To.UserID, ToName: n.To.Name, Team: n.TeamID}}
	if n.To.IsChannel() {
		d.m.Visibility, d.m.To, d.m.ToName = Channel, n.To.Channel, ""
	}
	if d.r == nil {
		d.r = &core.Referral{}
	}
	if n.To.IsChannel() {
		// Core builds channel notices with the public view already; a
		// post seen by everyone applies the rule again, so a notice built
		// wrongly can't put a client's details in the channel.
		pub := d.r.Public()
		d.r = &pub
	}
	d.code, d.actor = d.r.Code.String(), "@"+n.Actor
	// In texts, the parties the store gave a platform id for are
	// mentioned, so the post notifies them; titles keep @name.
	d.referrer, d.receiver = Mention(n.ReferrerUserID, d.r.ReferrerName), Mention(n.ReceiverUserID, d.r.ReceiverName)
	if d.r.Code != 0 {
		d.m.Referral = d.code
	}
	if render, ok := notices[n.Kind]; ok {
		if m, ok := render(d); ok {
			return m
		}
	}
	// A kind without a rendering, or a report that lost its content.
	d.m.Title, d.m.Text = string(n.Kind), n.Text
	return d.m
}

// draft is what every notice rendering starts from: the notice, its
// referral (never nil; the public view for a channel) and the message
// already addressed to the recipient.
type draft struct {
	n     core.Notice
	r     *core.Referral
	m     Message
	code  string // the referral's code, "R-1042"
	actor string // "@alice", who caused the notice
	// The referral's referrer and receiver as a text names them: a
	// mention (see Mention), or @name.
	referrer, receiver string
}

// card is the message with the referral's card under title and text.
func (d draft) card(title, text string, buttons ...Button) (Message, bool) {
	d.m.Title, d.m.Text, d.m.Fields, d.m.Buttons = title, text, cardFields(d.r), buttons
	return d.m, true
}

// say is the message with a title, a text and buttons, without the card.
func (d draft) say(title, text string, buttons ...Button) (Message, bool) {
	d.m.Title, d.m.Text, d.m.Buttons = title, text, buttons
	return d.m, true
}

func (d draft) client() string { return clientOr(d.r) }

// notices renders each kind of notice; core.NoticeKinds lists them all. A
// rendering reports false when the notice lacks what it needs, and the
// notice is then shown plainly.
var notices = map[core.NoticeKind]func(d draft) (Message, bool){
	core.NoticeOffered: func(d draft) (Message, bool) {
		return d.card(fmt.Sprintf("%s referred a client to you (%s)", d.actor, d.code),
			"Accept to take it on, or decline with a reason so they can send it elsewhere.",
			Button{"Accept", action("accept", d.r.Code), Primary}, Button{"Decline", action("decline", d.r.Code), Danger})
	},
	core.NoticeAccepted: func(d draft) (Message, bool) {
		return d.card(fmt.Sprintf("%s accepted your referral %s", d.actor, d.code),
			fmt.Sprintf("They own the relationship with %s now; you'll hear of every step.", d.client()))
	},
	core.NoticeDeclined: func(d draft) (Message, bool) {
		return d.card(fmt.Sprintf("%s declined your referral %s", d.actor, d.code),
			fmt.Sprintf("Reason: %s\nTry /refer who %s to find another partner.", d.n.Text, firstWords(d.r.Need, 6)))
	},
	core.NoticeStage: func(d draft) (Message, bool) {
		return d.card(fmt.Sprintf("Update on your referral %s: %s", d.code, d.r.Status),
			fmt.Sprintf("%s moved %s to *%s*.", d.actor, d.client(), d.r.Status)+prefixed("\nNote: ", d.n.Text))
	},
	core.NoticeWon:          wonNotice, // fees.go, with the rest of the fee notices
	core.NoticeWonConfirmed: wonConfirmedNotice,
	core.NoticeWonDisputed:  wonDisputedNotice,
	core.NoticeFeePaid:      feePaidNotice,
	core.NoticeFeeReceived:  feeReceivedNotice,
	core.NoticeLost: func(d draft) (Message, bool) {
		return d.card(fmt.Sprintf("Your referral %s did not close", d.code),
			fmt.Sprintf("%s marked it lost. Reason: %s", d.actor, d.n.Text))
	},
	core.NoticeThankPrompt: func(d draft) (Message, bool) {
		return d.say(fmt.Sprintf("Congratulations on winning %s!", d.code),
			fmt.Sprintf("%s introduced you to %s. A public thank-you credits them and keeps referrals coming: /refer thanks %s <message>",
				d.referrer, d.client(), d.code),
			thankButton(d.r))
	},
	core.NoticeLeadPosted: func(d draft) (Message, bool) {
		title, text := fmt.Sprintf("New lead %s from %s", d.code, d.actor),
			"First to claim it gets the client's details. Raise your hand if you'd rather the referrer picks."
		if d.n.Text != "" { // posted again: its owner left
			title = fmt.Sprintf("Lead %s from @%s is open again", d.code, d.r.ReferrerName)
			text = capitalize(d.n.Text) + ". " + text
		}
		return d.card(title, text,
			Button{"Claim", action("claim", d.r.Code), Primary}, Button{"I'm interested", action("interested", d.r.Code), Default})
	},
	core.NoticeCard: func(d draft) (Message, bool) {
		d.m.Replaces, d.m.UpdateOnly = string(core.NoticeOffered), true
		return d.card(fmt.Sprintf("Referral %s from @%s: %s", d.code, d.r.ReferrerName, d.r.Status), "",
			nextButtons(d.r, d.r.ReceiverID)...)
	},
	core.NoticeLeadClaimed: func(d draft) (Message, bool) {
		d.m.Replaces = string(core.NoticeLeadPosted)
		return d.card(fmt.Sprintf("Lead %s was claimed by @%s", d.code, d.r.ReceiverName),
			fmt.Sprintf("%s owns it now. Thanks, %s, for sharing it!", d.receiver, d.referrer))
	},
	core.NoticeClaimedDM: func(d draft) (Message, bool) {
		return d.card(fmt.Sprintf("%s claimed your lead %s", d.actor, d.code),
			"They own the client relationship now; you'll hear of every step.")
	},
	core.NoticeHandoff: func(d draft) (Message, bool) {
		return d.card(fmt.Sprintf("%s picked you for lead %s", d.actor, d.code),
			"The client is yours: the details are below, only for you.")
	},
	core.NoticePickedDM: func(d draft) (Message, bool) {
		return d.card(fmt.Sprintf("%s handed your lead %s to @%s", d.actor, d.code, d.r.ReceiverName),
			"They own the client relationship now; you'll hear of every step.")
	},
	core.NoticeReleased: func(d draft) (Message, bool) {
		return d.card(fmt.Sprintf("Your lead %s is open to claims again", d.code),
			fmt.Sprintf("%s, so it is back in the channel for someone else to claim. You'll be told who takes it.", capitalize(d.n.Text)))
	},
	core.NoticeReturned: func(d draft) (Message, bool) {
		return d.card(fmt.Sprintf("Your referral %s came back to you", d.code),
			fmt.Sprintf("%s. Send %s to someone else with /refer reassign %s @member — /refer who %s suggests partners.",
				capitalize(d.n.Text), d.client(), d.code, firstWords(d.r.Need, 6)))
	},
	core.NoticeHandRaised: func(d draft) (Message, bool) {
		names := make([]string, len(d.n.Choices))
		var picks []Button
		for i, ch := range d.n.Choices {
			names[i] = Mention(ch.UserID, ch.Name)
			picks = append(picks, Button{"Pick @" + ch.Name, action("pick", d.r.Code, ch.UserID), Default})
		}
		m, ok := d.say(fmt.Sprintf("%s is interested in your lead %s", d.actor, d.code),
			fmt.Sprintf("Interested so far: %s. Pick one to hand the lead over.", strings.Join(names, ", ")), picks...)
		if len(picks) > MaxButtons {
			// Too many to be buttons: one menu of them all.
			m.Buttons, m.Menu = nil, &Menu{Placeholder: "Pick who gets it", Options: picks,
				More: fmt.Sprintf("/refer pick %s @name", d.code)}
		}
		return m, ok
	},
	core.NoticeThanks: func(d draft) (Message, bool) {
		// The text mentions the one thanked: a post notifies whom it mentions.
		text := fmt.Sprintf("%s thanks %s for the referral %s (%s).", d.actor, d.referrer, d.code, firstWords(d.r.Need, 8))
		if d.n.Text != "" {
			text += "\n“" + d.n.Text + "”"
		}
		return d.say(fmt.Sprintf("🙏 %s thanks @%s", d.actor, d.r.ReferrerName), text)
	},
	core.NoticeThanksDM: func(d draft) (Message, bool) {
		return d.say(fmt.Sprintf("%s thanked you for %s", d.actor, d.code), cmp.Or(d.n.Text, "Thank you for the introduction!"))
	},
	core.NoticeQuarterly:    report(QuarterlyMessage),
	core.NoticeWeeklyDigest: report(WeeklyMessage),
	core.NoticeStaleNudge: func(d draft) (Message, bool) {
		return d.card(fmt.Sprintf("How is %s going? (%s)", d.client(), d.code),
			fmt.Sprintf("There's been no update for a while, and %s is waiting to hear. A one-line status keeps the loop closed — or say if it's stalled.", d.referrer),
			nextButtons(d.r, d.r.ReceiverID)...)
	},
	core.NoticeStaleDigest: func(d draft) (Message, bool) {
		var lines []string
		for _, it := range d.n.Items {
			lines = append(lines, fmt.Sprintf("`%s` %s — %s with @%s since %s", it.Code, firstWords(it.Need, 8), it.Status,
				it.ReceiverName, it.UpdatedAt.Format("2 Jan")))
		}
		return d.say("Where your referrals stand",
			"These haven't moved lately; their owners have been nudged.\n"+strings.Join(lines, "\n"))
	},
	core.NoticeTouchReminder: func(d draft) (Message, bool) {
		return d.say(fmt.Sprintf("Time to reconnect with %s", d.actor),
			fmt.Sprintf("It's been a while since you two were in touch. Idea: %s.\nLog it afterwards with /refer touch %s coffee|call|shared-content|intro|meeting", d.n.Text, d.actor))
	},
	core.NoticeBuddyReminder: func(d draft) (Message, bool) {
		return d.say(fmt.Sprintf("Have you welcomed %s yet?", d.actor),
			fmt.Sprintf("You're %s's mentoring buddy. A short hello, a look at their profile (/refer profile %s) and one introduction to a partner make a newcomer stay.", d.actor, d.actor))
	},
	core.NoticeAskReminders: func(d draft) (Message, bool) {
		return d.say("Still want these reminders?",
			fmt.Sprintf("You haven't used referbot since the last %s reminders, so I've stopped sending them. Keep them coming, or pause them — you can change your mind any time with /refer reminders on|off.", d.n.Text),
			Button{"Keep them coming", "/refer/reminders/on", Primary}, Button{"Pause reminders", "/refer/reminders/off", Default})
	},
	core.NoticeHealth: func(d draft) (Message, bool) {
		if d.n.Health == nil {
			return Message{}, false
		}
		return HealthMessage(d.n.Health, d.m), true
	},
	core.NoticeLeadExpired: func(d draft) (Message, bool) {
		return d.card(fmt.Sprintf("Your lead %s expired unclaimed", d.code),
			fmt.Sprintf("Nobody claimed it in time. If %s still needs help, refer them directly — /refer who %s suggests partners — or post it again with /refer lead.",
				d.client(), firstWords(d.r.Need, 6)))
	},
	core.NoticeThankNudge: func(d draft) (Message, bool) {
		return d.say(fmt.Sprintf("A thank-you for @%s? (%s)", d.r.ReferrerName, d.code),
			fmt.Sprintf("%s introduced you to %s. A public thank-you credits them and keeps introductions coming: /refer thanks %s <message>",
				d.referrer, d.client(), d.code),
			thankButton(d.r))
	},
	core.NoticeBuddy: func(d draft) (Message, bool) {
		return d.say(fmt.Sprintf("You're %s's mentoring buddy", d.actor),
			fmt.Sprintf("%s is new to the network. Say hello, show them how referrals work here, and introduce them to a partner or two.", d.actor))
	},
	core.NoticeBuddyIntro: func(d draft) (Message, bool) {
		return d.say("Welcome to the referral network!",
			fmt.Sprintf("%s is your mentoring buddy: ask them anything. Start with /refer profile set services <what you do> so partners know when to send clients your way.", d.actor))
	},
	core.NoticeUndone:          undoneNotice,
	core.NoticeCorrected:       correctedNotice,
	core.NoticeThanksWithdrawn: thanksWithdrawnNotice,
	core.NoticeCoOwner:         coOwnerNotice,
	core.NoticeTakenBack:       takenBackNotice,
}

// report renders a digest or report notice from its content, addressed
// as the notice is.
func report(render func(*core.Report) Message) func(d draft) (Message, bool) {
	return func(d draft) (Message, bool) {
		if d.n.Report == nil {
			return Message{}, false
		}
		out := render(d.n.Report)
		out.To, out.Team = d.m.To, d.m.Team
		return out, true
	}
}

func thankButton(r *core.Referral) Button {
	return Button{"Thank @" + r.ReferrerName, action("thanks", r.Code), Primary}
}
