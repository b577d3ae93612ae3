package postgres_test

import (
	"context"
	"testing"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/migrations"
)

// Deals won before 010 were never asked to be confirmed: they keep
// counting (confirmed), the fees owed on them stay owed, paid ones get a
// date; a referral not won awaits nothing. And 010 goes down cleanly.
func TestMigrate010_DealsWonBeforeCountAsConfirmed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, url := connAtVersion(t, 9)
	_, err := conn.Exec(ctx, `
		INSERT INTO workspaces (platform, external_id) VALUES ('slack', 'T1');
		INSERT INTO members (workspace_id, user_id, display_name) VALUES (1, 'U1', 'bob'), (1, 'U2', 'alice');
		INSERT INTO referrals (workspace_id, code, referrer_id, receiver_id, status, fee_kind, fee_basis_points, fee_status,
			won_value_cents, won_currency, created_at, updated_at)
		VALUES (1, 1001, 1, 2, 'won', 'percent', 1000, 'owed', 480000, 'USD', now(), now()),
			(1, 1002, 1, 2, 'won', 'percent', 1000, 'paid', 480000, 'USD', now(), '2026-03-02 10:00Z'),
			(1, 1003, 1, 2, 'accepted', 'percent', 1000, 'none', NULL, NULL, now(), now())`)
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
	err = db.InTx(ctx, func(tx core.Tx) error {
		for code, want := range map[core.Code]struct {
			fee  core.FeeStatus
			conf core.Confirmation
			paid bool
		}{1001: {core.FeeOwed, core.Confirmed, false}, 1002: {core.FeePaid, core.Confirmed, true}, 1003: {core.FeeNotDue, core.NotWon, false}} {
			r, err := tx.Referral(ctx, 1, code, false)
			if err != nil {
				return err
			}
			if r.FeeStatus != want.fee || r.WonConfirmation != want.conf || r.FeePaidAt.IsZero() == want.paid {
				t.Errorf("%s: fee %s, value %s, paid at %v; want %+v", code, r.FeeStatus, r.WonConfirmation, r.FeePaidAt, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	if _, err := conn.Exec(ctx, `UPDATE referrals SET fee_status = 'received' WHERE code = 1002`); err != nil {
		t.Fatal(err)
	}
	if err := migrations.MigrateTo(ctx, conn, 9); err != nil {
		t.Fatalf("down: %v", err)
	}
	var st string
	if err := conn.QueryRow(ctx, `SELECT fee_status FROM referrals WHERE code = 1002`).Scan(&st); err != nil || st != "paid" {
		t.Errorf("received, migrated down: %q, %v; want paid", st, err)
	}
}
