package postgres_test

import (
	"context"
	"testing"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/migrations"
)

// Amounts stored before 005 were hundredths whatever the currency; after
// it, yen are yen and dinars thousandths, and dollars and euros unchanged.
func TestMigrate005_AmountsBecomeMinorUnitsOfTheirCurrency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, url := connAtVersion(t, 3)
	_, err := conn.Exec(ctx, `
		INSERT INTO workspaces (platform, external_id) VALUES ('slack', 'T1');
		INSERT INTO members (workspace_id, user_id, display_name) VALUES (1, 'U1', 'bob'), (1, 'U2', 'alice');
		INSERT INTO profiles (member_id, workspace_id, min_budget_cents, min_budget_currency, updated_at)
			VALUES (1, 1, 2000000, 'JPY', now()), (2, 1, 200000, 'EUR', now());
		INSERT INTO referrals (workspace_id, code, referrer_id, receiver_id, status, estimate_cents, estimate_currency,
			won_value_cents, won_currency, created_at, updated_at)
		VALUES (1, 1001, 1, 2, 'won', 600000, 'JPY', 500000, 'JPY', now(), now()),
			(1, 1002, 1, 2, 'won', 600000, 'EUR', 500000, 'EUR', now(), now()),
			(1, 1003, 1, 2, 'won', 0, '', 150, 'KWD', now(), now()),
			(1, 1004, 1, 2, 'won', 480000, '', 480000, 'USD', now(), now())`)
	if err != nil {
		t.Fatal(err)
	}
	if err := migrations.MigrateURL(ctx, url); err != nil {
		t.Fatal(err)
	}
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := map[core.Code][2]string{
		1001: {"JPY 6,000", "JPY 5,000"},
		1002: {"EUR 6,000", "EUR 5,000"},
		1003: {"USD 0", "KWD 1.500"},
		1004: {"USD 4,800", "USD 4,800"},
	}
	err = db.InTx(ctx, func(tx core.Tx) error {
		for code, w := range want {
			r, err := tx.Referral(ctx, 1, code, false)
			if err != nil {
				return err
			}
			if got := [2]string{r.Estimate.String(), r.WonValue.String()}; got != w {
				t.Errorf("%s: estimate, won = %v, want %v", code, got, w)
			}
		}
		for id, w := range map[int64]string{1: "JPY 20,000", 2: "EUR 2,000"} {
			p, err := tx.Profile(ctx, 1, id)
			if err != nil {
				return err
			}
			if got := p.MinBudget.String(); got != w {
				t.Errorf("member %d: min budget %s, want %s", id, got, w)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
