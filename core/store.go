package core

import (
	"context"
	"time"
)

// Store is the persistence core needs. core/postgres implements it; every
// operation runs in one transaction through InTx.
type Store interface {
	InTx(ctx context.Context, fn func(tx Tx) error) error
	Outbox
	Deliveries
	Purger
}

// OneSnapshot is a Tx that can read everything from one snapshot: a read
// made of several statements (the leaderboard's pages, say) then sees one
// state of the database, never a change committed between two of them.
// ReadOneSnapshot must come before the transaction's first statement; it
// makes the transaction read only and reports whether it took effect.
type OneSnapshot interface {
	ReadOneSnapshot() bool
}

// Tx is what an operation may do inside its transaction. Every method is
// scoped to one workspace: ids from another workspace are ENOTFOUND.
type Tx interface {
	// EnsureWorkspace finds or creates the workspace for a platform team.
	EnsureWorkspace(ctx context.Context, p Platform, externalID, name string, defaults Settings) (*Workspace, error)
	Workspace(ctx context.Context, id int64) (*Workspace, error)
	SaveSettings(ctx context.Context, workspaceID int64, s Settings) error

	// EnsureMember finds or creates a member by platform user id; created
	// reports a new member. A non-empty displayName refreshes the stored one.
	EnsureMember(ctx context.Context, workspaceID int64, userID, displayName string) (m *Member, created bool, err error)
	Member(ctx context.Context, workspaceID, id int64) (*Member, error)
	// MemberByName finds an active member by display name, case-insensitively.
	MemberByName(ctx context.Context, workspaceID int64, name string) (*Member, error)
	Members(ctx context.Context, workspaceID int64) ([]Member, error)
	SaveMember(ctx context.Context, m *Member) error
	CountMembers(ctx context.Context, workspaceID int64) (int, error)

	// Profile returns the member's profile, or an empty one.
	Profile(ctx context.Context, workspaceID, memberID int64) (*Profile, error)
	SaveProfile(ctx context.Context, workspaceID int64, p *Profile) error
	// Candidates returns active members with their profiles and how many
	// referrals each received since the given time (for fair rotation).
	Candidates(ctx context.Context, workspaceID int64, since time.Time) ([]Candidate, error)
	// Profiled returns the active members who filled in a profile, with
	// it: Who's first pass, which reads no referral and no count. Every
	// profile that can match the need is returned (others may be too; the
	// zero ProfileNeed reads them all).
	Profiled(ctx context.Context, workspaceID int64, need ProfileNeed) ([]Candidate, error)
	// Admins returns the workspace's active admins, by name.
	Admins(ctx context.Context, workspaceID int64) ([]Member, error)
	// AdminsAcross is Admins for many workspaces in one statement, in
	// workspace order, each workspace's as Admins orders them.
	AdminsAcross(ctx context.Context, workspaceIDs []int64) ([]Member, error)
	// ReceivedSince counts, for each of the given members, the referrals
	// they received (taken on, or sent to them) since the given time.
	ReceivedSince(ctx context.Context, workspaceID int64, memberIDs []int64, since time.Time) (map[int64]int, error)
	// MentorLoads counts, per mentor, the active members who joined since
	// the given time with them as their buddy. It first takes the
	// workspace's mentoring lock, held until the transaction ends, so
	// concurrent joins assign buddies one after the other, each counting
	// the pairings made before it.
	MentorLoads(ctx context.Context, workspaceID int64, since time.Time) (map[int64]int, error)

	// InsertReferral assigns ID and the next Code of the workspace. first,
	// if not nil, is r's first event, appended with it (its ReferralID,
	// ID and At are set) in the same round trip.
	InsertReferral(ctx context.Context, r *Referral, first *Event) error
	// Referral reads one referral by code, locking it when forUpdate.
	Referral(ctx context.Context, workspaceID int64, code Code, forUpdate bool) (*Referral, error)
	// UpdateReferral saves r; it and InsertReferral set r.AmountsPrivate
	// from its parties' settings as they are now.
	UpdateReferral(ctx context.Context, r *Referral) error
	// MaxWonValue is the largest won value in currency among the
	// workspace's won referrals whose amounts are not private (an error
	// message quotes it), in minor units; 0 when there is none.
	MaxWonValue(ctx context.Context, workspaceID int64, currency string) (int64, error)
	ListReferrals(ctx context.Context, workspaceID int64, f ListFilter) ([]Referral, error)
	AppendEvent(ctx context.Context, workspaceID int64, e *Event) error
	// AppendEvents appends many events in one round trip.
	AppendEvents(ctx context.Context, workspaceID int64, es []*Event) error
	// AppendEventsAcross appends events of many workspaces' referrals in
	// one statement, in the order given, setting each one's ID and At.
	AppendEventsAcross(ctx context.Context, es []WorkspaceEvent) error
	// SaveReleases saves what releasing each referral changed (status,
	// receiver and co-owner, accepted, closed, expiry and update times,
	// decline reason: see reopenLead, returnToReferrer) in one statement,
	// setting each one's AmountsPrivate as UpdateReferral does.
	SaveReleases(ctx context.Context, rs []*Referral) error
	Events(ctx context.Context, workspaceID, referralID int64) ([]Event, error)
	// AddInterest records a raised hand; ECONFLICT if already raised.
	AddInterest(ctx context.Context, workspaceID, referralID, memberID int64) error
	Interested(ctx context.Context, workspaceID, referralID int64) ([]Member, error)
	// AddThanks stores a thank-you; ECONFLICT if this sender already thanked for it.
	AddThanks(ctx context.Context, workspaceID int64, t *Thanks) error
	// SaveFeedback stores or replaces a party's feedback, setting
	// f.Replaced to the score it replaced (0 if none).
	SaveFeedback(ctx context.Context, workspaceID int64, f *Feedback) error
	// RetractThanks marks fromID's standing thank-you for a referral
	// withdrawn at at; ENOTFOUND if there is none.
	RetractThanks(ctx context.Context, workspaceID, referralID, fromID int64, at time.Time) error
	// RemoveFeedback deletes a party's feedback (their first one, undone).
	RemoveFeedback(ctx context.Context, workspaceID, referralID, memberID int64) error

	// Partnership returns the pair's partnership, locked, or ENOTFOUND.
	Partnership(ctx context.Context, workspaceID, a, b int64) (*Partnership, error)
	SavePartnership(ctx context.Context, p *Partnership) error
	AddTouchpoint(ctx context.Context, workspaceID int64, t *Touchpoint) error
	// Touch records a touchpoint t between members a and b: their
	// partnership (created if new, with the shorter of the members'
	// cadences, defaultCadence for a member without one) is touched at
	// t.At and due again a cadence later. It answers nothing, so the write
	// may travel with the transaction's next statement.
	Touch(ctx context.Context, workspaceID, a, b int64, defaultCadence int, t Touchpoint) error
	// SetCadence sets the cadence of all a member's partnerships and moves
	// their next touchpoint accordingly.
	SetCadence(ctx context.Context, workspaceID, memberID int64, days int) error

	// Partnerships lists a member's partnerships; ThanksOf the thank-yous
	// they gave or received. Both serve the member's data export.
	Partnerships(ctx context.Context, workspaceID, memberID int64) ([]Partnership, error)
	ThanksOf(ctx context.Context, workspaceID, memberID int64) ([]Thanks, error)
	// ClaimRequest records the key of a platform request to the workspace
	// in the transaction of the work it causes; false means the key was
	// recorded already.
	ClaimRequest(ctx context.Context, workspaceID int64, key string, at time.Time) (bool, error)
	// Arrive is what a command needs first, in one round trip: it records
	// the request's key to the team's workspace in the transaction of the
	// work it causes (false: the key was recorded already; an empty key
	// records nothing and is first) and finds the caller's workspace and
	// member by their platform ids, nil where there is none yet. A team
	// with no workspace yet has nowhere to keep the key: nothing is
	// recorded (first is true), and the caller claims the key once the
	// workspace exists.
	Arrive(ctx context.Context, p Platform, key string, at time.Time, teamID, userID string) (first bool, ws *Workspace, m *Member, err error)
	// DropPendingNotices fails, with the reason, every notice still waiting
	// to be sent to a member.
	DropPendingNotices(ctx context.Context, workspaceID, memberID int64, reason string) error
	// ForgetMember erases a member's personal data, keeping anonymised rows.
	ForgetMember(ctx context.Context, workspaceID, memberID int64) error

	// Reachable returns those of the given members who may get reminders:
	// active, not muted, not paused.
	Reachable(ctx context.Context, members []MemberKey) ([]Member, error)
	// FailedNotices lists the workspace's notices that failed for good,
	// newest first; RetryFailed puts them back in the queue.
	FailedNotices(ctx context.Context, workspaceID int64, limit int) ([]Notice, error)
	RetryFailed(ctx context.Context, workspaceID int64, at time.Time) (int, error)
	// IgnoredReminders counts, for each of the given members, the notices
	// of the given kinds sent to them since they last used referbot; only
	// counts >= min.
	IgnoredReminders(ctx context.Context, members []MemberKey, kinds []NoticeKind, min int) (map[MemberKey]Ignored, error)
	// Tags lists the network's tags (profiles and referrals) starting with
	// prefix, most used first.
	Tags(ctx context.Context, workspaceID int64, prefix string, limit int) ([]string, error)
	// Workspaces lists every workspace, for the scheduler.
	Workspaces(ctx context.Context) ([]Workspace, error)
	// ClaimJobRuns records that a job runs for each workspace and period,
	// in one statement, and returns the workspaces claimed here; a run left
	// out already happened (or is happening elsewhere).
	ClaimJobRuns(ctx context.Context, job string, runs []JobClaim, at time.Time) ([]int64, error)
	// LastJobRuns returns, per job, when it last ran for the workspace (the
	// instant recorded with its claim); jobs that never ran are absent.
	LastJobRuns(ctx context.Context, workspaceID int64) (map[string]time.Time, error)
	// PreviousJobRuns returns, for each given workspace, when a job last
	// ran for it before at (the instant recorded with its claim);
	// workspaces with no such run on record are absent.
	PreviousJobRuns(ctx context.Context, job string, workspaceIDs []int64, at time.Time) (map[int64]time.Time, error)
	// The scheduled passes below each read what fell due in every given
	// workspace's window (after From, at or before To) in one statement,
	// ordered by workspace.

	// ExpireLeads marks the open leads of the given workspaces whose expiry
	// is at or before at as expired, in one statement, and returns them.
	ExpireLeads(ctx context.Context, workspaceIDs []int64, at time.Time) ([]Referral, error)
	// DueThankNudges returns referrals accepted (or won) in the window,
	// still working or won, whose owner hasn't thanked, whose owner is
	// active and not muted, and which were never nudged.
	DueThankNudges(ctx context.Context, due []DueWindow) ([]Referral, error)
	// StaleReferrals returns working referrals (accepted to proposal) whose
	// last update falls in the window and whose owner was not nudged for it,
	// leaving out those neither of whose parties would get a reminder today
	// (not reachable, or held back: asked in this silence whether to keep
	// reminders coming). DueThankNudges and DuePartnerships leave out the
	// same: read again each day, they would queue nothing.
	StaleReferrals(ctx context.Context, due []DueWindow) ([]Referral, error)
	// LockIdleReferrals locks, until the transaction ends, every working
	// referral (accepted to proposal) whose last update falls in the
	// window, nudged or not, and returns them as they are once locked
	// (one changed meanwhile and no longer idle is left out), in one
	// statement, locking in workspace and id order.
	LockIdleReferrals(ctx context.Context, due []DueWindow) ([]Referral, error)
	// OpenLeads returns the newest limit unclaimed open leads of each of
	// the workspaces (as ListReferrals with OpenLeads and Limit reads one
	// workspace's), by workspace, newest first, in one statement.
	OpenLeads(ctx context.Context, workspaceIDs []int64, limit int) ([]Referral, error)
	// NetworkTotals returns, for each query in order, its workspace's
	// referrals given, received, taken on, won and lost, deals won and
	// revenue over its period (with the conversion rate and average deal),
	// and for a Closing query the median days to close and the
	// thank-yous, as Stats counts them for the network and no viewer (a
	// channel post; Visible not applied), in one statement for them all:
	// the weekly digest's and the quarterly report's figures, without a
	// planned statement per workspace. The other figures are left zero.
	NetworkTotals(ctx context.Context, qs []TotalsQuery) ([]Stats, error)
	// Posted returns those of the given notice keys the outbox holds a
	// notice under (pending, claimed, delivered or failed): an Enqueue of
	// a notice with that key would add nothing.
	Posted(ctx context.Context, keys []NoticeKey) ([]NoticeKey, error)
	// MembersByKey reads the given members, whatever their status, in one
	// statement; a key with no member is left out.
	MembersByKey(ctx context.Context, members []MemberKey) ([]Member, error)
	// DuePartnerships returns partnerships whose next touchpoint falls in
	// the window and whose members weren't both reminded of it.
	DuePartnerships(ctx context.Context, due []DueWindow) ([]Partnership, error)
	// Newcomers returns the members with a mentoring buddy who joined in
	// the window.
	Newcomers(ctx context.Context, due []DueWindow) ([]Member, error)
	// Joined returns the active members who joined in each window
	// [From, To), by workspace and then by name.
	Joined(ctx context.Context, due []DueWindow) ([]Member, error)

	// Enqueue writes notices to the outbox; a notice whose DedupeKey exists is skipped.
	Enqueue(ctx context.Context, ns ...Notice) error
	// EnqueueNew is Enqueue that also returns how many notices were new.
	EnqueueNew(ctx context.Context, ns ...Notice) (int, error)
	// EnqueueAcross is EnqueueNew for notices of many workspaces in one
	// statement, in the order given; it returns how many were new in each
	// workspace.
	EnqueueAcross(ctx context.Context, ns []Notice) (map[int64]int, error)

	Stats(ctx context.Context, workspaceID int64, q StatsQuery) (*Stats, error)

	// Fees returns the referrals with a money fee that q selects, newest
	// deal (or payment) first.
	Fees(ctx context.Context, workspaceID int64, q FeeQuery) ([]Referral, error)
	// FeeAmounts returns the same referrals with only what their fee
	// totals read: the parties and their names, the fee terms and status,
	// the won value and whether its amounts are private.
	FeeAmounts(ctx context.Context, workspaceID int64, q FeeQuery) ([]Referral, error)
	// HealthCounts counts what the network-health report needs (see
	// HealthCounts), without computing the network's whole figures.
	HealthCounts(ctx context.Context, workspaceID int64, q HealthQuery) (HealthCounts, error)
	// HealthCountsAcross is HealthCounts for many workspaces in one
	// statement, by workspace.
	HealthCountsAcross(ctx context.Context, workspaceIDs []int64, q HealthQuery) (map[int64]HealthCounts, error)
	// UnansweredAcross names, by workspace, the receivers of referrals
	// offered before cutoff and not answered yet, most recently offered
	// first.
	UnansweredAcross(ctx context.Context, workspaceIDs []int64, cutoff time.Time) (map[int64][]string, error)
	// BoardTally counts what a leaderboard reads of each period of ps:
	// the referrals each member gave in it, the deals won in it whose
	// value the referrer confirmed, and those of either that may repeat a
	// client (see BoardTally); a tally a period, in order. Of the members
	// given only, when members is not nil.
	BoardTally(ctx context.Context, workspaceID int64, ps []Period, now time.Time, members []int64) ([]*BoardTally, error)
	// BoardRanked reads a page of members best first by what a
	// leaderboard ranks first (see BoardScan).
	BoardRanked(ctx context.Context, workspaceID int64, q BoardScan) (*BoardPage, error)
	// FirstWins returns, for each of the members party to a confirmed won
	// deal, the first such deal.
	FirstWins(ctx context.Context, workspaceID int64, memberIDs []int64) ([]FirstWin, error)
	// NewcomersFirstWins lists, named, the first confirmed won deals in p
	// of active members who joined at most NewcomerDays before them.
	NewcomersFirstWins(ctx context.Context, workspaceID int64, p Period) ([]FirstWin, error)
	// CountGiven counts the referrals a member gave (direct or leads)
	// since the given time. Concurrent transactions counting for the same
	// member are ordered: each counts what the one before committed.
	CountGiven(ctx context.Context, workspaceID, memberID int64, since time.Time) (int, error)
	// Flags computes the abuse flags of a period (core/flags.go), set-based;
	// IDs and dismissals are core's.
	Flags(ctx context.Context, workspaceID int64, q FlagQuery) ([]Flag, error)
	// FlagsAcross is Flags for many workspaces in one statement, by
	// workspace; each scope has its own daily cap and time zone.
	FlagsAcross(ctx context.Context, q FlagQuery, scopes []FlagScope) (map[int64][]Flag, error)
	// FlagDismissals returns the workspace's dismissals by flag key;
	// DismissFlag records one, replacing an earlier one of the same key.
	FlagDismissals(ctx context.Context, workspaceID int64) (map[string]Dismissal, error)
	// FlagDismissalsAcross is FlagDismissals for many workspaces, by
	// workspace (each has a map, empty if none).
	FlagDismissalsAcross(ctx context.Context, workspaceIDs []int64) (map[int64]map[string]Dismissal, error)
	DismissFlag(ctx context.Context, workspaceID int64, d Dismissal) error

	SignIns // the dashboard's sign-in links and sessions (signin.go)

	// The dashboard's read models (core/dashboard.go), each in one or two
	// set-based statements whatever the number of referrals.
	//
	// Trend returns one point per quarter of q, in order, with the
	// network's Given, Received, Won (of each quarter's cohort), Deals and
	// Revenue (closed in the quarter, amounts private to q.Viewer counted
	// in Private); core fills in the rest.
	Trend(ctx context.Context, workspaceID int64, q TrendQuery) ([]TrendPoint, error)
	// Funnel counts the referrals created in p by the furthest stage each
	// reached (see funnelSteps), keyed offered (introduced), accepted,
	// contacted, meeting, proposal, won. now is the clock p was read
	// with: it guides how the store reads p, never the result.
	Funnel(ctx context.Context, workspaceID int64, p Period, now time.Time) (map[Status]int, error)
	// Graph returns who referred whom among the referrals created in p:
	// the size members most active in it (given + received), the edges
	// between them, and how many other members took part (now: as for
	// Funnel).
	Graph(ctx context.Context, workspaceID int64, p Period, size int, now time.Time) (Graph, error)
	// PartnerViews lists a member's partnerships with active members, with
	// the partner and the referrals given each way (all time); core
	// decides what is overdue.
	PartnerViews(ctx context.Context, workspaceID, memberID int64) ([]PartnerView, error)
	// ThanksCounts counts the standing thank-yous a member gave and
	// received in p.
	ThanksCounts(ctx context.Context, workspaceID, memberID int64, p Period) (given, received int, err error)
	// ReferralPage returns the referrals f selects, newest first, and how
	// many match in all.
	ReferralPage(ctx context.Context, workspaceID int64, f ReferralFilter) ([]Referral, int, error)
	// ReferralsAfter returns up to f.Limit (0: every one) of the referrals
	// f selects that come after key in the newest-first order (ReferralKey;
	// the zero key: from the newest); f.Offset is not used.
	ReferralsAfter(ctx context.Context, workspaceID int64, f ReferralFilter, key ReferralKey) ([]Referral, error)
}

// Outbox is the delivery side of the notices: the bot's sender claims due
// notices, delivers them and marks the outcome.
type Outbox interface {
	// ClaimHeads leases, for up to limit destinations (a member's DMs, a
	// channel) of the platform, the oldest pending notice if it is due,
	// interactive ones first. A leased notice is not handed out again until
	// lease passes, so a crashed sender's work is retried and never lost;
	// while it is leased or waiting, later notices to its destination wait
	// too. A claim counts as an attempt until Defer gives it back.
	ClaimHeads(ctx context.Context, p Platform, limit int, now time.Time, lease time.Duration) ([]Notice, error)
	// MarkDelivered, MarkFailed and Defer name a notice by its workspace
	// and id (Notice.WorkspaceID, Notice.ID), as every key does.
	MarkDelivered(ctx context.Context, workspaceID, id int64, ref string, at time.Time) error
	// MarkFailed records a failed attempt; retryAt zero means permanent failure.
	MarkFailed(ctx context.Context, workspaceID, id int64, reason string, retryAt time.Time) error
	// Defer hands a claimed notice back to wait until the given time
	// without using up an attempt: the platform asked for a wait (a rate
	// limit), or the sender stopped before sending it.
	Defer(ctx context.Context, workspaceID, id int64, until time.Time, reason string) error
	// SentRef is the platform reference of the latest delivered notice of
	// kind about a referral to the same recipient ("" if none), so a later
	// message can update it: the channel's post, or that member's own DM —
	// never a DM someone else was sent (an earlier receiver's).
	SentRef(ctx context.Context, workspaceID, referralID int64, kind NoticeKind, to Recipient) (string, error)
}

// Deliveries remembers which platform requests were handled, so a retried
// or replayed request is applied once.
type Deliveries interface {
	// FirstDelivery records the key of a request to the platform team's
	// workspace (created if it is new: the first event of a team that
	// just installed the app) and reports whether it is new.
	FirstDelivery(ctx context.Context, p Platform, team, key string, at time.Time) (bool, error)
}

// Purger deletes what the retention policy no longer keeps.
type Purger interface {
	// Purge runs one retention pass (see Purge for what goes and what
	// stays) in statements of at most p.Batch rows, each committed on its
	// own: outside any transaction of an operation.
	Purge(ctx context.Context, p Purge) (Purged, error)
}

// Candidate is a member considered by Who.
type Candidate struct {
	Member      Member
	Profile     Profile
	RecentlyGot int // referrals received since the fairness window began
	Given       int // referrals given, all time
	Received    int // referrals received, all time
}

// ListFilter selects referrals for List.
type ListFilter struct {
	MemberID  int64
	Given     bool     // referrals the member gave
	Received  bool     // referrals the member received or co-owns
	OpenLeads bool     // unclaimed open leads
	Statuses  []Status // empty = any
	Limit     int
}

// MemberKey names a member across workspaces.
type MemberKey struct{ WorkspaceID, MemberID int64 }

// ReferralRef names a referral across workspaces.
type ReferralRef struct{ WorkspaceID, ReferralID int64 }

// WorkspaceEvent is an event of one of a workspace's referrals.
type WorkspaceEvent struct {
	WorkspaceID int64
	Event       *Event
}

// NoticeKey names a notice across workspaces by its dedupe key.
type NoticeKey struct {
	WorkspaceID int64
	DedupeKey   string
}

// DueWindow is one workspace's window in a scheduled pass: what fell due
// after From and at or before To.
type DueWindow struct {
	WorkspaceID int64
	From, To    time.Time
}

// JobClaim is one workspace's scheduled run of a job, for job_runs.
type JobClaim struct {
	WorkspaceID int64
	Period      string
}

// Ignored is how many reminders a member left unanswered since when.
type Ignored struct {
	Count int
	Since time.Time // their last activity
}

// ReferBatchTx is what the group commit of /refer (refer_batch.go) needs
// of a transaction: each of today's steps of a /refer, for many requests
// in one set-based statement. core/postgres's transactions have it; with
// a store whose transactions don't, every /refer runs on its own.
type ReferBatchTx interface {
	// ArriveMany is Arrive for many requests, each also reading the
	// partner it names (by user id, with their profile): one round trip.
	ArriveMany(ctx context.Context, as []Arrival, at time.Time) error
	// CountGivenMany is CountGiven for many members (each member's lock
	// taken once, all in one order): how many referrals each gave since
	// its time.
	CountGivenMany(ctx context.Context, qs []GivenSince) ([]int, error)
	// InsertReferrals is InsertReferral for many referrals (firsts[i] is
	// rs[i]'s first event) in one statement.
	InsertReferrals(ctx context.Context, rs []*Referral, firsts []*Event) error
	// TouchMany is Touch for many pairs in one statement.
	TouchMany(ctx context.Context, ts []TouchOf) error
	// ForgetRequests deletes request keys ArriveMany recorded for
	// requests this transaction does not apply: they are new again.
	ForgetRequests(ctx context.Context, as []*Arrival) error
}

// Arrival is one request's arrival (ArriveMany): what it names, then what
// was found of it.
type Arrival struct {
	Platform            Platform
	TeamID, UserID, Key string
	PartnerUserID       string // "": no partner to read
	First               bool   // the key was recorded now (Key "": true)
	Workspace           *Workspace
	Member, Partner     *Member
	PartnerProfile      *Profile
}

// GivenSince asks how many referrals a member gave since a time.
type GivenSince struct {
	WorkspaceID, MemberID int64
	Since                 time.Time
}

// TouchOf is one Touch's arguments.
type TouchOf struct {
	WorkspaceID, A, B int64
	DefaultCadence    int
	Touchpoint        Touchpoint
}
