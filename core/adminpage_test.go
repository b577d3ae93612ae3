package core_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/referbot/referbot/core"
)

func TestAdminPage_ListsTheNewestFeesAndSumsEveryOneAsAdminFeesDoes(t *testing.T) {
	t.Parallel()
	d := newDash(t)
	ctx := context.Background()
	// 130 more fees: copies of R9 (otto pays rita), owed or paid, each won
	// an hour before the last, and copies of R3 with a fee (remy keeps
	// amounts private: listed, neither shown nor summed).
	d.exec(t, `INSERT INTO referrals (workspace_id, code, referrer_id, receiver_id, client_name, client_contact, consent, need,
			status, fee_kind, fee_basis_points, fee_status, won_value_cents, won_currency, won_confirmation,
			created_at, updated_at, accepted_at, closed_at)
		SELECT workspace_id, 90000 + g, referrer_id, receiver_id, client_name, client_contact, consent, need,
			'won', 'percent', 1000, CASE WHEN g % 2 = 0 THEN 'owed' ELSE 'paid' END, won_value_cents + g * 100, won_currency,
			'confirmed', created_at, updated_at, accepted_at, closed_at - g * interval '1 hour'
		FROM referrals, generate_series(1, 130) g
		WHERE workspace_id = $1 AND code = CASE WHEN g % 10 = 0 THEN $3::bigint ELSE $2::bigint END`,
		d.ada.Workspace.ID, int64(d.r[9].Code), int64(d.r[3].Code))

	page := ok(d.svc.AdminPage(ctx, d.ada, ""))(t)
	all := ok(d.svc.AdminFees(ctx, d.ada, ""))(t)
	if len(all.Fees) != 131 || all.Unlisted != 0 {
		t.Fatalf("AdminFees lists %d fees (%d unlisted), want all 131", len(all.Fees), all.Unlisted)
	}
	fb := page.Fees
	if len(fb.Fees) != core.FeesOnPage || fb.Unlisted != 131-core.FeesOnPage {
		t.Fatalf("the page lists %d fees and %d more, want %d and %d", len(fb.Fees), fb.Unlisted, core.FeesOnPage, 131-core.FeesOnPage)
	}
	if !reflect.DeepEqual(fb.Fees, all.Fees[:core.FeesOnPage]) {
		t.Errorf("the page's fees are not the newest of AdminFees':\n%+v\n%+v", fb.Fees[0], all.Fees[0])
	}
	if !reflect.DeepEqual(fb.Members, all.Members) {
		t.Errorf("the page's totals %+v differ from every fee's %+v", fb.Members, all.Members)
	}
	// rita gets R9's 200 awaiting, and 10% of each copy's value but remy's.
	var owed, paid int64
	for g := int64(1); g <= 130; g++ {
		if g%10 == 0 {
			continue
		}
		if fee := (200000 + g*100) / 10; g%2 == 0 {
			owed += fee
		} else {
			paid += fee
		}
	}
	for _, m := range fb.Members {
		if m.Name == "remy" {
			t.Errorf("remy's private amounts were summed: %+v", m)
		}
		if m.Name == "rita" && (m.Gets.Owed[0].Cents != owed || m.Gets.Paid[0].Cents != paid || m.Gets.Awaiting[0].Cents != 20000) {
			t.Errorf("rita gets %+v, want %d owed, %d paid, 20000 awaiting", m.Gets, owed, paid)
		}
	}
	if _, err := d.svc.AdminFees(ctx, d.rita, ""); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Errorf("rita asks for every fee: %v, want EFORBIDDEN", err)
	}
}
