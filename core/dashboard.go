package core

import "time"

// The dashboard's read models: what each page of the web dashboard shows,
// as the signed-in member may see it (the visibility rule and private
// amounts apply exactly as in chat). The web adapter renders them; it
// computes nothing itself.

// Overview is the network's overview page for a period.
type Overview struct {
	Period Period
	Stats  *Stats // the network's figures, as the viewer may see them
	// Trend is the network's figures quarter by quarter, oldest first,
	// ending with the quarter that holds the period's end.
	Trend  []TrendPoint
	Funnel []FunnelStep // referrals created in the period, by how far they got
	Graph  Graph        // who referred whom in the period
	Board  *Leaderboard // ranked givers, most improved, newcomers' first wins
}

// TrendPoint is one quarter of the trend.
type TrendPoint struct {
	Period  Period
	Given   int
	Won     int
	RCR     float64 // won / received × 100 of the quarter's cohort
	HasRCR  bool
	Revenue Amounts // won value of deals closed in the quarter, per currency

	// Received counts the quarter's referrals a receiver was named for or
	// claimed (RCR's denominator); Deals the deals closed in the quarter
	// (what Revenue sums, every currency).
	Received int
	Deals    int
}

// FunnelStep counts the period's referrals that reached a stage (or went
// past it): introduced, taken on, contacted, meeting, proposal, won.
type FunnelStep struct {
	Stage Status
	Count int
	Label string // how people call the step: "introduced", "taken on", "contacted", ...
}

// Graph is who referred whom: members as nodes, referrals as weighted
// edges from referrer to receiver. It keeps the GraphSize most active
// members so it stays readable; Others counts the members left out.
type Graph struct {
	Nodes  []GraphNode
	Edges  []GraphEdge
	Others int
}

// GraphSize is how many members a Graph keeps at most.
const GraphSize = 40

// GraphNode is a member in the graph.
type GraphNode struct {
	MemberID        int64
	Name            string
	Given, Received int
}

// GraphEdge is the referrals one member gave another in the period.
type GraphEdge struct {
	From, To int64 // member ids
	Count    int
	Won      int
}

// MemberPage is one member's page: their figures, reciprocity, thanks,
// partners and touchpoints.
type MemberPage struct {
	Member   Member
	Profile  Profile
	Stats    *Stats // the member's figures for the period, as the viewer may see them
	Partners []PartnerView
	// ThanksGiven and ThanksReceived count thank-yous in the period.
	ThanksGiven, ThanksReceived int
	Self                        bool // the viewer is this member
}

// PartnerView is one of a member's partnerships, with the partner's name
// and when to touch base next.
type PartnerView struct {
	Partnership Partnership
	Partner     Member
	Given       int // referrals the member gave this partner (all time)
	Received    int // referrals this partner gave the member (all time)
	LastTouch   time.Time
	NextDue     time.Time // zero when no touchpoint is scheduled
	Overdue     bool
}

// ReferralQuery selects a page of the referrals the viewer may see.
type ReferralQuery struct {
	Period    string   // as ParsePeriod reads it; "" = all time
	Stages    []Status // empty = any
	PartnerID int64    // referrals this member is a party to; 0 = anyone
	Tag       string   // a tag the referral carries; "" = any
	Page      int      // 1-based
	PageSize  int      // 0 = ReferralPageSize (StreamReferrals: ReferralStreamPage)
}

// ReferralPageSize is how many referrals a page lists by default.
const ReferralPageSize = 50

// ReferralPage is one page of referrals, newest first, each as the viewer
// may see it, and how many match in all.
type ReferralPage struct {
	Period    Period
	Query     ReferralQuery
	Referrals []Referral
	Names     map[int64]string // display names of the members the page mentions
	Total     int
}

// AdminPage is what admins see: the network's health, abuse flags, fees
// owed and paid, and messages that could not be delivered.
type AdminPage struct {
	Period      Period
	Health      *Health
	Flags       *FlagReport
	Fees        *FeeBook
	Undelivered []Notice
}
