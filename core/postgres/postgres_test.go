package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/internal/pgtest"
	"github.com/referbot/referbot/internal/testenv"
	"github.com/referbot/referbot/migrations"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// t0 is the instant the fixtures happen at, unless a test says otherwise.
var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// bundle is what most tests need: a fresh migrated database and a workspace.
type bundle struct {
	db  *postgres.DB
	url string
	ws  *core.Workspace
}

func setup(t testing.TB) *bundle {
	t.Helper()
	db, url := testenv.DB(t)
	b := &bundle{db: db, url: url}
	b.ws = b.workspace(t, core.Slack, "T1")
	return b
}

// tx runs fn in a transaction and fails the test on error.
func (b *bundle) tx(t testing.TB, fn func(tx core.Tx) error) {
	t.Helper()
	if err := b.db.InTx(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// try runs fn in a transaction of its own and returns its error (a failed
// statement aborts the transaction, so each expected failure gets one).
func (b *bundle) try(fn func(tx core.Tx) error) error {
	return b.db.InTx(context.Background(), fn)
}

func (b *bundle) workspace(t testing.TB, p core.Platform, team string) *core.Workspace {
	t.Helper()
	var ws *core.Workspace
	b.tx(t, func(tx core.Tx) (err error) {
		ws, err = tx.EnsureWorkspace(context.Background(), p, team, "Team "+team, core.DefaultSettings())
		return err
	})
	return ws
}

func (b *bundle) member(t testing.TB, ws *core.Workspace, name string) *core.Member {
	t.Helper()
	var m *core.Member
	b.tx(t, func(tx core.Tx) (err error) {
		m, _, err = tx.EnsureMember(context.Background(), ws.ID, "U"+strings.ToUpper(name), name)
		return err
	})
	return m
}

// referral inserts a referral from one member to another (nil: an open
// lead), created at t0 unless edit says otherwise.
func (b *bundle) referral(t testing.TB, from, to *core.Member, edit ...func(*core.Referral)) *core.Referral {
	t.Helper()
	r := draftReferral(from, to, edit...)
	b.tx(t, func(tx core.Tx) error { return tx.InsertReferral(context.Background(), r, nil) })
	return r
}

// draftReferral is the referral b.referral inserts, not yet inserted.
func draftReferral(from, to *core.Member, edit ...func(*core.Referral)) *core.Referral {
	r := &core.Referral{WorkspaceID: from.WorkspaceID, ReferrerID: from.ID, ClientName: "Acme",
		Need: "a new website", Status: core.StatusOffered, CreatedAt: t0, UpdatedAt: t0}
	if to != nil {
		r.ReceiverID = to.ID
	} else {
		r.Status, r.ExpiresAt = core.StatusOpen, t0.AddDate(0, 0, 7)
	}
	for _, e := range edit {
		e(r)
	}
	return r
}

// exec runs SQL straight on the database, outside the store.
func (b *bundle) exec(t testing.TB, sql string, args ...any) error {
	t.Helper()
	return testenv.Exec(t, b.url, sql, args...)
}

func (b *bundle) count(t testing.TB, sql string, args ...any) int {
	t.Helper()
	return testenv.Count(t, b.url, sql, args...)
}

func wantCode(t testing.TB, what string, err error, code string) {
	t.Helper()
	if err := testenv.CodeError(err, code); err != nil {
		t.Errorf("%s: %v", what, err)
	}
}

func TestInTx_RollsBackWhenFnFails(t *testing.T) {
	t.Parallel()
	b := setup(t)
	boom := errors.New("boom")
	err := b.try(func(tx core.Tx) error {
		if _, _, err := tx.EnsureMember(context.Background(), b.ws.ID, "U1", "ghost"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx returned %v, want fn's error", err)
	}
	if n := b.count(t, `SELECT count(*) FROM members`); n != 0 {
		t.Fatalf("%d members after rollback, want 0", n)
	}
}

func TestErrors_TranslateToCoreCodesWithContext(t *testing.T) {
	t.Parallel()
	b := setup(t)
	err := b.try(func(tx core.Tx) error {
		_, err := tx.Referral(context.Background(), b.ws.ID, 4242, false)
		return err
	})
	wantCode(t, "missing referral", err, core.ENOTFOUND)
	if !strings.Contains(err.Error(), "R-4242") {
		t.Errorf("error %q does not say what was looked up", err)
	}
	var ce *core.Error
	if !errors.As(err, &ce) || strings.Contains(core.ErrorMessage(err), "postgres") {
		t.Errorf("user-facing message %q leaks internals", core.ErrorMessage(err))
	}
}

func TestMigrate_SeveralReplicasAtOnce(t *testing.T) {
	t.Parallel()
	// An empty database: every "replica" races to create the schema.
	url := pgtest.NewDB(t, "empty", func(context.Context, string) error { return nil })
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = migrations.MigrateURL(context.Background(), url) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrating an up-to-date database: %v", err)
	}
}

func TestEnsureMember_ConcurrentFirstUseCreatesOneMember(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const n = 16
	var (
		wg      sync.WaitGroup
		ids     = make([]int64, n)
		created = make([]bool, n)
		errs    = make([]error, n)
	)
	for i := range n {
		wg.Go(func() {
			errs[i] = b.try(func(tx core.Tx) error {
				ws, err := tx.EnsureWorkspace(context.Background(), core.Discord, "G9", "Guild", core.DefaultSettings())
				if err != nil {
					return err
				}
				m, c, err := tx.EnsureMember(context.Background(), ws.ID, "U1", "")
				if err == nil {
					ids[i], created[i] = m.ID, c
				}
				return err
			})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if c := len(slices.Compact(slices.Sorted(slices.Values(ids)))); c != 1 {
		t.Errorf("%d different members for one user", c)
	}
	if c := len(slices.DeleteFunc(created, func(c bool) bool { return !c })); c != 1 {
		t.Errorf("%d calls reported creating the member, want 1", c)
	}
	// A nameless member is called by their user id until a name arrives;
	// an empty name never erases a known one.
	var m *core.Member
	b.tx(t, func(tx core.Tx) (err error) {
		ws, err := tx.EnsureWorkspace(context.Background(), core.Discord, "G9", "", core.Settings{})
		if err != nil {
			return err
		}
		if m, _, err = tx.EnsureMember(context.Background(), ws.ID, "U1", ""); err != nil {
			return err
		}
		if m.DisplayName != "U1" {
			return fmt.Errorf("display name %q, want the user id", m.DisplayName)
		}
		if m, _, err = tx.EnsureMember(context.Background(), ws.ID, "U1", "Zoë"); err != nil {
			return err
		}
		m, _, err = tx.EnsureMember(context.Background(), ws.ID, "U1", "")
		return err
	})
	if m.DisplayName != "Zoë" || m.Role != core.RoleMember || m.Status != core.MemberActive {
		t.Errorf("member = %+v", m)
	}
}

func TestEnsureWorkspace_KeepsSettingsAndRefreshesName(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := core.DefaultSettings()
	s.Channel, s.Currency, s.Fee = "#refs", "EUR", core.FeeTerms{Kind: core.FeePercent, BasisPts: 1000}
	s.Schedules = map[string]string{"weekly-digest": "0 9 * * MON"}
	b.tx(t, func(tx core.Tx) error { return tx.SaveSettings(context.Background(), b.ws.ID, s) })
	var ws *core.Workspace
	b.tx(t, func(tx core.Tx) (err error) {
		ws, err = tx.EnsureWorkspace(context.Background(), core.Slack, "T1", "Renamed", core.Settings{Currency: "JPY"})
		return err
	})
	if ws.ID != b.ws.ID || ws.Name != "Renamed" {
		t.Errorf("workspace %d %q, want %d \"Renamed\"", ws.ID, ws.Name, b.ws.ID)
	}
	if fmt.Sprint(ws.Settings) != fmt.Sprint(s) {
		t.Errorf("settings = %+v, want %+v", ws.Settings, s)
	}
	wantCode(t, "settings of a missing workspace",
		b.try(func(tx core.Tx) error { return tx.SaveSettings(context.Background(), 99999, s) }), core.ENOTFOUND)
}

func TestInsertReferral_CodesCountUpPerWorkspaceUnderConcurrency(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alice, bob := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob")
	const n = 20
	codes := make([]core.Code, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { codes[i] = b.referral(t, alice, bob).Code })
	}
	wg.Wait()
	slices.Sort(codes)
	for i, c := range codes {
		if c != core.FirstCode+core.Code(i) {
			t.Fatalf("codes = %v, want %s..%s without gaps or repeats", codes, core.FirstCode, core.FirstCode+n-1)
		}
	}
	other := b.workspace(t, core.Slack, "T2")
	eve, mal := b.member(t, other, "eve"), b.member(t, other, "mal")
	if c := b.referral(t, eve, mal).Code; c != core.FirstCode {
		t.Errorf("another workspace's first code = %s, want %s", c, core.FirstCode)
	}
}

func TestReferral_RoundTripsEveryField(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alice, bob, carol := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob"), b.member(t, b.ws, "carol")
	r := b.referral(t, alice, bob, func(r *core.Referral) {
		r.CoOwnerID, r.ClientContact, r.Consent = carol.ID, "pm@acme.example", true
		r.Tags, r.Estimate, r.Temperature = []string{"web-dev", "branding"}, core.Money{Cents: 500000, Currency: "EUR"}, core.Hot
		r.Status, r.Fee, r.FeeStatus = core.StatusWon, core.FeeTerms{Kind: core.FeePercent, BasisPts: 1000}, core.FeeOwed
		r.WonValue, r.AcceptedAt, r.ClosedAt = core.Money{Cents: 480000, Currency: "EUR"}, t0.Add(time.Hour), t0.Add(48*time.Hour)
		r.UpdatedAt = r.ClosedAt
		r.WonConfirmation, r.FeePaidAt = core.Confirmed, t0.Add(72*time.Hour)
	})
	var got *core.Referral
	b.tx(t, func(tx core.Tx) (err error) {
		got, err = tx.Referral(context.Background(), b.ws.ID, r.Code, true)
		return err
	})
	want := *r
	want.ReferrerName, want.ReceiverName, want.CoOwnerName = "alice", "bob", "carol"
	if fmt.Sprintf("%+v", *got) != fmt.Sprintf("%+v", want) {
		t.Errorf("read back\n %+v\nwant\n %+v", *got, want)
	}
	// And after an update.
	got.Status, got.WonValue, got.ClosedAt, got.CoOwnerID = core.StatusLost, core.Money{}, t0.Add(time.Minute), 0
	got.LostReason, got.ClientContact, got.Tags = "budget", "", nil
	b.tx(t, func(tx core.Tx) error { return tx.UpdateReferral(context.Background(), got) })
	var again *core.Referral
	b.tx(t, func(tx core.Tx) (err error) {
		again, err = tx.Referral(context.Background(), b.ws.ID, r.Code, false)
		return err
	})
	got.CoOwnerName = ""
	if fmt.Sprintf("%+v", *again) != fmt.Sprintf("%+v", *got) {
		t.Errorf("after update\n %+v\nwant\n %+v", *again, *got)
	}
}

func TestReferral_ContactNeedsConsent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alice, bob := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob")
	err := b.try(func(tx core.Tx) error {
		return tx.InsertReferral(context.Background(), &core.Referral{WorkspaceID: b.ws.ID, ReferrerID: alice.ID,
			ReceiverID: bob.ID, ClientName: "Acme", ClientContact: "+1 555 0100", Need: "logo", Status: core.StatusOffered}, nil)
	})
	wantCode(t, "contact without consent", err, core.EINVALID)
	if msg := core.ErrorMessage(err); !strings.Contains(msg, "agreed") {
		t.Errorf("message %q does not explain consent", msg)
	}
	r := b.referral(t, alice, bob)
	if err := b.exec(t, `UPDATE referrals SET client_contact = 'x@y.example' WHERE id = $1`, r.ID); err == nil {
		t.Error("the database stored a contact without consent")
	}
	if err := b.exec(t, `UPDATE referrals SET status = 'won' WHERE id = $1`, r.ID); err == nil {
		t.Error("the database stored a won referral without its value")
	}
	if n := b.count(t, `SELECT count(*) FROM referrals`); n != 1 {
		t.Errorf("%d referrals, want 1", n)
	}
}

func TestReferralEvents_CannotBeChangedOrDeleted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alice, bob := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob")
	r := b.referral(t, alice, bob)
	e := &core.Event{ReferralID: r.ID, Kind: core.EvCreated, To: core.StatusOffered, ActorID: alice.ID, At: t0}
	b.tx(t, func(tx core.Tx) error { return tx.AppendEvent(context.Background(), b.ws.ID, e) })
	for _, sql := range []string{
		`UPDATE referral_events SET note = 'rewritten' WHERE id = $1`,
		`DELETE FROM referral_events WHERE id = $1`,
	} {
		err := b.exec(t, sql, e.ID)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the append-only error", sql, err)
		}
	}
	var es []core.Event
	b.tx(t, func(tx core.Tx) (err error) {
		es, err = tx.Events(context.Background(), b.ws.ID, r.ID)
		return err
	})
	want := core.Event{ID: e.ID, ReferralID: r.ID, Kind: core.EvCreated, To: core.StatusOffered,
		ActorID: alice.ID, ActorName: "alice", At: t0}
	if len(es) != 1 || es[0] != want {
		t.Errorf("events = %+v, want [%+v]", es, want)
	}
}

// TestWorkspaces_AreIsolated reads and writes one workspace's rows through
// another workspace: every read is ENOTFOUND, every write is refused, and
// lists and figures never include the other workspace's rows.
func TestWorkspaces_AreIsolated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	alice, bob := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob")
	r := b.referral(t, alice, bob, func(r *core.Referral) { r.Estimate = core.Money{Cents: 100, Currency: "USD"} })
	lead := b.referral(t, alice, nil)
	b.tx(t, func(tx core.Tx) error {
		if err := tx.SaveProfile(ctx, b.ws.ID, &core.Profile{MemberID: bob.ID, Tags: []string{"tax"}, UpdatedAt: t0}); err != nil {
			return err
		}
		if err := tx.AddInterest(ctx, b.ws.ID, lead.ID, bob.ID); err != nil {
			return err
		}
		if err := tx.AppendEvent(ctx, b.ws.ID, &core.Event{ReferralID: r.ID, Kind: core.EvCreated, To: r.Status, At: t0}); err != nil {
			return err
		}
		return tx.SavePartnership(ctx, &core.Partnership{WorkspaceID: b.ws.ID, MemberA: alice.ID, MemberB: bob.ID,
			Type: core.Advocate, Trust: 1, CadenceDays: 30, CreatedAt: t0})
	})

	other := b.workspace(t, core.Slack, "T2")
	eve := b.member(t, other, "eve")
	mal := b.member(t, other, "alice") // the same name, elsewhere
	ws := other.ID

	for name, fn := range map[string]func(tx core.Tx) error{
		"Member":            func(tx core.Tx) error { _, err := tx.Member(ctx, ws, alice.ID); return err },
		"MemberByName":      func(tx core.Tx) error { _, err := tx.MemberByName(ctx, ws, "bob"); return err },
		"MemberByName(uid)": func(tx core.Tx) error { _, err := tx.MemberByName(ctx, ws, bob.UserID); return err },
		"Profile":           func(tx core.Tx) error { _, err := tx.Profile(ctx, ws, bob.ID); return err },
		"Referral":          func(tx core.Tx) error { _, err := tx.Referral(ctx, ws, r.Code, false); return err },
		"Referral(lock)":    func(tx core.Tx) error { _, err := tx.Referral(ctx, ws, r.Code, true); return err },
		"Events":            func(tx core.Tx) error { _, err := tx.Events(ctx, ws, r.ID); return err },
		"Interested":        func(tx core.Tx) error { _, err := tx.Interested(ctx, ws, lead.ID); return err },
		"Partnership":       func(tx core.Tx) error { _, err := tx.Partnership(ctx, ws, alice.ID, bob.ID); return err },
		"Workspace":         func(tx core.Tx) error { _, err := tx.Workspace(ctx, 99999); return err },
		"SaveMember": func(tx core.Tx) error {
			m := *alice
			m.WorkspaceID, m.Role = ws, core.RoleAdmin
			return tx.SaveMember(ctx, &m)
		},
		"SaveProfile": func(tx core.Tx) error { return tx.SaveProfile(ctx, ws, &core.Profile{MemberID: bob.ID}) },
		"UpdateReferral": func(tx core.Tx) error {
			c := *r
			c.WorkspaceID, c.Status = ws, core.StatusDeclined
			return tx.UpdateReferral(ctx, &c)
		},
		"AddInterest":         func(tx core.Tx) error { return tx.AddInterest(ctx, ws, lead.ID, eve.ID) },
		"AddInterest(member)": func(tx core.Tx) error { return tx.AddInterest(ctx, b.ws.ID, lead.ID, eve.ID) },
	} {
		wantCode(t, name, b.try(fn), core.ENOTFOUND)
	}
	// Writes that would point into another workspace are refused by the
	// schema's composite foreign keys.
	for name, fn := range map[string]func(tx core.Tx) error{
		"InsertReferral": func(tx core.Tx) error {
			return tx.InsertReferral(ctx, &core.Referral{WorkspaceID: ws, ReferrerID: eve.ID, ReceiverID: bob.ID,
				Need: "x", Status: core.StatusOffered}, nil)
		},
		"AppendEvent": func(tx core.Tx) error {
			return tx.AppendEvent(ctx, ws, &core.Event{ReferralID: r.ID, Kind: core.EvStage, To: core.StatusWon})
		},
		"AddThanks": func(tx core.Tx) error {
			return tx.AddThanks(ctx, ws, &core.Thanks{ReferralID: r.ID, FromID: eve.ID, ToID: mal.ID})
		},
		"SaveFeedback": func(tx core.Tx) error {
			return tx.SaveFeedback(ctx, ws, &core.Feedback{ReferralID: r.ID, MemberID: eve.ID, Score: 1})
		},
		"SavePartnership": func(tx core.Tx) error {
			return tx.SavePartnership(ctx, &core.Partnership{WorkspaceID: ws, MemberA: alice.ID, MemberB: eve.ID,
				Type: core.Advocate, Trust: 1, CadenceDays: 30})
		},
		"Enqueue": func(tx core.Tx) error {
			return tx.Enqueue(ctx, core.Notice{WorkspaceID: ws, Kind: core.NoticeOffered,
				To: core.Recipient{MemberID: bob.ID}, DedupeKey: "x"})
		},
	} {
		if err := b.try(fn); err == nil {
			t.Errorf("%s across workspaces succeeded", name)
		}
	}

	b.tx(t, func(tx core.Tx) error {
		ms, err := tx.Members(ctx, ws)
		if err != nil {
			return err
		}
		if len(ms) != 2 || ms[0].ID != mal.ID || ms[1].ID != eve.ID {
			t.Errorf("members of T2 = %+v", ms)
		}
		if n, err := tx.CountMembers(ctx, ws); err != nil || n != 2 {
			t.Errorf("count members of T2 = %d, %v", n, err)
		}
		if m, err := tx.MemberByName(ctx, ws, "ALICE"); err != nil || m.ID != mal.ID {
			t.Errorf("alice in T2 = %+v, %v", m, err)
		}
		cs, err := tx.Candidates(ctx, ws, time.Time{})
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.Member.WorkspaceID != ws || c.Given+c.Received+c.RecentlyGot != 0 {
				t.Errorf("T2 candidate %+v", c)
			}
		}
		for _, f := range []core.ListFilter{{}, {OpenLeads: true}, {MemberID: alice.ID}, {MemberID: bob.ID, Received: true}} {
			rs, err := tx.ListReferrals(ctx, ws, f)
			if err != nil {
				return err
			}
			if len(rs) != 0 {
				t.Errorf("T2 list %+v = %d referrals", f, len(rs))
			}
		}
		for _, m := range []int64{0, alice.ID, bob.ID} {
			st, err := tx.Stats(ctx, ws, core.StatsQuery{MemberID: m, Period: core.Period{To: t0.AddDate(1, 0, 0)}, Now: t0})
			if err != nil {
				return err
			}
			if st.Given+st.Received+st.ActivePartners+len(st.ByPartner) != 0 {
				t.Errorf("T2 stats for member %d see T1: %+v", m, st)
			}
		}
		return nil
	})
	// Nothing in T1 changed.
	if n := b.count(t, `SELECT count(*) FROM referrals WHERE workspace_id = $1 AND status = 'offered'`, b.ws.ID); n != 1 {
		t.Errorf("T1 has %d offered referrals, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM members WHERE role = 'admin'`); n != 0 {
		t.Errorf("%d admins, want 0", n)
	}
}

func TestMemberByName_CaseInsensitiveActiveFirstNeverAGuess(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	alice := b.member(t, b.ws, "Alice")
	old := b.member(t, b.ws, "bob")
	old.Status = core.MemberRemoved
	b.tx(t, func(tx core.Tx) error { return tx.SaveMember(ctx, old) })
	bob := b.member(t, b.ws, "BOB2")
	bob.DisplayName = "Bob"
	b.tx(t, func(tx core.Tx) error { return tx.SaveMember(ctx, bob) })

	find := func(name string) (*core.Member, error) {
		var m *core.Member
		err := b.try(func(tx core.Tx) (err error) {
			m, err = tx.MemberByName(ctx, b.ws.ID, name)
			return err
		})
		return m, err
	}
	for name, want := range map[string]int64{"alice": alice.ID, "@ALICE ": alice.ID, "UALICE": alice.ID, "bob": bob.ID} {
		if m, err := find(name); err != nil || m.ID != want {
			t.Errorf("MemberByName(%q) = %+v, %v; want member %d", name, m, err, want)
		}
	}
	_, err := find("carol")
	wantCode(t, "unknown name", err, core.ENOTFOUND)
	twin := b.member(t, b.ws, "bob3")
	twin.DisplayName = "bob"
	b.tx(t, func(tx core.Tx) error { return tx.SaveMember(ctx, twin) })
	_, err = find("Bob")
	wantCode(t, "two active bobs", err, core.ECONFLICT)
}

func TestListReferrals_Filters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	alice, bob, carol := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob"), b.member(t, b.ws, "carol")
	at := func(h int) func(*core.Referral) {
		return func(r *core.Referral) { r.CreatedAt, r.UpdatedAt = t0.Add(time.Duration(h)*time.Hour), time.Time{} }
	}
	r1 := b.referral(t, alice, bob, at(1))
	r2 := b.referral(t, bob, alice, at(2), func(r *core.Referral) { r.Status, r.AcceptedAt = core.StatusAccepted, t0 })
	r3 := b.referral(t, carol, bob, at(3), func(r *core.Referral) { r.CoOwnerID = alice.ID })
	r4 := b.referral(t, carol, nil, at(4))
	codes := func(f core.ListFilter) []core.Code {
		var out []core.Code
		b.tx(t, func(tx core.Tx) error {
			rs, err := tx.ListReferrals(ctx, b.ws.ID, f)
			for _, r := range rs {
				out = append(out, r.Code)
			}
			return err
		})
		return out
	}
	for _, c := range []struct {
		f    core.ListFilter
		want []core.Code
	}{
		{core.ListFilter{}, []core.Code{r4.Code, r3.Code, r2.Code, r1.Code}},
		{core.ListFilter{Limit: 2}, []core.Code{r4.Code, r3.Code}},
		{core.ListFilter{MemberID: alice.ID, Given: true}, []core.Code{r1.Code}},
		{core.ListFilter{MemberID: alice.ID, Received: true}, []core.Code{r3.Code, r2.Code}},
		{core.ListFilter{MemberID: alice.ID, Given: true, Received: true}, []core.Code{r3.Code, r2.Code, r1.Code}},
		{core.ListFilter{MemberID: alice.ID, Received: true, Statuses: []core.Status{core.StatusAccepted}}, []core.Code{r2.Code}},
		{core.ListFilter{OpenLeads: true}, []core.Code{r4.Code}},
		{core.ListFilter{Statuses: []core.Status{core.StatusOffered, core.StatusOpen}}, []core.Code{r4.Code, r3.Code, r1.Code}},
	} {
		if got := codes(c.f); !slices.Equal(got, c.want) {
			t.Errorf("list %+v = %v, want %v", c.f, got, c.want)
		}
	}
	// Names are joined in for rendering.
	b.tx(t, func(tx core.Tx) error {
		rs, err := tx.ListReferrals(ctx, b.ws.ID, core.ListFilter{MemberID: carol.ID, Given: true})
		if err == nil && (len(rs) != 2 || rs[0].ReferrerName != "carol" || rs[0].ReceiverName != "" || rs[1].ReceiverName != "bob" || rs[1].CoOwnerName != "alice") {
			t.Errorf("carol's referrals = %+v", rs)
		}
		return err
	})
}

func TestInterestThanksFeedback_OncePerMember(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	alice, bob, carol := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob"), b.member(t, b.ws, "carol")
	lead := b.referral(t, alice, nil)
	b.tx(t, func(tx core.Tx) error { return tx.AddInterest(ctx, b.ws.ID, lead.ID, carol.ID) })
	b.tx(t, func(tx core.Tx) error { return tx.AddInterest(ctx, b.ws.ID, lead.ID, bob.ID) })
	wantCode(t, "second hand", b.try(func(tx core.Tx) error { return tx.AddInterest(ctx, b.ws.ID, lead.ID, bob.ID) }), core.ECONFLICT)
	b.tx(t, func(tx core.Tx) error {
		ms, err := tx.Interested(ctx, b.ws.ID, lead.ID)
		if err == nil && (len(ms) != 2 || ms[0].ID != carol.ID || ms[1].ID != bob.ID) {
			t.Errorf("interested = %+v, want carol then bob", ms)
		}
		return err
	})

	r := b.referral(t, alice, bob, func(r *core.Referral) { r.Status, r.AcceptedAt = core.StatusAccepted, t0 })
	th := &core.Thanks{ReferralID: r.ID, FromID: bob.ID, ToID: alice.ID, Message: "thank you", At: t0.Add(time.Hour)}
	b.tx(t, func(tx core.Tx) error { return tx.AddThanks(ctx, b.ws.ID, th) })
	if th.ID == 0 || !th.At.Equal(t0.Add(time.Hour)) {
		t.Errorf("thanks = %+v", th)
	}
	wantCode(t, "second thanks", b.try(func(tx core.Tx) error {
		return tx.AddThanks(ctx, b.ws.ID, &core.Thanks{ReferralID: r.ID, FromID: bob.ID, ToID: alice.ID, At: t0})
	}), core.ECONFLICT)

	for _, score := range []int{2, 5} {
		b.tx(t, func(tx core.Tx) error {
			return tx.SaveFeedback(ctx, b.ws.ID, &core.Feedback{ReferralID: r.ID, MemberID: bob.ID, Score: score, At: t0})
		})
	}
	if n := b.count(t, `SELECT count(*) FROM feedback WHERE score = 5`); n != 1 {
		t.Errorf("feedback rows with the replaced score: %d, want 1", n)
	}
	wantCode(t, "score 6", b.try(func(tx core.Tx) error {
		return tx.SaveFeedback(ctx, b.ws.ID, &core.Feedback{ReferralID: r.ID, MemberID: alice.ID, Score: 6, At: t0})
	}), core.EINVALID)
}

func TestPartnership_LockedReadAndConcurrentFirstTouch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	alice, bob := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob")
	wantCode(t, "no partnership yet", b.try(func(tx core.Tx) error {
		_, err := tx.Partnership(ctx, b.ws.ID, alice.ID, bob.ID)
		return err
	}), core.ENOTFOUND)
	// Two first touches at once, as core does them: read, then save.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() {
			errs[i] = b.try(func(tx core.Tx) error {
				p, err := tx.Partnership(ctx, b.ws.ID, bob.ID, alice.ID)
				if core.ErrorCode(err) == core.ENOTFOUND {
					p, err = &core.Partnership{WorkspaceID: b.ws.ID, MemberA: bob.ID, MemberB: alice.ID,
						Type: core.Advocate, Trust: 1, CadenceDays: 30, CreatedAt: t0}, nil
				}
				if err != nil {
					return err
				}
				p.LastTouch, p.NextDue = t0.Add(time.Duration(i)*time.Hour), t0.AddDate(0, 0, 30)
				if err := tx.SavePartnership(ctx, p); err != nil {
					return err
				}
				return tx.AddTouchpoint(ctx, b.ws.ID, &core.Touchpoint{PartnershipID: p.ID, ActorID: alice.ID,
					Kind: core.TouchCoffee, At: p.LastTouch})
			})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM partnerships`); n != 1 {
		t.Errorf("%d partnerships for one pair", n)
	}
	if n := b.count(t, `SELECT count(*) FROM touchpoints`); n != 2 {
		t.Errorf("%d touchpoints, want 2", n)
	}
	b.tx(t, func(tx core.Tx) error {
		p, err := tx.Partnership(ctx, b.ws.ID, alice.ID, bob.ID)
		if err != nil {
			return err
		}
		if p.MemberA != min(alice.ID, bob.ID) || p.Type != core.Advocate || !p.NextDue.Equal(t0.AddDate(0, 0, 30)) {
			t.Errorf("partnership = %+v", p)
		}
		p.Type, p.Trust = core.Strategic, 4
		return tx.SavePartnership(ctx, p)
	})
	if n := b.count(t, `SELECT count(*) FROM partnerships WHERE type = 'strategic' AND trust = 4`); n != 1 {
		t.Error("partnership update not saved")
	}
}

func TestCandidates_CountsReferralsPerMember(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	alice, bob, carol := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob"), b.member(t, b.ws, "carol")
	gone := b.member(t, b.ws, "gone")
	gone.Status = core.MemberRemoved
	b.tx(t, func(tx core.Tx) error {
		if err := tx.SaveMember(ctx, gone); err != nil {
			return err
		}
		return tx.SaveProfile(ctx, b.ws.ID, &core.Profile{MemberID: bob.ID, Tags: []string{"tax"},
			Triggers: []string{"my books are a mess"}, Availability: core.Busy, MinBudget: core.Money{Cents: 100000, Currency: "USD"}, UpdatedAt: t0})
	})
	old := func(r *core.Referral) { r.CreatedAt = t0.AddDate(0, -6, 0) }
	b.referral(t, alice, bob, old)
	b.referral(t, alice, bob)
	b.referral(t, carol, bob)
	b.referral(t, bob, alice)
	b.referral(t, alice, nil)
	var cs []core.Candidate
	b.tx(t, func(tx core.Tx) (err error) {
		cs, err = tx.Candidates(ctx, b.ws.ID, t0.AddDate(0, -3, 0))
		return err
	})
	got := map[string]string{}
	for _, c := range cs {
		got[c.Member.DisplayName] = fmt.Sprintf("recent %d given %d received %d %s %v", c.RecentlyGot, c.Given, c.Received, c.Profile.Availability, c.Profile.Tags)
	}
	want := map[string]string{
		"alice": "recent 1 given 3 received 1 open []",
		"bob":   "recent 2 given 1 received 3 busy [tax]",
		"carol": "recent 0 given 1 received 0 open []",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("candidates\n %v\nwant\n %v", got, want)
	}
}

func TestProfiledAndReceivedSince_ReadOnlyProfilesAndCountWhatCameLately(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	alice, bob, carol := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob"), b.member(t, b.ws, "carol")
	b.tx(t, func(tx core.Tx) error {
		return tx.SaveProfile(ctx, b.ws.ID, &core.Profile{MemberID: bob.ID, Tags: []string{"tax"}, UpdatedAt: t0})
	})
	since := t0.AddDate(0, -3, 0)
	b.referral(t, alice, bob, func(r *core.Referral) { r.CreatedAt = t0.AddDate(0, -6, 0) })
	// Sent long ago, taken on lately: it counts from when it was taken on.
	b.referral(t, alice, bob, func(r *core.Referral) {
		r.CreatedAt, r.AcceptedAt, r.Status = t0.AddDate(0, -6, 0), t0.AddDate(0, -1, 0), core.StatusAccepted
	})
	b.referral(t, carol, bob)
	b.referral(t, bob, alice)
	var profiled []core.Candidate
	var got map[int64]int
	b.tx(t, func(tx core.Tx) (err error) {
		if profiled, err = tx.Profiled(ctx, b.ws.ID, core.ProfileNeed{}); err != nil {
			return err
		}
		got, err = tx.ReceivedSince(ctx, b.ws.ID, []int64{alice.ID, bob.ID, carol.ID}, since)
		return err
	})
	if len(profiled) != 1 || profiled[0].Member.ID != bob.ID || fmt.Sprint(profiled[0].Profile.Tags) != "[tax]" {
		t.Errorf("profiled = %+v, want bob alone, with his tags", profiled)
	}
	want := map[int64]int{alice.ID: 1, bob.ID: 2, carol.ID: 0}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("received since = %v, want %v", got, want)
	}
}
