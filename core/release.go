package core

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Stale handoffs released. A claimed or accepted referral nobody updates
// is nudged after the network's stale-days (JobStale); after its
// release-after it goes back (JobRelease): a lead is open to claims again
// with a fresh post in the channel, a direct referral returns to its
// referrer, who may send it to someone else with /refer reassign. The
// owners and the referrer are told, and the history has every step. It is
// what happens when an owner leaves the network (see depart), for the
// same reason: nobody is working the client.

// JobRelease is the job that releases stale handoffs.
const JobRelease = "stale-release"

// releaseIdle releases every working referral with no update for its
// workspace's release-after, as of at. It runs inside a batch of RunJobs,
// whose claim of the period makes a run happen once; a released referral
// is no longer working, so no later run touches it again (nor reads it:
// the query reads only working referrals).
//
// The batch is set-based: the idle referrals are locked and read in one
// statement (what changed before the lock drops out, as it would under a
// lock of its own), their parties read in one; then every
// release's change is saved in one statement and every event appended in
// one, with the same steps, events and notices as a release one by one
// (release, giveBack).
func (s *Service) releaseIdle(ctx context.Context, tx Tx, runs []DueRun, at time.Time) ([]Notice, error) {
	due := windows(runs, func(ws Workspace) (time.Time, time.Time, bool) {
		days := ws.Settings.ReleaseAfterDays
		return time.Time{}, at.AddDate(0, 0, -days), days > 0
	})
	idle, err := tx.LockIdleReferrals(ctx, due)
	if err != nil || len(idle) == 0 {
		return nil, err
	}
	wss := workspacesOf(runs)
	var rel []*released
	var parties []MemberKey
	for i := range idle {
		r := &idle[i]
		ws := wss[r.WorkspaceID]
		x := &released{ws: ws, r: r, owners: []int64{r.ReceiverID, r.CoOwnerID},
			why: fmt.Sprintf("it had no update for %d days", ws.Settings.ReleaseAfterDays)}
		parties = append(parties, MemberKey{ws.ID, r.ReferrerID}, MemberKey{ws.ID, r.ReceiverID})
		if r.CoOwnerID != 0 {
			parties = append(parties, MemberKey{ws.ID, r.CoOwnerID})
		}
		x.kind, x.from = EvReturned, returnToReferrer(r, x.why, at)
		if r.CreatedAsLead() {
			x.kind, x.from = EvReleased, reopenLead(&x.ws, r, at)
		}
		rel = append(rel, x)
	}
	if len(rel) == 0 {
		return nil, nil
	}
	ms, err := tx.MembersByKey(ctx, uniqueKeys(parties))
	if err != nil {
		return nil, err
	}
	members := make(map[MemberKey]*Member, len(ms))
	for i := range ms {
		members[MemberKey{ms[i].WorkspaceID, ms[i].ID}] = &ms[i]
	}
	return s.at(at).saveReleases(ctx, tx, rel, members)
}

// released is one referral a release pass changed, not yet saved.
type released struct {
	ws     Workspace
	r      *Referral // as changed
	owners []int64   // its receiver and co-owner before
	why    string
	kind   EventKind // EvReleased or EvReturned
	from   Status
	e      *Event
}

// saveReleases saves the pass's changed referrals in one statement and
// their events in one (s's clock stopped at the run's instant), then
// returns what each release says, in the order of the releases: the
// notices of release or giveBack, then each former owner who is still
// active told it was taken back.
func (s *Service) saveReleases(ctx context.Context, tx Tx, rel []*released, members map[MemberKey]*Member) ([]Notice, error) {
	rs := make([]*Referral, len(rel))
	es := make([]WorkspaceEvent, len(rel))
	for i, x := range rel {
		rs[i] = x.r
		x.e = s.newEvent(Caller{Workspace: x.ws}, x.r, x.kind, x.from, x.why)
		es[i] = WorkspaceEvent{WorkspaceID: x.ws.ID, Event: x.e}
	}
	if err := tx.SaveReleases(ctx, rs); err != nil {
		return nil, err
	}
	if err := tx.AppendEventsAcross(ctx, es); err != nil {
		return nil, err
	}
	var ns []Notice
	for _, x := range rel {
		sys := Caller{Workspace: x.ws} // referbot acts, not a member
		referrer := members[MemberKey{x.ws.ID, x.r.ReferrerID}]
		if referrer == nil {
			return nil, Errorf(ENOTFOUND, "The referrer of %s is not a member of this network.", x.r.Code)
		}
		if x.kind == EvReleased {
			ns = append(ns, releasedNotices(sys, x.e, &x.ws, x.r, dm(referrer), x.why)...)
		} else {
			ns = append(ns, notice(sys, x.e, NoticeReturned, dm(referrer), x.r, x.why))
		}
		for _, id := range x.owners {
			if m := members[MemberKey{x.ws.ID, id}]; id != 0 && m != nil && m.Status == MemberActive {
				ns = append(ns, toldOf(sys, x.e, NoticeTakenBack, dm(m), x.r, x.why))
			}
		}
	}
	return ns, nil
}

// at returns the service with its clock stopped at t, so what a job run
// "as if at t" changes is stamped t.
func (s *Service) at(t time.Time) *Service {
	c := *s
	c.now = func() time.Time { return t }
	return &c
}

// releaseAfterSetting reads `/refer config release-after`: days ("21d",
// "21", "monthly", as settingDays reads them) or "off"; an owner must be
// nudged before their referral is taken back, so it must be longer than
// stale-days.
func releaseAfterSetting(val string, staleDays int) (int, error) {
	switch strings.ToLower(strings.TrimSpace(val)) {
	case "off", "never", "none", "0", "0d":
		return 0, nil
	}
	n, err := settingDays("release-after", val, "Release after", 1, 365)
	if err != nil {
		return 0, err
	}
	if n <= staleDays {
		return 0, Errorf(EINVALID, "Release after must be longer than stale-days (%d days), so an owner is nudged before the referral is taken back.", staleDays).
			WithHint("E.g. /refer config release-after %dd, or /refer config release-after off", max(21, staleDays*2))
	}
	return n, nil
}

// staleBeforeRelease keeps stale-days shorter than release-after.
func staleBeforeRelease(st Settings) error {
	if st.ReleaseAfterDays > 0 && st.StaleDays >= st.ReleaseAfterDays {
		return Errorf(EINVALID, "Stale referrals are released after %d days (release-after), so their owners must be nudged sooner than that.", st.ReleaseAfterDays).
			WithHint("Raise release-after first (/refer config release-after %dd), or turn it off (/refer config release-after off).", st.StaleDays*2)
	}
	return nil
}
