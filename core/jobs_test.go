package core_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

func (b *bundle) workspace(t testing.TB, c core.Caller) core.Workspace {
	t.Helper()
	var ws core.Workspace
	err := b.db.InTx(context.Background(), func(tx core.Tx) error {
		w, err := tx.Workspace(context.Background(), c.Workspace.ID)
		if err == nil {
			ws = *w
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// mute mutes c: the bot sends them no reminders.
func (b *bundle) mute(t testing.TB, c core.Caller) {
	t.Helper()
	err := b.db.InTx(context.Background(), func(tx core.Tx) error {
		m, err := tx.Member(context.Background(), c.Workspace.ID, c.Member.ID)
		if err != nil {
			return err
		}
		m.Muted = true
		return tx.SaveMember(context.Background(), m)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLeadExpiry_ExpiresOnceAndTellsTheReferrer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	poster, other := b.join(t, "T1", "poster"), b.join(t, "T1", "other")
	old, err := b.svc.PostLead(ctx, poster, core.LeadInput{Need: "tax help", ExpiryDays: 1})
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := b.svc.PostLead(ctx, poster, core.LeadInput{Need: "logo", ExpiryDays: 5})
	if err != nil {
		t.Fatal(err)
	}
	claimed, err := b.svc.PostLead(ctx, poster, core.LeadInput{Need: "copy", ExpiryDays: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Claim(ctx, other, claimed.Code); err != nil {
		t.Fatal(err)
	}
	at := b.clock.Now().Add(25 * time.Hour)
	ws := b.workspace(t, poster)
	before := b.count(t, "outbox")
	res, err := b.svc.RunJob(ctx, core.JobLeadExpiry, ws, at, at)
	if err != nil || !res.Ran || res.Notices != 1 {
		t.Fatalf("first run: %+v, %v; want 1 notice", res, err)
	}
	if got := b.count(t, "outbox") - before; got != 1 {
		t.Fatalf("%d notices written, want 1", got)
	}
	for code, want := range map[core.Code]core.Status{old.Code: core.StatusExpired, fresh.Code: core.StatusOpen, claimed.Code: core.StatusAccepted} {
		d, err := b.svc.Show(ctx, poster, code)
		if err != nil || d.Referral.Status != want {
			t.Errorf("%s: %v, %v; want %s", code, d.Referral.Status, err, want)
		}
	}
	// The same period again, and a later period: nothing new.
	res, err = b.svc.RunJob(ctx, core.JobLeadExpiry, ws, at, at)
	if err != nil || res.Ran {
		t.Fatalf("rerun of the same period ran: %+v, %v", res, err)
	}
	res, err = b.svc.RunJob(ctx, core.JobLeadExpiry, ws, at.Add(time.Hour), at.Add(time.Hour))
	if err != nil || !res.Ran || res.Notices != 0 {
		t.Fatalf("next period: %+v, %v", res, err)
	}
}

func TestThankNudge_OnlyThoseWhoHaventThankedAfterADay(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.join(t, "T1", "organiser")
	bob, alice, carol, muted := b.join(t, "T1", "bob"), b.join(t, "T1", "alice"), b.join(t, "T1", "carol"), b.join(t, "T1", "muted")
	accept := func(r *core.Referral, c core.Caller) {
		t.Helper()
		if _, err := b.svc.Accept(ctx, c, r.Code); err != nil {
			t.Fatal(err)
		}
	}
	due := b.refer(t, bob, alice, "Due", 0)
	accept(due, alice)
	thanked := b.refer(t, bob, carol, "Thanked", 0)
	accept(thanked, carol)
	if _, err := b.svc.Thank(ctx, carol, thanked.Code, ""); err != nil {
		t.Fatal(err)
	}
	mutedRef := b.refer(t, bob, muted, "Muted", 0)
	accept(mutedRef, muted)
	b.mute(t, muted)
	b.clock.Add(2 * time.Hour)
	recent := b.refer(t, bob, alice, "Recent", 0)
	accept(recent, alice)
	offered := b.refer(t, bob, alice, "Offered", 0)
	_ = offered

	ws := b.workspace(t, bob)
	// 25 h after the first acceptance: only "Due" is a day old and unthanked.
	at := b.clock.Now().Add(23 * time.Hour)
	res, err := b.svc.RunJob(ctx, core.JobThankNudge, ws, at, at)
	if err != nil || res.Notices != 1 {
		t.Fatalf("day 1: %+v, %v; want 1 nudge", res, err)
	}
	// The next day "Recent" is due too; "Due" is never nudged twice.
	res, err = b.svc.RunJob(ctx, core.JobThankNudge, ws, at.Add(24*time.Hour), at.Add(24*time.Hour))
	if err != nil || res.Notices != 1 {
		t.Fatalf("day 2: %+v, %v; want 1 nudge (Recent)", res, err)
	}
}

func TestRunJob_TwoSchedulersAtOnceWriteOneSetOfNotices(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	poster := b.join(t, "T1", "poster")
	for range 5 {
		if _, err := b.svc.PostLead(ctx, poster, core.LeadInput{Need: "tax", ExpiryDays: 1}); err != nil {
			t.Fatal(err)
		}
	}
	ws := b.workspace(t, poster)
	at := b.clock.Now().Add(48 * time.Hour)
	before := b.count(t, "outbox")
	var wg sync.WaitGroup
	results := make([]core.JobResult, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			results[i], err = b.svc.RunJob(ctx, core.JobLeadExpiry, ws, at, at)
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	ran := 0
	for _, r := range results {
		if r.Ran {
			ran++
		}
	}
	if ran != 1 {
		t.Fatalf("%d schedulers ran the period, want 1", ran)
	}
	if got := b.count(t, "outbox") - before; got != 5 {
		t.Fatalf("%d notices, want 5", got)
	}
}

func TestRunJob_UnknownJob(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.svc.RunJob(context.Background(), "frobnicate", core.Workspace{ID: 1}, time.Now(), time.Now())
	wantCode(t, err, core.EINVALID)
}

func TestQuarterly_Q4PostedOnFirstOfJanuaryCoversOctoberToDecemberLocalTime(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata")
	}
	b.clock.t = time.Date(2026, 9, 1, 12, 0, 0, 0, ny)
	org, alice := b.join(t, "T1", "organiser"), b.join(t, "T1", "alice")
	if _, err := b.svc.Configure(ctx, org, "timezone", []string{"America/New_York"}); err != nil {
		t.Fatal(err)
	}
	wonAt := func(client string, at time.Time, cents int64) {
		t.Helper()
		r := b.refer(t, org, alice, client, 0)
		if _, err := b.svc.Accept(ctx, alice, r.Code); err != nil {
			t.Fatal(err)
		}
		b.clock.t = at
		// Confirm: the USD 1 deal makes the later ones look unusual.
		if _, err := b.svc.Advance(ctx, alice, r.Code, core.StatusWon, core.AdvanceInput{Value: core.Money{Cents: cents}, Confirm: true}); err != nil {
			t.Fatal(err)
		}
	}
	wonAt("Before", time.Date(2026, 9, 30, 23, 30, 0, 0, ny), 100)   // Q3
	wonAt("First", time.Date(2026, 10, 1, 0, 30, 0, 0, ny), 200000)  // Q4, first hour
	wonAt("Last", time.Date(2026, 12, 31, 23, 30, 0, 0, ny), 300000) // Q4, 04:30 UTC on 1 January
	wonAt("After", time.Date(2027, 1, 1, 0, 30, 0, 0, ny), 1000)     // Q1 2027
	b.clock.t = time.Date(2026, 11, 15, 12, 0, 0, 0, ny)
	dana := b.join(t, "T1", "dana") // a Q4 newcomer

	at := time.Date(2027, 1, 1, 9, 0, 0, 0, ny)
	ws := b.workspace(t, org)
	res, err := b.svc.RunJob(ctx, core.JobQuarterly, ws, at, at)
	if err != nil || res.Notices != 1 {
		t.Fatalf("run: %+v, %v", res, err)
	}
	ns, err := b.db.ClaimNotices(ctx, core.Slack, 100, at.Add(time.Hour), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var rep *core.Report
	for _, n := range ns {
		if n.Kind == core.NoticeQuarterly {
			rep = n.Report
		}
	}
	if rep == nil {
		t.Fatal("no quarterly notice in the outbox")
	}
	if rep.Period.Label != "Q4 2026" || !rep.Period.From.Equal(time.Date(2026, 10, 1, 0, 0, 0, 0, ny)) ||
		!rep.Period.To.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, ny)) {
		t.Fatalf("period = %+v, want Q4 2026 in New York time", rep.Period)
	}
	if want := (core.Amounts{{Currency: "USD", Cents: 500000, Count: 2}}); rep.Current.Deals != 2 || !slices.Equal(rep.Current.Revenue, want) {
		t.Errorf("Q4 deals = %d, revenue = %v; want 2 and %v (First and Last only)", rep.Current.Deals, rep.Current.Revenue, want)
	}
	if want := (core.Amounts{{Currency: "USD", Cents: 100, Count: 1}}); rep.Previous.Deals != 1 || !slices.Equal(rep.Previous.Revenue, want) {
		t.Errorf("Q3 deals = %d, revenue = %v; want 1 and %v", rep.Previous.Deals, rep.Previous.Revenue, want)
	}
	if len(rep.Newcomers) != 1 || rep.Newcomers[0] != dana.Member.DisplayName {
		t.Errorf("newcomers = %v, want [dana]", rep.Newcomers)
	}
	// Given in Q4: Last and After (each created when the deal before was
	// won); both won since, so both taken on. Q4's deals closed an hour
	// and about 92 days after they were given.
	if cur := rep.Current; cur.Given != 2 || cur.TakenOn != 2 || !cur.HasRCR || cur.RCR != 100 ||
		!cur.HasMedianDays || cur.MedianDaysToClose < 45.9 || cur.MedianDaysToClose > 46.1 {
		t.Errorf("Q4 figures = %+v; want 2 given, 2 taken on, RCR 100%%, median about 46 days", cur)
	}
	if lb := rep.Leaderboard; lb == nil || len(lb.Givers) == 0 || lb.Givers[0].Name != "organiser" || lb.Givers[0].Given != 2 {
		t.Errorf("top givers = %+v", lb)
	}
	// Running the period again posts nothing new.
	res, err = b.svc.RunJob(ctx, core.JobQuarterly, ws, at, at)
	if err != nil || res.Ran {
		t.Fatalf("rerun: %+v, %v", res, err)
	}
}

func TestQuarterly_TakenOnCountsOnlyReferralsAPartnerAccepted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.clock.t = time.Date(2026, 10, 5, 10, 0, 0, 0, time.UTC)
	org, alice, bob := b.join(t, "T1", "organiser"), b.join(t, "T1", "alice"), b.join(t, "T1", "bob")
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	accepted := b.refer(t, org, alice, "Accepted", 0)
	must(b.svc.Accept(ctx, alice, accepted.Code))
	won := b.refer(t, org, alice, "Won", 0)
	must(b.svc.Accept(ctx, alice, won.Code))
	must(b.svc.Advance(ctx, alice, won.Code, core.StatusWon, core.AdvanceInput{Value: core.Money{Cents: 100000}}))
	lost := b.refer(t, org, bob, "Lost", 0)
	must(b.svc.Accept(ctx, bob, lost.Code))
	must(b.svc.Advance(ctx, bob, lost.Code, core.StatusLost, core.AdvanceInput{Reason: "budget"}))
	b.refer(t, org, bob, "Offered", 0) // never answered
	declined := b.refer(t, org, alice, "Declined", 0)
	must(b.svc.Decline(ctx, alice, declined.Code, "fully booked"))
	claimed, err := b.svc.PostLead(ctx, org, core.LeadInput{Need: "copy", ExpiryDays: 5})
	must(claimed, err)
	must(b.svc.Claim(ctx, bob, claimed.Code))
	must(b.svc.PostLead(ctx, org, core.LeadInput{Need: "tax help", ExpiryDays: 1})) // expires
	must(b.svc.PostLead(ctx, org, core.LeadInput{Need: "a logo", ExpiryDays: 365})) // still open
	at := b.clock.Now().Add(25 * time.Hour)
	if res, err := b.svc.RunJob(ctx, core.JobLeadExpiry, b.workspace(t, org), at, at); err != nil || res.Notices != 1 {
		t.Fatalf("lead expiry: %+v, %v", res, err)
	}

	at = time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	if res, err := b.svc.RunJob(ctx, core.JobQuarterly, b.workspace(t, org), at, at); err != nil || res.Notices != 1 {
		t.Fatalf("quarterly: %+v, %v", res, err)
	}
	ns, err := b.db.ClaimNotices(ctx, core.Slack, 100, at.Add(time.Hour), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if n.Kind != core.NoticeQuarterly {
			continue
		}
		// Given: all eight. Received (a partner was named or claimed): six.
		// Taken on: accepted, won, lost and the claimed lead — not the
		// offered, declined, expired or open ones.
		if st := n.Report.Current; st.Given != 8 || st.Received != 6 || st.TakenOn != 4 {
			t.Errorf("given %d, received %d, taken on %d; want 8, 6, 4", st.Given, st.Received, st.TakenOn)
		}
		return
	}
	t.Fatal("no quarterly notice in the outbox")
}

func TestStaleFollowUp_NudgesOwnersOncePerQuietSpellAndDigestsReferrers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.join(t, "T1", "organiser")
	bob, alice, carol := b.join(t, "T1", "bob"), b.join(t, "T1", "alice"), b.join(t, "T1", "carol")
	quiet1 := b.refer(t, bob, alice, "Quiet one", 0)
	quiet2 := b.refer(t, bob, carol, "Quiet two", 0)
	busy := b.refer(t, bob, alice, "Busy", 0)
	for _, x := range []struct {
		r *core.Referral
		c core.Caller
	}{{quiet1, alice}, {quiet2, carol}, {busy, alice}} {
		if _, err := b.svc.Accept(ctx, x.c, x.r.Code); err != nil {
			t.Fatal(err)
		}
	}
	b.clock.Add(9 * 24 * time.Hour)
	if _, err := b.svc.Advance(ctx, alice, busy.Code, core.StatusMeeting, core.AdvanceInput{}); err != nil {
		t.Fatal(err)
	}
	ws := b.workspace(t, bob)
	at := b.clock.Now().Add(2 * 24 * time.Hour) // quiet ones: 11 days; busy: 2 days
	res, err := b.svc.RunJob(ctx, core.JobStale, ws, at, at)
	if err != nil {
		t.Fatal(err)
	}
	// Two owner nudges and one digest for bob listing both.
	if res.Notices != 3 {
		t.Fatalf("%d notices, want 3", res.Notices)
	}
	ns, err := b.db.ClaimNotices(ctx, core.Slack, 100, at.Add(48*time.Hour), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if n.Kind == core.NoticeStaleDigest && (n.To.MemberID != bob.Member.ID || len(n.Items) != 2 || n.Items[0].ClientContact != "") {
			t.Errorf("digest: to %d, %d items, contact %q", n.To.MemberID, len(n.Items), n.Items[0].ClientContact)
		}
	}
	// The next day the same quiet spell is neither nudged nor digested again.
	res, err = b.svc.RunJob(ctx, core.JobStale, ws, at.Add(24*time.Hour), at.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if res.Notices != 0 {
		t.Fatalf("next day: %d notices, want none", res.Notices)
	}
	// An update ends the spell; ten quiet days later it is nudged anew.
	if _, err := b.svc.Advance(ctx, alice, quiet1.Code, core.StatusMeeting, core.AdvanceInput{}); err != nil {
		t.Fatal(err)
	}
	later := b.clock.Now().AddDate(0, 0, 11)
	if res, err = b.svc.RunJob(ctx, core.JobStale, ws, later, later); err != nil || res.Notices < 2 {
		t.Fatalf("a new quiet spell: %+v, %v", res, err)
	}
}

func TestTouchReminders_BothPartnersOncePerDueDateSkippingMuted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	bob, alice, muted := b.join(t, "T1", "bob"), b.join(t, "T1", "alice"), b.join(t, "T1", "muted")
	if _, err := b.svc.Touch(ctx, bob, ref(alice), core.TouchCoffee, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Touch(ctx, bob, ref(muted), core.TouchCall, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.SetProfile(ctx, muted, "availability", []string{"paused"}); err != nil {
		t.Fatal(err)
	}
	ws := b.workspace(t, bob)
	early := b.clock.Now().AddDate(0, 0, 29)
	if res, err := b.svc.RunJob(ctx, core.JobTouch, ws, early, early); err != nil || res.Notices != 0 {
		t.Fatalf("before the cadence: %+v, %v", res, err)
	}
	at := b.clock.Now().AddDate(0, 0, 31)
	res, err := b.svc.RunJob(ctx, core.JobTouch, ws, at, at)
	if err != nil {
		t.Fatal(err)
	}
	// bob–alice: both; bob–muted: bob only (the paused member gets nothing).
	if res.Notices != 3 {
		t.Fatalf("%d reminders, want 3", res.Notices)
	}
	res, err = b.svc.RunJob(ctx, core.JobTouch, ws, at.Add(24*time.Hour), at.Add(24*time.Hour))
	if err != nil || res.Notices != 0 {
		t.Fatalf("the next day, same due date: %+v, %v", res, err)
	}
}

func TestBuddyWelcome_RemindsTheMentorOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org, alice := b.join(t, "T1", "organiser"), b.join(t, "T1", "alice")
	b.refer(t, org, alice, "Acme", 0) // the organiser becomes experienced
	dana := b.join(t, "T1", "dana")   // auto-paired with the organiser
	if dana.Member.BuddyID != org.Member.ID {
		t.Fatalf("dana's buddy = %d", dana.Member.BuddyID)
	}
	ws := b.workspace(t, org)
	at := b.clock.Now().Add(2 * 24 * time.Hour)
	if res, err := b.svc.RunJob(ctx, core.JobBuddy, ws, at, at); err != nil || res.Notices != 1 {
		t.Fatalf("first: %+v, %v", res, err)
	}
	at = at.Add(24 * time.Hour)
	if res, err := b.svc.RunJob(ctx, core.JobBuddy, ws, at, at); err != nil || res.Notices != 0 {
		t.Fatalf("second: %+v, %v", res, err)
	}
}

func TestNetworkHealth_TellsAdminsOfTakersQuietMembersAndSilentReceivers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	taker, giver, silent, quiet := b.join(t, "T1", "taker"), b.join(t, "T1", "giver"), b.join(t, "T1", "silent"), b.join(t, "T1", "quiet")
	_ = quiet
	r := b.refer(t, giver, taker, "Acme", 0)
	if _, err := b.svc.Accept(ctx, taker, r.Code); err != nil {
		t.Fatal(err)
	}
	b.refer(t, giver, silent, "Globex", 0) // never answered
	b.clock.Add(100 * 24 * time.Hour)
	b.refer(t, giver, taker, "Initech", 0) // keeps giver and taker active
	ws := b.workspace(t, org)
	at := b.clock.Now().Add(time.Hour)
	res, err := b.svc.RunJob(ctx, core.JobHealth, ws, at, at)
	if err != nil || res.Notices != 1 {
		t.Fatalf("health: %+v, %v; want one DM to the one admin", res, err)
	}
	ns, err := b.db.ClaimNotices(ctx, core.Slack, 100, at.Add(time.Hour), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var h *core.Health
	for _, n := range ns {
		if n.Kind == core.NoticeHealth {
			h = n.Health
			if n.To.MemberID != org.Member.ID {
				t.Errorf("health went to member %d, not the admin", n.To.MemberID)
			}
		}
	}
	if h == nil {
		t.Fatal("no health notice")
	}
	has := func(list []string, name string) bool {
		for _, n := range list {
			if n == name {
				return true
			}
		}
		return false
	}
	if !has(h.OnlyTake, "taker") || has(h.OnlyTake, "giver") {
		t.Errorf("only take = %v", h.OnlyTake)
	}
	if !has(h.GoneQuiet, "quiet") || has(h.GoneQuiet, "giver") {
		t.Errorf("gone quiet = %v", h.GoneQuiet)
	}
	if !has(h.NoAnswer, "silent") || has(h.NoAnswer, "taker") {
		t.Errorf("not answering = %v", h.NoAnswer)
	}
}

func TestReminders_AfterThreeIgnoredTheBotAsksInstead(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org, alice := b.join(t, "T1", "organiser"), b.join(t, "T1", "alice")
	var refs []*core.Referral
	for i := range 5 {
		r := b.refer(t, org, alice, fmt.Sprint("Client ", i), 0)
		if _, err := b.svc.Accept(ctx, alice, r.Code); err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r)
		b.clock.Add(2 * time.Hour)
	}
	ws := b.workspace(t, org)
	kinds := func(at time.Time) map[core.NoticeKind]int {
		ns, err := b.db.ClaimNotices(ctx, core.Slack, 100, at, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		out := map[core.NoticeKind]int{}
		for _, n := range ns {
			if n.To.MemberID == alice.Member.ID {
				out[n.Kind]++
			}
			if err := b.db.MarkDelivered(ctx, n.WorkspaceID, n.ID, "", at); err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	kinds(b.clock.Now()) // clear the referral notices
	// Day one: three nudges (referrals 1-3 are a day old); alice ignores them.
	at := b.clock.Now().Add(24*time.Hour - 5*time.Hour)
	if _, err := b.svc.RunJob(ctx, core.JobThankNudge, ws, at, at); err != nil {
		t.Fatal(err)
	}
	if got := kinds(at.Add(12 * time.Hour)); got[core.NoticeThankNudge] != 3 {
		t.Fatalf("day one: %v", got)
	}
	// Day two: the other two are due, but she ignored three: one question.
	at = at.Add(24 * time.Hour)
	if _, err := b.svc.RunJob(ctx, core.JobThankNudge, ws, at, at); err != nil {
		t.Fatal(err)
	}
	if got := kinds(at.Add(12 * time.Hour)); got[core.NoticeAskReminders] != 1 || got[core.NoticeThankNudge] != 0 {
		t.Fatalf("day two: %v; want one question, no nudges", got)
	}
	// She comes back: reminders flow again.
	b.clock.t = at.Add(13 * time.Hour)
	b.join(t, "T1", "alice")
	at = at.Add(14 * time.Hour)
	r := b.refer(t, org, alice, "Fresh", 0)
	if _, err := b.svc.Accept(ctx, b.join(t, "T1", "alice"), r.Code); err != nil {
		t.Fatal(err)
	}
	at = at.Add(25 * time.Hour)
	if _, err := b.svc.RunJob(ctx, core.JobThankNudge, ws, at, at); err != nil {
		t.Fatal(err)
	}
	if got := kinds(at.Add(12 * time.Hour)); got[core.NoticeThankNudge] == 0 {
		t.Fatalf("after she came back: %v; want nudges again", got)
	}
	_ = refs
}

// statsCounter is the real store, counting the figures read (Stats,
// NetworkTotals) in the transactions it runs.
type statsCounter struct {
	core.Store
	reads *atomic.Int64
}

func (s statsCounter) InTx(ctx context.Context, fn func(tx core.Tx) error) error {
	return s.Store.InTx(ctx, func(tx core.Tx) error { return fn(statsCountingTx{tx, s.reads}) })
}

type statsCountingTx struct {
	core.Tx
	reads *atomic.Int64
}

func (t statsCountingTx) Stats(ctx context.Context, workspaceID int64, q core.StatsQuery) (*core.Stats, error) {
	t.reads.Add(1)
	return t.Tx.Stats(ctx, workspaceID, q)
}

func (t statsCountingTx) NetworkTotals(ctx context.Context, qs []core.TotalsQuery) ([]core.Stats, error) {
	t.reads.Add(1)
	return t.Tx.NetworkTotals(ctx, qs)
}

func TestQuarterly_AQuarterAlreadyPostedIsNeitherRecomputedNorPostedAgain(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.clock.t = time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC)
	org, alice := b.join(t, "T1", "organiser"), b.join(t, "T1", "alice")
	r := b.refer(t, org, alice, "Acme", 0)
	if _, err := b.svc.Accept(ctx, alice, r.Code); err != nil {
		t.Fatal(err)
	}
	var reads atomic.Int64
	svc := core.NewService(statsCounter{b.db, &reads}, core.Options{Now: b.clock.Now})
	ws := b.workspace(t, org)

	// A schedule that fires daily: the first run of the quarter posts Q4.
	first := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	if res, err := svc.RunJob(ctx, core.JobQuarterly, ws, first, first); err != nil || !res.Ran || res.Notices != 1 {
		t.Fatalf("first run: %+v, %v", res, err)
	}
	if reads.Load() == 0 {
		t.Fatal("the first run read no figures")
	}
	// The next day's run claims its own period, finds Q4 queued already
	// and reads no figures; neither does it once the post was delivered.
	reads.Store(0)
	next := first.AddDate(0, 0, 1)
	if res, err := svc.RunJob(ctx, core.JobQuarterly, ws, next, next); err != nil || !res.Ran || res.Notices != 0 {
		t.Fatalf("next day: %+v, %v; want ran, no notice", res, err)
	}
	ns, err := b.db.ClaimNotices(ctx, core.Slack, 100, next.Add(time.Hour), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	posts := 0
	for _, n := range ns {
		if n.Kind == core.NoticeQuarterly {
			posts++
			if err := b.db.MarkDelivered(ctx, n.WorkspaceID, n.ID, "ts-1", next); err != nil {
				t.Fatal(err)
			}
		}
	}
	after := next.AddDate(0, 0, 1)
	if res, err := svc.RunJob(ctx, core.JobQuarterly, ws, after, after); err != nil || !res.Ran || res.Notices != 0 {
		t.Fatalf("after delivery: %+v, %v; want ran, no notice", res, err)
	}
	if posts != 1 || reads.Load() != 0 {
		t.Errorf("%d quarterly posts, %d Stats reads after the first run; want 1 post and no reads", posts, reads.Load())
	}
}

func TestWeeklyDigest_EachWorkspaceOfAPassListsItsOwnNewestOpenLeads(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	var runs []core.DueRun
	leads := map[int64][]core.Code{}
	for _, team := range []string{"T1", "T2", "T3"} {
		org, alice := b.join(t, team, "organiser"), b.join(t, team, "alice")
		n := map[string]int{"T1": 12, "T2": 1, "T3": 0}[team]
		for i := range n {
			b.clock.Add(time.Minute)
			l := ok(b.svc.PostLead(ctx, org, core.LeadInput{Need: fmt.Sprint("need ", i), ExpiryDays: 30}))(t)
			leads[org.Workspace.ID] = append([]core.Code{l.Code}, leads[org.Workspace.ID]...) // newest first
		}
		if team == "T3" {
			b.refer(t, org, alice, "Acme", 0) // a week with a referral and no lead
		}
		runs = append(runs, core.DueRun{Workspace: b.workspace(t, org)})
	}
	at := b.clock.Now().Add(time.Hour)
	for i := range runs {
		runs[i].Fire = at
	}
	res := ok(b.svc.RunJobs(ctx, core.JobWeeklyDigest, runs, at))(t)
	ns := ok(b.db.ClaimNotices(ctx, core.Slack, 100, at.Add(time.Hour), time.Minute))(t)
	digests := 0
	for i, r := range runs {
		if !res[i].Ran || res[i].Notices != 1 {
			t.Errorf("workspace %d: %+v, want one digest", r.Workspace.ID, res[i])
		}
		want := leads[r.Workspace.ID]
		want = want[:min(len(want), 10)]
		for _, n := range ns {
			if n.Kind != core.NoticeWeeklyDigest || n.WorkspaceID != r.Workspace.ID {
				continue
			}
			digests++
			var got []core.Code
			for _, l := range n.Report.OpenLeads {
				got = append(got, l.Code)
			}
			if !slices.Equal(got, want) {
				t.Errorf("workspace %d lists %v, want its newest %v", r.Workspace.ID, got, want)
			}
		}
	}
	if digests != len(runs) {
		t.Errorf("%d digests in the outbox, want %d", digests, len(runs))
	}
}
