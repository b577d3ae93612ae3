package bot

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Connection is the state of a long-lived chat connection (Slack Socket
// Mode, the Discord Gateway), for /readyz: a connection that is down makes
// the bot not ready, so an orchestrator can see it and act.
type Connection struct {
	mu  sync.Mutex
	up  bool
	err error
}

// Up records that the connection is established.
func (c *Connection) Up() {
	c.mu.Lock()
	c.up, c.err = true, nil
	c.mu.Unlock()
}

// Down records that the connection is lost, and why.
func (c *Connection) Down(err error) {
	if err == nil {
		err = errors.New("disconnected")
	}
	c.mu.Lock()
	c.up, c.err = false, err
	c.mu.Unlock()
}

// Ready returns nil when the connection is up, else why it is not.
func (c *Connection) Ready() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.up {
		return nil
	}
	if c.err == nil {
		return errors.New("not connected yet")
	}
	return c.err
}

// maxRetryWait caps the wait between reconnection attempts.
const maxRetryWait = time.Minute

// Retry runs attempt until it succeeds or ctx ends, waiting base, 2·base,
// 4·base ... (at most a minute) after each failure, which it reports to
// failed. It returns ctx's error when ctx ends first.
func Retry(ctx context.Context, base time.Duration, attempt func(ctx context.Context) error, failed func(err error, wait time.Duration)) error {
	if base <= 0 {
		base = time.Second
	}
	wait := base
	for {
		err := attempt(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		failed(err, wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, maxRetryWait)
	}
}
