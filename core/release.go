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
// The batch is set-based where it reads: the idle referrals are locked in
// one statement and read again in one (what changed in between drops
// out, as it would under a lock of its own), their parties read in one;
// each release then only writes (the referral and its event), with the
// same steps, events and notices as a release one by one.
func (s *Service) releaseIdle(ctx context.Context, tx Tx, runs []DueRun, at time.Time) ([]Notice, error) {
	due := windows(runs, func(ws Workspace) (time.Time, time.Time, bool) {
		days := ws.Settings.ReleaseAfterDays
		return time.Time{}, at.AddDate(0, 0, -days), days > 0
	})
	idle, err := tx.IdleReferrals(ctx, due)
	if err != nil || len(idle) == 0 {
		return nil, err
	}
	keys := make([]ReferralRef, len(idle))
	read := make(map[ReferralRef]bool, len(idle))
	for i, r := range idle {
		keys[i] = ReferralRef{r.WorkspaceID, r.ID}
		read[keys[i]] = true
	}
	if err := tx.LockReferrals(ctx, keys); err != nil {
		return nil, err
	}
	// Read again now that they are locked: as they are now.
	if idle, err = tx.IdleReferrals(ctx, due); err != nil {
		return nil, err
	}
	rec := &recorder{Tx: tx, locked: map[codeKey]*Referral{}}
	var parties []MemberKey
	for i := range idle {
		r := &idle[i]
		if !read[ReferralRef{r.WorkspaceID, r.ID}] {
			continue // idle only since the first read: next run's
		}
		rec.locked[codeKey{r.WorkspaceID, r.Code}] = r
		parties = append(parties, MemberKey{r.WorkspaceID, r.ReferrerID}, MemberKey{r.WorkspaceID, r.ReceiverID})
		if r.CoOwnerID != 0 {
			parties = append(parties, MemberKey{r.WorkspaceID, r.CoOwnerID})
		}
	}
	ms, err := tx.MembersByKey(ctx, uniqueKeys(parties))
	if err != nil {
		return nil, err
	}
	rec.members = make(map[MemberKey]Member, len(ms))
	for _, m := range ms {
		rec.members[MemberKey{m.WorkspaceID, m.ID}] = m
	}
	wss := workspacesOf(runs)
	js := s.at(at)
	for i := range idle {
		ws := wss[idle[i].WorkspaceID]
		if rec.locked[codeKey{ws.ID, idle[i].Code}] == nil {
			continue
		}
		if err := js.releaseOne(ctx, rec, ws, idle[i].Code, at.AddDate(0, 0, -ws.Settings.ReleaseAfterDays)); err != nil {
			return nil, err
		}
	}
	return rec.notices, nil
}

// releaseOne releases one idle referral of a workspace (s's clock stopped
// at the run's instant), unless it was updated since cutoff, and tells
// its owners.
func (s *Service) releaseOne(ctx context.Context, rec *recorder, ws Workspace, code Code, cutoff time.Time) error {
	sys := Caller{Workspace: ws} // referbot acts, not a member
	why := fmt.Sprintf("it had no update for %d days", ws.Settings.ReleaseAfterDays)
	r, err := referral(ctx, rec, sys, code) // locked, as it is now
	if err != nil {
		return err
	}
	if !r.Status.Working() || r.UpdatedAt.After(cutoff) {
		return nil // updated since the list was read
	}
	owners := []int64{r.ReceiverID, r.CoOwnerID}
	if r.CreatedAsLead() {
		err = s.release(ctx, rec, sys, &ws, r, why)
	} else {
		err = s.giveBack(ctx, rec, sys, r, why)
	}
	if err != nil {
		return err
	}
	for _, id := range owners {
		if id == 0 {
			continue
		}
		m, err := rec.Member(ctx, ws.ID, id)
		if err != nil {
			return err
		}
		if m.Status == MemberActive {
			rec.notices = append(rec.notices, toldOf(sys, rec.last, NoticeTakenBack, dm(m), r, why))
		}
	}
	return nil
}

// at returns the service with its clock stopped at t, so what a job run
// "as if at t" changes is stamped t.
func (s *Service) at(t time.Time) *Service {
	c := *s
	c.now = func() time.Time { return t }
	return &c
}

// recorder is a Tx that keeps the notices an operation queues instead of
// queueing them, so a job returns them to RunJob (which filters, queues
// and counts them), and remembers the last event appended.
//
// A pass that read and locked its referrals and their parties up front
// hands them over (locked, members): reads of them cost no round trip.
type recorder struct {
	Tx
	notices []Notice
	last    *Event
	locked  map[codeKey]*Referral // read after they were locked
	members map[MemberKey]Member
}

// codeKey names a referral by its workspace and code.
type codeKey struct {
	WorkspaceID int64
	Code        Code
}

// Referral serves a referral locked and read by the pass, once: a
// second read goes to the store (it may have changed since).
func (r *recorder) Referral(ctx context.Context, workspaceID int64, code Code, forUpdate bool) (*Referral, error) {
	if ref := r.locked[codeKey{workspaceID, code}]; ref != nil {
		delete(r.locked, codeKey{workspaceID, code})
		c := *ref
		return &c, nil
	}
	return r.Tx.Referral(ctx, workspaceID, code, forUpdate)
}

// Member serves a member the pass read.
func (r *recorder) Member(ctx context.Context, workspaceID, id int64) (*Member, error) {
	if m, ok := r.members[MemberKey{workspaceID, id}]; ok {
		return &m, nil
	}
	return r.Tx.Member(ctx, workspaceID, id)
}

func (r *recorder) Enqueue(_ context.Context, ns ...Notice) error {
	r.notices = append(r.notices, ns...)
	return nil
}

func (r *recorder) AppendEvent(ctx context.Context, workspaceID int64, e *Event) error {
	if err := r.Tx.AppendEvent(ctx, workspaceID, e); err != nil {
		return err
	}
	r.last = e
	return nil
}

func (r *recorder) InsertReferral(ctx context.Context, ref *Referral, first *Event) error {
	if err := r.Tx.InsertReferral(ctx, ref, first); err != nil {
		return err
	}
	if first != nil {
		r.last = first
	}
	return nil
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
