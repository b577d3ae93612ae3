package core

import (
	"context"
	"fmt"
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
	{JobThankNudge, "0 10 * * *", "receivers who accepted or won a referral 24 h ago and haven't thanked are nudged"},
	{JobStale, "0 9 * * *", "owners of referrals with no update for the stale-days setting are nudged; referrers get a status digest"},
	{JobTouch, "0 11 * * *", "members whose partnerships are past their cadence get a suggested touchpoint"},
	{JobWeeklyDigest, "0 9 * * MON", "the channel hears of the week's new referrals, wins and leads awaiting a claim"},
	{JobQuarterly, "0 9 1 1,4,7,10 *", "the quarter that just ended, celebrated in the channel: wins, revenue, top givers, conversion, newcomers"},
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
	return JobInfo{}, Errorf(EINVALID, "There is no job %q.", name).WithHint("Jobs: %v.", names)
}

// JobResult says what one run did.
type JobResult struct {
	Ran     bool // false: this period already ran (here or on another replica)
	Notices int
}

// thankNudgeAfter is how long a receiver has to thank before the nudge.
const thankNudgeAfter = 24 * time.Hour

// JobPeriod names the run of a job scheduled at fire, for job_runs.
func JobPeriod(fire time.Time) string { return fire.UTC().Format(time.RFC3339) }

// RunJob runs a job for one workspace: the run scheduled at fire, carried
// out as if at the instant at (fire, or later after downtime). The run is
// claimed in the same transaction as its notices, so however many
// schedulers or reruns try the same scheduled run, one set of notices is
// written; every notice also has a dedupe key, so a later run never
// repeats one.
func (s *Service) RunJob(ctx context.Context, job string, ws Workspace, fire, at time.Time) (JobResult, error) {
	var res JobResult
	period := JobPeriod(fire)
	if _, err := JobByName(job); err != nil {
		return res, err
	}
	err := s.tx(ctx, func(tx Tx) error {
		claimed, err := tx.ClaimJobRun(ctx, job, ws.ID, period, at)
		if err != nil || !claimed {
			return err
		}
		res.Ran = true
		var ns []Notice
		switch job {
		case JobLeadExpiry:
			ns, err = s.expireLeads(ctx, tx, ws, at)
		case JobThankNudge:
			ns, err = s.thankNudges(ctx, tx, ws, at)
		case JobStale:
			ns, err = s.staleFollowUps(ctx, tx, ws, at)
		case JobTouch:
			ns, err = s.touchReminders(ctx, tx, ws, at)
		case JobWeeklyDigest:
			ns, err = s.weeklyDigest(ctx, tx, ws, fire, at)
		case JobQuarterly:
			ns, err = s.quarterly(ctx, tx, ws, fire, at)
		}
		if err != nil {
			return err
		}
		res.Notices, err = tx.EnqueueNew(ctx, ns...)
		return err
	})
	return res, err
}

// expireLeads closes every open lead past its expiry and tells each referrer.
func (s *Service) expireLeads(ctx context.Context, tx Tx, ws Workspace, at time.Time) ([]Notice, error) {
	expired, err := tx.ExpireLeads(ctx, ws.ID, at)
	if err != nil {
		return nil, err
	}
	var ns []Notice
	for i := range expired {
		r := &expired[i]
		e := &Event{ReferralID: r.ID, Kind: EvExpired, From: StatusOpen, To: StatusExpired, At: at}
		if err := tx.AppendEvent(ctx, ws.ID, e); err != nil {
			return nil, err
		}
		ns = append(ns, Notice{WorkspaceID: ws.ID, Kind: NoticeLeadExpired, CreatedAt: at, Referral: r,
			To:        Recipient{MemberID: r.ReferrerID, Name: r.ReferrerName},
			DedupeKey: fmt.Sprintf("expired:%d", r.ID)})
	}
	return ns, nil
}

// thankNudges reminds receivers who took a referral on (or won it) a day
// ago and haven't thanked the referrer. Each referral is nudged once.
func (s *Service) thankNudges(ctx context.Context, tx Tx, ws Workspace, at time.Time) ([]Notice, error) {
	due, err := tx.DueThankNudges(ctx, ws.ID, at.Add(-thankNudgeAfter))
	if err != nil {
		return nil, err
	}
	notBefore := s.quietEnd(ws, at)
	var ns []Notice
	for i := range due {
		r := &due[i]
		ns = append(ns, Notice{WorkspaceID: ws.ID, Kind: NoticeThankNudge, CreatedAt: at, NotBefore: notBefore,
			Referral: r, To: Recipient{MemberID: r.ReceiverID, Name: r.ReceiverName},
			DedupeKey: fmt.Sprintf("nudge-thanks:%d", r.ID)})
	}
	return ns, nil
}

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
	var out []Workspace
	err := s.tx(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Workspaces(ctx)
		return err
	})
	return out, err
}

// JobSchedule returns the cron spec a workspace runs a job on: its admins'
// override, or the default.
func JobSchedule(ws Workspace, job JobInfo) string {
	if spec := ws.Settings.Schedules[job.Name]; spec != "" {
		return spec
	}
	return job.Schedule
}

// periodStats computes the network's figures for a period.
func (s *Service) periodStats(ctx context.Context, tx Tx, ws Workspace, p Period, now time.Time) (*Stats, error) {
	cur := nonEmpty(ws.Settings.Currency, DefaultCurrency)
	st, err := tx.Stats(ctx, ws.ID, StatsQuery{Period: p, Now: now, Currency: cur})
	if err != nil {
		return nil, err
	}
	st.Period, st.Currency = p, cur
	return st, nil
}

// weeklyDigest posts the last seven days to the channel. A quiet week with
// no leads waiting gets no post.
func (s *Service) weeklyDigest(ctx context.Context, tx Tx, ws Workspace, fire, at time.Time) ([]Notice, error) {
	p := Period{From: fire.AddDate(0, 0, -7), To: fire, Label: "the week to " + fire.In(s.Location(ws)).Format("Mon 2 Jan")}
	st, err := s.periodStats(ctx, tx, ws, p, at)
	if err != nil {
		return nil, err
	}
	open, err := tx.ListReferrals(ctx, ws.ID, ListFilter{OpenLeads: true, Limit: 10})
	if err != nil {
		return nil, err
	}
	rep := &Report{Period: p, Current: st}
	for _, r := range open {
		rep.OpenLeads = append(rep.OpenLeads, r.Public())
	}
	if st.Given == 0 && st.Deals == 0 && len(open) == 0 {
		return nil, nil
	}
	return []Notice{{WorkspaceID: ws.ID, Kind: NoticeWeeklyDigest, To: Recipient{Channel: ws.Settings.Channel},
		Report: rep, CreatedAt: at, DedupeKey: "weekly:" + JobPeriod(fire)}}, nil
}

// quarterly celebrates the quarter that ended before the scheduled run,
// in the workspace's time zone, against the quarter before it.
func (s *Service) quarterly(ctx context.Context, tx Tx, ws Workspace, fire, at time.Time) ([]Notice, error) {
	q := QuarterOf(QuarterOf(fire.In(s.Location(ws))).From.Add(-time.Hour))
	prev := QuarterOf(q.From.Add(-time.Hour))
	cur, err := s.periodStats(ctx, tx, ws, q, at)
	if err != nil {
		return nil, err
	}
	before, err := s.periodStats(ctx, tx, ws, prev, at)
	if err != nil {
		return nil, err
	}
	members, err := tx.Members(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	if cur.Given == 0 && cur.Deals == 0 {
		return nil, nil // nothing happened: no celebration to post
	}
	rep := &Report{Period: q, Current: cur, Previous: before}
	for _, m := range members {
		if m.Status == MemberActive && q.Contains(m.JoinedAt) {
			rep.Newcomers = append(rep.Newcomers, m.DisplayName)
		}
	}
	return []Notice{{WorkspaceID: ws.ID, Kind: NoticeQuarterly, To: Recipient{Channel: ws.Settings.Channel},
		Report: rep, CreatedAt: at, DedupeKey: "quarterly:" + q.Label}}, nil
}

// reachable returns the workspace's members who may get reminders: active,
// not muted, not paused.
func reachable(ctx context.Context, tx Tx, ws Workspace) (map[int64]Member, error) {
	cands, err := tx.Candidates(ctx, ws.ID, time.Time{})
	if err != nil {
		return nil, err
	}
	out := map[int64]Member{}
	for _, c := range cands {
		if c.Member.Status == MemberActive && !c.Member.Muted && c.Profile.Availability != Paused {
			out[c.Member.ID] = c.Member
		}
	}
	return out, nil
}

// staleFollowUps nudges the owner of every working referral with no update
// for the workspace's stale-days ("avoid ghosting"), once per quiet spell,
// and sends each referrer one digest of where their quiet referrals stand.
func (s *Service) staleFollowUps(ctx context.Context, tx Tx, ws Workspace, at time.Time) ([]Notice, error) {
	days := ws.Settings.StaleDays
	if days <= 0 {
		days = DefaultSettings().StaleDays
	}
	stale, err := tx.StaleReferrals(ctx, ws.ID, at.AddDate(0, 0, -days))
	if err != nil || len(stale) == 0 {
		return nil, err
	}
	ok, err := reachable(ctx, tx, ws)
	if err != nil {
		return nil, err
	}
	notBefore := s.quietEnd(ws, at)
	var ns []Notice
	byReferrer := map[int64][]Referral{}
	var order []int64
	for i := range stale {
		r := &stale[i]
		if m, yes := ok[r.ReceiverID]; yes {
			ns = append(ns, Notice{WorkspaceID: ws.ID, Kind: NoticeStaleNudge, To: dm(&m), Referral: r,
				CreatedAt: at, NotBefore: notBefore, DedupeKey: fmt.Sprintf("stale:%d:%d", r.ID, r.UpdatedAt.Unix())})
		}
		if _, yes := ok[r.ReferrerID]; yes {
			if byReferrer[r.ReferrerID] == nil {
				order = append(order, r.ReferrerID)
			}
			byReferrer[r.ReferrerID] = append(byReferrer[r.ReferrerID], r.Public())
		}
	}
	for _, id := range order {
		m := ok[id]
		ns = append(ns, Notice{WorkspaceID: ws.ID, Kind: NoticeStaleDigest, To: dm(&m), Items: byReferrer[id],
			CreatedAt: at, NotBefore: notBefore, DedupeKey: fmt.Sprintf("stale-digest:%d:%s", id, at.UTC().Format("2006-01-02"))})
	}
	return ns, nil
}

// touchSuggestions rotate so a pair isn't told the same thing each time.
var touchSuggestions = []string{
	"share something useful with them — an article, a tool, a client story",
	"book a 20-minute catch-up call",
	"think of a client of yours who needs what they do, and send a referral",
	"invite them for a coffee",
}

// touchReminders reminds both members of every partnership past its
// cadence, once per due date, with a suggested action.
func (s *Service) touchReminders(ctx context.Context, tx Tx, ws Workspace, at time.Time) ([]Notice, error) {
	due, err := tx.DuePartnerships(ctx, ws.ID, at)
	if err != nil || len(due) == 0 {
		return nil, err
	}
	ok, err := reachable(ctx, tx, ws)
	if err != nil {
		return nil, err
	}
	notBefore := s.quietEnd(ws, at)
	var ns []Notice
	for _, p := range due {
		suggestion := touchSuggestions[int((p.ID+p.NextDue.Unix()/86400)%int64(len(touchSuggestions)))]
		for _, pair := range [][2]int64{{p.MemberA, p.MemberB}, {p.MemberB, p.MemberA}} {
			me, yes := ok[pair[0]]
			if !yes {
				continue
			}
			partner := ok[pair[1]] // a muted partner still deserves a touch; fall back to a lookup
			if partner.ID == 0 {
				pm, err := tx.Member(ctx, ws.ID, pair[1])
				if err != nil || pm.Status != MemberActive {
					continue
				}
				partner = *pm
			}
			ns = append(ns, Notice{WorkspaceID: ws.ID, Kind: NoticeTouchReminder, To: dm(&me), Actor: partner.DisplayName,
				Text: suggestion, CreatedAt: at, NotBefore: notBefore,
				DedupeKey: fmt.Sprintf("touch:%d:%d:%d", p.ID, me.ID, p.NextDue.Unix())})
		}
	}
	return ns, nil
}
