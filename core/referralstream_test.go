package core_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

// pages records what StreamReferrals hands over; with stopAt it fails on
// that page (1-based), and with onPage it runs something first.
type pages struct {
	begun  []core.Period
	pages  [][]core.Referral
	stopAt int
	onPage func(n int)
}

var errStop = errors.New("the reader went away")

func (p *pages) Begin(period core.Period) error {
	p.begun = append(p.begun, period)
	return nil
}

func (p *pages) Page(rs []core.Referral) error {
	p.pages = append(p.pages, rs)
	if p.onPage != nil {
		p.onPage(len(p.pages))
	}
	if len(p.pages) == p.stopAt {
		return errStop
	}
	return nil
}

func (p *pages) all() []core.Referral { return slices.Concat(p.pages...) }

func TestStreamReferrals_EveryMatchInPagesAsTheListShowsItToEachViewer(t *testing.T) {
	t.Parallel()
	d := newDash(t)
	ctx := context.Background()
	for _, viewer := range []core.Caller{d.otto, d.rita, d.ada, d.bea} {
		for _, q := range []core.ReferralQuery{
			{},
			{Stages: []core.Status{core.StatusWon, core.StatusLost}},
			{PartnerID: d.otto.Member.ID, Period: "2026-Q1"},
			{Tag: "#web"},
		} {
			list := ok(d.svc.Referrals(ctx, viewer, core.ReferralQuery{Period: q.Period, Stages: q.Stages, PartnerID: q.PartnerID,
				Tag: q.Tag, PageSize: core.MaxReferralPageSize}))(t)
			for _, size := range []int{1, 2, 0} {
				q.PageSize = size
				var got pages
				if err := d.svc.StreamReferrals(ctx, viewer, q, &got); err != nil {
					t.Fatal(err)
				}
				if len(got.begun) != 1 || got.begun[0].Label != list.Period.Label || !got.begun[0].From.Equal(list.Period.From) {
					t.Errorf("%s %+v: began %v, want once with %v", viewer.Member.DisplayName, q, got.begun, list.Period)
				}
				for _, p := range got.pages {
					if len(p) == 0 || size > 0 && len(p) > size {
						t.Errorf("%s %+v: a page of %d", viewer.Member.DisplayName, q, len(p))
					}
				}
				if all := got.all(); !reflect.DeepEqual(all, list.Referrals) && len(all)+len(list.Referrals) > 0 {
					t.Errorf("%s %+v in pages of %d:\n%v\nwant, as the list shows them,\n%v",
						viewer.Member.DisplayName, q, size, d.codes(all), d.codes(list.Referrals))
				}
			}
		}
	}

	// The rule itself, not just the list's copy of it: otto is no party
	// to R3 (rita to remy, whose amounts are private).
	var got pages
	ok(0, d.svc.StreamReferrals(ctx, d.otto, core.ReferralQuery{PageSize: 2}, &got))(t)
	for _, r := range got.all() {
		if r.Code == d.r[3].Code && (r.ClientName != "" || r.ClientContact != "" || r.WonValue.Cents != 0 || !r.AmountsHidden) {
			t.Errorf("R3 streamed to otto, no party: %+v", r)
		}
	}
}

// Pages go on from the last (created_at, id) read: referrals created at
// the same instant are neither repeated nor skipped at a page's edge.
func TestStreamReferrals_ReferralsCreatedAtTheSameInstantCrossPagesOnce(t *testing.T) {
	t.Parallel()
	d := newDash(t)
	d.exec(t, `UPDATE referrals SET created_at = '2026-02-01T10:00:00Z' WHERE workspace_id = $1`, d.ada.Workspace.ID)
	var got pages
	ok(0, d.svc.StreamReferrals(context.Background(), d.ada, core.ReferralQuery{PageSize: 2}, &got))(t)
	if codes := d.codes(got.all()); !slices.Equal(codes, []int{9, 8, 7, 6, 5, 4, 3, 2, 1}) || len(got.pages) != 5 {
		t.Errorf("%v in %d pages, want R9 to R1 once each, in 5 pages", codes, len(got.pages))
	}
}

// Each page is read in a transaction of its own: what is written while
// the reader takes a page neither repeats a referral nor adds one newer
// than the stream's start; a referral read later shows its stage then.
func TestStreamReferrals_WritesDuringTheStreamNeitherRepeatNorAdd(t *testing.T) {
	t.Parallel()
	d := newDash(t)
	ctx := context.Background()
	got := pages{onPage: func(n int) {
		if n == 1 {
			d.clock.Add(time.Hour)
			ok(d.svc.Refer(ctx, d.rita, core.ReferInput{To: ref(d.otto), ClientName: "Iota", Contact: "iota@example.com",
				Consent: true, Need: "a shop"}))(t)
			ok(d.svc.Accept(ctx, d.otto, d.r[5].Code))(t) // on the second page
		}
	}}
	err := d.svc.StreamReferrals(ctx, d.ada, core.ReferralQuery{PageSize: 4}, &got)
	if err != nil {
		t.Fatal(err)
	}
	all := got.all()
	if codes := d.codes(all); !slices.Equal(codes, []int{9, 8, 7, 6, 5, 4, 3, 2, 1}) {
		t.Fatalf("%v, want R9 to R1 once each, without the referral created meanwhile", codes)
	}
	if all[4].Status != core.StatusAccepted {
		t.Errorf("R5, accepted while the first page was read: %s", all[4].Status)
	}
}

func TestStreamReferrals_ABadQueryIsRefusedBeforeAnyRow(t *testing.T) {
	t.Parallel()
	d := newDash(t)
	for _, c := range []struct {
		name string
		q    core.ReferralQuery
		code string
	}{
		{"unknown partner", core.ReferralQuery{PartnerID: 999999}, core.ENOTFOUND},
		{"unknown stage", core.ReferralQuery{Stages: []core.Status{"signed"}}, core.EINVALID},
		{"unknown period", core.ReferralQuery{Period: "someday"}, core.EINVALID},
		{"page size 10000", core.ReferralQuery{PageSize: 10000}, core.EINVALID},
	} {
		var got pages
		err := d.svc.StreamReferrals(context.Background(), d.otto, c.q, &got)
		var e *core.Error
		if core.ErrorCode(err) != c.code || !errors.As(err, &e) || e.Hint == "" || len(got.begun) != 0 {
			t.Errorf("%s: %v (began %d times), want %s with a hint, before Begin", c.name, err, len(got.begun), c.code)
		}
	}
}

func TestStreamReferrals_AReaderThatFailsStopsTheStream(t *testing.T) {
	t.Parallel()
	d := newDash(t)
	got := pages{stopAt: 2}
	err := d.svc.StreamReferrals(context.Background(), d.ada, core.ReferralQuery{PageSize: 2}, &got)
	if !errors.Is(err, errStop) || len(got.pages) != 2 {
		t.Errorf("%v after %d pages, want the reader's error after 2", err, len(got.pages))
	}
	ctx, cancel := context.WithCancel(context.Background())
	got = pages{onPage: func(int) { cancel() }}
	err = d.svc.StreamReferrals(ctx, d.ada, core.ReferralQuery{PageSize: 2}, &got)
	if !errors.Is(err, context.Canceled) || len(got.pages) != 1 {
		t.Errorf("%v after %d pages, want context.Canceled after 1", err, len(got.pages))
	}
}
