package core

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"
)

// Job names. Each job turns a schedule into outbox notices; the bot's
// scheduler decides when, core decides what.
const (
	JobLeadExpiry   = "lead-expiry"
	JobThankNudge   = "thank-you-nudge"
	JobWeeklyDigest = "weekly-digest"
	JobQuarterly    = "quarterly-celebration"
	JobStale        = "stale-follow-up"
	JobTouch        = "touchpoint-reminders"
	JobBuddy        = "buddy-welcome"
	JobHealth       = "network-health"
	JobRetention    = "retention"
)

// JobInfo describes a scheduled job and its default cron schedule (in the
// workspace's time zone); admins override it with /refer config schedule.
type JobInfo struct {
	Name     string
	Schedule string
	About    string
}

// Jobs lists the scheduled jobs.
var Jobs = []JobInfo{
	{JobLeadExpiry, "0 * * * *", "open leads past their time expire; the referrer is told"},
	{JobThankNudge, "0 10 * * *", "receivers who accepted or won a referral 24 h ago (up to 15 days) and haven't thanked are nudged, once"},
	{JobStale, "0 9 * * *", "owners of referrals with no update for the stale-days setting are nudged; referrers get a status digest"},
	{JobRelease, "30 9 * * *", "referrals with no update for the release-after setting go back: a lead to the channel, a direct referral to its referrer"},
	{JobTouch, "0 11 * * *", "members whose partnerships are past their cadence get a suggested touchpoint"},
	{JobBuddy, "0 10 * * *", "mentoring buddies are reminded to welcome the newcomer they were paired with, once"},
	{JobHealth, "0 8 * * MON", "admins hear of falling volume, members who only take, members gone quiet and receivers who never answer"},
	{JobWeeklyDigest, "0 9 * * MON", "the channel hears of the week's new referrals, wins and leads awaiting a claim"},
	{JobQuarterly, "0 9 1 1,4,7,10 *", "the quarter that just ended, celebrated in the channel: wins, revenue, top givers, conversion, newcomers"},
	{JobRetention, "30 3 * * *", "delivered messages and job runs past the retention (90 days unless configured) request keys past 2 days and dashboard sign-ins over for a day are deleted, except what reminders and in-place edits still need"},
}

// JobByName finds a job.
func JobByName(name string) (JobInfo, error) {
	for _, j := range Jobs {
		if j.Name == name {
			return j, nil
		}
	}
	names := make([]string, len(Jobs))
	for i, j := range Jobs {
		names[i] = j.Name
	}
	return JobInfo{}, Errorf(EINVALID, "There is no job %q.", name).WithHint("Jobs: %s.", strings.Join(names, ", "))
}

// JobResult says what one run did.
type JobResult struct {
	Ran     bool // false: this period already ran (here or on another replica)
	Notices int
	Purged  Purged // what the retention job deleted
}

// thankNudgeAfter is how long a receiver has to thank before the nudge.
const thankNudgeAfter = 24 * time.Hour

// JobPeriod names the run of a job scheduled at fire, for job_runs.
func JobPeriod(fire time.Time) string { return fire.UTC().Format(time.RFC3339) }

// quietEnd returns when a non-urgent DM may go out: at once, or when the
// workspace's quiet hours end.
func (s *Service) quietEnd(ws Workspace, at time.Time) time.Time {
	st := ws.Settings
	if st.QuietStart == st.QuietEnd {
		return time.Time{}
	}
	local := at.In(s.Location(ws))
	h := local.Hour()
	quiet := h >= st.QuietStart || h < st.QuietEnd
	if st.QuietStart < st.QuietEnd {
		quiet = h >= st.QuietStart && h < st.QuietEnd
	}
	if !quiet {
		return time.Time{}
	}
	end := time.Date(local.Year(), local.Month(), local.Day(), st.QuietEnd, 0, 0, 0, local.Location())
	if !end.After(local) {
		end = end.AddDate(0, 0, 1)
	}
	return end
}

// Workspaces lists every workspace, for the scheduler.
func (s *Service) Workspaces(ctx context.Context) ([]Workspace, error) {
	return inTx(ctx, s, func(tx Tx) ([]Workspace, error) {
		return tx.Workspaces(ctx)
	})
}

// LastJobRuns returns when each job last ran for the workspace, as
// recorded in job_runs; a job that never ran is absent.
func (s *Service) LastJobRuns(ctx context.Context, ws Workspace) (map[string]time.Time, error) {
	return inTx(ctx, s, func(tx Tx) (map[string]time.Time, error) {
		return tx.LastJobRuns(ctx, ws.ID)
	})
}

// JobSchedule returns the cron spec a workspace runs a job on: its admins'
// override, or the default.
func JobSchedule(ws Workspace, job JobInfo) string {
	if spec := ws.Settings.Schedules[job.Name]; spec != "" {
		return spec
	}
	return job.Schedule
}

// weeklyLeads is how many open leads the weekly digest lists.
const weeklyLeads = 10

// weekOf is the week a weekly digest fired at fire reports on.
func (s *Service) weekOf(ws Workspace, fire time.Time) Period {
	return Period{From: fire.AddDate(0, 0, -7), To: fire, Label: "the week to " + fire.In(s.Location(ws)).Format("Mon 2 Jan")}
}

// weeksOf reads the figures of the weekly digests of runs, in one
// statement for them all (NetworkTotals: the digest shows the totals
// alone), as the channel may see them.
func (s *Service) weeksOf(ctx context.Context, tx Tx, runs []DueRun, at time.Time) ([]Stats, error) {
	qs := make([]TotalsQuery, len(runs))
	for i, r := range runs {
		qs[i] = TotalsQuery{WorkspaceID: r.Workspace.ID, Period: s.weekOf(r.Workspace, r.Fire), Now: at}
	}
	weeks, err := tx.NetworkTotals(ctx, qs)
	if err != nil {
		return nil, err
	}
	for i, r := range runs {
		forChannel(&weeks[i], r.Workspace)
	}
	return weeks, nil
}

// weeklyDigest posts the last seven days, st, to the channel, with open,
// the workspace's newest open leads (both read for the whole batch at
// once). A quiet week with no leads waiting gets no post.
func weeklyDigest(ws Workspace, fire, at time.Time, st *Stats, open []Referral) []Notice {
	rep := &Report{Period: st.Period, Current: st}
	for _, r := range open {
		rep.OpenLeads = append(rep.OpenLeads, r.Public())
	}
	if st.Given == 0 && st.Deals == 0 && len(open) == 0 {
		return nil
	}
	return []Notice{{WorkspaceID: ws.ID, Kind: NoticeWeeklyDigest, To: Recipient{Channel: ws.Settings.Channel},
		Report: rep, CreatedAt: at, DedupeKey: weeklyKey(fire)}}
}

// quarterlies celebrates, for each run, the quarter that ended before
// it was scheduled, in its workspace's time zone, against the quarter
// before it. The figures of every run's two quarters are read in one
// statement (NetworkTotals) and the newcomers in another; only the top
// givers (the leaderboard's) are read per workspace, for those with a
// quarter to celebrate.
func (s *Service) quarterlies(ctx context.Context, tx Tx, runs []DueRun, at time.Time) ([]Notice, error) {
	qs := make([]TotalsQuery, 0, 2*len(runs))
	for _, r := range runs {
		q := s.endedQuarter(r.Workspace, r.Fire)
		qs = append(qs, TotalsQuery{WorkspaceID: r.Workspace.ID, Period: q, Now: at, Closing: true},
			TotalsQuery{WorkspaceID: r.Workspace.ID, Period: QuarterOf(q.From.Add(-time.Hour)), Now: at})
	}
	figures, err := tx.NetworkTotals(ctx, qs)
	if err != nil {
		return nil, err
	}
	var (
		reps []*Report
		due  []DueWindow
	)
	for i, r := range runs {
		cur, before := &figures[2*i], &figures[2*i+1]
		if cur.Given == 0 && cur.Deals == 0 {
			reps = append(reps, nil) // nothing happened: no celebration to post
			continue
		}
		forChannel(cur, r.Workspace)
		forChannel(before, r.Workspace)
		reps = append(reps, &Report{Period: cur.Period, Current: cur, Previous: before})
		due = append(due, DueWindow{WorkspaceID: r.Workspace.ID, From: cur.Period.From, To: cur.Period.To})
	}
	if len(due) == 0 {
		return nil, nil
	}
	joined, err := tx.Joined(ctx, due)
	if err != nil {
		return nil, err
	}
	newcomers := map[int64][]string{}
	for _, m := range joined {
		newcomers[m.WorkspaceID] = append(newcomers[m.WorkspaceID], m.DisplayName)
	}
	var ns []Notice
	for i, r := range runs {
		rep := reps[i]
		if rep == nil {
			continue
		}
		// Top givers by the leaderboard's rules: confirmed value, repeats damped.
		if rep.Leaderboard, err = s.leaderboard(ctx, tx, r.Workspace, rep.Period); err != nil {
			return nil, err
		}
		rep.Newcomers = newcomers[r.Workspace.ID]
		ns = append(ns, Notice{WorkspaceID: r.Workspace.ID, Kind: NoticeQuarterly,
			To:     Recipient{Channel: r.Workspace.Settings.Channel},
			Report: rep, CreatedAt: at, DedupeKey: quarterlyKey(rep.Period)})
	}
	return ns, nil
}

// forChannel finishes figures read for a channel post: in the
// workspace's currency, as no party sees them.
func forChannel(st *Stats, ws Workspace) {
	st.Currency = cmp.Or(ws.Settings.Currency, DefaultCurrency)
	st.Visible()
}

// endedQuarter is the quarter a quarterly run scheduled at fire
// celebrates: the one that ended before fire, in the workspace's zone.
func (s *Service) endedQuarter(ws Workspace, fire time.Time) Period {
	return QuarterOf(QuarterOf(fire.In(s.Location(ws))).From.Add(-time.Hour))
}

// quarterlyKey and weeklyKey are the dedupe keys of the channel's
// reports: one post per quarter, one per scheduled weekly run.
func quarterlyKey(q Period) string    { return "quarterly:" + q.Label }
func weeklyKey(fire time.Time) string { return "weekly:" + JobPeriod(fire) }

// Health is what the network-health report tells admins.
type Health struct {
	Last30, Previous30 int      // referrals given in the last 30 days and the 30 before
	OnlyTake           []string // received in 12 months, gave nothing
	GoneQuiet          []string // no referral given or received in 90 days
	NoAnswer           []string // receivers with referrals unanswered for over 7 days
	Flags              []Flag   `json:"flags,omitempty"` // abuse flags of the last 90 days, not dismissed
}

// networkHealth sends each admin of the runs' workspaces the network's
// warning signs; a healthy network gets no message. The signs of every
// workspace with an admin to tell are worked out together, a few
// statements for the whole batch.
func (s *Service) networkHealth(ctx context.Context, tx Tx, runs []DueRun, at time.Time) ([]Notice, error) {
	members, err := tx.AdminsAcross(ctx, workspaceIDs(runs))
	if err != nil {
		return nil, err
	}
	admins := map[int64][]*Member{}
	for i := range members {
		if m := &members[i]; m.Status == MemberActive && m.IsAdmin() && !m.Muted {
			admins[m.WorkspaceID] = append(admins[m.WorkspaceID], m)
		}
	}
	var told []Workspace
	for _, r := range runs {
		if len(admins[r.Workspace.ID]) > 0 { // nobody to tell: the signs are not worked out
			told = append(told, r.Workspace)
		}
	}
	hs, err := s.healthAcross(ctx, tx, told, at)
	if err != nil {
		return nil, err
	}
	var ns []Notice
	for _, ws := range told {
		h := hs[ws.ID]
		falling := h.Falling()
		if !falling && len(h.OnlyTake)+len(h.GoneQuiet)+len(h.NoAnswer)+len(h.Flags) == 0 {
			continue
		}
		if !falling {
			h.Last30, h.Previous30 = 0, 0
		}
		for _, m := range admins[ws.ID] {
			ns = append(ns, Notice{WorkspaceID: ws.ID, Kind: NoticeHealth, To: dm(m), Health: h, CreatedAt: at,
				DedupeKey: fmt.Sprintf("health:%d:%s", m.ID, at.UTC().Format("2006-01-02"))})
		}
	}
	return ns, nil
}

// Falling reports whether referrals given fell by more than a quarter
// from the 30 days before to the last 30 (from at least 3).
func (h *Health) Falling() bool {
	return h.Previous30 >= 3 && h.Last30*4 < h.Previous30*3
}

// HealthQuery asks the store for what the network-health report counts:
// windows that each end at At.
type HealthQuery struct {
	At         time.Time
	Last30     time.Time // referrals given since then (Last30 in Health)
	Previous30 time.Time // referrals given from then to Last30 (Previous30)
	Year       time.Time // takers: received since then, gave nothing
	Recent     time.Time // activity: gave, received or won since then
	Joined     time.Time // gone quiet: active members joined before then, not active since Recent
}

// HealthCounts is what the store counts for a HealthQuery, as the
// network's figures (Stats) count them.
type HealthCounts struct {
	Last30, Previous30 int
	// OnlyTake names the members who received referrals since Year and
	// gave none, in the order of the network's breakdown (Stats.ByPartner).
	OnlyTake []string
	// GoneQuiet names the active members who joined before Joined and
	// neither gave nor received a referral, nor were party to a deal won,
	// since Recent; in the members' order (by name).
	GoneQuiet []string
}

// health computes the network's warning signs at at, whoever reads them
// (the admins' DM, the admin page).
func (s *Service) health(ctx context.Context, tx Tx, ws Workspace, at time.Time) (*Health, error) {
	hs, err := s.healthAcross(ctx, tx, []Workspace{ws}, at)
	if err != nil {
		return nil, err
	}
	return hs[ws.ID], nil
}

// healthAcross is health for many workspaces, in a few statements for
// them all, by workspace.
func (s *Service) healthAcross(ctx context.Context, tx Tx, wss []Workspace, at time.Time) (map[int64]*Health, error) {
	if len(wss) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(wss))
	for i, ws := range wss {
		ids[i] = ws.ID
	}
	cs, err := tx.HealthCountsAcross(ctx, ids, HealthQuery{At: at, Last30: at.AddDate(0, 0, -30),
		Previous30: at.AddDate(0, 0, -60), Year: at.AddDate(-1, 0, 0), Recent: at.AddDate(0, 0, -90),
		Joined: at.Add(-90 * 24 * time.Hour)})
	if err != nil {
		return nil, err
	}
	unanswered, err := tx.UnansweredAcross(ctx, ids, at.Add(-7*24*time.Hour))
	if err != nil {
		return nil, err
	}
	flags, err := s.flagsAcross(ctx, tx, wss, Period{From: at.Add(-RingWindow), To: at, Label: "the last 90 days"}, false)
	if err != nil {
		return nil, err
	}
	hs := make(map[int64]*Health, len(wss))
	for _, id := range ids {
		c := cs[id]
		h := &Health{Last30: c.Last30, Previous30: c.Previous30, OnlyTake: c.OnlyTake, GoneQuiet: c.GoneQuiet,
			NoAnswer: unanswered[id], Flags: flags[id].Flags}
		if h.NoAnswer == nil {
			h.NoAnswer = []string{} // as the report had it: none is an empty list
		}
		hs[id] = h
	}
	return hs, nil
}
