package core

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// The jobs that act on what fell due, each over a batch of workspaces
// (see RunJobs): a few queries per batch, each reading only the due rows
// of every workspace's time window.

// expireLeads closes every open lead past its expiry and tells each referrer.
// Their events are appended in one statement, in workspace and referral
// order (the order the leads come back in), as one append per workspace
// numbered them.
func (s *Service) expireLeads(ctx context.Context, tx Tx, runs []DueRun, at time.Time) ([]Notice, error) {
	expired, err := tx.ExpireLeads(ctx, workspaceIDs(runs), at)
	if err != nil {
		return nil, err
	}
	es := make([]WorkspaceEvent, len(expired))
	ns := make([]Notice, len(expired))
	for i := range expired {
		r := &expired[i]
		es[i] = WorkspaceEvent{WorkspaceID: r.WorkspaceID,
			Event: &Event{ReferralID: r.ID, Kind: EvExpired, From: StatusOpen, To: StatusExpired, At: at}}
		ns[i] = Notice{WorkspaceID: r.WorkspaceID, Kind: NoticeLeadExpired, CreatedAt: at, Referral: r,
			To:        Recipient{MemberID: r.ReferrerID, Name: r.ReferrerName},
			DedupeKey: fmt.Sprintf("expired:%d", r.ID)}
	}
	if err := tx.AppendEventsAcross(ctx, es); err != nil {
		return nil, err
	}
	return ns, nil
}

// thankNudges reminds receivers who took a referral on (or won it) a day
// ago and haven't thanked the referrer. Each referral is nudged once, and
// only within dueWindow of the day it became due.
func (s *Service) thankNudges(ctx context.Context, tx Tx, runs []DueRun, at time.Time) ([]Notice, error) {
	cutoff := at.Add(-thankNudgeAfter)
	due, err := tx.DueThankNudges(ctx, windows(runs, func(Workspace) (time.Time, time.Time, bool) {
		return cutoff.Add(-dueWindow), cutoff, true
	}))
	if err != nil {
		return nil, err
	}
	wss := workspacesOf(runs)
	var ns []Notice
	for i := range due {
		r := &due[i]
		ns = append(ns, Notice{WorkspaceID: r.WorkspaceID, Kind: NoticeThankNudge, CreatedAt: at,
			NotBefore: s.quietEnd(wss[r.WorkspaceID], at),
			Referral:  r, To: Recipient{MemberID: r.ReceiverID, Name: r.ReceiverName},
			DedupeKey: fmt.Sprintf("nudge-thanks:%d", r.ID)})
	}
	return ns, nil
}

// reachable returns which of the given members may get reminders (active,
// not muted, not paused), in one query.
func reachable(ctx context.Context, tx Tx, keys []MemberKey) (map[MemberKey]Member, error) {
	keys = uniqueKeys(keys)
	out := make(map[MemberKey]Member, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	ms, err := tx.Reachable(ctx, keys)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		out[MemberKey{m.WorkspaceID, m.ID}] = m
	}
	return out, nil
}

// uniqueKeys sorts members by workspace and id, without repeats.
func uniqueKeys(keys []MemberKey) []MemberKey {
	slices.SortFunc(keys, func(a, b MemberKey) int {
		return cmp.Or(cmp.Compare(a.WorkspaceID, b.WorkspaceID), cmp.Compare(a.MemberID, b.MemberID))
	})
	return slices.Compact(keys)
}

// staleFollowUps nudges the owner of every working referral with no update
// for its workspace's stale-days ("avoid ghosting"), once per quiet spell,
// and sends each referrer one digest of where their quiet referrals stand.
// A referral is nudged as it goes quiet: within dueWindow of its stale
// date, not for years after.
func (s *Service) staleFollowUps(ctx context.Context, tx Tx, runs []DueRun, at time.Time) ([]Notice, error) {
	stale, err := tx.StaleReferrals(ctx, windows(runs, func(ws Workspace) (time.Time, time.Time, bool) {
		days := ws.Settings.StaleDays
		if days <= 0 {
			days = DefaultSettings().StaleDays
		}
		cutoff := at.AddDate(0, 0, -days)
		return cutoff.Add(-dueWindow), cutoff, true
	}))
	if err != nil || len(stale) == 0 {
		return nil, err
	}
	var keys []MemberKey
	for _, r := range stale {
		keys = append(keys, MemberKey{r.WorkspaceID, r.ReceiverID}, MemberKey{r.WorkspaceID, r.ReferrerID})
	}
	ok, err := reachable(ctx, tx, keys)
	if err != nil {
		return nil, err
	}
	wss := workspacesOf(runs)
	var ns []Notice
	byReferrer := map[MemberKey][]Referral{}
	var order []MemberKey
	for i := range stale {
		r := &stale[i]
		notBefore := s.quietEnd(wss[r.WorkspaceID], at)
		if m, yes := ok[MemberKey{r.WorkspaceID, r.ReceiverID}]; yes {
			ns = append(ns, Notice{WorkspaceID: r.WorkspaceID, Kind: NoticeStaleNudge, To: dm(&m), Referral: r,
				CreatedAt: at, NotBefore: notBefore, DedupeKey: fmt.Sprintf("stale:%d:%d", r.ID, r.UpdatedAt.Unix())})
		}
		referrer := MemberKey{r.WorkspaceID, r.ReferrerID}
		if _, yes := ok[referrer]; yes {
			if byReferrer[referrer] == nil {
				order = append(order, referrer)
			}
			byReferrer[referrer] = append(byReferrer[referrer], r.Public())
		}
	}
	for _, k := range order {
		m := ok[k]
		ns = append(ns, Notice{WorkspaceID: k.WorkspaceID, Kind: NoticeStaleDigest, To: dm(&m), Items: byReferrer[k],
			CreatedAt: at, NotBefore: s.quietEnd(wss[k.WorkspaceID], at),
			DedupeKey: fmt.Sprintf("stale-digest:%d:%s", k.MemberID, at.UTC().Format("2006-01-02"))})
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
// cadence, once per due date, with a suggested action; a due date further
// back than touchWindow is not reminded of any more.
func (s *Service) touchReminders(ctx context.Context, tx Tx, runs []DueRun, at time.Time) ([]Notice, error) {
	due, err := tx.DuePartnerships(ctx, windows(runs, func(Workspace) (time.Time, time.Time, bool) {
		return at.Add(-touchWindow), at, true
	}))
	if err != nil || len(due) == 0 {
		return nil, err
	}
	var keys []MemberKey
	for _, p := range due {
		keys = append(keys, MemberKey{p.WorkspaceID, p.MemberA}, MemberKey{p.WorkspaceID, p.MemberB})
	}
	ok, err := reachable(ctx, tx, keys)
	if err != nil {
		return nil, err
	}
	wss := workspacesOf(runs)
	var ns []Notice
	for _, p := range due {
		suggestion := touchSuggestions[int((p.ID+p.NextDue.Unix()/86400)%int64(len(touchSuggestions)))]
		for _, pair := range [][2]int64{{p.MemberA, p.MemberB}, {p.MemberB, p.MemberA}} {
			me, yes := ok[MemberKey{p.WorkspaceID, pair[0]}]
			if !yes {
				continue
			}
			partner := ok[MemberKey{p.WorkspaceID, pair[1]}] // a muted partner still deserves a touch; fall back to a lookup
			if partner.ID == 0 {
				pm, err := tx.Member(ctx, p.WorkspaceID, pair[1])
				if err != nil || pm.Status != MemberActive {
					continue
				}
				partner = *pm
			}
			ns = append(ns, Notice{WorkspaceID: p.WorkspaceID, Kind: NoticeTouchReminder, To: dm(&me), Actor: partner.DisplayName,
				Text: suggestion, CreatedAt: at, NotBefore: s.quietEnd(wss[p.WorkspaceID], at),
				DedupeKey: fmt.Sprintf("touch:%d:%d:%d", p.ID, me.ID, p.NextDue.Unix())})
		}
	}
	return ns, nil
}

// buddyReminders asks each mentor, once, whether they have welcomed the
// newcomer they were paired with in the last fortnight.
func (s *Service) buddyReminders(ctx context.Context, tx Tx, runs []DueRun, at time.Time) ([]Notice, error) {
	// Joined at least a day and at most 14 days before at.
	newcomers, err := tx.Newcomers(ctx, windows(runs, func(Workspace) (time.Time, time.Time, bool) {
		return at.Add(-14*24*time.Hour - time.Microsecond), at.Add(-24 * time.Hour), true
	}))
	if err != nil || len(newcomers) == 0 {
		return nil, err
	}
	var keys []MemberKey
	for _, m := range newcomers {
		keys = append(keys, MemberKey{m.WorkspaceID, m.ID}, MemberKey{m.WorkspaceID, m.BuddyID})
	}
	ok, err := reachable(ctx, tx, keys)
	if err != nil {
		return nil, err
	}
	wss := workspacesOf(runs)
	var ns []Notice
	for _, m := range newcomers {
		if _, yes := ok[MemberKey{m.WorkspaceID, m.ID}]; !yes {
			continue
		}
		mentor, yes := ok[MemberKey{m.WorkspaceID, m.BuddyID}]
		if !yes {
			continue
		}
		ns = append(ns, Notice{WorkspaceID: m.WorkspaceID, Kind: NoticeBuddyReminder, To: dm(&mentor), Actor: m.DisplayName,
			CreatedAt: at, NotBefore: s.quietEnd(wss[m.WorkspaceID], at),
			DedupeKey: fmt.Sprintf("buddy-welcome:%d:%d", m.ID, mentor.ID)})
	}
	return ns, nil
}

// reminderKinds are the private nudges a member can tire of.
var reminderKinds = []NoticeKind{NoticeThankNudge, NoticeStaleNudge, NoticeStaleDigest, NoticeTouchReminder, NoticeBuddyReminder}

// ignoredLimit is how many reminders in a row a member may leave
// unanswered before the bot asks instead of sending more.
const ignoredLimit = 3

// askBeforeMore keeps a member from getting more than ignoredLimit
// reminders in a row that they leave unanswered (don't use referbot in
// between): a member who already ignored that many gets one question
// instead — keep them coming, or pause? — and no reminder; a run that
// would take someone past the limit sends only what fits, so the
// question comes instead of the next one, never with more reminders.
// Held-back reminders are still due next time. Reminders resume as soon
// as the member uses referbot again. One query counts, for every member a
// batch would remind, what they ignored.
func (s *Service) askBeforeMore(ctx context.Context, tx Tx, ns []Notice, at time.Time) ([]Notice, error) {
	var keys []MemberKey
	for _, n := range ns {
		if slices.Contains(reminderKinds, n.Kind) && n.To.MemberID != 0 {
			keys = append(keys, MemberKey{n.WorkspaceID, n.To.MemberID})
		}
	}
	if len(keys) == 0 {
		return ns, nil
	}
	ignored, err := tx.IgnoredReminders(ctx, uniqueKeys(keys), reminderKinds, 1)
	if err != nil {
		return ns, err
	}
	out := ns[:0]
	sent := map[MemberKey]int{} // reminders kept in this run, per member
	asked := map[MemberKey]bool{}
	for _, n := range ns {
		key := MemberKey{n.WorkspaceID, n.To.MemberID}
		if !slices.Contains(reminderKinds, n.Kind) || key.MemberID == 0 {
			out = append(out, n)
			continue
		}
		ig := ignored[key]
		switch {
		case ig.Count >= ignoredLimit:
			if asked[key] {
				continue
			}
			asked[key] = true
			out = append(out, Notice{WorkspaceID: n.WorkspaceID, Kind: NoticeAskReminders, To: n.To, CreatedAt: at, NotBefore: n.NotBefore,
				Text: fmt.Sprint(ig.Count),
				// One question per stretch of silence, which their next
				// command ends.
				DedupeKey: fmt.Sprintf("ask-reminders:%d:%d", key.MemberID, ig.Since.Unix())})
		case ig.Count+sent[key] < ignoredLimit:
			sent[key]++
			out = append(out, n)
		}
	}
	return out, nil
}
