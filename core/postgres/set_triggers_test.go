package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/migrations"
)

// The tables the referrals' triggers keep, as compared: rows whose sums
// are all zero left out (readers sum, so such a row says nothing; a
// statement that moves a key's facts out and back in again writes none).
var triggerKept = []struct{ name, query string }{
	{"stats_rollups", `SELECT * FROM stats_rollups WHERE n <> 0 OR n_amount <> 0 OR cents <> 0`},
	{"pair_rollups", `SELECT * FROM pair_rollups WHERE n <> 0 OR won <> 0`},
	{"board_rollups", `SELECT * FROM board_rollups WHERE n <> 0 OR cents <> 0 OR to_partner <> 0 OR to_partner_won <> 0`},
	{"referral_client_keys", `SELECT * FROM referral_client_keys`},
	{"client_key_counts", `SELECT * FROM client_key_counts`},
	{"pair_client_key_counts", `SELECT * FROM pair_client_key_counts`},
	// the columns of 031 (036 keeps the member's joined_at beside it)
	{"member_first_wins", `SELECT workspace_id, member_id, referral_id, code, closed_at, gave FROM member_first_wins`},
	{"referrals", `SELECT id, status, funnel_reached, amounts_private FROM referrals`},
	// the taken-on date each thank-you keeps of its referral (022)
	{"thanks", `SELECT referral_id, from_id, accepted_at FROM thanks`},
}

// TestSetBasedTriggers_LeaveWhatTheRowTriggersLeft plays one random
// history twice, on a database at migration 031 (the row triggers) and on
// one migrated to the latest (032's statement triggers): several
// referrals inserted, updated and deleted in one statement and one by
// one — stage moves, wins confirmed or not and undone, values corrected,
// releases and reassignments, co-owners, clients renamed, history moves
// of lost referrals, members' amounts made private — and compares every
// table the triggers keep after each round. Both write to the same rollup
// shard.
func TestSetBasedTriggers_LeaveWhatTheRowTriggersLeft(t *testing.T) {
	t.Parallel()
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			rowConn, _ := connAtVersion(t, 31)
			setConn, setURL := connAtVersion(t, 31)
			if err := migrations.MigrateURL(ctx, setURL); err != nil {
				t.Fatal(err)
			}
			h := &twinHistory{t: t, conns: [2]*pgx.Conn{rowConn, setConn}, rnd: rand.New(rand.NewPCG(seed, 32)), code: 1000}
			h.exec(`SET referbot.rollup_shard = '3'`)
			h.exec(`INSERT INTO workspaces (platform, external_id) VALUES ('slack', 'T1')`)
			h.exec(`INSERT INTO members (workspace_id, user_id, display_name)
				SELECT 1, 'U' || g, 'member ' || g FROM generate_series(1, 6) g`)
			for round := range 4 {
				for range 50 {
					h.step()
				}
				h.compare(round)
			}
			if h.multi == 0 || h.moved == 0 {
				t.Fatalf("a history without statements of several referrals (%d) or rows they changed (%d)", h.multi, h.moved)
			}
		})
	}
}

// twinHistory runs each statement on both databases.
type twinHistory struct {
	t     *testing.T
	conns [2]*pgx.Conn // row triggers, statement triggers
	rnd   *rand.Rand
	code  int
	multi int   // statements that changed several referrals
	moved int64 // referrals changed by them
}

// exec runs sql on both; a statement the schema refuses (a check, a
// foreign key) must be refused by both.
func (h *twinHistory) exec(sql string, args ...any) int64 {
	h.t.Helper()
	var n [2]int64
	var errs [2]error
	for i, c := range h.conns {
		tag, err := c.Exec(context.Background(), sql, args...)
		n[i], errs[i] = tag.RowsAffected(), err
	}
	if (errs[0] == nil) != (errs[1] == nil) || n[0] != n[1] {
		h.t.Fatalf("%s: row triggers %d rows, %v; statement triggers %d rows, %v", sql, n[0], errs[0], n[1], errs[1])
	}
	if errs[0] != nil {
		h.t.Logf("refused by both (fine): %v", errs[0])
	}
	return n[0]
}

// ids is a random set of referral ids, most of them existing.
func (h *twinHistory) ids() []int64 {
	ids := make([]int64, 1+h.rnd.IntN(6))
	for i := range ids {
		ids[i] = 1 + h.rnd.Int64N(int64(h.code-999))
	}
	return ids
}

func (h *twinHistory) member() int64 { return 1 + h.rnd.Int64N(6) }

var (
	twinClients  = []string{"Acme Inc.", "ACME", "The Acme Co", "Beta LLC", "beta", "Café Müller", "CAFÉ MÜLLER", ""}
	twinContacts = []string{"", "jane@acme.example", "JANE@acme.example", "+1 555 123 4567", "beta.example; jane@acme.example"}
	twinCurrency = []string{"", "USD", "EUR"}
)

func (h *twinHistory) step() {
	if h.code < 1010 || h.rnd.IntN(4) == 0 {
		h.insert()
		return
	}
	ids := h.ids()
	var n int64
	switch h.rnd.IntN(13) {
	case 0: // stage moves (taken on when accepted)
		st := []string{"accepted", "contacted", "meeting", "proposal", "lost", "declined"}
		n = h.exec(`UPDATE referrals SET status = $2, closed_at = CASE WHEN $2 IN ('lost', 'declined') THEN created_at + interval '3 days' END,
			accepted_at = CASE WHEN $2 = 'accepted' THEN created_at + make_interval(days => $3) ELSE accepted_at END
			WHERE id = ANY ($1) AND receiver_id IS NOT NULL`, ids, st[h.rnd.IntN(len(st))], h.rnd.IntN(5))
	case 1: // won, the value confirmed or not
		conf := []string{"none", "awaiting", "confirmed", "confirmed"}
		n = h.exec(`UPDATE referrals SET status = 'won', won_value_cents = 10000 * (id % 7), won_currency = NULLIF($2, ''),
			won_confirmation = $3, closed_at = created_at + make_interval(days => (id % 40)::int)
			WHERE id = ANY ($1) AND receiver_id IS NOT NULL`, ids, twinCurrency[h.rnd.IntN(3)], conf[h.rnd.IntN(len(conf))])
	case 2: // values corrected, confirmations changed
		n = h.exec(`UPDATE referrals SET won_value_cents = won_value_cents + 500, won_currency = $2,
			won_confirmation = CASE WHEN won_confirmation = 'confirmed' THEN 'disputed' ELSE 'confirmed' END
			WHERE id = ANY ($1) AND status = 'won'`, ids, twinCurrency[h.rnd.IntN(3)])
	case 3: // wins undone
		n = h.exec(`UPDATE referrals SET status = 'proposal', won_value_cents = NULL, won_currency = NULL, closed_at = NULL,
			won_confirmation = 'none' WHERE id = ANY ($1) AND status = 'won'`, ids)
	case 4: // released (the stale release job) or reassigned
		if h.rnd.IntN(2) == 0 {
			n = h.exec(`UPDATE referrals SET receiver_id = NULL, co_owner_id = NULL, status = 'open', accepted_at = NULL
				WHERE id = ANY ($1) AND status IN ('offered', 'accepted', 'contacted')`, ids)
		} else {
			n = h.exec(`UPDATE referrals SET receiver_id = $2, status = CASE WHEN status IN ('open', 'expired') THEN 'offered' ELSE status END
				WHERE id = ANY ($1) AND referrer_id <> $2 AND co_owner_id IS DISTINCT FROM $2`, ids, h.member())
		}
	case 5: // co-owners
		n = h.exec(`UPDATE referrals SET co_owner_id = CASE WHEN co_owner_id IS NULL THEN $2::bigint END
			WHERE id = ANY ($1) AND receiver_id IS NOT NULL AND referrer_id <> $2 AND receiver_id <> $2`, ids, h.member())
	case 6: // estimates, creation dates
		n = h.exec(`UPDATE referrals SET estimate_cents = estimate_cents + 1000 * (id % 3), estimate_currency = $2,
			created_at = created_at - make_interval(days => $3) WHERE id = ANY ($1)`, ids, twinCurrency[h.rnd.IntN(3)], h.rnd.IntN(40))
	case 7: // clients renamed, contacts gone (a member forgotten)
		n = h.exec(`UPDATE referrals SET client_name = $2, client_contact = NULL WHERE id = ANY ($1)`,
			ids, twinClients[h.rnd.IntN(len(twinClients))])
	case 8: // a member's amounts private, or public again (their referrals all at once)
		h.exec(`UPDATE members SET amounts_private = NOT amounts_private WHERE id = $1`, h.member())
	case 9:
		n = h.exec(`DELETE FROM referrals r WHERE id = ANY ($1)
			AND NOT EXISTS (SELECT 1 FROM referral_events e WHERE e.workspace_id = r.workspace_id AND e.referral_id = r.id)`, ids)
	case 10: // a move in the history (a lost referral's furthest stage)
		st := []string{"contacted", "meeting", "proposal"}
		h.exec(`INSERT INTO referral_events (workspace_id, referral_id, kind, to_status, at)
			SELECT workspace_id, id, 'stage', $2, now() FROM referrals WHERE id = $1`, ids[0], st[h.rnd.IntN(len(st))])
	case 11: // an update that changes nothing the triggers read
		n = h.exec(`UPDATE referrals SET need = need || '.', updated_at = updated_at + interval '1 minute' WHERE id = ANY ($1)`, ids)
	case 12: // thanked (the thank-you keeps the referral's taken-on date)
		h.exec(`INSERT INTO thanks (workspace_id, referral_id, from_id, to_id, at)
			SELECT workspace_id, id, referrer_id, COALESCE(receiver_id, referrer_id), created_at FROM referrals
			WHERE id = ANY ($1) ORDER BY id ON CONFLICT DO NOTHING`, ids)
	}
	if n > 1 {
		h.multi++
		h.moved += n
	}
}

// insert adds one to six referrals in one statement.
func (h *twinHistory) insert() {
	n := 1 + h.rnd.IntN(6)
	sql := `INSERT INTO referrals (workspace_id, code, referrer_id, receiver_id, co_owner_id, client_name, client_contact,
		consent, status, estimate_cents, estimate_currency, won_value_cents, won_currency, won_confirmation,
		created_at, updated_at, closed_at) VALUES `
	var args []any
	for i := range n {
		h.code++
		from, to := h.member(), h.member()
		var receiver, coOwner *int64
		status := "open"
		if to != from {
			receiver, status = &to, []string{"offered", "accepted", "proposal", "won", "lost"}[h.rnd.IntN(5)]
			if co := h.member(); co != from && co != to && h.rnd.IntN(3) == 0 {
				coOwner = &co
			}
		}
		contact := twinContacts[h.rnd.IntN(len(twinContacts))]
		var won *int64
		var closed *string
		if status == "won" || status == "lost" {
			v, c := int64(h.rnd.IntN(5))*20000, fmt.Sprintf("2026-%02d-%02d", 1+h.rnd.IntN(6), 1+h.rnd.IntN(28))
			if status == "won" {
				won = &v
			}
			closed = &c
		}
		created := fmt.Sprintf("2025-%02d-%02d 12:00+00", 7+h.rnd.IntN(6), 1+h.rnd.IntN(28))
		if i > 0 {
			sql += ", "
		}
		k := len(args)
		sql += fmt.Sprintf("(1, $%d, $%d, $%d, $%d, $%d, NULLIF($%d, ''), $%d <> '', $%d, $%d, $%d, $%d, NULLIF($%d, ''), $%d, $%d, $%d, $%d)",
			k+1, k+2, k+3, k+4, k+5, k+6, k+6, k+7, k+8, k+9, k+10, k+11, k+12, k+13, k+13, k+14)
		conf := []string{"none", "confirmed"}[h.rnd.IntN(2)]
		if status != "won" {
			conf = "none"
		}
		cur := twinCurrency[h.rnd.IntN(3)]
		args = append(args, h.code, from, receiver, coOwner, twinClients[h.rnd.IntN(len(twinClients))], contact, status,
			int64(h.rnd.IntN(4))*50000, cur, won, cur, conf, created, closed)
	}
	if got := h.exec(sql, args...); got > 1 {
		h.multi++
		h.moved += got
	}
}

// compare fails on the first table the two databases hold differently.
func (h *twinHistory) compare(round int) {
	h.t.Helper()
	ctx := context.Background()
	for _, k := range triggerKept {
		var got [2]string
		for i, c := range h.conns {
			if err := c.QueryRow(ctx, `SELECT COALESCE(string_agg(x::text, E'\n' ORDER BY x::text), '') FROM (`+k.query+`) x`).
				Scan(&got[i]); err != nil {
				h.t.Fatal(err)
			}
		}
		if got[0] != got[1] {
			h.t.Fatalf("round %d: %s differ\nrow triggers:\n%s\nstatement triggers:\n%s", round, k.name, got[0], got[1])
		}
		if got[0] == "" && k.name != "member_first_wins" {
			h.t.Fatalf("round %d: %s empty: the history wrote nothing to compare", round, k.name)
		}
	}
	// Tables 031 has not: each against its rebuild from what it is kept
	// from (as the seed rebuilds them), in a transaction rolled back.
	tx, err := h.conns[1].Begin(ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	for _, k := range keptSince031 {
		var differing int
		for _, sql := range []string{`CREATE TEMP TABLE kept AS SELECT * FROM ` + k.name,
			`SELECT ` + k.name + `_rebuild(id) FROM workspaces`} {
			if _, err := tx.Exec(ctx, sql); err != nil {
				h.t.Fatal(err)
			}
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM kept k FULL JOIN `+k.name+` f USING (`+k.key+`)
			WHERE (`+zeroed("k", k.columns)+`) IS DISTINCT FROM (`+zeroed("f", k.columns)+`)`).Scan(&differing); err != nil {
			h.t.Fatal(err)
		}
		if differing != 0 {
			h.t.Fatalf("round %d: %d %s rows differ from a rebuild", round, differing, k.name)
		}
		if _, err := tx.Exec(ctx, `DROP TABLE kept`); err != nil {
			h.t.Fatal(err)
		}
	}
}

// zeroed lists the columns of the row alias, a missing row's as zeros.
func zeroed(alias string, columns []string) string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = "COALESCE(" + alias + "." + c + ", 0)"
	}
	return strings.Join(out, ", ")
}

// keptSince031 are the kept tables the statement-trigger database alone
// has: the members' totals per shard, from the stats rollups (033), and
// the leaderboard's deals per quarter, from its tallies (036). A row
// whose sums are all zero is as good as none.
var keptSince031 = []struct {
	name, key string
	columns   []string
}{
	{"member_totals", "workspace_id, member_id, bucket, currency, private, shard",
		[]string{"given", "received", "given_deals", "given_cents", "received_deals", "received_cents"}},
	{"board_deals", "workspace_id, bucket, member_id", []string{"deals", "prev_deals"}},
}

// setBasedTriggers are the triggers 032 makes statement triggers, in name
// order.
var setBasedTriggers = []string{"referrals_board_rollups_insert", "referrals_board_rollups_update", "referrals_client_keys_insert",
	"referrals_stats_rollup_update"}

// TestMigrate032_GoesDownToTheRowTriggersAndUpAgain: 032's down section
// puts back the row triggers it replaced and 029's pair client keys
// trigger, and up makes them statement triggers again.
func TestMigrate032_GoesDownToTheRowTriggersAndUpAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, url := connAtVersion(t, 32)
	kinds := func() string {
		var s string
		if err := conn.QueryRow(ctx, `SELECT string_agg(tgname || CASE WHEN tgtype & 1 = 1 THEN ' per row' ELSE ' per statement' END,
				', ' ORDER BY tgname)
			FROM pg_trigger WHERE tgrelid = 'referrals'::regclass AND tgname = ANY ($1)`, setBasedTriggers).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	var rows, statements string
	for i, name := range setBasedTriggers {
		if i > 0 {
			rows, statements = rows+", ", statements+", "
		}
		rows, statements = rows+name+" per row", statements+name+" per statement"
	}
	if got := kinds(); got != statements {
		t.Fatalf("at 032: %s, want %s", got, statements)
	}
	pairKeys := func() int {
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_trigger
			WHERE tgrelid = 'referrals'::regclass AND tgname = 'referrals_pair_client_keys_insert'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := pairKeys(); n != 0 {
		t.Fatalf("at 032: 029's pair client keys insert trigger still there (the client keys' counts them)")
	}
	if err := migrations.MigrateURLTo(ctx, url, 31); err != nil {
		t.Fatal(err)
	}
	if got := kinds(); got != rows {
		t.Fatalf("down to 031: %s, want %s", got, rows)
	}
	if n := pairKeys(); n != 1 {
		t.Fatalf("down to 031: %d pair client keys insert triggers, want 029's", n)
	}
	if err := migrations.MigrateURLTo(ctx, url, 32); err != nil {
		t.Fatal(err)
	}
	if got := kinds(); got != statements {
		t.Fatalf("up again: %s, want %s", got, statements)
	}
}

// TestMigrate039_GoesDownToTheTriggersItFoldedAndUpAgain: 039's down
// section puts back the four update triggers it folded into one, the
// amounts_private trigger it split and 001's expiry index, and up folds
// them again.
func TestMigrate039_GoesDownToTheTriggersItFoldedAndUpAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, url := connAtVersion(t, 39)
	names := func() string {
		var s string
		if err := conn.QueryRow(ctx, `SELECT string_agg(tgname, ', ' ORDER BY tgname) FROM pg_trigger
			WHERE tgrelid = 'referrals'::regclass AND NOT tgisinternal AND tgname = ANY ($1)`,
			[]string{"referrals_amounts_private", "referrals_amounts_private_insert", "referrals_amounts_private_update",
				"referrals_board_rollups_update", "referrals_derived_update", "referrals_pair_client_keys_update",
				"referrals_stats_rollup_update", "referrals_thanks_accepted_at"}).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	expiryIndexes := func() int {
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE tablename = 'referrals'
			AND indexname = 'referrals_open_expiry_idx'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const folded = "referrals_amounts_private_insert, referrals_amounts_private_update, referrals_derived_update"
	const before = "referrals_amounts_private, referrals_board_rollups_update, referrals_pair_client_keys_update, " +
		"referrals_stats_rollup_update, referrals_thanks_accepted_at"
	if got := names(); got != folded || expiryIndexes() != 0 {
		t.Fatalf("at 039: %s (and %d of 001's expiry index), want %s", got, expiryIndexes(), folded)
	}
	if err := migrations.MigrateURLTo(ctx, url, 37); err != nil {
		t.Fatal(err)
	}
	if got := names(); got != before || expiryIndexes() != 1 {
		t.Fatalf("down to 037: %s (and %d of 001's expiry index), want %s and it", got, expiryIndexes(), before)
	}
	if err := migrations.MigrateURLTo(ctx, url, 39); err != nil {
		t.Fatal(err)
	}
	if got := names(); got != folded {
		t.Fatalf("up again: %s, want %s", got, folded)
	}
}
