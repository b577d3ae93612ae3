package core

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// A job runs as one pass over every workspace whose scheduled instant came:
// each of its queries reads what fell due in all of them at once (see
// Tx.DueThankNudges and the others), rather than a transaction and a round
// of queries per workspace. What users see stays per workspace: its time
// zone, quiet hours and settings, its own claim of each period.

// DueRun is one workspace's scheduled run of a job: the instant it fired
// in that workspace's schedule and time zone.
type DueRun struct {
	Workspace Workspace
	Fire      time.Time
}

// jobBatch is how many workspaces one transaction of a pass takes: a big
// installation's pass is a series of bounded transactions, never one
// giant one. A crash midway leaves the rest unclaimed, for the next run.
const jobBatch = 250

// jobWorkers is how many batches of a pass run at once: a pass is mostly
// PostgreSQL's work on one core per transaction, and batches never share
// a workspace (nor the rows they lock), so two use two cores. Each still
// claims its workspaces in id order: two replicas running the same pass
// wait for each other batch by batch, never deadlock.
const jobWorkers = 2

// dueWindow is how far back the thank-you nudge and the stale follow-up
// look for what fell due: a referral taken on or gone quiet longer ago
// than this and never nudged (the bot was down, the job newly enabled) is
// not nudged any more. Runs are at least weekly, so nothing due is missed
// in between; the bound keeps each run's cost to what fell due lately,
// whatever the years of history. touchWindow does the same for
// partnerships, whose cadence is a month by default: one due date missed
// entirely is still reminded of.
const (
	dueWindow   = 14 * 24 * time.Hour
	touchWindow = 60 * 24 * time.Hour
)

// RunJob runs a job for one workspace: the run scheduled at fire, carried
// out as if at the instant at (fire, or later after downtime). See RunJobs.
func (s *Service) RunJob(ctx context.Context, job string, ws Workspace, fire, at time.Time) (JobResult, error) {
	res, err := s.RunJobs(ctx, job, []DueRun{{Workspace: ws, Fire: fire}}, at)
	if err != nil {
		return JobResult{}, err
	}
	return res[0], nil
}

// RunJobs runs a job for many workspaces as if at the instant at, in
// batches of workspaces, each batch one transaction: it claims each
// workspace's period (job_runs), works out every claimed workspace's
// notices with a few set-based queries, and queues them in the same
// transaction as the claims. However many schedulers or reruns try the
// same scheduled run, one set of notices is written; every notice also has
// a dedupe key, so a later run never repeats one. The retention job, which
// writes no notices, claims each workspace's run first and then deletes
// in batches (see purge).
//
// The results match runs one to one. On an error, the batches that
// committed have their results filled in; the failing one and those not
// started yet are left unclaimed (Ran false) for the next run.
func (s *Service) RunJobs(ctx context.Context, job string, runs []DueRun, at time.Time) ([]JobResult, error) {
	if _, err := JobByName(job); err != nil {
		return nil, err
	}
	// Workspace order: two replicas claiming the same pass lock job_runs
	// rows in the same order, so one waits for the other, never deadlocks.
	order := make([]int, len(runs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(runs[a].Workspace.ID, runs[b].Workspace.ID) })
	results := make([]JobResult, len(runs))
	var (
		wg    sync.WaitGroup
		slots = make(chan struct{}, jobWorkers)
		mu    sync.Mutex
		first error // the first failure; batches not started by then are not
	)
	for start := 0; start < len(order); start += jobBatch {
		slots <- struct{}{}
		mu.Lock()
		failed := first != nil
		mu.Unlock()
		if failed {
			<-slots
			break
		}
		idx := order[start:min(start+jobBatch, len(order))]
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			batch := make([]DueRun, len(idx))
			for i, k := range idx {
				batch[i] = runs[k]
			}
			var res []JobResult
			var err error
			if job == JobRetention { // deletes in batches, each committed: see purge
				res, err = s.purgeAll(ctx, batch, at)
			} else {
				res, err = s.runBatch(ctx, job, batch, at)
			}
			if err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
				return
			}
			for i, k := range idx {
				results[k] = res[i]
			}
		}()
	}
	wg.Wait()
	return results, first
}

// purgeAll runs the retention job for each workspace of a batch: the
// batch's runs claimed in one transaction (one commit, not one per
// workspace), then each claimed workspace purged (see purge).
func (s *Service) purgeAll(ctx context.Context, batch []DueRun, at time.Time) ([]JobResult, error) {
	claims := make([]JobClaim, len(batch))
	for i, r := range batch {
		claims[i] = JobClaim{WorkspaceID: r.Workspace.ID, Period: JobPeriod(r.Fire)}
	}
	ids := make([]int64, len(batch))
	for i, r := range batch {
		ids[i] = r.Workspace.ID
	}
	var previous map[int64]time.Time
	claimed, err := inTx(ctx, s, func(tx Tx) (claimed []int64, err error) {
		if previous, err = tx.PreviousJobRuns(ctx, JobRetention, ids, at); err != nil {
			return nil, err
		}
		return tx.ClaimJobRuns(ctx, JobRetention, claims, at)
	})
	if err != nil {
		return nil, err
	}
	out := make([]JobResult, len(batch))
	for i, r := range batch {
		if !slices.Contains(claimed, r.Workspace.ID) {
			continue // this period ran already (here or on another replica)
		}
		res, err := s.purge(ctx, r.Workspace, at, previous[r.Workspace.ID])
		if err != nil {
			return nil, err
		}
		out[i] = res
	}
	return out, nil
}

// runBatch claims and runs a job for a batch of workspaces in one
// transaction.
func (s *Service) runBatch(ctx context.Context, job string, batch []DueRun, at time.Time) ([]JobResult, error) {
	return inTx(ctx, s, func(tx Tx) ([]JobResult, error) {
		claims := make([]JobClaim, len(batch))
		for i, r := range batch {
			claims[i] = JobClaim{WorkspaceID: r.Workspace.ID, Period: JobPeriod(r.Fire)}
		}
		claimed, err := tx.ClaimJobRuns(ctx, job, claims, at)
		if err != nil {
			return nil, err
		}
		mine := make([]DueRun, 0, len(claimed))
		for _, r := range batch {
			if slices.Contains(claimed, r.Workspace.ID) {
				mine = append(mine, r)
			}
		}
		out := make([]JobResult, len(batch))
		if len(mine) == 0 {
			return out, nil
		}
		ns, err := s.jobNotices(ctx, tx, job, mine, at)
		if err != nil {
			return nil, err
		}
		if ns, err = s.askBeforeMore(ctx, tx, ns, at); err != nil {
			return nil, err
		}
		// Queued in one statement, in workspace order (each workspace's in
		// the order made), counted per workspace for its run's result.
		slices.SortStableFunc(ns, func(a, b Notice) int { return cmp.Compare(a.WorkspaceID, b.WorkspaceID) })
		added, err := tx.EnqueueAcross(ctx, ns)
		if err != nil {
			return nil, err
		}
		for i, r := range batch {
			if slices.Contains(claimed, r.Workspace.ID) {
				out[i] = JobResult{Ran: true, Notices: added[r.Workspace.ID]}
			}
		}
		return out, nil
	})
}

// jobNotices works out the notices of a job's runs. The reminder jobs and
// the expiries are set-based over the whole batch; the reports (health,
// weekly, quarterly) are computed per workspace from its figures.
func (s *Service) jobNotices(ctx context.Context, tx Tx, job string, runs []DueRun, at time.Time) ([]Notice, error) {
	switch job {
	case JobLeadExpiry:
		return s.expireLeads(ctx, tx, runs, at)
	case JobThankNudge:
		return s.thankNudges(ctx, tx, runs, at)
	case JobStale:
		return s.staleFollowUps(ctx, tx, runs, at)
	case JobRelease:
		return s.releaseIdle(ctx, tx, runs, at)
	case JobTouch:
		return s.touchReminders(ctx, tx, runs, at)
	case JobBuddy:
		return s.buddyReminders(ctx, tx, runs, at)
	}
	// A report already in the outbox (queued, sent or failed) would not
	// be queued again: its figures are not worked out again either. A
	// quarterly schedule that fires more than once a quarter finds the
	// quarter's post there.
	var err error
	switch job {
	case JobQuarterly:
		runs, err = s.unposted(ctx, tx, runs, func(r DueRun) string { return quarterlyKey(s.endedQuarter(r.Workspace, r.Fire)) })
	case JobWeeklyDigest:
		runs, err = s.unposted(ctx, tx, runs, func(r DueRun) string { return weeklyKey(r.Fire) })
	}
	if err != nil {
		return nil, err
	}
	return s.reports(ctx, tx, job, runs, at)
}

// unposted leaves out the runs whose report, named by key, is in the
// outbox already; one query for them all.
func (s *Service) unposted(ctx context.Context, tx Tx, runs []DueRun, key func(DueRun) string) ([]DueRun, error) {
	keys := make([]NoticeKey, len(runs))
	for i, r := range runs {
		keys[i] = NoticeKey{WorkspaceID: r.Workspace.ID, DedupeKey: key(r)}
	}
	posted, err := tx.Posted(ctx, keys)
	if err != nil || len(posted) == 0 {
		return runs, err
	}
	done := make(map[NoticeKey]bool, len(posted))
	for _, k := range posted {
		done[k] = true
	}
	out := make([]DueRun, 0, len(runs))
	for i, r := range runs {
		if !done[keys[i]] {
			out = append(out, r)
		}
	}
	return out, nil
}

// reports works out the reports of a job's runs (health, weekly,
// quarterly), each set-based over the batch.
func (s *Service) reports(ctx context.Context, tx Tx, job string, runs []DueRun, at time.Time) ([]Notice, error) {
	if len(runs) == 0 {
		return nil, nil
	}
	switch job {
	case JobHealth:
		return s.networkHealth(ctx, tx, runs, at)
	case JobQuarterly:
		return s.quarterlies(ctx, tx, runs, at)
	case JobWeeklyDigest:
		return s.weeklies(ctx, tx, runs, at)
	}
	return nil, fmt.Errorf("no report for job %q", job)
}

// weeklies works out the weekly digests of runs: their figures and open
// leads read for the whole batch at once.
func (s *Service) weeklies(ctx context.Context, tx Tx, runs []DueRun, at time.Time) ([]Notice, error) {
	leads, err := tx.OpenLeads(ctx, workspaceIDs(runs), weeklyLeads)
	if err != nil {
		return nil, err
	}
	open := map[int64][]Referral{}
	for _, l := range leads {
		open[l.WorkspaceID] = append(open[l.WorkspaceID], l)
	}
	weeks, err := s.weeksOf(ctx, tx, runs, at)
	if err != nil {
		return nil, err
	}
	var ns []Notice
	for i, r := range runs {
		ns = append(ns, weeklyDigest(r.Workspace, r.Fire, at, &weeks[i], open[r.Workspace.ID])...)
	}
	return ns, nil
}

// workspaceIDs lists the runs' workspaces' ids.
func workspaceIDs(runs []DueRun) []int64 {
	ids := make([]int64, len(runs))
	for i, r := range runs {
		ids[i] = r.Workspace.ID
	}
	return ids
}

// workspacesOf indexes the runs' workspaces by id.
func workspacesOf(runs []DueRun) map[int64]Workspace {
	out := make(map[int64]Workspace, len(runs))
	for _, r := range runs {
		out[r.Workspace.ID] = r.Workspace
	}
	return out
}

// windows gives each run's workspace the window window returns for it;
// a workspace for which ok is false is left out.
func windows(runs []DueRun, window func(ws Workspace) (from, to time.Time, ok bool)) []DueWindow {
	var out []DueWindow
	for _, r := range runs {
		if from, to, ok := window(r.Workspace); ok {
			out = append(out, DueWindow{WorkspaceID: r.Workspace.ID, From: from, To: to})
		}
	}
	return out
}
