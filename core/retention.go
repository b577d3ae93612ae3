package core

import (
	"context"
	"time"
)

// Retention is how long records that only look back are kept: delivered
// messages, the record of each job run, the keys of platform requests
// (which only have to outlive a platform's retries and replays) and the
// dashboard's sign-in links and sessions once they are over. The
// retention job purges what is older, except what something still reads
// (see Purge).
type Retention struct {
	Delivered time.Duration // outbox messages delivered longer ago than this
	JobRuns   time.Duration // job runs that started longer ago (each job's latest stays)
	Inbound   time.Duration // request keys received longer ago
	SignIns   time.Duration // sign-in links and sessions over (expired, ended) longer ago
}

// Retention defaults: 90 days of delivered messages and job runs; request
// keys for 2 days (Slack retries for minutes, and a signed request is
// refused after 5 minutes anyway); a day of sign-ins that are over (a link
// lives 15 minutes, a session 12 hours; a day later neither says anything
// a member could ask about).
const (
	DefaultRetentionDays = 90
	DefaultInboundKeep   = 48 * time.Hour
	DefaultSignInKeep    = 24 * time.Hour
	// MinRetentionDays is the shortest retention of delivered messages the
	// jobs are safe with: the buddy welcome is deduplicated by its message
	// alone, within 14 days of a join (the other reminders' messages are
	// kept as long as they are needed, whatever their age; see Purge).
	MinRetentionDays = 30
)

// DefaultRetention is the retention when none is configured.
func DefaultRetention() Retention {
	return Retention{Delivered: DefaultRetentionDays * 24 * time.Hour, JobRuns: DefaultRetentionDays * 24 * time.Hour,
		Inbound: DefaultInboundKeep, SignIns: DefaultSignInKeep}
}

// withDefaults fills the durations left zero.
func (r Retention) withDefaults() Retention {
	d := DefaultRetention()
	if r.Delivered <= 0 {
		r.Delivered = d.Delivered
	}
	if r.JobRuns <= 0 {
		r.JobRuns = d.JobRuns
	}
	if r.Inbound <= 0 {
		r.Inbound = d.Inbound
	}
	if r.SignIns <= 0 {
		r.SignIns = d.SignIns
	}
	return r
}

// Purge is one retention pass over a workspace. What goes:
//   - delivered messages sent before SentBefore, except those something
//     still reads: a lead's channel post and a receiver's offer while their
//     referral is open or closed since SentBefore (a later change edits
//     them in place, see Outbox.SentRef); a thank-you nudge while its
//     referral is unthanked and still could be nudged, a stale nudge while
//     its referral is worked, a touchpoint reminder while its partnership
//     is still due on that date (each job sends its message once, and the
//     message is its record of having done so); and the Reminders kinds
//     sent to a member since they last used referbot (they count towards
//     the ignored reminders that make the bot ask before sending more);
//   - job runs started before RunsBefore, except each job's latest (the
//     scheduler's record that the current period ran);
//   - the workspace's platform request keys received before InboundBefore;
//   - the workspace's dashboard sign-in links and sessions over before
//     SignInsBefore: a link never used that expired, a session that ran
//     out or was ended (signed out, the member left). Live sessions and
//     unexpired links stay, whatever their age.
//
// Every statement deletes at most Batch rows and commits on its own, so a
// large backlog never holds locks for long.
//
// SentSince, if set, narrows the delivered messages read to those sent
// since then: a daily pass reads what aged past the cutoff since the
// previous one, not again every message it kept (see Service.purge).
type Purge struct {
	WorkspaceID   int64
	SentBefore    time.Time
	SentSince     time.Time
	RunsBefore    time.Time
	InboundBefore time.Time
	SignInsBefore time.Time
	Reminders     []NoticeKind
	Batch         int
}

// Purged counts what a Purge deleted.
type Purged struct {
	Delivered, JobRuns, Inbound, SignIns int
}

// Total is every row deleted.
func (p Purged) Total() int { return p.Delivered + p.JobRuns + p.Inbound + p.SignIns }

// purgeBatch is how many rows one delete statement takes.
const purgeBatch = 10000

// purge runs the retention job for a workspace whose run is claimed
// already (purgeAll claims a batch's runs in a transaction of their own,
// so one replica purges each period); the purge deletes in batches, each
// committed. A pass that fails midway leaves the rest to a later period's
// (it is claimed already): purging is by age, so nothing is lost by doing
// it a few days later.
//
// The delivered messages kept because something still read them (an open
// referral's offer, say: tens of thousands at a tenth of BNI's scale) are
// read again only on the workspace's recheck day, once a week
// (RetentionRecheckDay), or when no earlier pass is on record (previous
// is zero): on other days a pass reads only the messages that aged past
// the cutoff since the previous pass. A message nothing reads any more
// goes within a week of that, and a day's pass costs what the day added.
func (s *Service) purge(ctx context.Context, ws Workspace, at, previous time.Time) (JobResult, error) {
	r := s.retention
	var since time.Time
	if !previous.IsZero() && previous.Before(at) && !RetentionRecheckDay(ws.ID, at) {
		since = previous.Add(-r.Delivered)
	}
	p, err := s.store.Purge(ctx, Purge{
		WorkspaceID:   ws.ID,
		SentBefore:    at.Add(-r.Delivered),
		SentSince:     since,
		RunsBefore:    at.Add(-r.JobRuns),
		InboundBefore: at.Add(-r.Inbound),
		SignInsBefore: at.Add(-r.SignIns),
		Reminders:     append([]NoticeKind{NoticeAskReminders}, reminderKinds...),
		Batch:         purgeBatch,
	})
	return JobResult{Ran: true, Purged: p}, err
}

// RetentionRecheckDay tells whether at falls on the workspace's day of
// the week (in UTC) for the retention pass to read again every delivered
// message it kept: each workspace has its own, so a week's rechecks are
// spread over its days.
func RetentionRecheckDay(workspaceID int64, at time.Time) bool {
	day := at.UTC().Unix() / (24 * 60 * 60)
	return (day+workspaceID%7)%7 == 0
}
