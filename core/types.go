package core

import (
	"cmp"
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
	FixedCents int64   `json:"fixed_cents,omitempty"`  // for FeeFixed, in minor units of Currency
	// Currency of a fixed fee (a share of the won value is in the won
	// value's). Terms written before fees carried one have none; see In.
	Currency string `json:"currency,omitempty"`
}

func (f FeeTerms) String() string {
	switch f.Kind {
	case FeePercent:
		return fmt.Sprintf("finder's fee %s%% of won value", strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.2f", float64(f.BasisPts)/100), "0"), ".0"))
	case FeeFixed:
		if f.Currency == "" {
			return "finder's fee " + FormatCents(f.FixedCents)
		}
		return "finder's fee " + f.Money().String()
	case FeeReciprocal:
		return "reciprocal"
	default:
		return "no fee"
	}
}

// In returns the terms with a fixed fee that names no currency put in
// currency: the network's, at the time the terms are applied.
func (f FeeTerms) In(currency string) FeeTerms {
	if f.Kind == FeeFixed && f.Currency == "" {
		m := feeIn(f.FixedCents, currency)
		f.FixedCents, f.Currency = m.Cents, m.Currency
	}
	return f
}

// feeIn puts a fixed fee written without a currency, in hundredths like
// any amount typed without one, into currency's minor units (a fee of
// 250.50 in a yen network is rounded down to whole yen).
func feeIn(hundredths int64, currency string) Money {
	cur := strings.ToUpper(cmp.Or(currency, DefaultCurrency))
	if m, err := (Money{Cents: hundredths}).In(cur); err == nil {
		return m
	}
	return Money{Cents: hundredths / 100, Currency: cur}
}

// Fee returns what is owed on a won value under these terms, in minor
// units; Owed says in which currency.
func (f FeeTerms) Fee(won int64) int64 {
	switch f.Kind {
	case FeePercent:
		return won * int64(f.BasisPts) / 10000
	case FeeFixed:
		return f.FixedCents
	}
	return 0
}

// Owed returns what is owed on a won value under these terms: a share of
// it in its currency, or the fixed fee in the fee's own. A fixed fee
// stored before fees carried a currency was set in the network's currency
// of the time, which is also what a value won without one was recorded
// in: it is taken to be in the won value's currency.
func (f FeeTerms) Owed(won Money) Money {
	if f.Kind == FeeFixed {
		return f.In(won.Currency).Money()
	}
	return Money{Cents: f.Fee(won.Cents), Currency: cmp.Or(won.Currency, DefaultCurrency)}
}

// Money is a fixed fee as money (zero for other terms).
func (f FeeTerms) Money() Money {
	if f.Kind != FeeFixed {
		return Money{}
	}
	return Money{Cents: f.FixedCents, Currency: f.Currency}
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
	DailyCap       int               `json:"daily_cap,omitempty"` // referrals a member may give per local day; 0 = no cap

	// UndoWindowHours is how long a member may undo or correct their own
	// change (0: only admins can); ReleaseAfterDays, how long a claimed or
	// accepted referral may go without an update before it is released
	// (0: never). Zero is stored, not omitted: it means off.
	UndoWindowHours  int `json:"undo_window_hours"`
	ReleaseAfterDays int `json:"release_after_days"`
}

// DefaultSettings are what a new workspace starts with.
func DefaultSettings() Settings {
	return Settings{
		QuietStart: 20, QuietEnd: 8,
		CadenceDays: 30, LeadExpiryDays: 7, StaleDays: 10,
		UndoWindowHours: 24, ReleaseAfterDays: 21,
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
	ID          int64        `json:"id"`
	WorkspaceID int64        `json:"workspace_id"`
	UserID      string       `json:"user_id"` // platform user id (console: the lower-cased name)
	DisplayName string       `json:"display_name"`
	Role        Role         `json:"role"`
	Status      MemberStatus `json:"status"`
	BuddyID     int64        `json:"buddy_id"`     // mentoring buddy, 0 if none
	Muted       bool         `json:"muted"`        // no reminders
	CadenceDays int          `json:"cadence_days"` // own touchpoint cadence; 0 = the workspace's
	JoinedAt    time.Time    `json:"joined_at,omitzero"`
	LastActive  time.Time    `json:"last_active,omitzero"` // last command; reminders since then count as ignored
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
	MemberID     int64        `json:"member_id"`
	Services     string       `json:"services"`
	Tags         []string     `json:"tags"` // normalised: lower case, no '#'
	Niche        string       `json:"niche"`
	Industry     string       `json:"industry"`
	ClientSize   string       `json:"client_size"`
	BudgetRange  string       `json:"budget_range"`
	Triggers     []string     `json:"triggers"` // "when you hear a client say ..."
	Billing      string       `json:"billing"`  // hourly | fixed | retainer
	MinBudget    Money        `json:"min_budget"`
	Outcomes     string       `json:"outcomes"`
	Links        []string     `json:"links"` // portfolio, testimonials
	ContactPref  string       `json:"contact_pref"`
	TimeZone     string       `json:"time_zone"`
	Availability Availability `json:"availability"`
	// AmountsPrivate: the member's deal amounts are shown only to the
	// parties and inside network totals (see core/visibility.go).
	AmountsPrivate bool      `json:"amounts_private"`
	UpdatedAt      time.Time `json:"updated_at,omitzero"`
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
	ID            int64       `json:"id"`
	WorkspaceID   int64       `json:"workspace_id"`
	Code          Code        `json:"code"`
	ReferrerID    int64       `json:"referrer_id"`
	ReceiverID    int64       `json:"receiver_id"` // 0 for an unclaimed open lead
	CoOwnerID     int64       `json:"co_owner_id"` // optional co-presenter added by the receiver
	ClientName    string      `json:"client_name"`
	ClientContact string      `json:"client_contact"` // stored only with consent; see VisibleTo
	Consent       bool        `json:"consent"`
	Need          string      `json:"need"`
	Tags          []string    `json:"tags"`
	Estimate      Money       `json:"estimate"`
	Temperature   Temperature `json:"temperature"`
	Status        Status      `json:"status"`
	Fee           FeeTerms    `json:"fee"`
	FeeStatus     FeeStatus   `json:"fee_status"`
	WonValue      Money       `json:"won_value"`
	LostReason    string      `json:"lost_reason"`
	DeclineReason string      `json:"decline_reason"`
	ExpiresAt     time.Time   `json:"expires_at,omitzero"` // open leads only
	CreatedAt     time.Time   `json:"created_at"`
	UpdatedAt     time.Time   `json:"updated_at"` // last stage change or note
	AcceptedAt    time.Time   `json:"accepted_at,omitzero"`
	ClosedAt      time.Time   `json:"closed_at,omitzero"` // won, lost, declined or expired

	// WonConfirmation says whether the referrer confirmed the won value,
	// which counts (for a fee, for the leaderboards) only once they have;
	// FeePaidAt is when the fee was paid (see fees.go).
	WonConfirmation Confirmation `json:"won_confirmation"`
	FeePaidAt       time.Time    `json:"fee_paid_at,omitzero"`

	// Names filled in by the store on read, for rendering.
	ReferrerName string `json:"referrer_name"`
	ReceiverName string `json:"receiver_name"`
	CoOwnerName  string `json:"co_owner_name"`
	// Thanked says the referrer has been thanked for it (filled by the
	// store), so no "Thank" button is offered again.
	Thanked bool `json:"thanked,omitempty"`
	// AmountsPrivate says a party keeps amounts private (filled by the
	// store from the parties' settings); AmountsHidden that this copy had
	// its amounts removed for its viewer (see core/visibility.go).
	AmountsPrivate bool `json:"amounts_private,omitempty"`
	AmountsHidden  bool `json:"amounts_hidden,omitempty"`
}

// FeeStatus tracks a finder's fee from the win to its payment (see
// fees.go): awaiting the referrer's confirmation of the won value, owed
// once confirmed (or disputed instead), paid as the receiver says, and
// received as the referrer confirms.
type FeeStatus string

const (
	FeeNotDue FeeStatus = "none"
	FeeOwed   FeeStatus = "owed"
	FeePaid   FeeStatus = "paid"

	FeeAwaiting FeeStatus = "awaiting"
	FeeDisputed FeeStatus = "disputed"
	FeeReceived FeeStatus = "received"
)

// IsParty reports whether m is the referrer, receiver or co-owner.
func (r *Referral) IsParty(memberID int64) bool {
	return memberID != 0 && (memberID == r.ReferrerID || memberID == r.ReceiverID || memberID == r.CoOwnerID)
}

// Owns reports whether m owns the client relationship (receiver or co-owner).
func (r *Referral) Owns(memberID int64) bool {
	return memberID != 0 && (memberID == r.ReceiverID || memberID == r.CoOwnerID)
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
	// The referrer confirmed or disputed the won value, and confirmed
	// receiving the fee.
	EvWonConfirmed EventKind = "won_confirmed"
	EvWonDisputed  EventKind = "won_disputed"
	EvFeeReceived  EventKind = "fee_received"
	// EvReturned: the receiver left the network, so the referral came
	// back to its referrer; EvReleased: a lead its owner can no longer
	// work is open to claims again; EvReassigned: the referrer sent a
	// returned or declined referral to someone else.
	EvReturned   EventKind = "returned"
	EvReleased   EventKind = "released"
	EvReassigned EventKind = "reassigned"
	// EvUndone reverts the event it names (Event.Undoes); EvCorrected
	// records a won value corrected after the fact (Event.Value).
	EvUndone    EventKind = "undone"
	EvCorrected EventKind = "corrected"
)

// Event is one entry in a referral's append-only history.
type Event struct {
	ID         int64     `json:"id"`
	ReferralID int64     `json:"referral_id"`
	Kind       EventKind `json:"kind"`
	From       Status    `json:"from"`
	To         Status    `json:"to"`
	ActorID    int64     `json:"actor_id"` // 0 for the system (expiry)
	ActorName  string    `json:"actor_name"`
	Note       string    `json:"note"`
	At         time.Time `json:"at"`
	// Undoes is the event an EvUndone event reverted; Value the won value
	// a move to won or an EvCorrected event recorded (zero for others).
	Undoes int64 `json:"undoes,omitempty"`
	Value  Money `json:"value,omitzero"`
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
	ID          int64           `json:"id"`
	WorkspaceID int64           `json:"workspace_id"`
	MemberA     int64           `json:"member_a"`
	MemberB     int64           `json:"member_b"`
	Type        PartnershipType `json:"type"`
	Trust       int             `json:"trust"` // 1..5
	CadenceDays int             `json:"cadence_days"`
	LastTouch   time.Time       `json:"last_touch,omitzero"`
	NextDue     time.Time       `json:"next_due,omitzero"`
	CreatedAt   time.Time       `json:"created_at"`
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
	ID            int64     `json:"id"`
	PartnershipID int64     `json:"partnership_id"`
	ActorID       int64     `json:"actor_id"`
	Kind          TouchKind `json:"kind"`
	Note          string    `json:"note"`
	At            time.Time `json:"at"`
}

// Thanks is a public thank-you from a receiver to a referrer.
type Thanks struct {
	ID         int64     `json:"id"`
	ReferralID int64     `json:"referral_id"`
	FromID     int64     `json:"from_id"`
	ToID       int64     `json:"to_id"`
	Message    string    `json:"message"`
	At         time.Time `json:"at"`
	// RetractedAt is when its author undid it; a retracted thank-you no
	// longer counts anywhere.
	RetractedAt time.Time `json:"retracted_at,omitzero"`
}

// Feedback is a party's view after close: the client's satisfaction (1–5)
// and a note on the partner.
type Feedback struct {
	ReferralID int64     `json:"referral_id"`
	MemberID   int64     `json:"member_id"`
	Score      int       `json:"score"`
	Comment    string    `json:"comment"`
	At         time.Time `json:"at"`
	// Replaced is the score this feedback replaced (0: the first one);
	// filled by the store when saving.
	Replaced int `json:"replaced,omitempty"`
}
