package web

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

// A small network of freelancers in Q3 2026, as the read models would
// give it to the pages: the fixed figures every page test checks.

var (
	ws = core.Workspace{ID: 7, Name: "Northside Freelancers", Settings: core.Settings{Currency: "USD", TimeZone: "Europe/Berlin"}}

	alice = core.Member{ID: 11, WorkspaceID: 7, DisplayName: "alice", Role: core.RoleAdmin, Status: core.MemberActive}
	bob   = core.Member{ID: 12, WorkspaceID: 7, DisplayName: "bob", Role: core.RoleMember, Status: core.MemberActive}
	carol = core.Member{ID: 13, WorkspaceID: 7, DisplayName: "carol", Role: core.RoleMember, Status: core.MemberActive}
	dan   = core.Member{ID: 14, WorkspaceID: 7, DisplayName: "dan", Role: core.RoleMember, Status: core.MemberActive}
	erin  = core.Member{ID: 15, WorkspaceID: 7, DisplayName: "erin", Role: core.RoleMember, Status: core.MemberActive}
	farid = core.Member{ID: 16, WorkspaceID: 7, DisplayName: "farid", Role: core.RoleMember, Status: core.MemberActive}
)

func at(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }

func quarter(y, q int) core.Period {
	return core.QuarterOf(time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC))
}

func usd(cents int64, count int) core.Amount {
	return core.Amount{Currency: "USD", Cents: cents, Count: count}
}

func fakeOverview() *core.Overview {
	q3 := quarter(2026, 3)
	return &core.Overview{
		Period: q3,
		Stats: &core.Stats{Period: q3, Currency: "USD", Given: 42, Received: 37, TakenOn: 31, Won: 12, Lost: 6, InProgress: 13,
			GivenEstimate: core.Amounts{usd(21200000, 30), {Currency: "EUR", Cents: 1800000, Count: 2}},
			RCR:           32.43, HasRCR: true,
			Revenue:           core.Amounts{usd(8640000, 11), {Currency: "EUR", Count: 1, Private: 1, Withheld: core.WithheldFewDeals}},
			Deals:             12,
			AvgDeal:           core.Amounts{usd(785455, 11), {Currency: "EUR", Count: 1, Private: 1, Withheld: core.WithheldFewDeals}},
			MedianDaysToClose: 23.5, HasMedianDays: true, ActivePartners: 6, Thanks: 9,
			MedianThanksLatencyHours: 18.4, HasThanksLatency: true, Satisfaction: 4.6, SatisfactionN: 8,
			ByPartner: []core.PartnerStats{
				{MemberID: 11, Name: "alice", Given: 14, Received: 6, GivenWonValue: core.Amounts{usd(3200000, 4)}, ReceivedWonValue: core.Amounts{usd(900000, 1)}, Thanks: 3},
				{MemberID: 12, Name: "bob", Given: 9, Received: 12, GivenWonValue: core.Amounts{usd(1850000, 3)}, ReceivedWonValue: core.Amounts{usd(4140000, 5)}, Thanks: 2},
				{MemberID: 13, Name: "carol", Given: 8, Received: 7, GivenWonValue: core.Amounts{usd(2100000, 3)}, Thanks: 2},
				{MemberID: 14, Name: "dan", Given: 6, Received: 5, ReceivedWonValue: core.Amounts{usd(1300000, 2)}, Thanks: 1},
				{MemberID: 15, Name: "erin", Given: 3, Received: 7, GivenWonValue: core.Amounts{usd(1490000, 1)}, ReceivedWonValue: core.Amounts{usd(2300000, 3)}, Thanks: 1},
				{MemberID: 16, Name: "farid", Given: 2, Received: 0},
			},
			PrivateLeftOut: 1,
		},
		Trend: []core.TrendPoint{
			{Period: quarter(2025, 4), Given: 21, Won: 5, RCR: 27.8, HasRCR: true, Revenue: core.Amounts{usd(3150000, 5)}},
			{Period: quarter(2026, 1), Given: 28, Won: 7, RCR: 29.2, HasRCR: true, Revenue: core.Amounts{usd(4420000, 7)}},
			{Period: quarter(2026, 2), Given: 35, Won: 9, RCR: 30, HasRCR: true, Revenue: core.Amounts{usd(6105000, 8), {Currency: "EUR", Cents: 1250050, Count: 1}}},
			{Period: q3, Given: 42, Won: 12, RCR: 32.43, HasRCR: true, Revenue: core.Amounts{usd(8640000, 11), {Currency: "EUR", Count: 1, Private: 1, Withheld: core.WithheldFewDeals}}},
		},
		Funnel: []core.FunnelStep{{Stage: core.StatusOffered, Count: 42}, {Stage: core.StatusAccepted, Count: 31},
			{Stage: core.StatusContacted, Count: 26}, {Stage: core.StatusMeeting, Count: 19}, {Stage: core.StatusProposal, Count: 15},
			{Stage: core.StatusWon, Count: 12}},
		Graph: core.Graph{
			Nodes: []core.GraphNode{{MemberID: 11, Name: "alice", Given: 14, Received: 6}, {MemberID: 12, Name: "bob", Given: 9, Received: 12},
				{MemberID: 13, Name: "carol", Given: 8, Received: 7}, {MemberID: 14, Name: "dan", Given: 6, Received: 5},
				{MemberID: 15, Name: "erin", Given: 3, Received: 7}, {MemberID: 16, Name: "farid", Given: 2, Received: 0}},
			Edges: []core.GraphEdge{{From: 11, To: 12, Count: 7, Won: 3}, {From: 12, To: 11, Count: 4, Won: 1}, {From: 11, To: 15, Count: 5, Won: 2},
				{From: 13, To: 12, Count: 5, Won: 2}, {From: 14, To: 13, Count: 4, Won: 1}, {From: 12, To: 14, Count: 5, Won: 2},
				{From: 15, To: 13, Count: 3, Won: 1}, {From: 16, To: 12, Count: 2, Won: 0}, {From: 13, To: 11, Count: 2, Won: 0}},
			Others: 2,
		},
		Board: &core.Leaderboard{Period: q3, Previous: ptr(quarter(2026, 2)), Currency: "USD",
			Givers: []core.BoardEntry{
				{MemberID: 11, Name: "alice", Deals: 4, Won: 4, Value: core.Amounts{usd(3200000, 4)}, Given: 13, Referred: 14},
				{MemberID: 13, Name: "carol", Deals: 3, Won: 3, Value: core.Amounts{usd(2100000, 3)}, Given: 8, Referred: 8},
				{MemberID: 12, Name: "bob", Deals: 3, Won: 3, Value: core.Amounts{usd(1850000, 3)}, Given: 9, Referred: 9},
			},
			Improved: []core.Improvement{{Now: core.BoardEntry{MemberID: 13, Name: "carol", Deals: 3, Given: 8},
				Before: core.BoardEntry{MemberID: 13, Name: "carol", Deals: 0, Given: 4}}},
			FirstWins: []core.FirstWin{{MemberID: 16, Name: "farid", Code: 1187, At: at(2026, 9, 14, 15), Gave: true}},
		},
	}
}

func ptr[T any](v T) *T { return &v }

func fakeMemberPage() *core.MemberPage {
	q3 := quarter(2026, 3)
	return &core.MemberPage{Member: bob, Profile: core.Profile{MemberID: 12, Services: "websites and online shops"},
		Stats: &core.Stats{Period: q3, Member: &bob, Currency: "USD", Given: 9, Received: 12, Won: 5, Lost: 2, InProgress: 5,
			GivenEstimate: core.Amounts{usd(3600000, 7)}, ReceivedEstimate: core.Amounts{usd(5100000, 10)},
			RCR: 41.67, HasRCR: true, Revenue: core.Amounts{usd(4140000, 5)}, RevenueGenerated: core.Amounts{usd(1850000, 3)},
			Deals: 5, AvgDeal: core.Amounts{usd(828000, 5)}, MedianDaysToClose: 19, HasMedianDays: true,
			Reciprocity: core.Amounts{usd(-2290000, 0)}, ActivePartners: 4, Thanks: 2,
			ByPartner: []core.PartnerStats{{MemberID: 11, Name: "alice", Given: 4, Received: 7, GivenWonValue: core.Amounts{usd(900000, 1)},
				ReceivedWonValue: core.Amounts{usd(2400000, 3)}, Types: "strategic"}},
		},
		Partners: []core.PartnerView{
			{Partnership: core.Partnership{MemberA: 11, MemberB: 12, Type: core.Strategic, Trust: 4, CadenceDays: 30},
				Partner: alice, Given: 11, Received: 16, LastTouch: at(2026, 8, 3, 9), NextDue: at(2026, 9, 2, 9), Overdue: true},
			{Partnership: core.Partnership{MemberA: 12, MemberB: 13, Type: core.Advocate, Trust: 3, CadenceDays: 60},
				Partner: carol, Given: 2, Received: 6, LastTouch: at(2026, 9, 20, 9), NextDue: at(2026, 11, 19, 9)},
			{Partnership: core.Partnership{MemberA: 12, MemberB: 14, Type: core.Advocate}, Partner: dan, Given: 5, Received: 0},
		},
		ThanksGiven: 3, ThanksReceived: 2,
	}
}

// referralsFor is a page of referrals as viewer may see them: the
// client's name only on those they are a party to.
func fakeReferral(code core.Code, from, to core.Member, client, need string, st core.Status) core.Referral {
	return core.Referral{ID: int64(code), WorkspaceID: 7, Code: code, ReferrerID: from.ID, ReferrerName: from.DisplayName,
		ReceiverID: to.ID, ReceiverName: to.DisplayName, ClientName: client, Need: need, Tags: []string{"web-dev"},
		Status: st, Estimate: core.Money{Cents: 500000, Currency: "USD"}, Temperature: core.Warm,
		CreatedAt: at(2026, 8, 4, 10), UpdatedAt: at(2026, 8, 20, 10)}
}

func fakeReferralPage() *core.ReferralPage {
	won := fakeReferral(1042, alice, bob, "Acme Bakery", "new website and online shop", core.StatusWon)
	won.WonValue = core.Money{Cents: 480000, Currency: "USD"}
	won.ClosedAt = at(2026, 9, 1, 12)
	private := fakeReferral(1043, carol, dan, "", "bookkeeping for a studio", core.StatusContacted) // not bob's: no client
	private.Estimate, private.AmountsHidden = core.Money{}, true
	lead := fakeReferral(1044, erin, core.Member{}, "", "product photos for a shop", core.StatusOpen)
	lead.Tags = []string{"photography"}
	return &core.ReferralPage{Period: quarter(2026, 3), Referrals: []core.Referral{won, private, lead},
		Names: map[int64]string{11: "alice", 12: "bob", 13: "carol", 14: "dan", 15: "erin"}, Total: 120}
}

func fakeDetail() *core.Detail {
	r := fakeReferralPage().Referrals[0]
	r.ClientContact = "jane@acme.example"
	r.Consent = true
	return &core.Detail{Referral: r, Events: []core.Event{
		{Kind: core.EvCreated, To: core.StatusOffered, ActorID: 11, ActorName: "alice", At: at(2026, 8, 4, 10)},
		{Kind: core.EvAccepted, From: core.StatusOffered, To: core.StatusAccepted, ActorID: 12, ActorName: "bob", At: at(2026, 8, 5, 8)},
		{Kind: core.EvStage, From: core.StatusProposal, To: core.StatusWon, ActorID: 12, ActorName: "bob", At: at(2026, 9, 1, 12),
			Value: core.Money{Cents: 480000, Currency: "USD"}},
		{Kind: core.EvThanked, ActorID: 12, ActorName: "bob", Note: "thank you, Alice!", At: at(2026, 9, 2, 7)},
	}}
}

func fakeAdminPage() *core.AdminPage {
	won := fakeReferralPage().Referrals[0]
	won.Fee = core.FeeTerms{Kind: core.FeePercent, BasisPts: 1000}
	won.FeeStatus = core.FeeOwed
	hidden := fakeReferral(1051, carol, erin, "Globex", "a brochure", core.StatusWon)
	hidden.Estimate, hidden.AmountsHidden, hidden.ClosedAt = core.Money{}, true, at(2026, 9, 10, 12)
	hidden.Fee, hidden.FeeStatus = core.FeeTerms{Kind: core.FeePercent, BasisPts: 500}, core.FeePaid
	return &core.AdminPage{Period: quarter(2026, 3),
		Health: &core.Health{Last30: 11, Previous30: 17, OnlyTake: []string{"erin"}, GoneQuiet: []string{"farid"}},
		Flags: &core.FlagReport{Period: quarter(2026, 3), Dismissed: 1, Flags: []core.Flag{
			{ID: "F-3a9c1e", Kind: core.FlagRing, MemberIDs: []int64{12, 14, 13}, Members: []string{"bob", "dan", "carol"}, Codes: []core.Code{1101, 1107, 1112}},
			{ID: "F-77b2d0", Kind: core.FlagSameClient, MemberIDs: []int64{15}, Members: []string{"erin"}, Codes: []core.Code{1120, 1131, 1140, 1152}, Count: 14},
		}},
		Fees: &core.FeeBook{Period: quarter(2026, 3), Everyone: true, Unlisted: 3,
			Fees: []core.Fee{{Referral: hidden}, {Referral: won, Amount: core.Money{Cents: 48000, Currency: "USD"}}},
			Members: []core.FeeTotals{
				{MemberID: 11, Name: "alice", Gets: core.FeeSums{Owed: core.Amounts{usd(48000, 1)}}},
				{MemberID: 12, Name: "bob", Pays: core.FeeSums{Owed: core.Amounts{usd(48000, 1)}}},
			}},
		Undelivered: []core.Notice{{Kind: core.NoticeThankNudge, To: core.Recipient{MemberID: 12, Name: "bob"}, Referral: &won,
			LastError: "slack: channel_not_found", CreatedAt: at(2026, 9, 28, 6)}},
	}
}

// fakeData serves the fixed read models above, or err, and records the
// queries it was asked. A stream of referrals hands over list's in pages
// of pageSize (default core.ReferralStreamPage); with midway, it fails
// after the first page with what midway returns.
type fakeData struct {
	err      error
	detail   *core.Detail
	list     *core.ReferralPage
	queries  []core.ReferralQuery
	periods  []string
	members  []int64
	pageSize int
	midway   func(context.Context) error
}

func (f *fakeData) Overview(_ context.Context, _ core.Caller, period string) (*core.Overview, error) {
	f.periods = append(f.periods, period)
	return fakeOverview(), f.err
}

func (f *fakeData) MemberPage(_ context.Context, _ core.Caller, id int64, period string) (*core.MemberPage, error) {
	f.periods, f.members = append(f.periods, period), append(f.members, id)
	return fakeMemberPage(), f.err
}

func (f *fakeData) Referrals(_ context.Context, _ core.Caller, q core.ReferralQuery) (*core.ReferralPage, error) {
	f.queries = append(f.queries, q)
	if f.list != nil {
		return f.list, f.err
	}
	return fakeReferralPage(), f.err
}

func (f *fakeData) StreamReferrals(ctx context.Context, c core.Caller, q core.ReferralQuery, sink core.ReferralSink) error {
	list, err := f.Referrals(ctx, c, q)
	if err != nil {
		return err
	}
	return streamPages(ctx, list, cmp.Or(f.pageSize, core.ReferralStreamPage), f.midway, sink)
}

// streamPages hands sink list's referrals size at a time, as the bot's
// stream does; with midway, it fails after the first page with what
// midway returns.
func streamPages(ctx context.Context, list *core.ReferralPage, size int, midway func(context.Context) error, sink core.ReferralSink) error {
	if err := sink.Begin(list.Period); err != nil {
		return err
	}
	for page := range slices.Chunk(list.Referrals, size) {
		if err := sink.Page(slices.Clone(page)); err != nil {
			return err
		}
		if midway != nil {
			return midway(ctx)
		}
	}
	return nil
}

func (f *fakeData) Referral(context.Context, core.Caller, core.Code) (*core.Detail, error) {
	if f.detail != nil {
		return f.detail, f.err
	}
	return fakeDetail(), f.err
}

func (f *fakeData) AdminPage(_ context.Context, _ core.Caller, period string) (*core.AdminPage, error) {
	f.periods = append(f.periods, period)
	return fakeAdminPage(), f.err
}

func (f *fakeData) AdminFees(_ context.Context, _ core.Caller, period string) (*core.FeeBook, error) {
	f.periods = append(f.periods, period)
	return fakeAdminPage().Fees, f.err
}

func (f *fakeData) AdminFlags(_ context.Context, _ core.Caller, period string) (*core.FlagReport, error) {
	f.periods = append(f.periods, period)
	return fakeAdminPage().Flags, f.err
}

// signedInAs stands in for auth.go's s.page: every page is served to v.
func signedInAs(v *Viewer) func(pageFunc) http.HandlerFunc {
	return func(f pageFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { f(w, r, v) }
	}
}

// viewer is a signed-in member of the fake network.
func viewer(m core.Member) *Viewer {
	return &Viewer{Caller: core.Caller{Workspace: ws, Member: m}, CSRF: "csrf-token-for-" + m.DisplayName}
}

// testServer is a Server over data with v signed in.
func testServer(data dashboardData, v *Viewer) *Server {
	s := newServer(Options{Location: time.UTC, Log: slog.New(slog.DiscardHandler)})
	s.data = data
	s.pageRoutes(signedInAs(v))
	return s
}

// get requests path from s.
func get(t *testing.T, s *Server, path string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}
