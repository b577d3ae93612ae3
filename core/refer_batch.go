package core

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Group commit of /refer. Requests that arrive while others are being
// written wait and are then written together: one transaction, each step
// of a /refer one set-based statement for all of them (ReferBatchTx), so
// the database starts, plans and commits once per batch, not once per
// referral, and adds to a rollup key once per batch. Nobody waits for a
// timer: an idle batcher writes a request at once; the next batch is what
// arrived meanwhile. Each request is answered after its batch commits.
//
// The batch decides with Refer's own functions (draftRefer, offerTo,
// s.offer, offeredNotice, capExceeded, s.touchpoint); a request needing
// anything else — a newcomer or renamed caller, a partner to create or
// named without a mention, a first activity of the hour, no request key —
// runs alone as before (Command and Refer), after the batch; so does every
// request of a batch whose transaction failed: one bad request never fails
// the others.
const (
	referBatchMax = 64 // requests per transaction at most
	// Batches in flight: one commits while the next is read. 4 made
	// batches of one workspace contend for the same rows (partnerships,
	// tallies) and split the load into smaller batches: with 2, PostgreSQL
	// spent 0.94–1.28 ms of CPU a /refer in one workspace against 1.58–1.69
	// with 4, and 1.23–2.16 against 1.99–2.05 in 16 (loadbench, back to
	// back, a busy 2-core machine).
	referBatchWorkers = 2
	referBatchTimeout = 30 * time.Second
)

// referBatcher feeds /refer requests to the workers that write them.
type referBatcher struct {
	owner *Service // the service whose clock and store the batches use
	once  sync.Once
	jobs  chan *referJob
}

// referJob is one /refer request and, once done is closed, its outcome.
type referJob struct {
	id   Identity
	in   ReferInput
	done chan struct{}

	alone bool // to run on its own (Command and Refer)
	c     Caller
	r     *Referral
	err   error
}

func newReferBatcher(s *Service) *referBatcher {
	return &referBatcher{owner: s, jobs: make(chan *referJob, 4*referBatchMax)}
}

// ReferCommand runs a /refer request as Command with Refer does — one
// transaction with the request's key and the caller as joined — and
// returns the caller and the referral (as the caller may see it). It
// returns ErrSeen for a request already applied. Concurrent requests are
// written in one transaction (see referBatcher).
func (s *Service) ReferCommand(ctx context.Context, id Identity, in ReferInput) (Caller, *Referral, error) {
	if b := s.batch; b != nil && b.owner == s && id.RequestKey != "" && mentionID(id.Platform, in.To) != "" &&
		checkIdentity(id) == nil {
		b.once.Do(func() {
			for range referBatchWorkers {
				go b.work()
			}
		})
		j := &referJob{id: id, in: in, done: make(chan struct{})}
		select {
		case b.jobs <- j:
		case <-ctx.Done():
			return Caller{}, nil, ctx.Err()
		}
		<-j.done // bounded: a batch's transaction has a timeout
		if !j.alone {
			return j.c, j.r, j.err
		}
	}
	return s.referAlone(ctx, id, in)
}

// referAlone runs one /refer on its own: Command with Refer.
func (s *Service) referAlone(ctx context.Context, id Identity, in ReferInput) (Caller, *Referral, error) {
	var (
		c Caller
		r *Referral
	)
	err := s.Command(ctx, id, func(ctx context.Context, cc Caller) error {
		var err error
		c = cc
		r, err = s.Refer(ctx, cc, in)
		return err
	})
	return c, r, err
}

// work writes batches: what is waiting, up to referBatchMax, at once.
func (b *referBatcher) work() {
	for j := range b.jobs {
		jobs := []*referJob{j}
	fill:
		for len(jobs) < referBatchMax {
			select {
			case j := <-b.jobs:
				jobs = append(jobs, j)
			default:
				break fill
			}
		}
		b.owner.referBatch(jobs)
	}
}

// errNoBatch ends the transaction of a store that can't write batches.
var errNoBatch = errors.New("core: the store writes no batches")

// referBatch writes jobs in one transaction and settles each; if the
// transaction fails, each runs alone. A batch of one runs alone here, in
// the worker: today's statements cost less for one referral than the
// set-based ones (BenchmarkRun_Refer), and the worker stays busy while
// the next batch gathers.
func (s *Service) referBatch(jobs []*referJob) {
	ctx, cancel := context.WithTimeout(context.Background(), referBatchTimeout)
	defer cancel()
	if len(jobs) == 1 {
		j := jobs[0]
		j.c, j.r, j.err = s.referAlone(ctx, j.id, j.in)
		close(j.done)
		return
	}
	err := s.store.InTx(ctx, func(tx Tx) error {
		bt, ok := tx.(ReferBatchTx)
		if !ok {
			return errNoBatch
		}
		return s.writeReferBatch(ctx, tx, bt, jobs)
	})
	for _, j := range jobs {
		if err != nil {
			j.alone, j.c, j.r, j.err = true, Caller{}, nil, nil
		}
		close(j.done)
	}
}

// writeReferBatch arrives every job, decides each, and writes those that
// give a referral; the others get their error or run alone afterwards.
func (s *Service) writeReferBatch(ctx context.Context, tx Tx, bt ReferBatchTx, jobs []*referJob) error {
	now := s.now()
	var (
		live  []*referJob
		as    []Arrival
		twice = map[[3]string]bool{} // a key twice in one batch: the second runs alone (and finds it seen)
	)
	for _, j := range jobs {
		k := [3]string{string(j.id.Platform), j.id.TeamID, j.id.RequestKey}
		if twice[k] {
			j.alone = true
			continue
		}
		twice[k] = true
		live = append(live, j)
		as = append(as, Arrival{Platform: j.id.Platform, TeamID: j.id.TeamID, UserID: j.id.UserID,
			Key: j.id.RequestKey, PartnerUserID: mentionID(j.id.Platform, j.in.To)})
	}
	if err := bt.ArriveMany(ctx, as, now); err != nil {
		return err
	}
	var (
		kept   []*referJob
		forget []*Arrival
		offers []offerMade
	)
	for i, j := range live {
		a := &as[i]
		switch {
		case !a.First:
			j.err = ErrSeen
			continue
		case a.Workspace == nil || a.Member == nil || a.Partner == nil || joinWrites(j.id, a.Workspace, a.Member) ||
			activityDue(a.Member, now) || !sameName(j.id.Platform, a.Partner, j.in.To.Name):
			j.alone = true // joining or naming the partner writes: today's path
			forget = append(forget, a)
			continue
		}
		c := Caller{Workspace: *a.Workspace, Member: *a.Member}
		r, err := s.draftRefer(c, j.in)
		if err == nil {
			err = offerTo(c, a.Partner, a.PartnerProfile, j.in.Need)
		}
		if err != nil {
			j.err = err
			forget = append(forget, a)
			continue
		}
		j.c = c
		kept = append(kept, j)
		offers = append(offers, offerMade{c: c, r: r, to: a.Partner})
	}
	kept, offers, forget, err := s.capBatch(ctx, bt, kept, offers, forget, live, as)
	if err != nil {
		return err
	}
	if err := bt.ForgetRequests(ctx, forget); err != nil {
		return err
	}
	if len(offers) == 0 {
		return nil
	}
	rs, es := make([]*Referral, len(offers)), make([]*Event, len(offers))
	for i, o := range offers {
		rs[i], es[i] = o.r, s.offer(o.c, o.r, o.to)
	}
	if err := bt.InsertReferrals(ctx, rs, es); err != nil {
		return err
	}
	notices, touches := make([]Notice, len(offers)), make([]TouchOf, len(offers))
	for i, o := range offers {
		notices[i] = offeredNotice(o.c, es[i], o.r, o.to)
		touches[i] = TouchOf{WorkspaceID: o.c.Workspace.ID, A: o.c.Member.ID, B: o.to.ID,
			DefaultCadence: o.c.Workspace.Settings.CadenceDays, Touchpoint: s.touchpoint(o.c, TouchReferral, o.r.Code.String())}
		kept[i].r = visibleTo(o.c, o.r)
	}
	if err := bt.TouchMany(ctx, touches); err != nil {
		return err
	}
	return tx.Enqueue(ctx, notices...)
}

// offerMade is a referral a batch is about to write: caller, referral,
// partner.
type offerMade struct {
	c  Caller
	r  *Referral
	to *Member
}

// capBatch applies the daily cap to the offers of networks that set one:
// each member's count of today (their lock taken, as CountGiven does)
// plus the batch's own earlier offers of theirs. An offer over the cap
// gets capExceeded's error and is not written.
func (s *Service) capBatch(ctx context.Context, bt ReferBatchTx, kept []*referJob, offers []offerMade,
	forget []*Arrival, live []*referJob, as []Arrival) ([]*referJob, []offerMade, []*Arrival, error) {
	var qs []GivenSince
	for _, o := range offers {
		if o.c.Workspace.Settings.DailyCap > 0 {
			qs = append(qs, GivenSince{WorkspaceID: o.c.Workspace.ID, MemberID: o.c.Member.ID, Since: s.capDay(o.c)})
		}
	}
	if len(qs) == 0 {
		return kept, offers, forget, nil
	}
	counts, err := bt.CountGivenMany(ctx, qs)
	if err != nil {
		return nil, nil, nil, err
	}
	arrival := map[*referJob]*Arrival{}
	for i, j := range live {
		arrival[j] = &as[i]
	}
	given := map[[2]int64]int{} // this batch's offers so far, per member
	var (
		keptOK []*referJob
		ok     []offerMade
		q      int
	)
	for i, o := range offers {
		if o.c.Workspace.Settings.DailyCap > 0 {
			who := [2]int64{o.c.Workspace.ID, o.c.Member.ID}
			n := counts[q] + given[who] + 1
			q++
			if err := s.capExceeded(o.c, n); err != nil {
				kept[i].err = err
				forget = append(forget, arrival[kept[i]])
				continue
			}
			given[who]++
		}
		keptOK, ok = append(keptOK, kept[i]), append(ok, o)
	}
	return keptOK, ok, forget, nil
}
