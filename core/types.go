package core

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Platform names the chat system a workspace lives in.
type Platform string

const (
	Slack   Platform = "slack"
	Discord Platform = "discord"
	Console Platform = "console"
)

// Workspace is one Slack team, Discord guild or console session. Nothing in
// one workspace is visible from another.
type Workspace struct {
	ID         int64
	Platform   Platform
	ExternalID string // Slack team id, Discord guild id, console name
	Name       string
	Settings   Settings
	CreatedAt  time.Time
}

// FeeKind says how a referrer is rewarded for a referral that is won.
type FeeKind string

const (
	FeeNone       FeeKind = "none"
	FeeReciprocal FeeKind = "reciprocal" // the favour is returned, no money
	FeePercent    FeeKind = "percent"    // a share of the won value
	FeeFixed      FeeKind = "fixed"      // a fixed finder's fee
)

// FeeTerms are the terms agreed for one referral (or the network's policy).
type FeeTerms struct {
	Kind       FeeKind `json:"kind"`
	BasisPts   int     `json:"basis_points,omitempty"` // for FeePercent: 1000 = 10%
	FixedCents int64   `json:"fixed_cents,omitempty"`  // for FeeFixed
}

func (f FeeTerms) String() string {
	switch f.Kind {
	case FeePercent:
		return fmt.Sprintf("finder's fee %s%% of won value", strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.2f", float64(f.BasisPts)/100), "0"), ".0"))
	case FeeFixed:
		return "finder's fee " + FormatCents(f.FixedCents)
	case FeeReciprocal:
		return "reciprocal"
	default:
		return "no fee"
	}
}

// Fee returns what is owed on a won value under these terms.
func (f FeeTerms) Fee(won int64) int64 {
	switch f.Kind {
	case FeePercent:
		return won * int64(f.BasisPts) / 10000
	case FeeFixed:
		return f.FixedCents
	}
	return 0
}

// Settings are a workspace's configuration, edited with `/refer config`.
type Settings struct {
	Channel        string            `json:"channel,omitempty"`  // where public posts go
	TimeZone       string            `json:"timezone,omitempty"` // IANA name; empty = REFERBOT_TZ
	QuietStart     int               `json:"quiet_start"`        // hour of day, local; equal to QuietEnd = none
	QuietEnd       int               `json:"quiet_end"`
	CadenceDays    int               `json:"cadence_days"`     // default partnership touchpoint cadence
	LeadExpiryDays int               `json:"lead_expiry_days"` // open leads expire after this
	StaleDays      int               `json:"stale_days"`       // accepted referrals with no update nudge after this
	Currency       string            `json:"currency"`
	Fee            FeeTerms          `json:"fee"`
	Schedules      map[string]string `json:"schedules,omitempty"` // job name -> cron spec overrides
}

// DefaultSettings are what a new workspace starts with.
func DefaultSettings() Settings {
	return Settings{
		QuietStart: 20, QuietEnd: 8,
		CadenceDays: 30, LeadExpiryDays: 7, StaleDays: 10,
		Currency: DefaultCurrency, Fee: FeeTerms{Kind: FeeNone},
	}
}

// Role is a member's role in a workspace.
type Role string

const (
	RoleMember Role = "member"
	RoleAdmin  Role = "admin"
)

// MemberStatus says whether a member takes part.
type MemberStatus string

const (
	MemberActive    MemberStatus = "active"
	MemberRemoved   MemberStatus = "removed"   // removed by an admin
	MemberForgotten MemberStatus = "forgotten" // erased their personal data
)

// Member is a person in one workspace. Joining is implicit on first use.
type Member struct {
	ID          int64
	WorkspaceID int64
	UserID      string // platform user id (console: the lower-cased name)
	DisplayName string
	Role        Role
	Status      MemberStatus
	BuddyID     int64 // mentoring buddy, 0 if none
	Muted       bool  // no reminders
	CadenceDays int   // own touchpoint cadence; 0 = the workspace's
	JoinedAt    time.Time
}

// IsAdmin reports whether m may configure the workspace and see everything.
func (m Member) IsAdmin() bool { return m.Role == RoleAdmin }

// Mention renders m for messages: "@Alice".
func (m Member) Mention() string { return "@" + m.DisplayName }

// Availability is whether a member wants referrals now.
type Availability string

const (
	Open   Availability = "open"
	Busy   Availability = "busy"
	Paused Availability = "paused" // gets no referrals and no reminders
)

// Profile says, in the network's shared language, what a member does and
// whom they want to meet.
type Profile struct {
	MemberID     int64
	Services     string
	Tags         []string // normalised: lower case, no '#'
	Niche        string
	Industry     string
	ClientSize   string
	BudgetRange  string
	Triggers     []string // "when you hear a client say ..."
	Billing      string   // hourly | fixed | retainer
	MinBudget    Money
	Outcomes     string
	Links        []string // portfolio, testimonials
	ContactPref  string
	TimeZone     string
	Availability Availability
	UpdatedAt    time.Time
}

// Status is a referral's stage.
type Status string

const (
	StatusOffered   Status = "offered" // direct referral awaiting the receiver's answer
	StatusOpen      Status = "open"    // open lead awaiting a claim
	StatusAccepted  Status = "accepted"
	StatusDeclined  Status = "declined"
	StatusExpired   Status = "expired"
	StatusContacted Status = "contacted"
	StatusMeeting   Status = "meeting"
	StatusProposal  Status = "proposal"
	StatusWon       Status = "won"
	StatusLost      Status = "lost"
)

// AllStatuses lists the stages in pipeline order.
var AllStatuses = []Status{StatusOffered, StatusOpen, StatusAccepted, StatusDeclined, StatusExpired,
	StatusContacted, StatusMeeting, StatusProposal, StatusWon, StatusLost}

// pipelineRank orders the working stages; Advance only moves forward.
var pipelineRank = map[Status]int{
	StatusAccepted: 1, StatusContacted: 2, StatusMeeting: 3, StatusProposal: 4, StatusWon: 5, StatusLost: 5,
}

// Closed reports whether no further stage change is possible.
func (s Status) Closed() bool {
	return s == StatusWon || s == StatusLost || s == StatusDeclined || s == StatusExpired
}

// Working reports whether the referral is owned by a receiver and in progress.
func (s Status) Working() bool {
	r := pipelineRank[s]
	return r >= 1 && r <= 4
}

// Temperature is how ready the client is.
type Temperature string

const (
	Hot  Temperature = "hot"
	Warm Temperature = "warm"
	Cold Temperature = "cold"
)

// Code is a referral's short human code within its workspace: R-1042.
type Code int64

func (c Code) String() string { return "R-" + strconv.FormatInt(int64(c), 10) }

// ParseCode reads "R-1042", "r1042", "#R-1042" or "1042".
func ParseCode(s string) (Code, error) {
	t := strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(t) > 0 && (t[0] == 'R' || t[0] == 'r') {
		t = strings.TrimPrefix(t[1:], "-")
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || !allDigits(t) {
		return 0, Errorf(EINVALID, "%q is not a referral code.", s).
			WithHint("Referral codes look like R-1042; `/refer list` shows yours.")
	}
	return Code(n), nil
}

// FirstCode is the code of a workspace's first referral; codes count up.
const FirstCode Code = 1001

// Referral introduces a client from a referrer to a receiver. An open lead
// has no receiver until it is claimed.
type Referral struct {
	ID            int64
	WorkspaceID   int64
	Code          Code
	ReferrerID    int64
	ReceiverID    int64 // 0 for an unclaimed open lead
	CoOwnerID     int64 // optional co-presenter added by the receiver
	ClientName    string
	ClientContact string // stored only with consent; see VisibleTo
	Consent       bool
	Need          string
	Tags          []string
	Estimate      Money
	Temperature   Temperature
	Status        Status
	Fee           FeeTerms
	FeeStatus     FeeStatus
	WonValue      Money
	LostReason    string
	DeclineReason string
	ExpiresAt     time.Time // open leads only
	CreatedAt     time.Time
	UpdatedAt     time.Time // last stage change or note
	AcceptedAt    time.Time
	ClosedAt      time.Time // won, lost, declined or expired

	// Names filled in by the store on read, for rendering.
	ReferrerName string
	ReceiverName string
	CoOwnerName  string
}

// FeeStatus tracks a finder's fee once it is owed.
type FeeStatus string

const (
	FeeNotDue FeeStatus = "none"
	FeeOwed   FeeStatus = "owed"
	FeePaid   FeeStatus = "paid"
)

// IsParty reports whether m is the referrer, receiver or co-owner.
func (r *Referral) IsParty(memberID int64) bool {
	return memberID != 0 && (memberID == r.ReferrerID || memberID == r.ReceiverID || memberID == r.CoOwnerID)
}

// Owns reports whether m owns the client relationship (receiver or co-owner).
func (r *Referral) Owns(memberID int64) bool {
	return memberID != 0 && (memberID == r.ReceiverID || memberID == r.CoOwnerID)
}

// VisibleTo returns a copy of r as viewer may see it: the client's contact
// details only reach the parties and admins.
func (r Referral) VisibleTo(viewer Member) Referral {
	if !r.IsParty(viewer.ID) && !viewer.IsAdmin() {
		r.ClientContact = ""
	}
	return r
}

// Public returns a copy fit for a channel post: no contact details.
func (r Referral) Public() Referral {
	r.ClientContact = ""
	return r
}

// EventKind names what happened to a referral.
type EventKind string

const (
	EvCreated    EventKind = "created"
	EvClaimed    EventKind = "claimed"
	EvHandRaised EventKind = "hand_raised"
	EvPicked     EventKind = "picked"
	EvAccepted   EventKind = "accepted"
	EvDeclined   EventKind = "declined"
	EvExpired    EventKind = "expired"
	EvStage      EventKind = "stage"
	EvThanked    EventKind = "thanked"
	EvFeedback   EventKind = "feedback"
	EvCoOwner    EventKind = "co_owner"
	EvFeePaid    EventKind = "fee_paid"
)

// Event is one entry in a referral's append-only history.
type Event struct {
	ID         int64
	ReferralID int64
	Kind       EventKind
	From, To   Status
	ActorID    int64 // 0 for the system (expiry)
	ActorName  string
	Note       string
	At         time.Time
}

// PartnershipType says what kind of relationship two members have.
type PartnershipType string

const (
	Advocate  PartnershipType = "advocate" // informal advocate
	Strategic PartnershipType = "strategic"
	Affiliate PartnershipType = "affiliate"
	Reseller  PartnershipType = "reseller" // channel reseller
)

// Partnership is the relationship between two members, stored once per pair
// with MemberA < MemberB.
type Partnership struct {
	ID          int64
	WorkspaceID int64
	MemberA     int64
	MemberB     int64
	Type        PartnershipType
	Trust       int // 1..5
	CadenceDays int
	LastTouch   time.Time
	NextDue     time.Time
	CreatedAt   time.Time
}

// TouchKind is what a touchpoint was.
type TouchKind string

const (
	TouchCoffee   TouchKind = "coffee"
	TouchCall     TouchKind = "call"
	TouchContent  TouchKind = "shared-content"
	TouchIntro    TouchKind = "intro"
	TouchMeeting  TouchKind = "meeting"
	TouchReferral TouchKind = "referral" // logged automatically
	TouchThanks   TouchKind = "thanks"   // logged automatically
)

// TouchKinds are the kinds a member can log by hand.
var TouchKinds = []TouchKind{TouchCoffee, TouchCall, TouchContent, TouchIntro, TouchMeeting}

// Touchpoint is one contact between two partners.
type Touchpoint struct {
	ID            int64
	PartnershipID int64
	ActorID       int64
	Kind          TouchKind
	Note          string
	At            time.Time
}

// Thanks is a public thank-you from a receiver to a referrer.
type Thanks struct {
	ID         int64
	ReferralID int64
	FromID     int64
	ToID       int64
	Message    string
	At         time.Time
}

// Feedback is a party's view after close: the client's satisfaction (1–5)
// and a note on the partner.
type Feedback struct {
	ReferralID int64
	MemberID   int64
	Score      int
	Comment    string
	At         time.Time
}
