package core_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

func TestJoin_FirstMemberIsAdminAndNewcomersGetAnExperiencedBuddy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	alice := b.join(t, "T1", "alice")
	if !org.Member.IsAdmin() || alice.Member.IsAdmin() {
		t.Fatalf("admins: organiser %v, alice %v", org.Member.Role, alice.Member.Role)
	}
	if alice.Member.BuddyID != 0 {
		t.Fatal("nobody is experienced yet, yet alice got a buddy")
	}
	b.refer(t, org, alice, "Acme", 0) // the organiser now has a referral behind them
	dana := b.join(t, "T1", "dana")
	if dana.Member.BuddyID != org.Member.ID && dana.Member.BuddyID != alice.Member.ID {
		t.Fatalf("dana's buddy = %d, want an experienced member", dana.Member.BuddyID)
	}
	mp, err := b.svc.Profile(ctx, dana, nil)
	if err != nil || mp.Buddy == nil {
		t.Fatalf("dana's profile shows no buddy: %+v, %v", mp, err)
	}
	// A platform admin is an admin here too.
	boss, err := b.svc.Join(ctx, core.Identity{Platform: core.Slack, TeamID: "T1", UserID: "u-boss", UserName: "boss", PlatformAdmin: true})
	if err != nil || !boss.Member.IsAdmin() {
		t.Fatalf("platform admin: %+v, %v", boss.Member, err)
	}
}

func TestBuddy_OnlyAdminsPairOthers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org, alice, dana, carol := b.join(t, "T1", "organiser"), b.join(t, "T1", "alice"), b.join(t, "T1", "dana"), b.join(t, "T1", "carol")
	_, err := b.svc.Buddy(ctx, carol, ref(dana), ref(alice))
	wantCode(t, err, core.EFORBIDDEN)
	if _, err := b.svc.Buddy(ctx, carol, ref(dana), ref(carol)); err != nil {
		t.Fatalf("volunteering: %v", err)
	}
	if _, err := b.svc.Buddy(ctx, org, ref(dana), ref(alice)); err != nil {
		t.Fatalf("admin pairing: %v", err)
	}
	_, err = b.svc.Buddy(ctx, org, ref(dana), ref(dana))
	wantCode(t, err, core.EINVALID)
}

func TestWho_RanksByFitAvailabilityAndFairness(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	me := b.join(t, "T1", "me")
	set := func(c core.Caller, field string, vals ...string) {
		t.Helper()
		if _, err := b.svc.SetProfile(ctx, c, field, vals); err != nil {
			t.Fatalf("set %s: %v", field, err)
		}
	}
	busy, fresh, paused, tax := b.join(t, "T1", "busy"), b.join(t, "T1", "fresh"), b.join(t, "T1", "paused"), b.join(t, "T1", "tax")
	for _, c := range []core.Caller{busy, fresh, paused} {
		set(c, "tags", "branding", "logo")
		set(c, "services", "brand identity design")
	}
	set(paused, "availability", "paused")
	set(tax, "tags", "tax")
	set(tax, "triggers", "our books are a mess; we got a letter from the tax office")
	// busy has received three referrals lately; fresh none.
	for range 3 {
		b.refer(t, me, busy, "Client", 0)
	}
	ss, err := b.svc.Who(ctx, me, "new logo and branding for a bakery", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 2 || ss[0].Member.DisplayName != "fresh" || ss[1].Member.DisplayName != "busy" {
		t.Fatalf("suggestions = %v, want fresh then busy (paused left out)", names(ss))
	}
	ss, err = b.svc.Who(ctx, me, "the client says our books are a mess", nil)
	if err != nil || len(ss) == 0 || ss[0].Member.DisplayName != "tax" {
		t.Fatalf("trigger phrase: %v, %v", names(ss), err)
	}
	if !strings.Contains(strings.Join(ss[0].Reasons, " "), "our books are a mess") {
		t.Errorf("reasons don't cite the trigger: %v", ss[0].Reasons)
	}
	// Referring to a paused member is refused with a way forward.
	_, err = b.svc.Refer(ctx, me, core.ReferInput{To: ref(paused), ClientName: "X", Need: "logo"})
	wantCode(t, err, core.ECONFLICT)
}

func names(ss []core.Suggestion) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Member.DisplayName)
	}
	return out
}

func TestTouch_MovesTheNextTouchpointByTheCadence(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	bob, alice := b.join(t, "T1", "bob"), b.join(t, "T1", "alice")
	p, err := b.svc.Touch(ctx, bob, ref(alice), core.TouchCoffee, "talked about Q3")
	if err != nil {
		t.Fatal(err)
	}
	if want := b.clock.Now().AddDate(0, 0, 30); !p.NextDue.Equal(want) || p.CadenceDays != 30 {
		t.Errorf("next due %v (cadence %d), want %v", p.NextDue, p.CadenceDays, want)
	}
	b.clock.Add(48 * time.Hour)
	p2, err := b.svc.Touch(ctx, alice, ref(bob), core.TouchCall, "")
	if err != nil || p2.ID != p.ID {
		t.Fatalf("the pair shares one partnership: %+v, %v", p2, err)
	}
	_, err = b.svc.Touch(ctx, bob, ref(bob), core.TouchCall, "")
	wantCode(t, err, core.EINVALID)
	_, err = b.svc.Touch(ctx, bob, ref(alice), "dinner", "")
	wantCode(t, err, core.EINVALID)
}

func TestConfigure_AdminsOnlyAndValidated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org, bob := b.join(t, "T1", "organiser"), b.join(t, "T1", "bob")
	_, err := b.svc.Configure(ctx, bob, "cadence", []string{"14"})
	wantCode(t, err, core.EFORBIDDEN)
	if st, err := b.svc.Configure(ctx, bob, "", nil); err != nil || st.CadenceDays != 30 {
		t.Fatalf("members may read settings: %+v, %v", st, err)
	}
	for key, args := range map[string][]string{
		"cadence": {"0"}, "timezone": {"Mars/Base"}, "quiet": {"25-8"}, "fee": {"lots"}, "currency": {"dollars"}, "nope": {"x"},
	} {
		_, err := b.svc.Configure(ctx, org, key, args)
		wantCode(t, err, core.EINVALID)
	}
	st, err := b.svc.Configure(ctx, org, "fee", []string{"10%"})
	if err != nil || st.Fee.Kind != core.FeePercent || st.Fee.BasisPts != 1000 {
		t.Fatalf("fee: %+v, %v", st, err)
	}
	// The policy applies to new referrals, and a won deal then owes the
	// fee once the referrer confirmed its value.
	alice, bob := b.join(t, "T1", "alice"), b.join(t, "T1", "bob")
	r := b.refer(t, bob, alice, "Acme", 0)
	if _, err := b.svc.Accept(ctx, alice, r.Code); err != nil {
		t.Fatal(err)
	}
	r, err = b.svc.Advance(ctx, alice, r.Code, core.StatusWon, core.AdvanceInput{Value: core.Money{Cents: 480000}})
	if err != nil || r.FeeStatus != core.FeeAwaiting || r.Fee.Fee(r.WonValue.Cents) != 48000 {
		t.Fatalf("fee after won: %+v, %v", r, err)
	}
	if r, err = b.svc.ConfirmWon(ctx, bob, r.Code); err != nil || r.FeeStatus != core.FeeOwed {
		t.Fatalf("fee after confirming: %+v, %v", r, err)
	}
	if _, err := b.svc.Configure(ctx, org, "admin", []string{"@bob"}); err != nil {
		t.Fatal(err)
	}
	bob = b.join(t, "T1", "bob") // a new command sees the new role
	if _, err := b.svc.Configure(ctx, bob, "cadence", []string{"quarterly"}); err != nil {
		t.Fatalf("bob is admin now: %v", err)
	}
}

func TestConfigure_RemoveMember(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org, bob, alice := b.join(t, "T1", "organiser"), b.join(t, "T1", "bob"), b.join(t, "T1", "alice")
	r := b.refer(t, bob, alice, "Acme", 0)
	_, err := b.svc.Configure(ctx, alice, "remove", []string{"@bob"})
	wantCode(t, err, core.EFORBIDDEN)
	if _, err := b.svc.Configure(ctx, org, "remove", []string{"@bob"}); err != nil {
		t.Fatal(err)
	}
	_, err = b.svc.Join(ctx, core.Identity{Platform: core.Slack, TeamID: "T1", UserID: "u-bob", UserName: "bob"})
	wantCode(t, err, core.EFORBIDDEN)
	_, err = b.svc.Refer(ctx, alice, core.ReferInput{To: ref(bob), ClientName: "X", Need: "y"})
	wantCode(t, err, core.ENOTFOUND)
	// History stays.
	if d, err := b.svc.Show(ctx, alice, r.Code); err != nil || d.Referral.ReferrerName != "bob" {
		t.Fatalf("history after removal: %+v, %v", d, err)
	}
	_, err = b.svc.Configure(ctx, org, "remove", []string{"@organiser"})
	wantCode(t, err, core.EINVALID)
}

func TestReminders_MuteAndOwnCadence(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	bob, alice := b.join(t, "T1", "bob"), b.join(t, "T1", "alice")
	if _, err := b.svc.Touch(ctx, bob, ref(alice), core.TouchCoffee, ""); err != nil {
		t.Fatal(err)
	}
	m, err := b.svc.SetReminders(ctx, bob, nil, 14)
	if err != nil || m.CadenceDays != 14 {
		t.Fatalf("cadence: %+v, %v", m, err)
	}
	bob = b.join(t, "T1", "bob")
	p, err := b.svc.Touch(ctx, alice, ref(bob), core.TouchCall, "")
	if err != nil || p.CadenceDays != 14 || !p.NextDue.Equal(b.clock.Now().AddDate(0, 0, 14)) {
		t.Fatalf("partnership after bob's cadence: %+v, %v", p, err)
	}
	yes := true
	if m, err := b.svc.SetReminders(ctx, bob, &yes, 0); err != nil || !m.Muted {
		t.Fatalf("mute: %+v, %v", m, err)
	}
	ws := b.workspace(t, bob)
	at := b.clock.Now().AddDate(0, 0, 15)
	res, err := b.svc.RunJob(ctx, core.JobTouch, ws, at, at)
	if err != nil || res.Notices != 1 {
		t.Fatalf("reminders with bob muted: %+v, %v; want alice's only", res, err)
	}
	_, err = b.svc.SetReminders(ctx, bob, nil, 400)
	wantCode(t, err, core.EINVALID)
}

func TestFailedDeliveries_AdminsSeeAndRetryThem(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org, bob := b.join(t, "T1", "organiser"), b.join(t, "T1", "bob")
	b.refer(t, org, bob, "Acme", 0)
	ns, err := b.db.ClaimNotices(ctx, core.Slack, 10, b.clock.Now(), time.Minute)
	if err != nil || len(ns) != 1 {
		t.Fatalf("claim: %d, %v", len(ns), err)
	}
	if err := b.db.MarkFailed(ctx, ns[0].WorkspaceID, ns[0].ID, "user_not_found", time.Time{}); err != nil {
		t.Fatal(err)
	}
	_, _, err = b.svc.FailedDeliveries(ctx, bob, false)
	wantCode(t, err, core.EFORBIDDEN)
	failed, _, err := b.svc.FailedDeliveries(ctx, org, false)
	if err != nil || len(failed) != 1 || failed[0].LastError != "user_not_found" || failed[0].To.Name != "bob" {
		t.Fatalf("failed = %+v, %v", failed, err)
	}
	if _, n, err := b.svc.FailedDeliveries(ctx, org, true); err != nil || n != 1 {
		t.Fatalf("retry: %d, %v", n, err)
	}
	again, err := b.db.ClaimNotices(ctx, core.Slack, 10, b.clock.Now(), time.Minute)
	if err != nil || len(again) != 1 || again[0].ID != ns[0].ID {
		t.Fatalf("after retry: %+v, %v", again, err)
	}
}
