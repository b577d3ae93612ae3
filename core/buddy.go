package core

import (
	"context"
	"fmt"
	"time"
)

// Pairing is what Buddy did: who was paired, whether it changed
// anything, and who was told.
type Pairing struct {
	Newcomer, Mentor Member
	Already          bool     // the mentor already was their buddy: nothing changed, nobody told
	Told             []Member // who was sent a message about it
}

// Buddy makes mentor the newcomer's mentoring buddy; the mentor is asked to
// welcome them. Admins may pair anyone; a member may volunteer themselves.
func (s *Service) Buddy(ctx context.Context, c Caller, newcomer, mentor MemberRef) (*Pairing, error) {
	return inTx(ctx, s, func(tx Tx) (*Pairing, error) {
		n, err := s.resolve(ctx, tx, c, newcomer)
		if err != nil {
			return nil, err
		}
		m, err := s.resolve(ctx, tx, c, mentor)
		if err != nil {
			return nil, err
		}
		if n.ID == m.ID {
			return nil, Errorf(EINVALID, "A member can't be their own buddy.").
				WithHint("Type /refer buddy @newcomer @mentor")
		}
		if !c.Member.IsAdmin() && m.ID != c.Member.ID {
			return nil, Errorf(EFORBIDDEN, "Only admins can pair other members.").
				WithHint("You can volunteer yourself: /refer buddy %s @you", n.Mention())
		}
		p := &Pairing{Newcomer: *n, Mentor: *m}
		if n.BuddyID == m.ID {
			p.Already = true
			return p, nil
		}
		n.BuddyID = m.ID
		if err := tx.SaveMember(ctx, n); err != nil {
			return nil, err
		}
		p.Newcomer = *n
		ws, err := tx.Workspace(ctx, c.Workspace.ID)
		if err != nil {
			return nil, err
		}
		p.Told, err = s.buddyNotices(ctx, tx, ws, n, m, "by "+c.Member.DisplayName)
		return p, err
	})
}

// Auto-assigned mentors rotate, so a burst of newcomers never lands on one
// person: a mentor takes at most mentorCap newcomers who joined within
// mentorWindow (whoever paired them, an admin included), and among those
// with room, the one with the fewest such newcomers is picked, then the
// most experienced. With every experienced member at the cap, a newcomer
// gets no automatic buddy; admins can still pair them with /refer buddy,
// which the cap does not bind.
const (
	mentorCap    = 3
	mentorWindow = 30 * 24 * time.Hour
)

// assignBuddy pairs a newcomer with an experienced member (one with a
// referral given or received) who is not paused and has room (see
// mentorCap). MentorLoads serialises the workspace's assignments until the
// join commits, so joins at the same instant see each other's pairings and
// never take a mentor past the cap together. The candidates (a read of the
// whole workspace) are read before that lock, so that concurrent
// newcomers queue only for the loads, the pick and the commit.
func (s *Service) assignBuddy(ctx context.Context, tx Tx, ws *Workspace, newcomer *Member) error {
	cands, err := tx.Candidates(ctx, ws.ID, s.now().AddDate(0, -3, 0))
	if err != nil {
		return err
	}
	loads, err := tx.MentorLoads(ctx, ws.ID, s.now().Add(-mentorWindow))
	if err != nil {
		return err
	}
	var best *Candidate
	for i := range cands {
		c := &cands[i]
		if c.Member.ID == newcomer.ID || c.Profile.Availability == Paused || c.Given+c.Received == 0 ||
			loads[c.Member.ID] >= mentorCap {
			continue
		}
		if best == nil || betterMentor(c, best, loads) {
			best = c
		}
	}
	if best == nil {
		return nil
	}
	newcomer.BuddyID = best.Member.ID
	_, err = s.buddyNotices(ctx, tx, ws, newcomer, &best.Member, "auto")
	return err
}

// betterMentor reports whether a should mentor the next newcomer rather
// than b: fewer recent newcomers first, then more referrals behind them.
// Ties keep b, the earlier member (candidates come in id order).
func betterMentor(a, b *Candidate, loads map[int64]int) bool {
	if la, lb := loads[a.Member.ID], loads[b.Member.ID]; la != lb {
		return la < lb
	}
	return a.Given+a.Received > b.Given+b.Received
}

// buddyNotices tells the mentor and the newcomer of their pairing and
// returns who was told: a notice the outbox already holds is not sent
// again, so it doesn't count.
func (s *Service) buddyNotices(ctx context.Context, tx Tx, ws *Workspace, newcomer, mentor *Member, how string) ([]Member, error) {
	key := fmt.Sprintf("buddy:%d:%d:%d", newcomer.ID, mentor.ID, s.now().Unix())
	var told []Member
	for _, n := range []struct {
		to Notice
		m  *Member
	}{
		{Notice{WorkspaceID: ws.ID, Kind: NoticeBuddy, To: dm(mentor), Actor: newcomer.DisplayName, Text: how,
			DedupeKey: key + ":mentor", CreatedAt: s.now()}, mentor},
		{Notice{WorkspaceID: ws.ID, Kind: NoticeBuddyIntro, To: dm(newcomer), Actor: mentor.DisplayName, Text: how,
			DedupeKey: key + ":newcomer", CreatedAt: s.now()}, newcomer},
	} {
		added, err := tx.EnqueueNew(ctx, n.to)
		if err != nil {
			return nil, err
		}
		if added > 0 {
			told = append(told, *n.m)
		}
	}
	return told, nil
}
