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
func (s *Service) releaseIdle(ctx context.Context, tx Tx, runs []DueRun, at time.Time) ([]Notice, error) {
	idle, err := tx.IdleReferrals(ctx, windows(runs, func(ws Workspace) (time.Time, time.Time, bool) {
		days := ws.Settings.ReleaseAfterDays
		return time.Time{}, at.AddDate(0, 0, -days), days > 0
	}))
	if err != nil || len(idle) == 0 {
		return nil, err
	}
	wss := workspacesOf(runs)
	rec := &recorder{Tx: tx}
	js := s.at(at)
	for i := range idle {
		ws := wss[idle[i].WorkspaceID]
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
	r, err := referral(ctx, rec.Tx, sys, code) // locked, as it is now
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
type recorder struct {
	Tx
	notices []Notice
	last    *Event
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
