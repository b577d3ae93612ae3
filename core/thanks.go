package core

import (
	"cmp"
	"context"
	"fmt"
	"strings"
)

// Thank posts a public thank-you from the referral's owner to its referrer
// and credits the referrer; it counts as a touchpoint.
func (s *Service) Thank(ctx context.Context, c Caller, code Code, message string) (*Thanks, error) {
	if err := checkText("message", message, maxText, false, ""); err != nil {
		return nil, err
	}
	return inTx(ctx, s, func(tx Tx) (*Thanks, error) {
		r, err := referral(ctx, tx, c, code)
		if err != nil {
			return nil, err
		}
		if !r.Owns(c.Member.ID) {
			return nil, Errorf(EFORBIDDEN, "Only @%s, who received %s, can thank for it.", cmp.Or(r.ReceiverName, "its receiver"), code).
				WithHint("To thank someone for something else, log it with /refer touch @member ...")
		}
		if !r.Status.Working() && r.Status != StatusWon && r.Status != StatusLost {
			return nil, Errorf(ECONFLICT, "%s is %s; thank-yous come once you've taken it on.", code, r.Status).
				WithHint("Accept it first: /refer accept %s", code)
		}
		ws, err := tx.Workspace(ctx, c.Workspace.ID)
		if err != nil {
			return nil, err
		}
		t := &Thanks{ReferralID: r.ID, FromID: c.Member.ID, ToID: r.ReferrerID, Message: strings.TrimSpace(message), At: s.now()}
		if err := tx.AddThanks(ctx, c.Workspace.ID, t); err != nil {
			if ErrorCode(err) == ECONFLICT {
				return nil, Errorf(ECONFLICT, "You already thanked @%s for %s.", r.ReferrerName, code).
					WithHint("Log another touchpoint with /refer touch @%s coffee", r.ReferrerName)
			}
			return nil, err
		}
		e, err := s.event(ctx, tx, c, r, EvThanked, r.Status, t.Message)
		if err != nil {
			return nil, err
		}
		if err := s.recordTouch(ctx, tx, c, c.Member.ID, r.ReferrerID, TouchThanks, code.String()); err != nil {
			return nil, err
		}
		referrer, err := memberRecipient(ctx, tx, c, r.ReferrerID)
		if err != nil {
			return nil, err
		}
		r.Thanked = true
		card, err := receiverCard(ctx, tx, c, e, r) // the card loses its Thank button
		if err != nil {
			return nil, err
		}
		ns := []Notice{notice(c, e, NoticeThanks, channel(ws), r, t.Message),
			notice(c, e, NoticeThanksDM, referrer, r, t.Message)}
		return t, tx.Enqueue(ctx, append(ns, card...)...)
	})
}

// RecordFeedback stores a party's view of a closed referral: the client's
// satisfaction from 1 to 5 and an optional comment.
func (s *Service) RecordFeedback(ctx context.Context, c Caller, code Code, score int, comment string) error {
	_, err := s.GiveFeedback(ctx, c, code, score, comment)
	return err
}

// GiveFeedback is RecordFeedback returning the feedback saved. A party's
// second feedback replaces their first; the history keeps both, the
// event saying which score it replaced ("3/5 → 5/5").
func (s *Service) GiveFeedback(ctx context.Context, c Caller, code Code, score int, comment string) (*Feedback, error) {
	if score < 1 || score > 5 {
		return nil, Errorf(EINVALID, "Satisfaction is a score from 1 to 5, not %d.", score).
			WithHint("Type /refer feedback %s 5 delighted with the result", code)
	}
	if err := checkText("comment", comment, maxText, false, ""); err != nil {
		return nil, err
	}
	return inTx(ctx, s, func(tx Tx) (*Feedback, error) {
		r, err := referral(ctx, tx, c, code)
		if err != nil {
			return nil, err
		}
		if !r.IsParty(c.Member.ID) {
			return nil, Errorf(EFORBIDDEN, "Only the referrer and receiver of %s can give feedback on it.", code)
		}
		if r.Status != StatusWon && r.Status != StatusLost {
			return nil, Errorf(ECONFLICT, "%s is still %s; feedback comes after it is won or lost.", code, r.Status).
				WithHint("Close it with /refer won %s <value> or /refer lost %s <reason>", code, code)
		}
		f := &Feedback{ReferralID: r.ID, MemberID: c.Member.ID, Score: score, Comment: strings.TrimSpace(comment), At: s.now()}
		if err := tx.SaveFeedback(ctx, c.Workspace.ID, f); err != nil {
			return nil, err
		}
		note := fmt.Sprintf("%d/5", score)
		if f.Replaced != 0 {
			note = fmt.Sprintf("%d/5 → %s", f.Replaced, note)
		}
		_, err = s.event(ctx, tx, c, r, EvFeedback, r.Status, strings.TrimSpace(note+" "+f.Comment))
		return f, err
	})
}
