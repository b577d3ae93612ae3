package grammar

import "github.com/referbot/referbot/core"

// Command is one parsed `/refer` request. Its concrete type says which
// subcommand it is; Name returns the canonical subcommand name, which
// Usage accepts.
type Command interface{ Name() string }

// Help asks for the overall help (Topic "") or one subcommand's usage.
type Help struct {
	Topic string // canonical subcommand name, or ""
}

// Refer is a direct referral: `/refer @partner <client> [contact consent] — <need> ...`.
// Its fields match core.ReferInput, so core.ReferInput(cmd) converts it.
type Refer struct {
	To          core.MemberRef
	ClientName  string
	Contact     string // "" unless given; never set without Consent
	Consent     bool   // the referrer confirmed the client agreed
	Need        string
	Tags        []string // normalised with core.NormalizeTags
	Estimate    core.Money
	Temperature core.Temperature // "" when not given (core defaults to warm)
	Fee         *core.FeeTerms   // `fee 10%` and the like; nil: the network's policy
}

// Lead is an open lead for the channel: `/refer lead [<client> —] <need> ...`.
// Its fields match core.LeadInput, so core.LeadInput(cmd) converts it.
type Lead struct {
	ClientName  string // optional
	Contact     string
	Consent     bool
	Need        string
	Tags        []string
	Estimate    core.Money
	Temperature core.Temperature
	ExpiryDays  int            // 0 = the workspace's default
	Fee         *core.FeeTerms // nil: the network's policy
}

// Claim takes an open lead.
type Claim struct{ Code core.Code }

// Interested raises a hand for an open lead (`interested`, `hand`).
type Interested struct{ Code core.Code }

// Pick gives the referrer's open lead to a member who raised a hand.
type Pick struct {
	Code   core.Code
	Member core.MemberRef
}

// Reassign sends a declined or returned direct referral to another partner.
type Reassign struct {
	Code   core.Code
	Member core.MemberRef
}

// Accept takes on a direct referral.
type Accept struct{ Code core.Code }

// Decline turns down a direct referral; the reason reaches the referrer.
type Decline struct {
	Code   core.Code
	Reason string
}

// Status moves a referral to contacted, meeting or proposal. `status ...
// won|lost` parses to Won or Lost instead.
type Status struct {
	Code  core.Code
	Stage core.Status // StatusContacted, StatusMeeting or StatusProposal
	Note  string
}

// Won closes a referral as won with its deal value (always > 0). Confirm
// (a last word "confirm") records a value far above the usual deals.
type Won struct {
	Code    core.Code
	Value   core.Money
	Note    string
	Confirm bool
}

// Lost closes a referral as lost with a reason.
type Lost struct {
	Code   core.Code
	Reason string
}

// Thanks publicly thanks the referrer (`thanks`, `thank`).
type Thanks struct {
	Code    core.Code
	Message string
}

// Feedback records the client's satisfaction (1–5) after close.
type Feedback struct {
	Code    core.Code
	Score   int // 1..5
	Comment string
}

// Show displays one referral and its timeline.
type Show struct{ Code core.Code }

// List lists referrals of a kind (default core.ListMine), optionally only
// those in the given stages.
type List struct {
	Kind     core.ListKind
	Statuses []core.Status
}

// Profile shows the caller's own profile (Who nil) or another member's.
type Profile struct {
	Who *core.MemberRef
}

// ProfileSet changes one profile field (`profile set <field> <value>` or
// `profile <field> <value>`). Field is one of core.ProfileFields.
//
// Values holds the parsed value: one string for free-text fields, one
// element per tag (normalised), trigger phrase or link for tags, triggers
// and links, and the approach ("hourly", "fixed", "retainer") for billing.
// Clear is set, with Values nil, when the member typed none, - or clear.
type ProfileSet struct {
	Field  string
	Values []string
	Clear  bool
	// MinBudget is set for min-budget, and for billing when a minimum was
	// given (`billing fixed min 2k`): the dispatcher then also sets the
	// min-budget field.
	MinBudget *core.Money
}

// Who asks which partners fit a need.
type Who struct {
	Need string
	Tags []string
}

// Touch logs a touchpoint with a partner.
type Touch struct {
	Partner core.MemberRef
	Kind    core.TouchKind // one of core.TouchKinds
	Note    string
}

// Buddy makes Mentor the Newcomer's mentoring buddy.
type Buddy struct {
	Newcomer core.MemberRef
	Mentor   core.MemberRef
}

// Stats asks for figures. Its fields match core.StatsRequest, so
// core.StatsRequest(cmd) converts it. Who nil and Network false mean the
// caller; Period is passed through as typed ("" = core's default).
type Stats struct {
	Who     *core.MemberRef
	Network bool
	Period  string
}

// Reminders mutes or unmutes the caller's reminders (Mute set), or sets
// their own touchpoint cadence in days (Cadence > 0; -1 = the network's).
type Reminders struct {
	Mute    *bool
	Cadence int
}

// Undelivered lists (admins) the messages that could not be delivered, or
// with Retry queues them again.
type Undelivered struct{ Retry bool }

// Flags lists (admins) the abuse flags of a period ("" = core's default).
type Flags struct{ Period string }

// FlagsDismiss dismisses (admins) an abuse flag, with the reason.
type FlagsDismiss struct {
	ID     string // "F-1a2b3c"
	Reason string
}

// Export asks for the caller's own data: as JSON, or with CSV their
// referrals as a spreadsheet.
type Export struct{ CSV bool }

// Forget erases the caller's personal data; without Confirm it only
// explains what would go and asks to confirm.
type Forget struct{ Confirm bool }

// Config shows the settings (Key "") or changes one. Key is one of
// core.ConfigKeys ("tz" is read as "timezone"); Args are the raw words
// after it for core to validate. For Key "admin", Member is the member
// named and Args holds the mention as typed.
type Config struct {
	Key    string
	Args   []string
	Member *core.MemberRef
}

func (Help) Name() string         { return "help" }
func (Refer) Name() string        { return "refer" }
func (Lead) Name() string         { return "lead" }
func (Claim) Name() string        { return "claim" }
func (Interested) Name() string   { return "interested" }
func (Pick) Name() string         { return "pick" }
func (Reassign) Name() string     { return "reassign" }
func (Accept) Name() string       { return "accept" }
func (Decline) Name() string      { return "decline" }
func (Status) Name() string       { return "status" }
func (Won) Name() string          { return "won" }
func (Lost) Name() string         { return "lost" }
func (Thanks) Name() string       { return "thanks" }
func (Feedback) Name() string     { return "feedback" }
func (Show) Name() string         { return "show" }
func (List) Name() string         { return "list" }
func (Profile) Name() string      { return "profile" }
func (ProfileSet) Name() string   { return "profile" }
func (Who) Name() string          { return "who" }
func (Touch) Name() string        { return "touch" }
func (Buddy) Name() string        { return "buddy" }
func (Stats) Name() string        { return "stats" }
func (Reminders) Name() string    { return "reminders" }
func (Undelivered) Name() string  { return "undelivered" }
func (Flags) Name() string        { return "flags" }
func (FlagsDismiss) Name() string { return "flags" }
func (Export) Name() string       { return "export" }
func (Forget) Name() string       { return "forget" }
func (Config) Name() string       { return "config" }
