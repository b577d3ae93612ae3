package core

// The one visibility rule. Every reply, DM, channel post, App Home view,
// export and dashboard page shows a referral through it:
//
//   - the parties (referrer, receiver, co-owner) and admins see everything:
//     the client's name and contact, notes and reasons;
//   - everyone else sees the code, need, tags, stage, parties and dates —
//     never the client's name (for a lead, the client goes privately to
//     whoever takes it), contact, notes or reasons.
//
// Raising a hand for a lead makes no one a party; claiming it or being
// picked does. A channel post is seen by everyone, so it gets the view of
// a member who is no party.
//
// Amounts (a referral's estimate, its won value and the fee owed on it)
// are anyone's to see, unless a party keeps amounts private (`/refer
// profile set amounts private`): a referral's amounts are private when
// its referrer, receiver or co-owner keeps theirs private, whatever the
// other parties chose, since a deal's amount is both sides' business.
// Private amounts are shown to the parties only — not to admins, who
// see the client to keep the network honest but need no one's prices for
// that (abuse flags name codes and members, never amounts). Every other
// viewer gets the outcome (won, lost, the stage) without the amount.
//
// Totals follow the same rule (Amounts.Visible): a member's own figures
// (stats @member, a leaderboard row, a "top givers" line, each member's
// row of a breakdown) leave out the amounts their viewer may not see,
// and say how many they left out; the network's totals include every
// amount, but a total holding a private amount its viewer may not see is
// withheld when it counts fewer than MinDealsInTotal deals, or when only
// one such amount is in it (anyone may subtract the public rest, which
// every card shows, and find it).

// SeesClient reports whether viewer may see the client's details, notes
// and reasons of r.
func (r *Referral) SeesClient(viewer Member) bool {
	return r.IsParty(viewer.ID) || viewer.IsAdmin()
}

// SeesAmounts reports whether viewer may see r's amounts: everyone, unless
// a party keeps amounts private; then its parties only.
func (r *Referral) SeesAmounts(viewer Member) bool {
	return !r.AmountsPrivate || r.IsParty(viewer.ID)
}

// VisibleTo returns a copy of r as viewer may see it.
func (r Referral) VisibleTo(viewer Member) Referral {
	if !r.SeesAmounts(viewer) {
		r = r.withoutAmounts()
	}
	if r.SeesClient(viewer) {
		return r
	}
	return r.Public()
}

// Public returns a copy of r as anyone in the network may see it: no
// client name or contact, no reasons, and no amounts if they are private.
func (r Referral) Public() Referral {
	r.ClientName, r.ClientContact, r.Consent = "", "", false
	r.LostReason, r.DeclineReason = "", ""
	if r.AmountsPrivate {
		r = r.withoutAmounts()
	}
	return r
}

// withoutAmounts removes r's amounts: its estimate and won value (the fee
// owed on it is computed from the won value, and shown only with it).
func (r Referral) withoutAmounts() Referral {
	r.Estimate, r.WonValue = Money{}, Money{}
	r.AmountsHidden = true
	return r
}

// publicNotes are the event kinds whose note anyone may read: a public
// thank-you, and the name of whom a lead was handed to.
var publicNotes = map[EventKind]bool{EvThanked: true, EvPicked: true, EvClaimed: true, EvReassigned: true}

// amountNotes are the event kinds whose note carries an amount (a
// corrected won value, a fee paid): only those who see r's amounts read it.
var amountNotes = map[EventKind]bool{EvFeePaid: true, EvCorrected: true, EvWonConfirmed: true, EvUndone: true}

// VisibleTo returns the event as viewer may see it on r's timeline: notes
// (stage notes, reasons, feedback) only for those who see the client, and
// a note with an amount only for those who see the amounts.
func (e Event) VisibleTo(r *Referral, viewer Member) Event {
	if !r.SeesClient(viewer) && !publicNotes[e.Kind] || amountNotes[e.Kind] && !r.SeesAmounts(viewer) {
		e.Note = ""
	}
	return e
}

// visibleTo applies the rule to a referral an operation returns to its
// caller.
func visibleTo(c Caller, r *Referral) *Referral {
	v := r.VisibleTo(c.Member)
	return &v
}

// MinDealsInTotal is the fewest deals a total holding a private amount
// may count and still be shown.
const MinDealsInTotal = 3

// Why a total is withheld.
const (
	WithheldFewDeals = "fewer than 3 deals"
	WithheldSubtract = "it would reveal a private amount"
)

// withheld says why a total may not be shown to its viewer ("" if it may).
func (a Amount) withheld() string {
	switch {
	case a.Private == 0:
		return ""
	case a.Count < MinDealsInTotal:
		return WithheldFewDeals
	case a.Private == 1:
		return WithheldSubtract
	}
	return ""
}

// Visible returns the totals as their viewer may see them: a total that
// would reveal a private amount keeps its count but loses its sum, and
// says why in Withheld.
func (as Amounts) Visible() Amounts {
	var out Amounts
	for _, a := range as {
		if why := a.withheld(); why != "" {
			a.Cents, a.Withheld = 0, why
		}
		out = append(out, a)
	}
	return out
}

// Visible applies the rule to every total of st: the stores count, in
// each network total, the amounts its viewer may not see (Amount.Private),
// and leave them out of a member's own figures (PrivateLeftOut).
func (st *Stats) Visible() {
	st.GivenEstimate = st.GivenEstimate.Visible()
	st.ReceivedEstimate = st.ReceivedEstimate.Visible()
	st.Revenue = st.Revenue.Visible()
	st.RevenueGenerated = st.RevenueGenerated.Visible()
	st.AvgDeal = st.AvgDeal.Visible()
	st.Reciprocity = st.Reciprocity.Visible()
	for i := range st.ByPartner {
		p := &st.ByPartner[i]
		p.GivenWonValue, p.ReceivedWonValue = p.GivenWonValue.Visible(), p.ReceivedWonValue.Visible()
	}
}
