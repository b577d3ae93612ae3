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

// SeesClient reports whether viewer may see the client's details, notes
// and reasons of r.
func (r *Referral) SeesClient(viewer Member) bool {
	return r.IsParty(viewer.ID) || viewer.IsAdmin()
}

// VisibleTo returns a copy of r as viewer may see it.
func (r Referral) VisibleTo(viewer Member) Referral {
	if r.SeesClient(viewer) {
		return r
	}
	return r.Public()
}

// Public returns a copy of r as anyone in the network may see it: no
// client name or contact, no reasons.
func (r Referral) Public() Referral {
	r.ClientName, r.ClientContact, r.Consent = "", "", false
	r.LostReason, r.DeclineReason = "", ""
	return r
}

// publicNotes are the event kinds whose note anyone may read: a public
// thank-you, and the name of whom a lead was handed to.
var publicNotes = map[EventKind]bool{EvThanked: true, EvPicked: true, EvClaimed: true, EvReassigned: true}

// VisibleTo returns the event as viewer may see it on r's timeline: notes
// (stage notes, reasons, feedback) only for those who see the client.
func (e Event) VisibleTo(r *Referral, viewer Member) Event {
	if !r.SeesClient(viewer) && !publicNotes[e.Kind] {
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
