package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/referbot/referbot/core"
)

// SeedSpec says how big a data set Seed generates. The same spec and Seed
// on an empty database give the same rows.
type SeedSpec struct {
	Workspaces int     // networks; sizes follow a power law (a few big ones)
	Members    int     // in all, at least 2 per workspace
	Referrals  int     // in all, shared by workspace size
	Years      float64 // of history before Now; 0 = 2
	Seed       uint64  // of the random source
	// Now is where the history ends; zero = the current hour. Referrals
	// still in progress are those whose next step would come after it.
	Now time.Time
	// OutboxDays is how many days of delivered notices are kept, as the
	// retention job leaves them: 0 = core.DefaultRetentionDays, -1 = all.
	OutboxDays int
	// Trusted loads without the foreign-key checks (triggers), about twice
	// as fast; it needs a superuser. The generated rows are consistent, as
	// the seed's tests check with the foreign keys on.
	Trusted bool
	// ChunkRows is about how many rows each transaction loads; 0 = 60,000.
	ChunkRows int
	// Workers load chunks of workspaces side by side; 0 = 2.
	Workers int
}

// DefaultSeedSpec is the small data set CI and a first look use.
func DefaultSeedSpec() SeedSpec {
	return SeedSpec{Workspaces: 3, Members: 200, Referrals: 5000, Years: 2, Seed: 1}
}

// SeedStats says what Seed loaded and how fast.
type SeedStats struct {
	Rows         map[string]int64 // rows per table
	Elapsed      time.Duration
	WorkspaceIDs []int64 // the seeded workspaces, biggest first
}

// Total is the number of rows loaded in all tables.
func (s SeedStats) Total() int64 {
	var n int64
	for _, v := range s.Rows {
		n += v
	}
	return n
}

// Check says what is wrong with a spec, in words that say what to type.
func (s SeedSpec) Check() error {
	switch {
	case s.Workspaces < 1:
		return errors.New("seed needs at least one workspace: --workspaces 3")
	case s.Members < 2*s.Workspaces:
		return fmt.Errorf("seed needs at least 2 members per workspace: --members %d or more for %d workspaces", 2*s.Workspaces, s.Workspaces)
	case s.Referrals < 0:
		return errors.New("the number of referrals can't be negative: --referrals 5000")
	case s.Years < 0 || s.Years > 50:
		return errors.New("years of history must be between 0 and 50: --years 2")
	case s.OutboxDays < -1:
		return errors.New("outbox days must be 0 or more (or -1 for all): --outbox-days 90")
	case s.Workers < 0 || s.Workers > 64:
		return errors.New("workers must be between 1 and 64")
	}
	return nil
}

// chunkRows is about how many rows one loaded chunk holds unless the spec
// says: big enough for COPY to stream, small enough to keep memory flat at
// BNI scale.
func (s SeedSpec) chunkRows() int {
	if s.ChunkRows > 0 {
		return s.ChunkRows
	}
	return 60000
}

// Seed generates a realistic data set in Go and loads it with COPY (see
// seed_world.go for what it looks like), then moves the identity sequences
// past the ids it used and analyzes the tables. Rows are given their ids
// here, after the database's current largest, so a database already in use
// is added to, not disturbed; run it on one nobody writes to meanwhile.
func (db *DB) Seed(ctx context.Context, spec SeedSpec) (SeedStats, error) {
	start := time.Now()
	spec = spec.withDefaults()
	if err := spec.Check(); err != nil {
		return SeedStats{}, err
	}
	ids, err := db.nextIDs(ctx)
	if err != nil {
		return SeedStats{}, err
	}
	w := newWorld(spec, ids)
	stats := SeedStats{Rows: map[string]int64{}}
	var mu sync.Mutex
	count := func(c *seedChunk) {
		mu.Lock()
		defer mu.Unlock()
		for t, rows := range c.rows {
			stats.Rows[t] += int64(len(rows))
		}
	}
	chunks := make(chan *seedChunk) // generated while the last is loaded, no further ahead
	errs := make(chan error, spec.Workers)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for range spec.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range chunks {
				if err := db.loadChunk(ctx, c, spec.Trusted); err != nil {
					errs <- err
					cancel()
					return
				}
				count(c)
			}
		}()
	}
	genErr := w.generate(spec.chunkRows(), func(c *seedChunk) error {
		if c.header { // what follows points to it: load it now
			if err := db.loadChunk(ctx, c, spec.Trusted); err != nil {
				cancel()
				return err
			}
			count(c)
			return nil
		}
		select {
		case chunks <- c:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(chunks)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return stats, err
	}
	if genErr != nil {
		return stats, genErr
	}
	if err := ctx.Err(); err != nil {
		return stats, err
	}
	stats.WorkspaceIDs = w.workspaceIDs()
	if spec.Trusted {
		if err := db.rebuildDerived(ctx, stats.WorkspaceIDs); err != nil {
			return stats, err
		}
	}
	if err := db.finishSeed(ctx); err != nil {
		return stats, err
	}
	stats.Elapsed = time.Since(start)
	return stats, nil
}

func (s SeedSpec) withDefaults() SeedSpec {
	if s.Years == 0 {
		s.Years = 2
	}
	if s.OutboxDays == 0 {
		s.OutboxDays = core.DefaultRetentionDays
	}
	if s.Workers == 0 {
		s.Workers = 2
	}
	if s.Now.IsZero() {
		s.Now = time.Now().UTC().Truncate(time.Hour)
	}
	s.Now = s.Now.UTC()
	return s
}

// seedTables are the tables Seed fills, in the order a chunk loads them
// (each after those it references), with their columns.
var seedTables = []struct {
	name    string
	columns []string
	id      bool // has an identity id whose sequence Seed moves on
}{
	{"workspaces", []string{"id", "platform", "external_id", "name", "settings", "created_at"}, true},
	{"referral_codes", []string{"workspace_id", "next_code"}, false},
	{"members", []string{"id", "workspace_id", "user_id", "display_name", "role", "status", "buddy_id", "muted",
		"cadence_days", "joined_at", "last_active_at", "amounts_private"}, true},
	{"profiles", []string{"member_id", "workspace_id", "services", "tags", "niche", "industry", "time_zone",
		"availability", "updated_at"}, false},
	{"referrals", []string{"id", "workspace_id", "code", "referrer_id", "receiver_id", "client_name", "client_contact",
		"consent", "need", "tags", "estimate_cents", "estimate_currency", "temperature", "status", "fee_kind",
		"fee_basis_points", "fee_fixed_cents", "fee_currency", "fee_status", "won_value_cents", "won_currency",
		"lost_reason", "decline_reason", "expires_at", "created_at", "updated_at", "accepted_at", "closed_at",
		"won_confirmation", "fee_paid_at"}, true},
	{"referral_events", []string{"id", "workspace_id", "referral_id", "kind", "from_status", "to_status", "actor_id",
		"note", "at", "value_cents", "value_currency"}, true},
	{"thanks", []string{"id", "workspace_id", "referral_id", "from_id", "to_id", "message", "at"}, true},
	{"feedback", []string{"workspace_id", "referral_id", "member_id", "score", "comment", "at"}, false},
	{"partnerships", []string{"id", "workspace_id", "member_a", "member_b", "type", "trust", "cadence_days",
		"last_touch", "next_due", "created_at"}, true},
	{"touchpoints", []string{"id", "workspace_id", "partnership_id", "actor_id", "kind", "note", "at"}, true},
	{"outbox", []string{"id", "workspace_id", "recipient_member_id", "channel", "kind", "payload", "dedupe_key",
		"status", "attempts", "last_error", "ref", "created_at", "sent_at", "priority"}, true},
	{"job_runs", []string{"job", "workspace_id", "period", "started_at", "finished_at"}, false},
}

// seedChunk is rows to load in one transaction, by table: a few whole
// workspaces, or part of a big one.
type seedChunk struct {
	rows    map[string][][]any
	n       int  // rows in all
	header  bool // load it before any chunk that follows
	discard bool // keep nothing (a dry run)
}

func (c *seedChunk) add(table string, row ...any) {
	if c.discard {
		return
	}
	c.rows[table] = append(c.rows[table], row)
	c.n++
}

// loadChunk COPYs a chunk's tables in one transaction. Two chunks of one
// workspace loaded at once both update its stats rollups (their trigger),
// in whatever order their rows come: PostgreSQL may end one of them as a
// deadlock, and then the chunk is simply loaded again.
func (db *DB) loadChunk(ctx context.Context, c *seedChunk, trusted bool) error {
	for attempt := 1; ; attempt++ {
		err := db.loadChunkOnce(ctx, c, trusted)
		var pgErr *pgconn.PgError
		if attempt < 8 && errors.As(err, &pgErr) && pgErr.Code == "40P01" {
			continue
		}
		return err
	}
}

func (db *DB) loadChunkOnce(ctx context.Context, c *seedChunk, trusted bool) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if trusted {
			// Foreign keys are enforced by triggers, which replica mode skips.
			if _, err := tx.Exec(ctx, "SET LOCAL session_replication_role = replica"); err != nil {
				return fmt.Errorf("seed: skip the foreign-key checks (--trusted needs a superuser): %w", err)
			}
		}
		for _, t := range seedTables {
			rows := c.rows[t.name]
			if len(rows) == 0 {
				continue
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.columns, pgx.CopyFromRows(rows)); err != nil {
				return fmt.Errorf("seed: copy %d rows into %s: %w", len(rows), t.name, err)
			}
		}
		return nil
	})
}

// nextIDs reads, for each table with an identity, the first id Seed may use.
func (db *DB) nextIDs(ctx context.Context) (map[string]int64, error) {
	ids := map[string]int64{}
	for _, t := range seedTables {
		if !t.id {
			continue
		}
		var last int64
		if err := db.pool.QueryRow(ctx, `-- across workspaces (`+t.name+`): new ids start after every workspace's
		SELECT COALESCE(max(id), 0) FROM `+pgx.Identifier{t.name}.Sanitize()).Scan(&last); err != nil {
			return nil, fmt.Errorf("seed: %s: %w", t.name, err)
		}
		ids[t.name] = last + 1
	}
	return ids, nil
}

// rebuildDerived computes, for a load that ran without triggers
// (--trusted), what the triggers keep on every other write: each
// referral's amounts_private, its client keys and their counts
// (migrations 023 and 029), the stats and board rollups (migrations
// 016 and 029), each member's first win (029), the members' totals (033),
// the thank-yous and ratings counted per month (035), the members'
// deals per quarter (036), the folded network rows (042: none) and the
// medians' counts (043).
func (db *DB) rebuildDerived(ctx context.Context, workspaceIDs []int64) error {
	for _, ws := range workspaceIDs {
		err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SET LOCAL session_replication_role = replica"); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE referrals r SET amounts_private = true
				WHERE r.workspace_id = $1 AND EXISTS (SELECT 1 FROM members pm WHERE pm.workspace_id = r.workspace_id
					AND pm.id IN (r.referrer_id, r.receiver_id, r.co_owner_id) AND pm.amounts_private)`, ws); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, seedClientKeysSQL, ws); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `SELECT stats_rollups_rebuild($1), board_rollups_rebuild($1), member_first_wins_rebuild($1),
				member_totals_rebuild($1), network_counts_rebuild($1), duration_counts_rebuild($1)`, ws); err != nil {
				return err
			}
			// the rebuilt rollups are unfolded (shard 0): no network row of
			// the workspace is folded, so network_rollups (042) holds none
			if _, err := tx.Exec(ctx, `DELETE FROM network_rollups WHERE workspace_id = $1`, ws); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `SELECT board_deals_rebuild($1)`, ws)
			return err
		})
		if err != nil {
			return fmt.Errorf("seed: rebuild workspace %d's private amounts, client keys and rollups: %w", ws, err)
		}
	}
	return nil
}

// seedClientKeysSQL ($1 a workspace the seed just loaded) stores each
// referral's client keys and counts them per workspace and per pair, as
// the triggers of migrations 023 and 029 do on every other write.
const seedClientKeysSQL = `
WITH keys AS (
	INSERT INTO referral_client_keys (workspace_id, referral_id, key)
	SELECT DISTINCT r.workspace_id, r.id, u.k
	FROM referrals r CROSS JOIN LATERAL unnest(client_keys(r.client_name, r.client_contact)) AS u (k)
	WHERE r.workspace_id = $1
	RETURNING workspace_id, referral_id, key
), counted AS (
	INSERT INTO client_key_counts (workspace_id, key, n)
	SELECT workspace_id, key, count(*) FROM keys GROUP BY 1, 2
)
INSERT INTO pair_client_key_counts (workspace_id, referrer_id, receiver_id, key, n)
SELECT r.workspace_id, r.referrer_id, COALESCE(r.receiver_id, 0), k.key, count(*)
FROM keys k JOIN referrals r ON r.workspace_id = k.workspace_id AND r.id = k.referral_id
GROUP BY 1, 2, 3, 4`

// finishSeed moves every identity past the ids the seed used, so the
// product's own inserts carry on after them, and analyzes what changed.
func (db *DB) finishSeed(ctx context.Context) error {
	names := make([]string, 0, len(seedTables))
	for _, t := range seedTables {
		names = append(names, t.name)
		if !t.id {
			continue
		}
		if _, err := db.pool.Exec(ctx, fmt.Sprintf(`-- across workspaces (%[1]s): ids are one sequence for all workspaces
			SELECT setval(pg_get_serial_sequence('%[1]s', 'id'),
			GREATEST((SELECT max(id) FROM %[1]s), 1))`, t.name)); err != nil {
			return fmt.Errorf("seed: move the %s id sequence on: %w", t.name, err)
		}
	}
	// and the tables the loaded referrals' triggers (or rebuildDerived) fill
	names = append(names, "referral_client_keys", "client_key_counts", "pair_client_key_counts", "board_rollups",
		"member_first_wins")
	slices.Sort(names)
	_, err := db.pool.Exec(ctx, "ANALYZE "+joinIdents(names))
	if err != nil {
		return fmt.Errorf("seed: analyze: %w", err)
	}
	return nil
}

func joinIdents(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += pgx.Identifier{n}.Sanitize()
	}
	return out
}
