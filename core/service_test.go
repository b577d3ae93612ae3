package core_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// clock is a settable time source shared by a test's service; tests set
// its t directly.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type bundle struct {
	svc   *core.Service
	db    *postgres.DB
	url   string
	clock *clock
}

func setup(t testing.TB) *bundle {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	e := testenv.New(t, testenv.Options{Now: clk.Now})
	return &bundle{svc: e.Svc, db: e.DB, url: e.URL, clock: clk}
}

func (b *bundle) join(t testing.TB, team, name string) core.Caller {
	t.Helper()
	c, err := b.svc.Join(context.Background(), core.Identity{Platform: core.Slack, TeamID: team,
		UserID: "u-" + name, UserName: name, Channel: "#referrals"})
	if err != nil {
		t.Fatalf("join %s/%s: %v", team, name, err)
	}
	return c
}

func ref(c core.Caller) core.MemberRef { return core.MemberRef{UserID: c.Member.UserID} }

func (b *bundle) refer(t testing.TB, from, to core.Caller, client string, value int64) *core.Referral {
	t.Helper()
	r, err := b.svc.Refer(context.Background(), from, core.ReferInput{To: ref(to), ClientName: client,
		Contact: client + "@example.com", Consent: true, Need: "a new website", Estimate: core.Money{Cents: value}})
	if err != nil {
		t.Fatalf("refer: %v", err)
	}
	return r
}

// count returns the number of rows in a table, straight from the database.
func (b *bundle) count(t testing.TB, table string) int {
	t.Helper()
	return testenv.Count(t, b.url, "SELECT count(*) FROM "+table)
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	testenv.WantCode(t, err, code)
}

func TestClaim_OnlyOneWinnerUnderConcurrentClicks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	poster := b.join(t, "T1", "poster")
	lead, err := b.svc.PostLead(ctx, poster, core.LeadInput{Need: "bookkeeping for a bakery", Tags: []string{"tax"}})
	if err != nil {
		t.Fatal(err)
	}
	const n = 50
	claimers := make([]core.Caller, n)
	for i := range claimers {
		claimers[i] = b.join(t, "T1", fmt.Sprintf("member%02d", i))
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range claimers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = b.svc.Claim(ctx, claimers[i], lead.Code)
		}()
	}
	close(start)
	wg.Wait()
	winners := 0
	var winner string
	for i, err := range errs {
		if err == nil {
			winners++
			winner = claimers[i].Member.DisplayName
		}
	}
	if winners != 1 {
		t.Fatalf("%d winners, want exactly 1", winners)
	}
	for _, err := range errs {
		if err == nil {
			continue
		}
		wantCode(t, err, core.ECONFLICT)
		if want := "already claimed by @" + winner; !contains(err.Error(), want) {
			t.Fatalf("loser's error %q does not say %q", err, want)
		}
	}
	d, err := b.svc.Show(ctx, poster, lead.Code)
	if err != nil {
		t.Fatal(err)
	}
	claims := 0
	for _, e := range d.Events {
		if e.Kind == core.EvClaimed {
			claims++
		}
	}
	if claims != 1 || d.Referral.Status != core.StatusAccepted || d.Referral.ReceiverName != winner {
		t.Fatalf("history has %d claims, status %s, receiver %q; want 1, accepted, %q", claims, d.Referral.Status, d.Referral.ReceiverName, winner)
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && stringIndex(s, sub) >= 0)
}

func stringIndex(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestWorkspaces_AreIsolated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	bob, alice := b.join(t, "T1", "bob"), b.join(t, "T1", "alice")
	r := b.refer(t, bob, alice, "Acme", 500000)
	if _, err := b.svc.Accept(ctx, alice, r.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Profile(ctx, alice, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.SetProfile(ctx, alice, "tags", []string{"web-dev"}); err != nil {
		t.Fatal(err)
	}
	lead, err := b.svc.PostLead(ctx, bob, core.LeadInput{Need: "tax help"})
	if err != nil {
		t.Fatal(err)
	}

	// Same display names, another workspace.
	eve, mallory := b.join(t, "T2", "eve"), b.join(t, "T2", "alice")
	if eve.Workspace.ID == bob.Workspace.ID || mallory.Member.ID == alice.Member.ID {
		t.Fatal("workspaces or members shared across teams")
	}
	for name, err := range map[string]error{
		"show":     second(b.svc.Show(ctx, eve, r.Code)),
		"accept":   second(b.svc.Accept(ctx, mallory, r.Code)),
		"claim":    second(b.svc.Claim(ctx, eve, lead.Code)),
		"hand":     second(b.svc.RaiseHand(ctx, eve, lead.Code)),
		"won":      second(b.svc.Advance(ctx, mallory, r.Code, core.StatusWon, core.AdvanceInput{Value: core.Money{Cents: 1}})),
		"thank":    second(b.svc.Thank(ctx, mallory, r.Code, "hi")),
		"feedback": b.svc.RecordFeedback(ctx, mallory, r.Code, 5, ""),
	} {
		if core.ErrorCode(err) != core.ENOTFOUND {
			t.Errorf("%s across workspaces: %v, want ENOTFOUND", name, err)
		}
	}
	// Names resolve only within the workspace.
	if _, err := b.svc.Profile(ctx, eve, &core.MemberRef{Name: "bob"}); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("profile of another workspace's member: %v", err)
	}
	for _, kind := range []core.ListKind{core.ListMine, core.ListOpen} {
		rs, err := b.svc.List(ctx, mallory, kind)
		if err != nil || len(rs) != 0 {
			t.Errorf("list %s in T2 = %d referrals, %v; want none", kind, len(rs), err)
		}
	}
	st, err := b.svc.Stats(ctx, eve, core.StatsRequest{Network: true})
	if err != nil {
		t.Fatal(err)
	}
	if st.Given != 0 || st.Received != 0 || st.ActivePartners != 0 || len(st.ByPartner) != 0 {
		t.Errorf("T2 network stats see T1: %+v", st)
	}
	ss, err := b.svc.Who(ctx, eve, "web development", []string{"web-dev"})
	if err != nil || len(ss) != 0 {
		t.Errorf("who in T2 suggests %v, %v", ss, err)
	}
	// The new workspace's codes start afresh.
	r2 := b.refer(t, eve, mallory, "Globex", 0)
	if r2.Code != core.FirstCode {
		t.Errorf("T2's first code = %s, want %s", r2.Code, core.FirstCode)
	}
}

func second[T any](_ T, err error) error { return err }

func TestTransitions_IllegalOrWrongMemberWriteNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.join(t, "T1", "organiser") // the first member is the admin
	bob, alice, carol := b.join(t, "T1", "bob"), b.join(t, "T1", "alice"), b.join(t, "T1", "carol")
	r := b.refer(t, bob, alice, "Acme", 0)

	tables := []string{"referrals", "referral_events", "outbox", "thanks", "feedback", "touchpoints"}
	snapshot := func() map[string]int {
		m := map[string]int{}
		for _, tb := range tables {
			m[tb] = b.count(t, tb)
		}
		return m
	}
	check := func(name string, err error, code string, want core.Status) {
		t.Helper()
		if got := core.ErrorCode(err); got != code {
			t.Errorf("%s: %v (code %q), want %q", name, err, got, code)
		}
		d, serr := b.svc.Show(ctx, bob, r.Code)
		if serr != nil {
			t.Fatal(serr)
		}
		if d.Referral.Status != want {
			t.Errorf("%s changed the stage to %s", name, d.Referral.Status)
		}
	}
	s := b.svc
	base := snapshot()
	check("referrer accepts", second(s.Accept(ctx, bob, r.Code)), core.EFORBIDDEN, core.StatusOffered)
	check("outsider declines", second(s.Decline(ctx, carol, r.Code, "no")), core.EFORBIDDEN, core.StatusOffered)
	check("decline without reason", second(s.Decline(ctx, alice, r.Code, " ")), core.EINVALID, core.StatusOffered)
	check("advance before accept", second(s.Advance(ctx, alice, r.Code, core.StatusContacted, core.AdvanceInput{})), core.ECONFLICT, core.StatusOffered)
	check("thank before accept", second(s.Thank(ctx, alice, r.Code, "")), core.ECONFLICT, core.StatusOffered)
	check("claim a direct referral", second(s.Claim(ctx, carol, r.Code)), core.ECONFLICT, core.StatusOffered)
	check("unknown stage", second(s.Advance(ctx, alice, r.Code, core.StatusOpen, core.AdvanceInput{})), core.EINVALID, core.StatusOffered)
	if got := snapshot(); fmt.Sprint(got) != fmt.Sprint(base) {
		t.Fatalf("rejected acts wrote rows: before %v, after %v", base, got)
	}

	if _, err := s.Accept(ctx, alice, r.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Advance(ctx, alice, r.Code, core.StatusMeeting, core.AdvanceInput{}); err != nil {
		t.Fatal(err)
	}
	base = snapshot()
	check("accept twice", second(s.Accept(ctx, alice, r.Code)), core.ECONFLICT, core.StatusMeeting)
	check("move backwards", second(s.Advance(ctx, alice, r.Code, core.StatusContacted, core.AdvanceInput{})), core.ECONFLICT, core.StatusMeeting)
	check("same stage", second(s.Advance(ctx, alice, r.Code, core.StatusMeeting, core.AdvanceInput{})), core.ECONFLICT, core.StatusMeeting)
	check("referrer advances", second(s.Advance(ctx, bob, r.Code, core.StatusProposal, core.AdvanceInput{})), core.EFORBIDDEN, core.StatusMeeting)
	check("won without value", second(s.Advance(ctx, alice, r.Code, core.StatusWon, core.AdvanceInput{})), core.EINVALID, core.StatusMeeting)
	check("lost without reason", second(s.Advance(ctx, alice, r.Code, core.StatusLost, core.AdvanceInput{})), core.EINVALID, core.StatusMeeting)
	check("referrer thanks", second(s.Thank(ctx, bob, r.Code, "")), core.EFORBIDDEN, core.StatusMeeting)
	check("feedback before close", s.RecordFeedback(ctx, alice, r.Code, 5, ""), core.ECONFLICT, core.StatusMeeting)
	check("outsider feedback", s.RecordFeedback(ctx, carol, r.Code, 5, ""), core.EFORBIDDEN, core.StatusMeeting)
	check("unknown code", second(s.Accept(ctx, alice, 9999)), core.ENOTFOUND, core.StatusMeeting)
	if got := snapshot(); fmt.Sprint(got) != fmt.Sprint(base) {
		t.Fatalf("rejected acts wrote rows: before %v, after %v", base, got)
	}

	if _, err := s.Advance(ctx, alice, r.Code, core.StatusWon, core.AdvanceInput{Value: core.Money{Cents: 480000}}); err != nil {
		t.Fatal(err)
	}
	base = snapshot()
	check("move after won", second(s.Advance(ctx, alice, r.Code, core.StatusLost, core.AdvanceInput{Reason: "x"})), core.ECONFLICT, core.StatusWon)
	check("bad score", s.RecordFeedback(ctx, alice, r.Code, 6, ""), core.EINVALID, core.StatusWon)
	check("outsider feedback after close", s.RecordFeedback(ctx, carol, r.Code, 4, ""), core.EFORBIDDEN, core.StatusWon)
	if got := snapshot(); fmt.Sprint(got) != fmt.Sprint(base) {
		t.Fatalf("rejected acts wrote rows: before %v, after %v", base, got)
	}
	if _, err := s.Thank(ctx, alice, r.Code, "thanks!"); err != nil {
		t.Fatal(err)
	}
	base = snapshot()
	check("thank twice", second(s.Thank(ctx, alice, r.Code, "again")), core.ECONFLICT, core.StatusWon)
	if got := snapshot(); fmt.Sprint(got) != fmt.Sprint(base) {
		t.Fatalf("rejected acts wrote rows: before %v, after %v", base, got)
	}
}

func TestContact_OnlyPartiesAndAdminsSeeIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	admin := b.join(t, "T1", "organiser") // first member: admin
	bob, alice, carol := b.join(t, "T1", "bob"), b.join(t, "T1", "alice"), b.join(t, "T1", "carol")
	if !admin.Member.IsAdmin() || bob.Member.IsAdmin() {
		t.Fatal("the first member should be the only admin")
	}
	r := b.refer(t, bob, alice, "Acme", 0)
	for _, c := range []core.Caller{admin, bob, alice, carol} {
		d, err := b.svc.Show(ctx, c, r.Code)
		if err != nil {
			t.Fatal(err)
		}
		wantSee := c.Member.ID != carol.Member.ID
		if got := d.Referral.ClientContact != ""; got != wantSee {
			t.Errorf("%s sees contact: %v, want %v", c.Member.DisplayName, got, wantSee)
		}
	}
	_, err := b.svc.Refer(ctx, bob, core.ReferInput{To: ref(alice), ClientName: "Globex", Contact: "+1 555 0100", Need: "logo"})
	wantCode(t, err, core.EINVALID)
	// Channel posts never carry contact details.
	lead, err := b.svc.PostLead(ctx, bob, core.LeadInput{ClientName: "Initech", Contact: "pm@initech.example", Consent: true, Need: "tax"})
	if err != nil {
		t.Fatal(err)
	}
	leaks := testenv.Count(t, b.url, `SELECT count(*) FROM outbox WHERE recipient_member_id IS NULL AND payload::text LIKE '%@%example%'`)
	if leaks != 0 {
		t.Errorf("%d channel posts carry client contact details", leaks)
	}
	_ = lead
}

func TestStats_KnownDataSetMatchesHandComputedFigures(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	s := b.svc
	bob, alice, carol := b.join(t, "T1", "bob"), b.join(t, "T1", "alice"), b.join(t, "T1", "carol")
	day := 24 * time.Hour
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// 1. bob → alice, won 4,800 after 10 days, thanked 2 h after acceptance (accepted on day 0).
	r1 := b.refer(t, bob, alice, "Acme", 500000)
	must(s.Accept(ctx, alice, r1.Code))
	b.clock.Add(2 * time.Hour)
	must(s.Thank(ctx, alice, r1.Code, "thank you"))
	b.clock.Add(10*day - 2*time.Hour)
	must(s.Advance(ctx, alice, r1.Code, core.StatusWon, core.AdvanceInput{Value: core.Money{Cents: 480000}}))
	if err := s.RecordFeedback(ctx, alice, r1.Code, 5, "great"); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordFeedback(ctx, bob, r1.Code, 4, ""); err != nil {
		t.Fatal(err)
	}
	// 2. bob → alice, lost.
	r2 := b.refer(t, bob, alice, "Globex", 200000)
	must(s.Accept(ctx, alice, r2.Code))
	must(s.Advance(ctx, alice, r2.Code, core.StatusLost, core.AdvanceInput{Reason: "budget"}))
	// 3. bob → alice, still in progress.
	r3 := b.refer(t, bob, alice, "Initech", 100000)
	must(s.Accept(ctx, alice, r3.Code))
	// 4. alice → bob, won 1,000 after 4 days.
	r4 := b.refer(t, alice, bob, "Umbrella", 0)
	must(s.Accept(ctx, bob, r4.Code))
	b.clock.Add(4 * day)
	must(s.Advance(ctx, bob, r4.Code, core.StatusWon, core.AdvanceInput{Value: core.Money{Cents: 100000}}))
	// 5. carol → bob, declined.
	r5 := b.refer(t, carol, bob, "Hooli", 0)
	must(s.Decline(ctx, bob, r5.Code, "fully booked"))
	// 6. carol's open lead, never claimed.
	must(s.PostLead(ctx, carol, core.LeadInput{Need: "copywriting", Estimate: core.Money{Cents: 50000}}))

	net, err := s.Stats(ctx, bob, core.StatsRequest{Network: true})
	if err != nil {
		t.Fatal(err)
	}
	// Network: 6 referrals given; 5 had a receiver; won 2 (r1, r4) → RCR 40%.
	// Revenue 4,800 + 1,000 = 5,800 over 2 deals, average 2,900; median
	// days to close of {10, 4} = 7. Thanks: 1, 2 h latency. Satisfaction
	// (5+4)/2 = 4.5. Active members: bob, alice, carol = 3.
	wantInt(t, "network given", net.Given, 6)
	wantInt(t, "network received", net.Received, 5)
	wantInt(t, "network won", net.Won, 2)
	wantInt(t, "network lost", net.Lost, 1)
	wantFloat(t, "network RCR", net.RCR, 40)
	wantInt64(t, "network revenue", net.Revenue.Get("USD").Cents, 580000)
	wantInt(t, "network deals", net.Deals, 2)
	wantInt64(t, "network avg deal", net.AvgDeal.Get("USD").Cents, 290000)
	wantFloat(t, "network median days", net.MedianDaysToClose, 7)
	wantInt(t, "network thanks", net.Thanks, 1)
	wantFloat(t, "network thanks latency h", net.MedianThanksLatencyHours, 2)
	wantFloat(t, "network satisfaction", net.Satisfaction, 4.5)
	wantInt(t, "network active", net.ActivePartners, 3)

	me, err := s.Stats(ctx, bob, core.StatsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	// bob gave r1, r2, r3 (est. 5,000 + 2,000 + 1,000 = 8,000); received r4
	// (won) and r5 (declined) → RCR 50%. Revenue 1,000 (r4); business
	// generated 4,800 (r1) → reciprocity +3,800. Partners: alice, carol.
	wantInt(t, "bob given", me.Given, 3)
	wantInt64(t, "bob given estimate", me.GivenEstimate.Get("USD").Cents, 800000)
	wantInt(t, "bob received", me.Received, 2)
	wantInt(t, "bob won", me.Won, 1)
	wantFloat(t, "bob RCR", me.RCR, 50)
	wantInt64(t, "bob revenue", me.Revenue.Get("USD").Cents, 100000)
	wantInt64(t, "bob generated", me.RevenueGenerated.Get("USD").Cents, 480000)
	wantInt64(t, "bob reciprocity", me.Reciprocity.Get("USD").Cents, 380000)
	wantInt(t, "bob partners", me.ActivePartners, 2)
	wantInt(t, "bob thanks received", me.Thanks, 1)

	al, err := s.Stats(ctx, bob, core.StatsRequest{Who: &core.MemberRef{Name: "alice"}})
	if err != nil {
		t.Fatal(err)
	}
	// alice received r1, r2, r3: won 1 of 3 → 33.3%; revenue 4,800.
	wantInt(t, "alice received", al.Received, 3)
	wantFloat(t, "alice RCR", al.RCR, 100.0/3)
	wantInt64(t, "alice revenue", al.Revenue.Get("USD").Cents, 480000)
	wantInt64(t, "alice reciprocity", al.Reciprocity.Get("USD").Cents, 100000-480000)
	wantFloat(t, "alice satisfaction", al.Satisfaction, 4.5)

	// A period before anything happened is empty.
	old, err := s.Stats(ctx, bob, core.StatsRequest{Network: true, Period: "2025"})
	if err != nil {
		t.Fatal(err)
	}
	if old.Given != 0 || len(old.Revenue) != 0 || old.HasRCR {
		t.Errorf("2025 stats not empty: %+v", old)
	}
}

func wantInt(t *testing.T, name string, got, want int) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %d, want %d", name, got, want)
	}
}

func wantInt64(t *testing.T, name string, got, want int64) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %d, want %d", name, got, want)
	}
}

func wantFloat(t *testing.T, name string, got, want float64) {
	t.Helper()
	if d := got - want; d > 0.01 || d < -0.01 {
		t.Errorf("%s = %v, want %v", name, got, want)
	}
}

func TestClaim_ExpiredLeadIsRefusedEvenBeforeTheExpiryJob(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	poster, late := b.join(t, "T1", "poster"), b.join(t, "T1", "late")
	lead, err := b.svc.PostLead(ctx, poster, core.LeadInput{Need: "tax help", ExpiryDays: 2})
	if err != nil {
		t.Fatal(err)
	}
	b.clock.Add(49 * time.Hour)
	_, err = b.svc.Claim(ctx, late, lead.Code)
	wantCode(t, err, core.ECONFLICT)
	if !contains(err.Error(), "expired") {
		t.Errorf("error %q does not say the lead expired", err)
	}
}

func TestExportAndForget(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.join(t, "T1", "organiser")
	bob, alice := b.join(t, "T1", "bob"), b.join(t, "T1", "alice")
	if _, err := b.svc.SetProfile(ctx, bob, "services", []string{"websites"}); err != nil {
		t.Fatal(err)
	}
	r := b.refer(t, bob, alice, "Acme", 500000)
	if _, err := b.svc.Accept(ctx, alice, r.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Thank(ctx, alice, r.Code, "thanks bob"); err != nil {
		t.Fatal(err)
	}
	lead, err := b.svc.PostLead(ctx, bob, core.LeadInput{ClientName: "Initech", Contact: "pm@initech.example", Consent: true, Need: "tax"})
	if err != nil {
		t.Fatal(err)
	}

	x, err := b.svc.Export(ctx, bob)
	if err != nil {
		t.Fatal(err)
	}
	if x.Profile.Services != "websites" || len(x.Referrals) != 2 || len(x.Partnerships) != 1 || len(x.Thanks) != 1 {
		t.Fatalf("export: profile %q, %d referrals, %d partnerships, %d thanks", x.Profile.Services, len(x.Referrals), len(x.Partnerships), len(x.Thanks))
	}
	if x.Referrals[1].ClientContact == "" {
		t.Error("bob's own referral should carry the contact he gave")
	}

	before, err := b.svc.Stats(ctx, alice, core.StatsRequest{Network: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.svc.Forget(ctx, bob); err != nil {
		t.Fatal(err)
	}
	after, err := b.svc.Stats(ctx, alice, core.StatsRequest{Network: true})
	if err != nil {
		t.Fatal(err)
	}
	if after.Given != before.Given || after.Received != before.Received {
		t.Errorf("forgetting changed the network's counts: %+v → %+v", before, after)
	}
	d, err := b.svc.Show(ctx, alice, r.Code)
	if err != nil {
		t.Fatal(err)
	}
	if d.Referral.ReferrerName != "former member" {
		t.Errorf("referrer still named %q", d.Referral.ReferrerName)
	}
	for _, tb := range []string{"profiles"} {
		if n := b.count(t, tb); n != 0 {
			t.Errorf("%d rows left in %s", n, tb)
		}
	}
	leftovers := testenv.Count(t, b.url, `SELECT
		(SELECT count(*) FROM members WHERE display_name = 'bob' OR user_id = 'u-bob') +
		(SELECT count(*) FROM thanks WHERE message <> '' AND from_id = $1) +
		(SELECT count(*) FROM referrals WHERE code = $2 AND client_contact IS NOT NULL)`, bob.Member.ID, lead.Code)
	if leftovers != 0 {
		t.Errorf("%d pieces of bob's personal data left", leftovers)
	}
	// Using the bot again starts afresh.
	again := b.join(t, "T1", "bob")
	if again.Member.ID == bob.Member.ID {
		t.Error("a forgotten member was recognised on return")
	}
}
