package core

import (
	"context"
	"fmt"
	"time"
)

// NoticeKind names a message the exchange must deliver. The bot renders
// each kind into text and buttons; core only records what must be said.
type NoticeKind string

const (
	NoticeOffered       NoticeKind = "referral.offered"  // DM the receiver: Accept / Decline
	NoticeAccepted      NoticeKind = "referral.accepted" // DM the referrer
	NoticeDeclined      NoticeKind = "referral.declined" // DM the referrer, with the reason
	NoticeStage         NoticeKind = "referral.stage"    // DM the referrer: close the loop
	NoticeWon           NoticeKind = "referral.won"      // DM the referrer
	NoticeLost          NoticeKind = "referral.lost"     // DM the referrer, with the reason
	NoticeThankPrompt   NoticeKind = "referral.thank_prompt"
	NoticeLeadPosted    NoticeKind = "lead.posted"       // channel: Claim / I'm interested
	NoticeLeadClaimed   NoticeKind = "lead.claimed"      // channel: who owns it now
	NoticeClaimedDM     NoticeKind = "lead.claimed_dm"   // DM the referrer
	NoticeHandRaised    NoticeKind = "lead.hand_raised"  // DM the referrer: Pick buttons
	NoticeHandoff       NoticeKind = "lead.handoff"      // DM the new owner: client details
	NoticePickedDM      NoticeKind = "lead.picked_dm"    // DM the referrer when an admin picked for them
	NoticeReleased      NoticeKind = "lead.released"     // channel: a lead open to claims again
	NoticeReturned      NoticeKind = "referral.returned" // DM the referrer: the receiver left
	NoticeThanks        NoticeKind = "thanks.posted"     // channel: public thank-you
	NoticeThanksDM      NoticeKind = "thanks.dm"         // DM the referrer
	NoticeBuddy         NoticeKind = "buddy.assigned"    // DM the mentor
	NoticeBuddyIntro    NoticeKind = "buddy.newcomer"    // DM the newcomer
	NoticeLeadExpired   NoticeKind = "lead.expired"      // DM the referrer
	NoticeThankNudge    NoticeKind = "nudge.thanks"      // DM the receiver
	NoticeStaleNudge    NoticeKind = "nudge.stale"       // DM the owner of a referral gone quiet
	NoticeStaleDigest   NoticeKind = "digest.stale"      // DM the referrer: where their quiet referrals stand
	NoticeTouchReminder NoticeKind = "reminder.touch"    // DM a member whose partnership is past its cadence
	NoticeWeeklyDigest  NoticeKind = "digest.weekly"     // channel
	NoticeQuarterly     NoticeKind = "report.quarterly"  // channel: the win celebration
	NoticeBuddyReminder NoticeKind = "reminder.buddy"    // DM the mentor: have you welcomed them?
	NoticeAskReminders  NoticeKind = "reminder.ask"      // DM: still want reminders? (after several ignored)
	NoticeHealth        NoticeKind = "report.health"     // DM each admin
	NoticeWonConfirmed  NoticeKind = "fee.won_confirmed" // DM the owners: the referrer confirmed the won value (Mark paid)
	NoticeWonDisputed   NoticeKind = "fee.won_disputed"  // DM the owners and admins: the referrer disputes it, why
	NoticeFeePaid       NoticeKind = "fee.paid"          // DM the referrer: Confirm receipt
	NoticeFeeReceived   NoticeKind = "fee.received"      // DM the owners: the referrer received the fee
	// NoticeCard refreshes the receiver's offer DM after any change, so its
	// buttons always fit the stage; platforms that can't edit skip it.
	NoticeCard NoticeKind = "referral.card"
)

// The notices of corrections, co-owners and released handoffs.
const (
	NoticeUndone          NoticeKind = "referral.undone"     // DM the other parties: a change was undone
	NoticeCorrected       NoticeKind = "referral.corrected"  // DM the other parties: the won value was corrected
	NoticeThanksWithdrawn NoticeKind = "thanks.withdrawn"    // channel: edits the thank-you post, withdrawn
	NoticeCoOwner         NoticeKind = "referral.co_owner"   // DM the referrer and the new (and old) co-owner
	NoticeTakenBack       NoticeKind = "referral.taken_back" // DM the owners of a referral released for want of updates
)

// Interactive reports whether notices of kind k edit, in place, a post
// someone is looking at because they just acted on it (a claimed lead's
// channel card, the receiver's referral card): the sender delivers them
// ahead of bulk messages, so a click shows its effect at once.
func (k NoticeKind) Interactive() bool { return k == NoticeLeadClaimed || k == NoticeCard }

// Recipient is where a notice goes: a member's DMs or the workspace channel.
type Recipient struct {
	MemberID int64  `json:"member_id,omitempty"`
	UserID   string `json:"user_id,omitempty"` // the member's platform id, filled by the store
	Name     string `json:"name,omitempty"`
	Channel  string `json:"channel,omitempty"`
}

// IsChannel reports whether the notice is a public post.
func (r Recipient) IsChannel() bool { return r.MemberID == 0 }

// Notice is one message in the outbox. It is written in the same
// transaction as the change that causes it and delivered afterwards, so
// nothing acknowledged is ever lost.
type Notice struct {
	ID          int64       `json:"-"`
	WorkspaceID int64       `json:"-"`
	Platform    Platform    `json:"-"` // filled by the store on claim
	TeamID      string      `json:"-"` // the workspace's external id, filled on claim
	Kind        NoticeKind  `json:"kind"`
	To          Recipient   `json:"to"`
	Referral    *Referral   `json:"referral,omitempty"` // snapshot, already redacted for To
	Actor       string      `json:"actor,omitempty"`    // display name of who caused it
	Text        string      `json:"text,omitempty"`     // reason, message or note
	Choices     []Recipient `json:"choices,omitempty"`  // members to pick from
	Report      *Report     `json:"report,omitempty"`   // digests and reports
	Items       []Referral  `json:"items,omitempty"`    // referrals a digest lists
	Health      *Health     `json:"health,omitempty"`   // network health, for admins
	DedupeKey   string      `json:"-"`
	NotBefore   time.Time   `json:"-"` // held until then (quiet hours); zero = at once
	Attempts    int         `json:"-"`
	LastError   string      `json:"-"` // why the last delivery failed
	CreatedAt   time.Time   `json:"-"`

	// The platform ids of the referral's referrer and receiver, filled by
	// the store on claim (as To.UserID is), so a post can mention them;
	// empty for anyone no longer active in the network.
	ReferrerUserID, ReceiverUserID string `json:"-"`
}

// Report is the content of a digest or periodic report: the period's
// figures, the period before for comparison, newcomers and the open leads
// awaiting a claim. It never carries client contact details.
type Report struct {
	Period    Period     `json:"period"`
	Current   *Stats     `json:"current"`
	Previous  *Stats     `json:"previous,omitempty"`
	Newcomers []string   `json:"newcomers,omitempty"`
	OpenLeads []Referral `json:"open_leads,omitempty"`
	// Leaderboard ranks the period's givers (the quarterly celebration's
	// top givers, most improved and newcomers' first wins).
	Leaderboard *Leaderboard `json:"leaderboard,omitempty"`
}

// dm addresses a member's direct messages.
func dm(m *Member) Recipient {
	return Recipient{MemberID: m.ID, UserID: m.UserID, Name: m.DisplayName}
}

// channel addresses the workspace's channel.
func channel(ws *Workspace) Recipient {
	return Recipient{Channel: ws.Settings.Channel}
}

// notice builds one notice about r to a recipient, keyed by the event so
// a retried operation never queues it twice.
// The snapshot follows the visibility rule for the recipient: a party
// gets the whole referral, anyone else (the channel included) its public
// view, and the text (a reason or note) only when it is meant for all.
func notice(c Caller, e *Event, kind NoticeKind, to Recipient, r *Referral, text string) Notice {
	snap := r.Public()
	if !to.IsChannel() && r.IsParty(to.MemberID) {
		snap = *r
	} else if !publicText[kind] {
		text = ""
	}
	dest := to.Channel
	if !to.IsChannel() {
		dest = fmt.Sprint("m", to.MemberID)
	}
	return Notice{WorkspaceID: c.Workspace.ID, Kind: kind, To: to, Referral: &snap,
		Actor: c.Member.DisplayName, Text: text, CreatedAt: e.At,
		DedupeKey: fmt.Sprintf("ev:%d:%s:%s", e.ID, kind, dest)}
}

// publicText are the notice kinds whose text anyone may read: a public
// thank-you, and why a lead is posted again (its owner left).
var publicText = map[NoticeKind]bool{NoticeThanks: true, NoticeLeadPosted: true}

// receiverCard refreshes the receiver's card of a direct referral after
// the change e (see NoticeCard); a lead has none.
func receiverCard(ctx context.Context, tx Tx, c Caller, e *Event, r *Referral) ([]Notice, error) {
	if r.CreatedAsLead() || r.ReceiverID == 0 {
		return nil, nil
	}
	receiver, err := memberRecipient(ctx, tx, c, r.ReceiverID)
	if err != nil {
		return nil, err
	}
	return []Notice{notice(c, e, NoticeCard, receiver, r, "")}, nil
}

// memberRecipient builds a DM recipient for a member id named on a referral.
func memberRecipient(ctx context.Context, tx Tx, c Caller, id int64) (Recipient, error) {
	m, err := tx.Member(ctx, c.Workspace.ID, id)
	if err != nil {
		return Recipient{}, err
	}
	return dm(m), nil
}

// NoticeKinds lists every notice kind, so renderers and their tests can
// cover each one without keeping a list of their own.
var NoticeKinds = []NoticeKind{
	NoticeOffered, NoticeAccepted, NoticeDeclined, NoticeStage, NoticeWon, NoticeLost, NoticeThankPrompt,
	NoticeLeadPosted, NoticeLeadClaimed, NoticeClaimedDM, NoticeHandRaised, NoticeHandoff, NoticePickedDM,
	NoticeReleased, NoticeReturned, NoticeThanks, NoticeThanksDM, NoticeBuddy, NoticeBuddyIntro,
	NoticeLeadExpired, NoticeThankNudge, NoticeStaleNudge, NoticeStaleDigest, NoticeTouchReminder,
	NoticeWeeklyDigest, NoticeQuarterly, NoticeBuddyReminder, NoticeAskReminders, NoticeHealth, NoticeCard,
	NoticeWonConfirmed, NoticeWonDisputed, NoticeFeePaid, NoticeFeeReceived,
	NoticeUndone, NoticeCorrected, NoticeThanksWithdrawn, NoticeCoOwner, NoticeTakenBack,
}
