// Package core is the referral exchange itself: the domain types (Workspace,
// Member, Profile, Referral, Event, Partnership, Touchpoint, Thanks), the
// rules that govern them (who may move a referral to which stage, what a
// claim means, who may see a client's contact details), the operations the
// chat front ends call (Refer, PostLead, Claim, Accept, Advance, Thank,
// Touch, Stats, ...) and the typed errors they return.
//
// core imports only the standard library. It knows nothing of Slack,
// Discord, HTTP, cron or SQL: it declares the small interfaces it needs (a
// Store with transactions, a clock) and core/postgres implements them.
package core
