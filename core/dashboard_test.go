package core_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

// dash is the dashboard's known data set: a network of five over two
// quarters, Q4 2025 and Q1 2026, with every stage, a private amount, an
// undone move, thanks, a fee and tags.
//
//	Q4 2025  R1 rita→otto Acme  #web   won USD 1,000 (confirmed), otto thanks rita
//	         R2 otto→rita Beta         contacted, meeting, lost
//	Q1 2026  R3 rita→remy Gamma        won USD 5,000 (confirmed; remy keeps amounts private)
//	         R4 rita→otto Delta        contacted, meeting, proposal (undone), lost
//	         R5 bea→otto  Eps          offered, never answered
//	         R6 otto→rita Zeta         declined
//	         R7 bea's lead      #tax   open
//	         R8 otto→bea  Eta   #web   contacted
//	         R9 rita→otto Theta        10% fee, won USD 2,000 (unconfirmed), otto thanks rita
//
// The clock then stands at 10 March 2026, noon. ada is the admin.
type dash struct {
	*bundle
	ada, rita, remy, otto, bea core.Caller
	r                          map[int]*core.Referral
}

func newDash(t *testing.T) *dash {
	t.Helper()
	d := &dash{bundle: setup(t), r: map[int]*core.Referral{}}
	ctx := context.Background()
	d.at(2025, 11, 1)
	d.ada = d.join(t, "T1", "ada")
	d.rita, d.remy, d.otto, d.bea = d.join(t, "T1", "rita"), d.join(t, "T1", "remy"), d.join(t, "T1", "otto"), d.join(t, "T1", "bea")
	d.private(t, d.remy, true)

	refer := func(n int, from, to core.Caller, client string, tags []string, fee *core.FeeTerms) *core.Referral {
		r := ok(d.svc.Refer(ctx, from, core.ReferInput{To: ref(to), ClientName: client, Contact: client + "@example.com",
			Consent: true, Need: "a new website", Tags: tags, Fee: fee}))(t)
		d.r[n] = r
		return r
	}
	step := func(who core.Caller, r *core.Referral, to core.Status, in core.AdvanceInput) {
		d.clock.Add(time.Hour)
		ok(d.svc.Advance(ctx, who, r.Code, to, in))(t)
	}
	accept := func(who core.Caller, r *core.Referral) {
		d.clock.Add(time.Hour)
		ok(d.svc.Accept(ctx, who, r.Code))(t)
	}
	won := func(who core.Caller, r *core.Referral, dollars int64) {
		step(who, r, core.StatusWon, core.AdvanceInput{Value: usd(dollars), Confirm: true})
	}

	d.at(2025, 11, 10)
	r1 := refer(1, d.rita, d.otto, "Acme", []string{"web"}, nil)
	accept(d.otto, r1)
	won(d.otto, r1, 1000)
	ok(d.svc.Thank(ctx, d.otto, r1.Code, "thank you"))(t)
	ok(d.svc.ConfirmWon(ctx, d.rita, r1.Code))(t)

	d.at(2025, 11, 12)
	r2 := refer(2, d.otto, d.rita, "Beta", nil, nil)
	accept(d.rita, r2)
	step(d.rita, r2, core.StatusContacted, core.AdvanceInput{})
	step(d.rita, r2, core.StatusMeeting, core.AdvanceInput{})
	step(d.rita, r2, core.StatusLost, core.AdvanceInput{Reason: "no budget"})

	d.at(2026, 1, 10)
	r3 := refer(3, d.rita, d.remy, "Gamma", nil, nil)
	accept(d.remy, r3)
	won(d.remy, r3, 5000)
	ok(d.svc.ConfirmWon(ctx, d.rita, r3.Code))(t)

	d.at(2026, 1, 20)
	r4 := refer(4, d.rita, d.otto, "Delta", nil, nil)
	accept(d.otto, r4)
	step(d.otto, r4, core.StatusContacted, core.AdvanceInput{})
	step(d.otto, r4, core.StatusMeeting, core.AdvanceInput{})
	step(d.otto, r4, core.StatusProposal, core.AdvanceInput{})
	ok(d.svc.Undo(ctx, d.otto, r4.Code))(t)
	step(d.otto, r4, core.StatusLost, core.AdvanceInput{Reason: "went elsewhere"})

	d.at(2026, 2, 5)
	refer(5, d.bea, d.otto, "Eps", nil, nil)

	d.at(2026, 2, 6)
	r6 := refer(6, d.otto, d.rita, "Zeta", nil, nil)
	d.clock.Add(time.Hour)
	ok(d.svc.Decline(ctx, d.rita, r6.Code, "not my field"))(t)

	d.at(2026, 2, 10)
	d.r[7] = ok(d.svc.PostLead(ctx, d.bea, core.LeadInput{Need: "bookkeeping", Tags: []string{"tax"}}))(t)

	d.at(2026, 2, 15)
	r8 := refer(8, d.otto, d.bea, "Eta", []string{"web"}, nil)
	accept(d.bea, r8)
	step(d.bea, r8, core.StatusContacted, core.AdvanceInput{})

	d.at(2026, 2, 20)
	r9 := refer(9, d.rita, d.otto, "Theta", nil, &core.FeeTerms{Kind: core.FeePercent, BasisPts: 1000})
	accept(d.otto, r9)
	won(d.otto, r9, 2000)
	ok(d.svc.Thank(ctx, d.otto, r9.Code, "thanks again"))(t)

	d.at(2026, 3, 10)
	return d
}

// at sets the clock to noon (UTC) of a day.
func (d *dash) at(y int, m time.Month, day int) {
	d.clock.mu.Lock()
	d.clock.t = time.Date(y, m, day, 12, 0, 0, 0, time.UTC)
	d.clock.mu.Unlock()
}

// codes are the dash numbers (R1 = 1) of referrals, in order.
func (d *dash) codes(rs []core.Referral) []int {
	var out []int
	for _, r := range rs {
		for n, dr := range d.r {
			if dr.Code == r.Code {
				out = append(out, n)
			}
		}
	}
	return out
}

func TestOverview_FiguresTrendFunnelGraphAndBoardOfAQuarter(t *testing.T) {
	t.Parallel()
	d := newDash(t)
	o := ok(d.svc.Overview(context.Background(), d.otto, "this-quarter"))(t)

	if o.Period.Label != "Q1 2026" || o.Stats.Given != 7 || o.Stats.Received != 6 || o.Stats.Won != 2 || o.Stats.Deals != 2 {
		t.Errorf("stats: %s given %d received %d won %d deals %d; want Q1 2026, 7, 6, 2, 2",
			o.Period.Label, o.Stats.Given, o.Stats.Received, o.Stats.Won, o.Stats.Deals)
	}
	// otto is no party to R3, whose amount is private: with two deals the
	// revenue would reveal it, so it is withheld.
	if rev := o.Stats.Revenue.Get("USD"); rev.Withheld != core.WithheldFewDeals || rev.Cents != 0 || rev.Count != 2 {
		t.Errorf("revenue for otto: %+v, want withheld over 2 deals", rev)
	}

	// The trend: eight quarters, Q2 2024 to Q1 2026, one query.
	if len(o.Trend) != 8 || o.Trend[0].Period.Label != "Q2 2024" || o.Trend[7].Period.Label != "Q1 2026" {
		t.Fatalf("trend quarters: %d, %v … %v", len(o.Trend), o.Trend[0].Period.Label, o.Trend[len(o.Trend)-1].Period.Label)
	}
	for i, p := range o.Trend[:6] {
		if p.Given+p.Received+p.Won+p.Deals != 0 || len(p.Revenue) != 0 || p.HasRCR {
			t.Errorf("trend[%d] %s: %+v, want nothing", i, p.Period.Label, p)
		}
	}
	q4, q1 := o.Trend[6], o.Trend[7]
	if q4.Period.Label != "Q4 2025" || q4.Given != 2 || q4.Received != 2 || q4.Won != 1 || q4.Deals != 1 ||
		!q4.HasRCR || q4.RCR != 50 || q4.Revenue.Get("USD").Cents != 1000_00 {
		t.Errorf("Q4 2025: %+v", q4)
	}
	if q1.Given != 7 || q1.Received != 6 || q1.Won != 2 || q1.Deals != 2 || int(q1.RCR*100) != 3333 ||
		q1.Revenue.Get("USD").Withheld != core.WithheldFewDeals {
		t.Errorf("Q1 2026 for otto: %+v", q1)
	}

	// The funnel: R4's proposal was undone, so it got as far as a meeting.
	want := []core.FunnelStep{{core.StatusOffered, 7, "introduced"}, {core.StatusAccepted, 4, "taken on"},
		{core.StatusContacted, 4, "contacted"}, {core.StatusMeeting, 3, "meeting"},
		{core.StatusProposal, 2, "proposal"}, {core.StatusWon, 2, "won"}}
	if !slices.Equal(o.Funnel, want) {
		t.Errorf("funnel:\n got %v\nwant %v", o.Funnel, want)
	}

	// The graph: who referred whom in Q1, most active first.
	id := func(c core.Caller) int64 { return c.Member.ID }
	wantNodes := []core.GraphNode{{id(d.otto), "otto", 2, 3}, {id(d.rita), "rita", 3, 1},
		{id(d.bea), "bea", 1, 1}, {id(d.remy), "remy", 0, 1}}
	if !slices.Equal(o.Graph.Nodes, wantNodes) || o.Graph.Others != 0 {
		t.Errorf("graph nodes: %v (others %d)\nwant %v", o.Graph.Nodes, o.Graph.Others, wantNodes)
	}
	wantEdges := []core.GraphEdge{{id(d.rita), id(d.otto), 2, 1}}
	for _, e := range []core.GraphEdge{{id(d.rita), id(d.remy), 1, 1}, {id(d.otto), id(d.rita), 1, 0},
		{id(d.otto), id(d.bea), 1, 0}, {id(d.bea), id(d.otto), 1, 0}} {
		wantEdges = append(wantEdges, e)
	}
	slices.SortFunc(wantEdges[1:], func(a, b core.GraphEdge) int {
		if a.From != b.From {
			return int(a.From - b.From)
		}
		return int(a.To - b.To)
	})
	if !slices.Equal(o.Graph.Edges, wantEdges) {
		t.Errorf("graph edges:\n got %v\nwant %v", o.Graph.Edges, wantEdges)
	}

	// The board counts confirmed deals: rita's R3 (R9 awaits her word).
	if g := o.Board.Givers; len(g) != 3 || g[0].Name != "rita" || g[0].Deals != 1 || g[0].Given != 3 {
		t.Errorf("board: %+v", o.Board.Givers)
	}
}

func TestOverview_APartySeesThePrivateAmountAndAnotherPeriodChangesEveryFigure(t *testing.T) {
	t.Parallel()
	d := newDash(t)
	ctx := context.Background()
	o := ok(d.svc.Overview(ctx, d.rita, "this-quarter"))(t)
	if rev := o.Stats.Revenue.Get("USD"); rev.Cents != 7000_00 || rev.Withheld != "" {
		t.Errorf("rita is party to both deals: revenue %+v, want USD 7,000", rev)
	}
	if rev := o.Trend[7].Revenue.Get("USD"); rev.Cents != 7000_00 || rev.Withheld != "" {
		t.Errorf("rita's trend for Q1: %+v, want USD 7,000", rev)
	}

	last := ok(d.svc.Overview(ctx, d.otto, "last-quarter"))(t)
	if last.Period.Label != "Q4 2025" || last.Stats.Given != 2 || last.Stats.Revenue.Get("USD").Cents != 1000_00 {
		t.Errorf("last quarter: %s given %d revenue %+v", last.Period.Label, last.Stats.Given, last.Stats.Revenue)
	}
	// The trend ends with the quarter holding the period's end.
	if tr := last.Trend; tr[7].Period.Label != "Q4 2025" || tr[0].Period.Label != "Q1 2024" {
		t.Errorf("last quarter's trend: %s … %s", tr[0].Period.Label, tr[7].Period.Label)
	}
	// R2 was lost after a meeting.
	want := []int{2, 2, 2, 2, 1, 1}
	var got []int
	for _, s := range last.Funnel {
		got = append(got, s.Count)
	}
	if !slices.Equal(got, want) {
		t.Errorf("last quarter's funnel %v, want %v", got, want)
	}

	all := ok(d.svc.Overview(ctx, d.otto, "all"))(t)
	if all.Stats.Given != 9 || all.Stats.Deals != 3 || all.Funnel[0].Count != 9 || all.Funnel[5].Count != 3 {
		t.Errorf("all time: given %d deals %d funnel %v", all.Stats.Given, all.Stats.Deals, all.Funnel)
	}

	if _, err := d.svc.Overview(ctx, d.otto, "someday"); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("an unknown period: %v, want EINVALID", err)
	}
}

func TestGraph_KeepsTheMostActiveAndCountsTheOthers(t *testing.T) {
	t.Parallel()
	d := newDash(t)
	ctx := context.Background()
	p := ok(core.ParsePeriod("2026-Q1", d.clock.Now(), time.UTC))(t)
	var g core.Graph
	err := d.db.InTx(ctx, func(tx core.Tx) (err error) {
		g, err = tx.Graph(ctx, d.otto.Workspace.ID, p, 2, d.clock.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Nodes) != 2 || g.Nodes[0].Name != "otto" || g.Nodes[1].Name != "rita" || g.Others != 2 {
		t.Errorf("nodes %v, others %d; want otto and rita, 2 others", g.Nodes, g.Others)
	}
	want := []core.GraphEdge{{d.rita.Member.ID, d.otto.Member.ID, 2, 1}, {d.otto.Member.ID, d.rita.Member.ID, 1, 0}}
	if !slices.Equal(g.Edges, want) {
		t.Errorf("edges %v, want %v (only between the members kept)", g.Edges, want)
	}
}

func TestMemberPage_FiguresPartnersAndThanksAsTheViewerMaySee(t *testing.T) {
	t.Parallel()
	d := newDash(t)
	ctx := context.Background()

	own := ok(d.svc.MemberPage(ctx, d.rita, d.rita.Member.ID, "this-quarter"))(t)
	if !own.Self || own.Member.DisplayName != "rita" || own.Stats.Given != 3 || own.Stats.Received != 1 {
		t.Errorf("rita's own page: self %v given %d received %d", own.Self, own.Stats.Given, own.Stats.Received)
	}
	if g := own.Stats.RevenueGenerated.Get("USD"); g.Cents != 7000_00 || own.Stats.PrivateLeftOut != 0 {
		t.Errorf("rita sees what she generated: %+v (left out %d), want USD 7,000", g, own.Stats.PrivateLeftOut)
	}
	if own.ThanksReceived != 1 || own.ThanksGiven != 0 {
		t.Errorf("thanks in Q1: given %d received %d, want 0 and 1", own.ThanksGiven, own.ThanksReceived)
	}

	seen := ok(d.svc.MemberPage(ctx, d.otto, d.rita.Member.ID, "this-quarter"))(t)
	if g := seen.Stats.RevenueGenerated.Get("USD"); seen.Self || g.Cents != 2000_00 || seen.Stats.PrivateLeftOut != 1 {
		t.Errorf("otto's view of rita: self %v generated %+v left out %d; want USD 2,000 and R3 left out",
			seen.Self, g, seen.Stats.PrivateLeftOut)
	}

	all := ok(d.svc.MemberPage(ctx, d.otto, d.rita.Member.ID, "all"))(t)
	if all.ThanksReceived != 2 || all.Stats.Given != 4 {
		t.Errorf("all time: thanks received %d given %d, want 2 and 4", all.ThanksReceived, all.Stats.Given)
	}
	// rita's partners: otto (all time: she gave R1, R4, R9; he gave R2,
	// R6), last touched by his thanks on 20 February, due again 30 days
	// later; and remy (R3), last touched on 10 January, overdue since.
	byName := map[string]core.PartnerView{}
	for _, p := range all.Partners {
		byName[p.Partner.DisplayName] = p
	}
	if len(all.Partners) != 2 {
		t.Fatalf("partners: %+v, want otto and remy", all.Partners)
	}
	if o := byName["otto"]; o.Given != 3 || o.Received != 2 || o.Overdue ||
		!o.NextDue.Equal(o.LastTouch.AddDate(0, 0, 30)) || o.LastTouch.Before(time.Date(2026, 2, 20, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("otto as rita's partner: %+v", o)
	}
	if r := byName["remy"]; r.Given != 1 || r.Received != 0 || !r.Overdue {
		t.Errorf("remy as rita's partner: %+v", r)
	}
	if all.Partners[0].Partner.DisplayName != "remy" {
		t.Errorf("the partner due first comes first: %s", all.Partners[0].Partner.DisplayName)
	}
}

func TestMemberPage_ARemovedMemberHasNone(t *testing.T) {
	t.Parallel()
	d := newDash(t)
	ctx := context.Background()
	ok(d.svc.Configure(ctx, d.ada, "remove", []string{"bea"}))(t)
	_, err := d.svc.MemberPage(ctx, d.rita, d.bea.Member.ID, "")
	if core.ErrorCode(err) != core.ENOTFOUND || core.ErrorMessage(err) == "" {
		t.Fatalf("a removed member's page: %v, want ENOTFOUND", err)
	}
	if _, err := d.svc.MemberPage(ctx, d.rita, 999999, ""); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("an unknown member's page: %v, want ENOTFOUND", err)
	}
	// otto no longer lists bea among his partners.
	page := ok(d.svc.MemberPage(ctx, d.otto, d.otto.Member.ID, ""))(t)
	for _, p := range page.Partners {
		if p.Partner.ID == d.bea.Member.ID {
			t.Errorf("a removed member is still listed as a partner: %+v", p)
		}
	}
}

func TestReferrals_ANonPartySeesNoClientDetailsNorPrivateAmounts(t *testing.T) {
	t.Parallel()
	d := newDash(t)
	ctx := context.Background()
	q := core.ReferralQuery{Period: "this-quarter"}
	page := ok(d.svc.Referrals(ctx, d.otto, q))(t)
	if got := d.codes(page.Referrals); !slices.Equal(got, []int{9, 8, 7, 6, 5, 4, 3}) || page.Total != 7 {
		t.Fatalf("otto's Q1 list: %v (total %d), want R9 to R3, newest first", got, page.Total)
	}
	byN := map[int]core.Referral{}
	for i, n := range d.codes(page.Referrals) {
		byN[n] = page.Referrals[i]
	}
	if r := byN[3]; r.ClientName != "" || r.ClientContact != "" || r.WonValue.Cents != 0 || !r.AmountsHidden {
		t.Errorf("R3 to otto, no party: %+v", r)
	}
	if r := byN[6]; r.DeclineReason != "not my field" || r.ClientName != "Zeta" {
		t.Errorf("R6 is otto's: he sees it whole: %+v", r)
	}
	if r := byN[9]; r.ClientName != "Theta" || r.WonValue.Cents != 2000_00 {
		t.Errorf("R9 is otto's: %+v", r)
	}
	if page.Names[d.remy.Member.ID] != "remy" || page.Names[d.bea.Member.ID] != "bea" {
		t.Errorf("names: %v", page.Names)
	}

	// The referrer of R3 sees it all; the admin sees the client, not the
	// private amount.
	rita := ok(d.svc.Referrals(ctx, d.rita, q))(t)
	if r := rita.Referrals[6]; r.ClientName != "Gamma" || r.WonValue.Cents != 5000_00 {
		t.Errorf("R3 to rita: %+v", r)
	}
	ada := ok(d.svc.Referrals(ctx, d.ada, q))(t)
	if r := ada.Referrals[6]; r.ClientName != "Gamma" || r.WonValue.Cents != 0 || !r.AmountsHidden {
		t.Errorf("R3 to the admin: %+v", r)
	}
	// bea's lead, to anyone: no amounts to hide, the need and tags shown.
	if r := byN[7]; r.Need != "bookkeeping" || !slices.Equal(r.Tags, []string{"tax"}) {
		t.Errorf("R7: %+v", r)
	}
}

func TestReferrals_FiltersAndPages(t *testing.T) {
	t.Parallel()
	d := newDash(t)
	ctx := context.Background()
	list := func(q core.ReferralQuery) ([]int, int) {
		t.Helper()
		page := ok(d.svc.Referrals(ctx, d.otto, q))(t)
		return d.codes(page.Referrals), page.Total
	}
	for _, c := range []struct {
		name  string
		q     core.ReferralQuery
		want  []int
		total int
	}{
		{"won, all time", core.ReferralQuery{Stages: []core.Status{core.StatusWon}}, []int{9, 3, 1}, 3},
		{"lost or declined", core.ReferralQuery{Stages: []core.Status{core.StatusLost, core.StatusDeclined}}, []int{6, 4, 2}, 3},
		{"bea a party", core.ReferralQuery{PartnerID: d.bea.Member.ID}, []int{8, 7, 5}, 3},
		{"tag #web", core.ReferralQuery{Tag: "#Web"}, []int{8, 1}, 2},
		{"last quarter", core.ReferralQuery{Period: "last-quarter"}, []int{2, 1}, 2},
		{"rita, won, Q1", core.ReferralQuery{Period: "2026-Q1", PartnerID: d.rita.Member.ID, Stages: []core.Status{core.StatusWon}}, []int{9, 3}, 2},
		{"page 1 of 3", core.ReferralQuery{PageSize: 4}, []int{9, 8, 7, 6}, 9},
		{"page 3 of 3", core.ReferralQuery{PageSize: 4, Page: 3}, []int{1}, 9},
		{"every match on a page", core.ReferralQuery{PageSize: core.MaxReferralPageSize}, []int{9, 8, 7, 6, 5, 4, 3, 2, 1}, 9},
		{"nothing", core.ReferralQuery{Tag: "gardening"}, nil, 0},
	} {
		if got, total := list(c.q); !slices.Equal(got, c.want) || total != c.total {
			t.Errorf("%s: %v (total %d), want %v (total %d)", c.name, got, total, c.want, c.total)
		}
	}

	for _, c := range []struct {
		name string
		q    core.ReferralQuery
		code string
	}{
		{"past the last page", core.ReferralQuery{PageSize: 4, Page: 4}, core.EINVALID},
		{"page 2 of nothing", core.ReferralQuery{Tag: "gardening", Page: 2}, core.EINVALID},
		{"page -1", core.ReferralQuery{Page: -1}, core.EINVALID},
		{"page size 10000", core.ReferralQuery{PageSize: 10000}, core.EINVALID},
		{"every match at once (the CSV streams them)", core.ReferralQuery{PageSize: -1}, core.EINVALID},
		{"unknown stage", core.ReferralQuery{Stages: []core.Status{"signed"}}, core.EINVALID},
		{"unknown period", core.ReferralQuery{Period: "someday"}, core.EINVALID},
		{"unknown partner", core.ReferralQuery{PartnerID: 999999}, core.ENOTFOUND},
	} {
		_, err := d.svc.Referrals(ctx, d.otto, c.q)
		var e *core.Error
		if core.ErrorCode(err) != c.code || !errors.As(err, &e) || e.Hint == "" {
			t.Errorf("%s: %v, want %s with a hint", c.name, err, c.code)
		}
	}
}

func TestReferral_TheTimelineHidesNotesAndPrivateAmountsFromNonParties(t *testing.T) {
	t.Parallel()
	d := newDash(t)
	ctx := context.Background()
	det := ok(d.svc.Show(ctx, d.bea, d.r[4].Code))(t)
	if det.Referral.ClientName != "" || det.Referral.LostReason != "" {
		t.Errorf("R4 to bea: %+v", det.Referral)
	}
	for _, e := range det.Events {
		if e.Note != "" {
			t.Errorf("bea reads a note of R4's timeline: %+v", e)
		}
	}
	det = ok(d.svc.Show(ctx, d.ada, d.r[3].Code))(t)
	if det.Referral.WonValue.Cents != 0 || !det.Referral.AmountsHidden || det.Referral.ClientName != "Gamma" {
		t.Errorf("R3 to the admin: %+v", det.Referral)
	}
}

func TestAdminPage_HealthFlagsFeesAndUndeliveredForAdminsOnly(t *testing.T) {
	t.Parallel()
	d := newDash(t)
	ctx := context.Background()
	if _, err := d.svc.AdminPage(ctx, d.rita, ""); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("rita asks for the admin page: %v, want EFORBIDDEN", err)
	}
	// Two messages failed: the first one queued, and one that showed R3's
	// won value, private to its parties, to rita.
	d.exec(t, `UPDATE outbox SET status = 'failed', last_error = 'channel_not_found'
		WHERE id = (SELECT min(id) FROM outbox WHERE workspace_id = $1)
			OR id = (SELECT max(id) FROM outbox WHERE workspace_id = $1 AND (payload->'referral'->>'code')::bigint = $2
				AND (payload->'referral'->'won_value'->>'cents')::bigint > 0)`,
		d.ada.Workspace.ID, int64(d.r[3].Code))

	page := ok(d.svc.AdminPage(ctx, d.ada, ""))(t)
	h := page.Health
	// Given in the last 30 days: R7, R8, R9; the 30 before: R3 to R6.
	if h.Last30 != 3 || h.Previous30 != 4 || h.Falling() {
		t.Errorf("health volume: %d against %d (falling %v), want 3 against 4, not falling", h.Last30, h.Previous30, h.Falling())
	}
	if !slices.Equal(h.OnlyTake, []string{"remy"}) || !slices.Equal(h.GoneQuiet, []string{"ada"}) ||
		!slices.Equal(h.NoAnswer, []string{"otto"}) || len(h.Flags) != 0 {
		t.Errorf("health: only take %v, gone quiet %v, no answer %v, flags %v", h.OnlyTake, h.GoneQuiet, h.NoAnswer, h.Flags)
	}
	if page.Flags == nil || len(page.Flags.Flags) != 0 {
		t.Errorf("flags: %+v", page.Flags)
	}
	// R9's 10% fee awaits rita's confirmation of the won value.
	if f := page.Fees; len(f.Fees) != 1 || f.Fees[0].Referral.Code != d.r[9].Code || f.Fees[0].Amount != usd(200) || !f.Everyone {
		t.Errorf("fees: %+v", f)
	}
	if len(page.Undelivered) != 2 {
		t.Fatalf("undelivered: %d, want 2", len(page.Undelivered))
	}
	if r := page.Undelivered[0].Referral; r == nil || r.Code != d.r[3].Code || r.WonValue.Cents != 0 || !r.AmountsHidden {
		t.Errorf("the undelivered message about R3 shows the admin its private amount: %+v", r)
	}
	// Another period: no fee on a deal won in Q4 2025.
	if last := ok(d.svc.AdminPage(ctx, d.ada, "last-quarter"))(t); len(last.Fees.Fees) != 0 || last.Period.Label != "Q4 2025" {
		t.Errorf("last quarter's fees: %+v", last.Fees.Fees)
	}
}
