package bot

import (
	"fmt"
	"go/ast"
	goparser "go/parser"
	gotoken "go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/fixture"
)

func TestRenderNotice_EveryKindSaysSomethingAndChannelsNeverShowContact(t *testing.T) {
	t.Parallel()
	// The referral as its parties see it: client, contact and reasons in
	// full. A channel post must show none of it, whatever core handed over.
	r := &core.Referral{Code: 1042, ReferrerID: 1, ReceiverID: 2, ReferrerName: "bob", ReceiverName: "alice",
		ClientName: "Acme", ClientContact: "jane@acme.example", Consent: true, Need: "a website", Status: core.StatusWon,
		WonValue: core.Money{Cents: 480000, Currency: "USD"}, LostReason: "zqlostreasonq", DeclineReason: "zqdeclinereasonq"}
	secrets := []string{r.ClientName, "jane@", r.LostReason, r.DeclineReason}
	for _, k := range core.NoticeKinds {
		dm := RenderNotice(core.Notice{Kind: k, To: core.Recipient{MemberID: 1, UserID: "U1", Name: "bob"}, Referral: r, Actor: "alice"})
		if dm.Title == "" || dm.Visibility != Direct || dm.To != "U1" {
			t.Errorf("%s as DM: %+v", k, dm)
		}
		// Everything a notice can carry, so every kind renders its body.
		ch := RenderNotice(core.Notice{Kind: k, To: core.Recipient{Channel: "#referrals"}, Referral: r, Actor: "alice",
			Choices: []core.Recipient{{MemberID: 3, UserID: "U3", Name: "carol"}}, Items: []core.Referral{*r},
			Report: fixture.QuarterlyReport(), Health: &core.Health{GoneQuiet: []string{"dave"}}})
		if ch.Visibility != Channel || ch.To != "#referrals" {
			t.Errorf("%s to channel: %+v", k, ch)
		}
		s := said(ch)
		for _, secret := range secrets {
			if strings.Contains(s, secret) {
				t.Errorf("%s channel post shows %q: %s", k, secret, s)
			}
		}
	}
	// Not vacuous: the party's own DM does show the client.
	if s := said(RenderNotice(core.Notice{Kind: core.NoticeHandoff, To: core.Recipient{MemberID: 2, UserID: "U2", Name: "alice"},
		Referral: r, Actor: "bob"})); !strings.Contains(s, "Acme") || !strings.Contains(s, "jane@") {
		t.Errorf("the new owner's handoff DM lacks the client: %s", s)
	}
}

// TestNoticeKinds_ListsEveryKindCoreDeclares keeps core.NoticeKinds, which
// the render tests iterate, in step with the constants core declares.
func TestNoticeKinds_ListsEveryKindCoreDeclares(t *testing.T) {
	t.Parallel()
	f, err := goparser.ParseFile(gotoken.NewFileSet(), filepath.Join("..", "core", "notice.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, k := range core.NoticeKinds {
		listed[string(k)] = true
	}
	declared := 0
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || vs.Type == nil || fmt.Sprint(vs.Type) != "NoticeKind" {
			return true
		}
		for i, name := range vs.Names {
			declared++
			lit, _ := vs.Values[i].(*ast.BasicLit)
			if v, _ := strconv.Unquote(lit.Value); !listed[v] {
				t.Errorf("core.%s (%s) is missing from core.NoticeKinds", name.Name, v)
			}
		}
		return true
	})
	if declared != len(core.NoticeKinds) {
		t.Errorf("core declares %d notice kinds, core.NoticeKinds lists %d", declared, len(core.NoticeKinds))
	}
}

// said is everything a message shows, as one text.
func said(m Message) string {
	return strings.Join([]string{m.Title, m.Text, fieldsText(m), m.Footer}, " ")
}

func fieldsText(m Message) string {
	var b strings.Builder
	for _, f := range m.Fields {
		b.WriteString(f.Name + ": " + f.Value + "\n")
	}
	return b.String()
}

func TestQuarterlyMessage_CelebratesTheQuarter(t *testing.T) {
	t.Parallel()
	rep := fixture.QuarterlyReport()
	m := QuarterlyMessage(rep)
	text := m.Title + "\n" + m.Text + "\n" + fieldsText(m)
	for _, want := range []string{"Q4 2026", "1 Oct to 31 Dec 2026", "3 deals won, USD 8,200 from referrals (+100% against Q3 2026)",
		"9 given, 6 taken on by a partner; conversion rate 37.5%", "@alice — 2 referrals given, USD 4,800 of business for partners, thanked once", "@dana"} {
		if !strings.Contains(text, want) {
			t.Errorf("quarterly message lacks %q:\n%s", want, text)
		}
	}
	if m.Visibility != Channel {
		t.Error("the celebration belongs in the channel")
	}
}

func TestStatsMessage_SaysWhichThankYousItCounts(t *testing.T) {
	t.Parallel()
	member := StatsMessage(&core.Stats{Member: &core.Member{DisplayName: "alice"}, Thanks: 2})
	network := StatsMessage(&core.Stats{Thanks: 5})
	quarter := QuarterlyMessage(fixture.QuarterlyReport())
	for _, c := range []struct {
		name string
		m    Message
		want string
	}{
		{"member", member, "Thank-yous received: 2"},
		{"network", network, "Thank-yous given: 5"},
		{"quarterly", quarter, "Thank-yous given: 3"},
	} {
		if text := fieldsText(c.m); !strings.Contains(text, c.want) {
			t.Errorf("%s stats lack %q:\n%s", c.name, c.want, text)
		}
	}
}

func TestRenderNotice_FeeOwedSaysItsCurrency(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name      string
		fee       core.FeeTerms
		won, owed core.Money
	}{
		{"a share of a EUR deal", core.FeeTerms{Kind: core.FeePercent, BasisPts: 1000},
			core.Money{Cents: 480000, Currency: "EUR"}, core.Money{Cents: 48000, Currency: "EUR"}},
		{"a USD fixed fee on a JPY deal", core.FeeTerms{Kind: core.FeeFixed, FixedCents: 25000, Currency: "USD"},
			core.Money{Cents: 500000, Currency: "JPY"}, core.Money{Cents: 25000, Currency: "USD"}},
	} {
		r := &core.Referral{Code: 1042, ReferrerID: 1, ReceiverID: 2, ReferrerName: "bob", ReceiverName: "alice",
			Need: "a website", Status: core.StatusWon, WonValue: c.won, Fee: c.fee, FeeStatus: core.FeeOwed}
		m := RenderNotice(core.Notice{Kind: core.NoticeWon, To: core.Recipient{MemberID: 1, UserID: "U1", Name: "bob"}, Referral: r, Actor: "alice"})
		if want := "A finder's fee of " + c.owed.String() + " is owed to you."; !strings.Contains(m.Text, want) {
			t.Errorf("%s: %q lacks %q", c.name, m.Text, want)
		}
		if want := "Fee: " + c.fee.String() + " — " + c.owed.String() + " owed"; !strings.Contains(fieldsText(m), want) {
			t.Errorf("%s: card lacks %q:\n%s", c.name, want, fieldsText(m))
		}
		if want := c.owed.Currency + " "; !strings.Contains(c.owed.String(), want) {
			t.Errorf("%s: %q has no currency", c.name, c.owed)
		}
	}
}
