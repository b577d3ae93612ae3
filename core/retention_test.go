package core_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// sentRows lists the kinds of the delivered outbox rows, oldest first.
func (b *bundle) sentRows(t testing.TB) []string {
	t.Helper()
	return b.kinds(t, `status = 'sent'`)
}

// exec runs a statement on the test's database.
func (b *bundle) exec(t testing.TB, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, b.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatal(err)
	}
}

func TestRetention_PurgesOldRowsButNotWhatIsStillRead(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	bob, alice, carol := b.join(t, "T1", "bob"), b.join(t, "T1", "alice"), b.join(t, "T1", "carol")
	t0 := b.clock.Now()
	// carol signed in to the dashboard back then; her session is long over.
	signIn := func(c core.Caller) *core.Session {
		t.Helper()
		link := ok(b.svc.IssueSignInLink(ctx, c))(t)
		return ok(b.svc.RedeemSignInLink(ctx, link.Token))(t)
	}
	signIn(carol)

	// Three months ago and more: a referral that closed then, one offered
	// and never answered, an open lead, one being worked, one thanked.
	closed := b.refer(t, bob, alice, "Closed", 0)
	if _, err := b.svc.Accept(ctx, alice, closed.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Advance(ctx, alice, closed.Code, core.StatusLost, core.AdvanceInput{Reason: "no budget"}); err != nil {
		t.Fatal(err)
	}
	b.refer(t, bob, carol, "Unanswered", 0)
	if _, err := b.svc.PostLead(ctx, bob, core.LeadInput{Need: "tax"}); err != nil {
		t.Fatal(err)
	}
	working, thanked := b.refer(t, bob, alice, "Working", 0), b.refer(t, bob, alice, "Thanked", 0)
	for _, r := range []*core.Referral{working, thanked} {
		if _, err := b.svc.Accept(ctx, alice, r.Code); err != nil {
			t.Fatal(err)
		}
	}
	ws := b.workspace(t, org)
	// A day later both are nudged for a thank-you; one is thanked.
	b.clock.Add(25 * time.Hour)
	if res, err := b.svc.RunJob(ctx, core.JobThankNudge, ws, b.clock.Now(), b.clock.Now()); err != nil || res.Notices != 2 {
		t.Fatalf("thank-you nudges: %+v, %v", res, err)
	}
	if _, err := b.svc.Thank(ctx, alice, thanked.Code, "thanks"); err != nil {
		t.Fatal(err)
	}
	for h := 1; h <= 3; h++ { // lead expiry runs hourly
		at := t0.Add(time.Duration(h) * time.Hour)
		if _, err := b.svc.RunJob(ctx, core.JobLeadExpiry, ws, at, at); err != nil {
			t.Fatal(err)
		}
	}
	if first, err := b.svc.FirstDelivery(ctx, core.Slack, "T1", "old-trigger"); err != nil || !first {
		t.Fatal(first, err)
	}
	b.deliverAll(t)

	// 100 days on: alice is back, and new messages go out.
	b.clock.Add(100 * 24 * time.Hour)
	b.join(t, "T1", "alice")
	b.refer(t, carol, bob, "Recent", 0)
	if first, err := b.svc.FirstDelivery(ctx, core.Slack, "T1", "new-trigger"); err != nil || !first {
		t.Fatal(first, err)
	}
	at := b.clock.Now()
	live := signIn(bob) // and bob, just now
	if _, err := b.svc.RunJob(ctx, core.JobLeadExpiry, ws, at, at); err != nil {
		t.Fatal(err)
	}
	b.deliverAll(t)
	recent := b.kinds(t, `status = 'sent' AND sent_at = $1`, at)

	res, err := b.svc.RunJob(ctx, core.JobRetention, ws, at, at)
	if err != nil || !res.Ran {
		t.Fatalf("retention: %+v, %v", res, err)
	}

	// What stays of the old messages: the edited-in-place posts of
	// referrals still open (the lead's post, the unanswered, worked and
	// thanked referrals' offers: none of them closed) and the nudge of the
	// worked one (the job's record of having nudged it). The closed
	// referral's offer, every other DM and card, and the thanked
	// referral's nudge go.
	old := b.kinds(t, `status = 'sent' AND sent_at < $1`, at)
	slices.Sort(old)
	want := []string{"lead.posted", "nudge.thanks", "referral.offered", "referral.offered", "referral.offered"}
	if !slices.Equal(old, want) {
		t.Errorf("old delivered rows left: %v, want %v", old, want)
	}
	if got := b.kinds(t, `kind = 'nudge.thanks' AND (payload->'referral'->>'id')::bigint = $1`, working.ID); len(got) != 1 {
		t.Errorf("the worked referral's nudge: %v", got)
	}
	if got := b.kinds(t, `kind = 'referral.offered' AND (payload->'referral'->>'id')::bigint = $1`, closed.ID); len(got) != 0 {
		t.Errorf("the closed referral's offer is still there: %v", got)
	}
	if got := b.kinds(t, `status = 'sent' AND sent_at = $1`, at); !slices.Equal(got, recent) {
		t.Errorf("recent messages: %v, want all of %v", got, recent)
	}
	if res.Purged.Delivered == 0 || res.Purged.JobRuns != 3 || res.Purged.Inbound != 1 || res.Purged.SignIns != 1 {
		t.Errorf("purged: %+v, want some messages, 3 job runs, 1 request key, 1 sign-in", res.Purged)
	}
	if _, err := b.svc.SessionOf(ctx, live.Cookie); err != nil {
		t.Errorf("bob's live session after the purge: %v", err)
	}
	if left := b.count(t, "dashboard_links"); left != 1 {
		t.Errorf("%d sign-ins left, want bob's live one", left)
	}
	// Job runs: the old lead-expiry runs go, the latest of each job stays
	// (the thank-you nudge's, however old, and this retention run's).
	runs := b.column(t, `SELECT job || ' ' || period FROM job_runs ORDER BY job, period`)
	wantRuns := []string{
		"lead-expiry " + core.JobPeriod(at),
		"retention " + core.JobPeriod(at),
		"thank-you-nudge " + core.JobPeriod(t0.Add(25*time.Hour)),
	}
	if !slices.Equal(runs, wantRuns) {
		t.Errorf("job runs left: %v, want %v", runs, wantRuns)
	}
	if keys := b.column(t, `SELECT key FROM inbound_requests ORDER BY key`); !slices.Equal(keys, []string{"new-trigger"}) {
		t.Errorf("request keys left: %v, want only the new one", keys)
	}

	// The kept nudge still does its job: the worked referral, unthanked,
	// is not nudged again.
	if res, err := b.svc.RunJob(ctx, core.JobThankNudge, ws, at, at); err != nil || res.Notices != 0 {
		t.Errorf("thank-you nudge after the purge: %+v, %v; want nothing new", res, err)
	}

	// The same period again purges nothing more, even with more to purge;
	// the next period does.
	b.exec(t, `INSERT INTO outbox (workspace_id, recipient_member_id, kind, payload, status, created_at, sent_at)
		VALUES ($1, $2, 'referral.accepted', '{"kind": "referral.accepted"}', 'sent', $3, $3)`, ws.ID, bob.Member.ID, t0)
	before := b.sentRows(t)
	if res, err := b.svc.RunJob(ctx, core.JobRetention, ws, at, at); err != nil || res.Ran || res.Purged.Total() != 0 {
		t.Fatalf("the same period again: %+v, %v", res, err)
	}
	if after := b.sentRows(t); !slices.Equal(after, before) {
		t.Fatalf("the same period again deleted %v → %v", before, after)
	}
	// The next periods do, on the workspace's recheck day: a daily pass
	// reads the messages that aged past the cutoff since the previous
	// pass, and this one is older than that.
	for d := 1; d <= 7; d++ {
		next := at.Add(time.Duration(d) * 24 * time.Hour)
		res, err := b.svc.RunJob(ctx, core.JobRetention, ws, next, next)
		if err != nil || !res.Ran {
			t.Fatalf("day %d: %+v, %v", d, res, err)
		}
		recheck := core.RetentionRecheckDay(ws.ID, next)
		purged := 0 // the old message goes on the recheck day only
		if recheck {
			purged = 1
		}
		if res.Purged.Delivered != purged {
			t.Fatalf("day %d (recheck day: %v): %d messages purged, want %d", d, recheck, res.Purged.Delivered, purged)
		}
		if recheck {
			if old := b.kinds(t, `status = 'sent' AND sent_at < $1`, at); len(old) != len(want) {
				t.Errorf("after the recheck: old delivered rows left %v, want %v", old, want)
			}
			return
		}
	}
	t.Fatal("no recheck day in a week")
}

// A daily retention pass reads only the delivered messages that aged
// past the cutoff since the previous pass: a message kept (an open
// referral's offer) is read again on the workspace's recheck day, and goes
// then once nothing reads it; one that ages past the cutoff goes the day
// it does. Every workspace has a recheck day each week, on different days.
func TestRetention_KeptMessagesReadAgainOnTheRecheckDay(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	bob, alice := b.join(t, "T1", "bob"), b.join(t, "T1", "alice")
	ws := b.workspace(t, org)
	t0 := b.clock.Now()
	offered := b.refer(t, bob, alice, "Open", 0) // its offer is kept while it is open
	b.deliverAll(t)
	offer := `kind = 'referral.offered' AND (payload->'referral'->>'id')::bigint = $1`
	if got := b.kinds(t, offer, offered.ID); len(got) != 1 {
		t.Fatalf("the offer: %v", got)
	}

	// the first pass, 91 days on, keeps the offer
	at := t0.Add(91 * 24 * time.Hour)
	for core.RetentionRecheckDay(ws.ID, at) || core.RetentionRecheckDay(ws.ID, at.Add(24*time.Hour)) {
		at = at.Add(24 * time.Hour)
	}
	b.clock.t = at
	if res, err := b.svc.RunJob(ctx, core.JobRetention, ws, at, at); err != nil || res.Purged.Delivered != 0 {
		t.Fatalf("first pass: %+v, %v", res, err)
	}
	// the referral turns out to have closed back then (as a stale release
	// that ran late records it): nothing reads the offer any more; and a
	// message sent an hour after the first pass's cutoff ages past the
	// next one's
	b.exec(t, `UPDATE referrals SET status = 'declined', closed_at = $2 WHERE id = $1`, offered.ID, t0.Add(time.Hour))
	b.exec(t, `INSERT INTO outbox (workspace_id, recipient_member_id, kind, payload, status, created_at, sent_at)
		VALUES ($1, $2, 'referral.accepted', '{"kind": "referral.accepted"}', 'sent', $3, $3)`,
		ws.ID, bob.Member.ID, at.Add(-90*24*time.Hour+time.Hour))
	day := at
	for d := 1; d <= 7; d++ {
		day = day.Add(24 * time.Hour)
		res, err := b.svc.RunJob(ctx, core.JobRetention, ws, day, day)
		if err != nil || !res.Ran {
			t.Fatalf("day %d: %+v, %v", d, res, err)
		}
		left := len(b.kinds(t, offer, offered.ID))
		switch {
		case d == 1 && (res.Purged.Delivered != 1 || left != 1):
			t.Fatalf("the next day: %d purged, the offer left %d times; want the aged message purged, the offer kept", res.Purged.Delivered, left)
		case d > 1 && !core.RetentionRecheckDay(ws.ID, day) && (res.Purged.Delivered != 0 || left != 1):
			t.Fatalf("day %d: %d purged, the offer left %d times; want nothing read before the recheck day", d, res.Purged.Delivered, left)
		case core.RetentionRecheckDay(ws.ID, day):
			if res.Purged.Delivered != 1 || left != 0 {
				t.Fatalf("the recheck day: %d purged, the offer left %d times; want the offer purged", res.Purged.Delivered, left)
			}
			return
		}
	}
	t.Fatal("no recheck day in a week")
}

func TestRetentionRecheckDay_OnceAWeekADayOfItsOwn(t *testing.T) {
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for ws := int64(1); ws <= 7; ws++ {
		var days []int
		for d := range 14 {
			if core.RetentionRecheckDay(ws, start.Add(time.Duration(d)*24*time.Hour+13*time.Hour)) {
				days = append(days, d)
			}
		}
		if len(days) != 2 || days[1]-days[0] != 7 {
			t.Errorf("workspace %d: recheck days %v of two weeks, want one a week", ws, days)
		}
	}
	seen := map[int]bool{}
	for ws := int64(1); ws <= 7; ws++ {
		for d := range 7 {
			if core.RetentionRecheckDay(ws, start.Add(time.Duration(d)*24*time.Hour)) {
				seen[d] = true
			}
		}
	}
	if len(seen) != 7 {
		t.Errorf("seven workspaces recheck on %d days of the week, want all seven", len(seen))
	}
}

// column runs a query for one text column.
func (b *bundle) column(t testing.TB, sql string, args ...any) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, b.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}
