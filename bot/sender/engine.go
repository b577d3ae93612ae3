package sender

import (
	"container/heap"
	"context"
	"time"

	"github.com/referbot/referbot/core"
)

// engine moves claimed notices through their destination's pace and the
// workers. DeliverDue and Run each make one and drive it from one
// goroutine; workers and pacers answer on its channels.
type engine struct {
	s *Sender
	// held are the notices claimed and not yet finished. A notice whose
	// lease ran out while it was still with us (a call slower than the
	// lease) is offered again by the outbox; held keeps it from being sent
	// a second time.
	held     map[int64]bool
	ready    queue // due now: interactive edits first, then oldest
	busy     int   // calls in flight
	pacing   int   // waiting out their destination's pace
	done     chan result
	paced    chan paced
	claims   chan claimed // Run's claim in flight answers here
	claiming bool
	// The last claim Run made: how long it took, and when it answered
	// (see rest).
	claimTook  time.Duration
	claimEnded time.Time
	unmarked   map[int64]result // sent, but the outbox has not recorded it yet
	delivered  int
	err        error // the first error recording an outcome
}

// paced is a job whose pace wait ended (err: it was cut short).
type paced struct {
	job
	err error
}

// claimed is a claim's answer.
type claimed struct {
	ns    []core.Notice
	limit int
	err   error
	took  time.Duration
}

func (s *Sender) newEngine() *engine {
	return &engine{s: s, held: map[int64]bool{}, done: make(chan result), paced: make(chan paced),
		claims: make(chan claimed, 1), unmarked: map[int64]result{}}
}

// claim takes up to limit notices from the outbox and admits them.
func (e *engine) claim(ctx context.Context, limit int) (int, error) {
	ns, err := e.s.Outbox.ClaimHeads(ctx, e.s.Platform, limit, e.s.Now(), e.s.Lease)
	if err != nil {
		return 0, err
	}
	e.admit(ctx, ns)
	return len(ns), nil
}

// claimAsync claims while the workers go on, for Run: a claim looks over
// every pending notice, and at thousands pending it takes about as long
// as a chat API call. It runs to its end even when ctx does, so what it
// leases is handed back rather than left to its lease.
func (e *engine) claimAsync(ctx context.Context, limit int) {
	e.claiming = true
	go func() {
		db, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
		defer cancel()
		start := time.Now()
		ns, err := e.s.Outbox.ClaimHeads(db, e.s.Platform, limit, e.s.Now(), e.s.Lease)
		e.claims <- claimed{ns, limit, err, time.Since(start)}
	}()
}

// A claim looks over every pending notice: at tens of thousands pending
// (a burst of commands faster than the platform's pace lets out) one
// costs the database about 100 ms, and claims woken by every command and
// every delivery would follow each other back to back, taking most of a
// core from the commands themselves. After a claim that took
// expensiveClaim or more, Run rests claimRest times as long before the
// next, so claims take at most a quarter of the database's time; cheap
// claims (a few ms, the usual) wait for nothing. Notices wait a little
// longer only when their destinations' pace holds most of them anyway.
const (
	expensiveClaim = 20 * time.Millisecond
	claimRest      = 3
)

// rest is how long Run waits from now before its next claim.
func (e *engine) rest(now time.Time) time.Duration {
	if e.claimTook < expensiveClaim {
		return 0
	}
	return max(0, e.claimEnded.Add(claimRest*e.claimTook).Sub(now))
}

// admit readies claimed notices, or sets them waiting for their
// destination's pace.
func (e *engine) admit(ctx context.Context, ns []core.Notice) {
	for _, n := range ns {
		if e.held[n.ID] {
			continue // still in flight here: the claim only renewed its lease
		}
		e.held[n.ID] = true
		j := e.s.job(n)
		wait := e.s.paceWait(j.dest)
		if wait <= 0 {
			heap.Push(&e.ready, j)
			continue
		}
		e.pacing++
		go func() {
			err := e.s.Sleep(ctx, wait)
			e.paced <- paced{j, err}
		}()
	}
}

// working reports whether any claimed notice is still on its way.
func (e *engine) working() bool { return e.busy > 0 || e.pacing > 0 || e.ready.Len() > 0 }

// dispatch starts the most urgent ready jobs on the free workers; when ctx
// has ended it hands them back instead.
func (e *engine) dispatch(ctx context.Context) {
	for e.ready.Len() > 0 && (e.busy < e.s.Workers || ctx.Err() != nil) {
		j := heap.Pop(&e.ready).(job)
		if ctx.Err() != nil {
			e.giveBack(ctx, j)
			continue
		}
		e.busy++
		go func() { e.done <- e.s.deliver(ctx, j) }()
	}
}

// step waits for one worker or pacer to answer, if any is out.
func (e *engine) step(ctx context.Context) {
	if e.busy == 0 && e.pacing == 0 {
		return
	}
	select {
	case r := <-e.done:
		e.finish(r)
	case p := <-e.paced:
		e.pacedOut(ctx, p)
	}
}

func (e *engine) finish(r result) {
	e.busy--
	if r.err != nil && r.sent {
		// The platform has it: keep it held, so it is not sent again, and
		// record it on the next tick.
		e.unmarked[r.n.ID] = r
		e.fail(r.err)
		return
	}
	delete(e.held, r.n.ID)
	if r.err != nil {
		e.fail(r.err)
	} else if r.sent {
		e.delivered++
	}
}

func (e *engine) pacedOut(ctx context.Context, p paced) {
	e.pacing--
	if p.err != nil {
		e.giveBack(ctx, p.job)
		return
	}
	heap.Push(&e.ready, p.job)
}

// giveBack returns an unsent job to the outbox, due at once and with its
// attempt given back, for the next sender.
func (e *engine) giveBack(ctx context.Context, j job) {
	db, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	delete(e.held, j.n.ID)
	if err := e.s.Outbox.Defer(db, j.n.WorkspaceID, j.n.ID, e.s.Now(), ""); err != nil {
		e.fail(err)
	}
}

// retryMarks records deliveries the outbox failed to record earlier.
func (e *engine) retryMarks(ctx context.Context) {
	for id, r := range e.unmarked {
		if err := e.s.Outbox.MarkDelivered(ctx, r.n.WorkspaceID, id, r.ref, r.at); err != nil {
			e.fail(err)
			return
		}
		delete(e.unmarked, id)
		delete(e.held, id)
		e.delivered++
		e.s.delivered()
	}
}

// stop lets calls in flight finish, hands back what was not sent and makes
// a last try at recording what was.
func (e *engine) stop(ctx context.Context) {
	if e.claiming {
		c := <-e.claims
		e.claiming = false
		for _, n := range c.ns {
			if !e.held[n.ID] {
				e.giveBack(ctx, e.s.job(n))
			}
		}
	}
	for e.working() {
		e.dispatch(ctx)
		e.step(ctx)
	}
	db, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	e.retryMarks(db)
}

// fail keeps the first error for DeliverDue and logs the rest for Run.
func (e *engine) fail(err error) {
	if e.err == nil {
		e.err = err
	}
	e.s.Log.Error("outbox: recording a delivery failed", "platform", e.s.Platform, "err", err)
}

// queue orders ready jobs: interactive edits first, then oldest first.
type queue []job

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	a, b := q[i].n.Kind.Interactive(), q[j].n.Kind.Interactive()
	if a != b {
		return a
	}
	return q[i].n.ID < q[j].n.ID
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(job)) }
func (q *queue) Pop() any {
	old := *q
	j := old[len(old)-1]
	*q = old[:len(old)-1]
	return j
}
