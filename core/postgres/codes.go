package postgres

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/referbot/referbot/core"
)

// A process takes a workspace's referral codes from its counter codeBlock
// at a time; a workspace that used up its last block within a second gets
// one twice as large, up to maxCodeBlock. Larger blocks mean fewer trips
// to the counter (every referral of the workspace waits for one) and
// larger gaps when a process stops with codes left over.
const (
	codeBlock    = 16
	maxCodeBlock = 256
)

// codes hands out referral codes without serialising referrals. The
// counter (table referral_codes) is only ever touched by one short
// statement committed at once, on a pool of its own, which takes a block
// of codes; the process then hands them out from memory. So a
// referral's transaction holds no lock other referrals wait for, and the
// statement can't wait for a transaction of this process (the pool may be
// full of transactions each waiting for a code).
//
// Codes stay unique per workspace. A referral that rolls back gives its
// code back, for the next referral of the process; codes left in a block
// when the process stops are never used, and with several replicas codes
// are not in the order referrals were created. Both are fine: a code
// names a referral, it does not count or order them.
type codes struct {
	pool *pgxpool.Pool // small, for the counter only
	mu   sync.Mutex
	ws   map[int64]*block
}

// block is what is left of a workspace's codes in this process: codes
// given back (smallest first), then next up to end (excluded). While one
// goroutine fetches the next block, fetching is open and the others wait
// for it rather than each take a block.
type block struct {
	back      []int64
	next, end int64
	fetching  chan struct{}
	size      int64     // of the next block
	fetched   time.Time // when the last block was taken
}

func newCodes(pool *pgxpool.Pool) *codes { return &codes{pool: pool, ws: map[int64]*block{}} }

// take returns an unused code of the workspace.
func (c *codes) take(ctx context.Context, workspaceID int64) (int64, error) {
	for {
		c.mu.Lock()
		b := c.ws[workspaceID]
		if b == nil {
			b = &block{}
			c.ws[workspaceID] = b
		}
		switch {
		case len(b.back) > 0:
			code := b.back[0]
			b.back = b.back[1:]
			c.mu.Unlock()
			return code, nil
		case b.next < b.end:
			code := b.next
			b.next++
			c.mu.Unlock()
			return code, nil
		case b.fetching != nil:
			wait := b.fetching
			c.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return 0, ctx.Err()
			}
		}
		done := make(chan struct{})
		b.fetching = done
		switch since := time.Since(b.fetched); {
		case b.size == 0 || since > time.Minute:
			b.size = codeBlock
		case since < time.Second:
			b.size = min(2*b.size, maxCodeBlock)
		}
		size := b.size
		c.mu.Unlock()
		// Outside the mutex: other workspaces' codes don't wait for this trip.
		start, err := c.fetch(ctx, workspaceID, size)
		c.mu.Lock()
		b.fetching = nil
		close(done)
		if err != nil {
			c.mu.Unlock()
			return 0, err
		}
		b.next, b.end, b.fetched = start+1, start+size, time.Now()
		c.mu.Unlock()
		return start, nil
	}
}

// fetch takes the workspace's next size codes and returns the first.
func (c *codes) fetch(ctx context.Context, workspaceID, size int64) (start int64, err error) {
	err = c.pool.QueryRow(ctx, `
		INSERT INTO referral_codes AS c (workspace_id, next_code) VALUES ($1, $2::bigint + $3::bigint)
		ON CONFLICT (workspace_id) DO UPDATE SET next_code = c.next_code + $3::bigint
		RETURNING c.next_code - $3::bigint`, workspaceID, int64(core.FirstCode), size).Scan(&start)
	if err != nil {
		return 0, fmt.Errorf("referral codes of workspace %d: %w", workspaceID, err)
	}
	return start, nil
}

// giveBack returns a code that a rolled back referral took.
func (c *codes) giveBack(workspaceID, code int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.ws[workspaceID]
	if b == nil {
		b = &block{}
		c.ws[workspaceID] = b
	}
	i, _ := slices.BinarySearch(b.back, code)
	b.back = slices.Insert(b.back, i, code)
}
