package bot

import (
	"context"
	"sync"
	"time"
)

// Deadline runs the work of a platform request against the platform's
// reply deadline (Slack and Discord wait 3 s): what finishes in time is
// answered directly, the rest goes on in the background and is answered
// with a follow-up. Wait lets tests and a graceful shutdown see the
// background work through.
type Deadline struct {
	Within time.Duration // default 2.5 s
	work   sync.WaitGroup
}

// within is the deadline to use.
func (d *Deadline) within() time.Duration {
	if d.Within == 0 {
		return 2500 * time.Millisecond
	}
	return d.Within
}

// Go runs fn after the request was answered, on a context that outlives
// the request (30 s at most).
func (d *Deadline) Go(ctx context.Context, fn func(ctx context.Context)) {
	d.work.Add(1)
	go func() {
		defer d.work.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		fn(ctx)
	}()
}

// Wait blocks until background work is done.
func (d *Deadline) Wait() { d.work.Wait() }

// RunWithin runs fn and waits for it up to the deadline: done reports
// whether it finished in time. If not, it goes on and late is called with
// its result.
func RunWithin[T any](d *Deadline, ctx context.Context, fn func(ctx context.Context) T, late func(ctx context.Context, v T)) (v T, done bool) {
	ch := make(chan T, 1)
	d.Go(ctx, func(ctx context.Context) { ch <- fn(ctx) })
	t := time.NewTimer(d.within())
	defer t.Stop()
	select {
	case v := <-ch:
		return v, true
	case <-t.C:
		d.Go(ctx, func(ctx context.Context) { late(ctx, <-ch) })
		var zero T
		return zero, false
	}
}
