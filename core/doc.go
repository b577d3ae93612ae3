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
//
// The files, by what they hold:
//
//   - service.go: the Service, its clock and time zones, its transactions;
//     store.go the Store and Tx it runs on.
//   - types.go, errors.go, money.go, currency.go: the domain types, the
//     typed errors, amounts of money and the currencies they are in.
//   - join.go: who is talking (Identity, Caller), Join, Command (a
//     platform request as one transaction: its key, the join, the work),
//     and resolving a mentioned member.
//   - referral.go: drafting and creating referrals (Refer, PostLead);
//     claim.go: open leads (Claim, RaiseHand, PickClaimer); pipeline.go:
//     a referral's stages (Accept, Decline, Advance); thanks.go: Thank and
//     feedback; show.go: Show and List; departure.go: what a leaving
//     member's referrals become, and Reassign; corrections.go: Undo and
//     Correct, a change reverted or a won value corrected, with history.
//     coowner.go: SetCoOwner, a partner who presents with the receiver.
//   - visibility.go: the one rule for what a viewer may see of a referral,
//     its amounts, and totals of amounts.
//   - flags.go: abuse flags for admins (Flags, DismissFlag) and the daily
//     cap on referrals.
//   - notice.go: the notices an operation queues, and building them.
//   - profiles.go: profiles and tags; who.go: ranking partners for a need;
//     who_recent.go: counting recent referrals only for the best matches;
//     buddy.go: mentoring buddies, auto-assigned in rotation with a cap
//     per mentor; partnerships.go: touchpoints and their
//     cadence (Touch, SetReminders).
//   - settings.go: the network's settings (Configure, ParseFee).
//   - fees.go: won values their referrer confirms or disputes, fees owed,
//     paid and received (ConfirmWon, DisputeWon, MarkFee, Fees).
//   - stats.go: periods, figures and Stats; leaderboard.go: top givers by
//     confirmed value, repeats damped, most improved, first wins
//     (leaderboard_top.go: read best first through kept deal counts);
//     jobs.go: the scheduled jobs and their reports; jobpass.go: a job
//     as one pass over every workspace it is due in (RunJobs), batched;
//     duejobs.go: the jobs that act on what fell due in a time window.
//   - retention.go: how long old records are kept, and the job that
//     purges them.
//   - release.go: stale handoffs released (JobRelease, release-after).
//   - privacy.go: a member's export, Forget, and undelivered messages.
//   - signin.go: signing in to the web dashboard (one-time links,
//     sessions, their end when a member leaves); signin_token.go: the
//     signed tokens and the workspaces' signing keys.
//   - dashboard.go: the web dashboard's read models; overview.go (the
//     network's figures, trend, funnel, who referred whom),
//     memberpage.go, referralpage.go (filters, pages, the CSV's rows) and
//     adminpage.go fill them, as the viewer may see them.
//   - text.go: limits on free text and the small text helpers.
package core
