package core_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

// network joins an admin and members to a team of their own, with a fee
// policy, and returns them (the admin first) fresh from Join.
func (b *bundle) network(t testing.TB, team, fee string, names ...string) []core.Caller {
	t.Helper()
	admin := b.join(t, team, "admin-"+team)
	if _, err := b.svc.Configure(context.Background(), admin, "fee", []string{fee}); err != nil {
		t.Fatal(err)
	}
	cs := []core.Caller{b.join(t, team, "admin-"+team)}
	for _, n := range names {
		cs = append(cs, b.join(t, team, n))
	}
	return cs
}

func (b *bundle) flags(t testing.TB, admin core.Caller, period string) *core.FlagReport {
	t.Helper()
	rep, err := b.svc.Flags(context.Background(), admin, period)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// referTurns has from refer n clients, an hour apart, to each of to in
// turn.
func (b *bundle) referTurns(t testing.TB, from core.Caller, n int, to ...core.Caller) []*core.Referral {
	t.Helper()
	var rs []*core.Referral
	for i := range n {
		b.clock.Add(time.Hour)
		rs = append(rs, b.refer(t, from, to[i%len(to)], fmt.Sprint("Client ", i), 0))
	}
	return rs
}

func codes(rs ...*core.Referral) []core.Code {
	var cs []core.Code
	for _, r := range rs {
		cs = append(cs, r.Code)
	}
	return cs
}

func only(t testing.TB, rep *core.FlagReport, kind core.FlagKind) []core.Flag {
	t.Helper()
	var out []core.Flag
	for _, f := range rep.Flags {
		if f.Kind == kind {
			out = append(out, f)
		}
	}
	return out
}

func TestFlags_RingsWithFeesWithin90DaysNamedByTheirCodes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	n := b.network(t, "T1", "10%", "amy", "ben", "cat", "dan", "eve")
	admin, amy, ben, cat, dan, eve := n[0], n[1], n[2], n[3], n[4], n[5]
	ab := b.refer(t, amy, ben, "Client One", 0)
	b.clock.Add(24 * time.Hour)
	ba := b.refer(t, ben, amy, "Client Two", 0)
	cd := b.refer(t, cat, dan, "Client Three", 0)
	de := b.refer(t, dan, eve, "Client Four", 0)
	b.clock.Add(80 * 24 * time.Hour)
	ec := b.refer(t, eve, cat, "Client Five", 0)
	b.clock.Add(30 * 24 * time.Hour)
	b.refer(t, amy, cat, "Client Six", 0)
	b.refer(t, cat, amy, "Client Seven", 0)
	// A loop whose steps are more than 90 days apart is no ring.
	b.refer(t, amy, dan, "Client Eight", 0)
	b.clock.Add(91 * 24 * time.Hour)
	b.refer(t, dan, amy, "Client Nine", 0)
	rings := only(t, b.flags(t, admin, "all"), core.FlagRing)
	want := map[string][]core.Code{"amy ben": codes(ab, ba), "cat dan eve": codes(cd, de, ec), "amy cat": nil}
	if len(rings) != len(want) {
		t.Fatalf("rings: %+v; want %d", rings, len(want))
	}
	for _, f := range rings {
		key := fmt.Sprint(f.Members)
		key = key[1 : len(key)-1]
		w, ok := want[key]
		if !ok || w != nil && !slices.Equal(f.Codes, w) {
			t.Errorf("ring %v with %v; want one of %v", f.Members, f.Codes, want)
		}
		if f.ID != core.FlagID(f.Key) || len(f.ID) != 8 {
			t.Errorf("flag ID %q of %q", f.ID, f.Key)
		}
	}
	// The default period is the last 90 days: the old rings are gone.
	if rings := only(t, b.flags(t, admin, ""), core.FlagRing); len(rings) != 0 {
		t.Errorf("rings of the last 90 days: %+v", rings)
	}
	if rings := only(t, b.flags(t, admin, "200d"), core.FlagRing); len(rings) != 1 || fmt.Sprint(rings[0].Members) != "[amy cat]" {
		t.Errorf("rings of the last 200 days: %+v", rings)
	}

	// Without fees there is nothing to farm.
	m := b.network(t, "T2", "none", "amy", "ben")
	b.refer(t, m[1], m[2], "Client", 0)
	b.refer(t, m[2], m[1], "Client", 0)
	if rings := only(t, b.flags(t, m[0], "all"), core.FlagRing); len(rings) != 0 {
		t.Errorf("a loop without fees flagged: %+v", rings)
	}

	// Only admins see flags; another workspace's never show.
	if _, err := b.svc.Flags(ctx, amy, ""); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Errorf("a member asking for flags: %v", err)
	}
	for _, f := range b.flags(t, m[0], "all").Flags {
		if slices.Contains(f.Codes, ab.Code) && f.Kind == core.FlagRing && slices.Contains(f.Members, "ben") && len(f.Members) > 2 {
			t.Errorf("T2 sees T1's flag %+v", f)
		}
	}
}

// A ring's evidence is every referral of a window of 90 days that holds
// a referral of each step; one outside every such window is not.
func TestFlags_RingEvidenceIsWhatLiesInAWindowOfEveryStep(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.network(t, "T1", "10%", "amy", "ben")
	admin, amy, ben := n[0], n[1], n[2]
	day0 := b.refer(t, amy, ben, "Client One", 0)
	b.clock.Add(10 * 24 * time.Hour)
	day10 := b.refer(t, ben, amy, "Client Two", 0)
	b.clock.Add(40 * 24 * time.Hour)
	day50 := b.refer(t, amy, ben, "Client Three", 0)
	b.clock.Add(45 * 24 * time.Hour)
	day95 := b.refer(t, amy, ben, "Client Four", 0) // in the window from day 10 (ben→amy, then amy→ben on day 50)
	b.clock.Add(105 * 24 * time.Hour)
	b.refer(t, amy, ben, "Client Five", 0) // day 200: no ben→amy within 90 days of it, nor before it within a window
	rings := only(t, b.flags(t, admin, "all"), core.FlagRing)
	if len(rings) != 1 {
		t.Fatalf("rings: %+v; want one", rings)
	}
	if want := codes(day0, day10, day50, day95); !slices.Equal(rings[0].Codes, want) || rings[0].Count != len(want) {
		t.Errorf("ring evidence %v (count %d); want %v", rings[0].Codes, rings[0].Count, want)
	}
}

func TestFlags_SameClientByNameOrContactThreeTimes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	n := b.network(t, "T1", "none", "amy", "ben", "cat")
	admin, amy, ben, cat := n[0], n[1], n[2], n[3]
	one := b.refer(t, amy, ben, "Acme Inc.", 0)
	two := b.refer(t, cat, ben, "ACME", 0)
	r3, err := b.svc.Refer(ctx, ben, core.ReferInput{To: ref(amy), ClientName: "Jane Doe", Contact: "Jane@Acme.example",
		Consent: true, Need: "a website"})
	if err != nil {
		t.Fatal(err)
	}
	r4, err := b.svc.Refer(ctx, cat, core.ReferInput{To: ref(amy), ClientName: "J. Doe", Contact: " jane@acme.example",
		Consent: true, Need: "a website"})
	if err != nil {
		t.Fatal(err)
	}
	if got := only(t, b.flags(t, admin, ""), core.FlagSameClient); len(got) != 0 {
		t.Fatalf("flagged before the third time: %+v", got)
	}
	three := b.refer(t, amy, cat, "acme, inc", 0)
	r5, err := b.svc.Refer(ctx, amy, core.ReferInput{To: ref(ben), ClientName: "Doe Jane", Contact: "JANE@acme.example",
		Consent: true, Need: "a website"})
	if err != nil {
		t.Fatal(err)
	}
	got := only(t, b.flags(t, admin, ""), core.FlagSameClient)
	if len(got) != 2 || !slices.Equal(got[0].Codes, codes(one, two, three)) || !slices.Equal(got[1].Codes, codes(r3, r4, r5)) {
		t.Fatalf("same-client flags: %+v", got)
	}
	for _, f := range got {
		for _, s := range []string{"acme", "jane"} {
			if strings.Contains(strings.ToLower(f.Key), s) {
				t.Errorf("a flag's key holds the client: %q", f.Key)
			}
		}
	}
}

func TestDailyCap_RefusesTheReferralPastItAndIsFlagged(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	n := b.network(t, "T1", "none", "amy", "ben")
	admin, amy, ben := n[0], n[1], n[2]
	if _, err := b.svc.Configure(ctx, admin, "daily-cap", []string{"eleven"}); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("a daily cap of eleven: %v", err)
	}
	if _, err := b.svc.Configure(ctx, admin, "daily-cap", []string{"3"}); err != nil {
		t.Fatal(err)
	}
	// the settings as the next command reads them
	admin, amy = b.join(t, "T1", "admin-T1"), b.join(t, "T1", "amy")
	var given []*core.Referral
	for i := range 3 {
		given = append(given, b.refer(t, amy, ben, fmt.Sprint("Client ", i), 0))
	}
	_, err := b.svc.PostLead(ctx, amy, core.LeadInput{Need: "a fourth one"})
	wantCode(t, err, core.ECONFLICT)
	if _, err := b.svc.Refer(ctx, amy, core.ReferInput{To: ref(ben), ClientName: "Four", Need: "a website"}); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("the 4th referral of the day: %v", err)
	}
	if got := b.count(t, "referrals"); got != 3 {
		t.Fatalf("%d referrals stored, want 3", got)
	}
	b.refer(t, ben, amy, "Ben's own", 0) // the cap is per member
	capped := only(t, b.flags(t, admin, ""), core.FlagDailyCap)
	if len(capped) != 1 || !slices.Equal(capped[0].Codes, codes(given...)) || capped[0].Members[0] != "amy" || capped[0].Cap != 3 ||
		capped[0].Day != "2026-03-02" {
		t.Fatalf("daily-cap flags: %+v", capped)
	}
	b.clock.Add(24 * time.Hour) // a new day
	b.refer(t, amy, ben, "Next day", 0)
	if _, err := b.svc.Configure(ctx, admin, "daily-cap", []string{"off"}); err != nil {
		t.Fatal(err)
	}
	admin = b.join(t, "T1", "admin-T1")
	if got := only(t, b.flags(t, admin, ""), core.FlagDailyCap); len(got) != 0 {
		t.Errorf("daily-cap flags with no cap: %+v", got)
	}
}

func TestFlags_NeverConvertsAfterTenReceivedAndNoneWon(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	n := b.network(t, "T1", "none", "amy", "ben", "cat")
	admin, amy, ben, cat := n[0], n[1], n[2], n[3]
	rs := b.referTurns(t, amy, 10, ben, cat)
	b.svc.PostLead(ctx, amy, core.LeadInput{Need: "an unclaimed lead"}) // not received: doesn't count
	got := only(t, b.flags(t, admin, ""), core.FlagNeverConverts)
	if len(got) != 1 || got[0].Members[0] != "amy" || !slices.Equal(got[0].Codes, codes(rs...)) {
		t.Fatalf("never-converts flags: %+v", got)
	}
	b.win(t, ben, rs[0], 100_00)
	if got := only(t, b.flags(t, admin, ""), core.FlagNeverConverts); len(got) != 0 {
		t.Errorf("flagged after a win: %+v", got)
	}
}

func TestFlags_ADismissedFlagStaysDismissedUntilNewEvidence(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	n := b.network(t, "T1", "10%", "amy", "ben")
	admin, amy, ben := n[0], n[1], n[2]
	b.refer(t, amy, ben, "One", 0)
	b.refer(t, ben, amy, "Two", 0)
	rep := b.flags(t, admin, "")
	if len(rep.Flags) != 1 {
		t.Fatalf("flags: %+v", rep.Flags)
	}
	id := rep.Flags[0].ID
	_, err := b.svc.DismissFlag(ctx, amy, id, "we're friends")
	wantCode(t, err, core.EFORBIDDEN)
	_, err = b.svc.DismissFlag(ctx, admin, id, " ")
	wantCode(t, err, core.EINVALID)
	_, err = b.svc.DismissFlag(ctx, admin, "F-000000", "no such flag")
	wantCode(t, err, core.ENOTFOUND)
	_, err = b.svc.DismissFlag(ctx, admin, "nonsense", "no such flag")
	wantCode(t, err, core.EINVALID)
	f, err := b.svc.DismissFlag(ctx, admin, "f-"+id[2:], "partners for years; the fees are agreed")
	if err != nil || f.Dismissed == nil || f.Dismissed.By != "admin-T1" {
		t.Fatalf("dismiss: %+v, %v", f, err)
	}
	if rep := b.flags(t, admin, ""); len(rep.Flags) != 0 || rep.Dismissed != 1 {
		t.Fatalf("after dismissal: %+v", rep)
	}
	// Stored: a new service over the same database agrees.
	again := core.NewService(b.db, core.Options{Now: b.clock.Now})
	if rep, _ := again.Flags(ctx, admin, "all"); len(rep.Flags) != 0 {
		t.Fatalf("after a restart: %+v", rep.Flags)
	}
	// New evidence raises it again, saying it was dismissed and why.
	third := b.refer(t, amy, ben, "Three", 0)
	rep = b.flags(t, admin, "")
	if len(rep.Flags) != 1 || rep.Flags[0].ID != id || rep.Flags[0].Dismissed == nil ||
		rep.Flags[0].Dismissed.Reason != "partners for years; the fees are agreed" || !slices.Contains(rep.Flags[0].Codes, third.Code) {
		t.Fatalf("after new evidence: %+v", rep.Flags)
	}
}

func TestNetworkHealth_ListsOpenFlagsForAdmins(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	n := b.network(t, "T1", "10%", "amy", "ben")
	admin, amy, ben := n[0], n[1], n[2]
	b.refer(t, amy, ben, "One", 0)
	b.refer(t, ben, amy, "Two", 0)
	at := b.clock.Now().Add(time.Hour)
	if res, err := b.svc.RunJob(ctx, core.JobHealth, b.workspace(t, admin), at, at); err != nil || res.Notices != 1 {
		t.Fatalf("health: %+v, %v", res, err)
	}
	ns, err := b.db.ClaimNotices(ctx, core.Slack, 10, at.Add(time.Hour), time.Minute)
	ns = slices.DeleteFunc(ns, func(n core.Notice) bool { return n.Kind != core.NoticeHealth })
	if err != nil || len(ns) != 1 || ns[0].Health == nil || len(ns[0].Health.Flags) != 1 || ns[0].Health.Flags[0].Kind != core.FlagRing ||
		ns[0].To.MemberID != admin.Member.ID {
		t.Fatalf("health notice: %+v, %v", ns, err)
	}
}

func TestFlags_NameTheNewestCodesCountAllAndANewOneRaisesADismissedFlagAgain(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	n := b.network(t, "T1", "none", "amy", "ben", "cat")
	admin, amy, ben, cat := n[0], n[1], n[2], n[3]
	rs := b.referTurns(t, amy, core.FlagCodesKept+3, ben, cat)
	got := only(t, b.flags(t, admin, ""), core.FlagNeverConverts)
	if len(got) != 1 || got[0].Evidence() != len(rs) || !slices.Equal(got[0].Codes, codes(rs[3:]...)) {
		t.Fatalf("never-converts flags: %+v, want %d referrals naming the newest %d", got, len(rs), core.FlagCodesKept)
	}
	all, err := b.svc.AdminFlags(ctx, admin, "")
	if err != nil || len(all.Flags) != 1 || !slices.Equal(all.Flags[0].Codes, codes(rs...)) {
		t.Fatalf("every code for the CSV: %+v, %v", all, err)
	}
	if _, err := b.svc.AdminFlags(ctx, amy, ""); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Errorf("amy asks for every flag's codes: %v, want EFORBIDDEN", err)
	}
	if _, err := b.svc.DismissFlag(ctx, admin, got[0].ID, "new in the network"); err != nil {
		t.Fatal(err)
	}
	if rep := b.flags(t, admin, ""); len(rep.Flags) != 0 || rep.Dismissed != 1 {
		t.Fatalf("after dismissal: %+v", rep)
	}
	b.clock.Add(time.Hour)
	next := b.refer(t, amy, ben, "Client next", 0)
	got = only(t, b.flags(t, admin, ""), core.FlagNeverConverts)
	if len(got) != 1 || got[0].Dismissed == nil || got[0].Evidence() != len(rs)+1 || got[0].Codes[len(got[0].Codes)-1] != next.Code {
		t.Fatalf("after new evidence: %+v", got)
	}
}
