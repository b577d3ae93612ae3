package core

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Corrections with history. A member undoes their own last change on a
// referral (a stage move, won or lost, a thank-you, a rating) or corrects
// a won value for a while after making it (the network's undo window);
// admins may at any time. Nothing is rewritten: the referral's row takes
// the corrected state, which every figure reads, and a new event
// (EvUndone naming the event it reverts, or EvCorrected) joins the
// history next to the change it corrects. The other parties are told.

// undoable are the changes Undo reverts.
var undoable = map[EventKind]bool{EvStage: true, EvThanked: true, EvFeedback: true, EvCorrected: true}

// Undone is what Undo did.
type Undone struct {
	Referral *Referral // after the undo, as the caller may see it
	Of       Event     // the change undone
	Event    Event     // the undo's own entry in the history
	What     string    // the change, in words: "the move to won (USD 4,800)"
	Now      string    // what it left: "back at proposal"
	Told     []string  // display names of the members told
}

// Correction is what Correct did.
type Correction struct {
	Referral *Referral // after the correction, as the caller may see it
	Old, New Money
	Event    Event
	Told     []string
}

// Undo reverts the caller's own last change on a referral that is not
// undone yet, within the network's undo window; an admin's undo reverts
// the latest change by anyone, at any time. A stage move returns to the
// stage before (won or lost reopen the referral), a thank-you is marked
// withdrawn, a rating goes back to the one it replaced (or none), a
// correction back to the value before it.
func (s *Service) Undo(ctx context.Context, c Caller, code Code) (*Undone, error) {
	return inTx(ctx, s, func(tx Tx) (*Undone, error) {
		r, err := referral(ctx, tx, c, code)
		if err != nil {
			return nil, err
		}
		es, err := tx.Events(ctx, c.Workspace.ID, r.ID)
		if err != nil {
			return nil, err
		}
		live := standing(es)
		i := lastChange(live, c)
		if i < 0 {
			return nil, Errorf(ECONFLICT, "You have made no change to %s that can be undone.", code).
				WithHint("Undo reverts your own last stage move, won or lost, thank-you or rating on it; /refer show %s shows its history.", code)
		}
		e := live[i]
		u := &Undone{Of: e, What: changeOf(e, c)}
		if err := s.withinWindow(ctx, tx, c, e.At, u.What+" on "+code.String(), "/refer undo "+code.String()); err != nil {
			return nil, err
		}
		from := r.Status
		switch e.Kind {
		case EvStage:
			err = undoStage(c, r, live, i, code, u)
		case EvCorrected:
			err = undoCorrection(r, live, i, code, u)
		case EvThanked:
			err = s.undoThanks(ctx, tx, c, r, e, code, u)
		case EvFeedback:
			err = s.undoFeedback(ctx, tx, c, r, live, i, u)
		}
		if err != nil {
			return nil, err
		}
		if e.Kind == EvStage || e.Kind == EvCorrected {
			r.UpdatedAt = s.now()
		}
		ue := &Event{Kind: EvUndone, From: from, Note: u.What + "; " + u.Now, Undoes: e.ID}
		if e.Kind == EvCorrected {
			ue.Value = r.WonValue
		}
		if r, err = s.amend(ctx, tx, c, r, ue); err != nil {
			return nil, err
		}
		ns, told, err := tellParties(ctx, tx, c, ue, r, NoticeUndone, ue.Note)
		if err != nil {
			return nil, err
		}
		if e.Kind == EvThanked {
			ws, err := tx.Workspace(ctx, c.Workspace.ID)
			if err != nil {
				return nil, err
			}
			ns = append(ns, notice(c, ue, NoticeThanksWithdrawn, channel(ws), r, ""))
		}
		if err := tx.Enqueue(ctx, ns...); err != nil {
			return nil, err
		}
		u.Event, u.Referral, u.Told = *ue, visibleTo(c, r), told
		return u, nil
	})
}

// standing returns the events that stand: neither undone nor undos.
func standing(es []Event) []Event {
	undone := map[int64]bool{}
	for _, e := range es {
		if e.Undoes != 0 {
			undone[e.Undoes] = true
		}
	}
	var out []Event
	for _, e := range es {
		if e.Kind != EvUndone && !undone[e.ID] {
			out = append(out, e)
		}
	}
	return out
}

// lastChange is the index in live of the change Undo reverts: the
// caller's own latest undoable one, or for an admin the latest by anyone;
// -1 if there is none.
func lastChange(live []Event, c Caller) int {
	for i := len(live) - 1; i >= 0; i-- {
		e := live[i]
		if undoable[e.Kind] && e.ActorID != 0 && (e.ActorID == c.Member.ID || c.Member.IsAdmin()) {
			return i
		}
	}
	return -1
}

// changeOf names a change for the person undoing it: "the move to won
// (USD 4,800)", or "@alice's move to won" when it was someone else's.
func changeOf(e Event, c Caller) string {
	var what string
	switch e.Kind {
	case EvStage:
		what = "move to " + string(e.To)
		if e.To == StatusWon && !e.Value.IsZero() {
			what += " (" + e.Value.String() + ")"
		}
	case EvCorrected:
		what = "correction to " + e.Value.String()
	case EvThanked:
		what = "thank-you"
	case EvFeedback:
		score, _, _ := feedbackNote(e.Note)
		what = fmt.Sprintf("rating %d/5", score)
	default:
		what = string(e.Kind)
	}
	if e.ActorID != c.Member.ID {
		return "@" + cmp.Or(e.ActorName, "someone") + "'s " + what
	}
	return "the " + what
}

// after returns the first standing event after live[i] of one of kinds.
func after(live []Event, i int, kinds ...EventKind) *Event {
	for j := i + 1; j < len(live); j++ {
		for _, k := range kinds {
			if live[j].Kind == k {
				return &live[j]
			}
		}
	}
	return nil
}

// movedOnSince refuses to undo a stage move or a correction that a later
// one, still standing, builds on.
func movedOnSince(live []Event, i int, code Code) error {
	later := after(live, i, EvStage, EvCorrected)
	if later == nil {
		return nil
	}
	did := "moved it to " + string(later.To)
	if later.Kind == EvCorrected {
		did = "corrected its won value"
	}
	who := "@" + cmp.Or(later.ActorName, "someone")
	return Errorf(ECONFLICT, "%s has changed since: %s %s. Only the latest change can be undone.", code, who, did).
		WithHint("%s can undo theirs with /refer undo %s; /refer show %s shows the history.", who, code, code)
}

// undoStage returns r to the stage before the move live[i]: a won or
// lost referral is open again, without its value or reason.
func undoStage(c Caller, r *Referral, live []Event, i int, code Code, u *Undone) error {
	e := live[i]
	if err := movedOnSince(live, i, code); err != nil {
		return err
	}
	if r.Status != e.To {
		return Errorf(ECONFLICT, "%s is %s now, no longer %s, so that move can't be undone.", code, r.Status, e.To).
			WithHint("/refer show %s shows its history.", code)
	}
	if !r.Owns(c.Member.ID) && !c.Member.IsAdmin() {
		return Errorf(EFORBIDDEN, "You no longer own %s, so you can't move it back.", code).
			WithHint("/refer show %s shows who owns it.", code)
	}
	switch e.To {
	case StatusWon:
		if r.FeeStatus == FeePaid || r.FeeStatus == FeeReceived {
			return Errorf(ECONFLICT, "The finder's fee of %s is marked paid, so its win can't be undone.", code).
				WithHint("If the value was wrong, correct it: /refer correct %s <value>", code)
		}
		r.WonValue, r.FeeStatus, r.ClosedAt, r.WonConfirmation = Money{}, FeeNotDue, time.Time{}, NotWon
	case StatusLost:
		r.LostReason, r.ClosedAt = "", time.Time{}
	}
	r.Status = e.From
	u.Now = "back at " + string(e.From)
	return nil
}

// undoCorrection puts back the won value the correction live[i] replaced.
func undoCorrection(r *Referral, live []Event, i int, code Code, u *Undone) error {
	if err := movedOnSince(live, i, code); err != nil {
		return err
	}
	if r.Status != StatusWon {
		return Errorf(ECONFLICT, "%s is %s now, so its won value can't change.", code, r.Status).
			WithHint("/refer show %s shows its history.", code)
	}
	for j := i - 1; j >= 0; j-- {
		p := live[j]
		if p.Kind != EvCorrected && (p.Kind != EvStage || p.To != StatusWon) {
			continue
		}
		if p.Value.IsZero() {
			break // won before values were kept with the history
		}
		r.WonValue = p.Value
		refee(r)
		u.Now = "back to " + p.Value.String()
		return nil
	}
	return Errorf(ECONFLICT, "The value %s had before isn't on record, so I can't put it back.", code).
		WithHint("Type the right value instead: /refer correct %s <value>", code)
}

// undoThanks withdraws the thank-you e recorded; the row stays, marked.
func (s *Service) undoThanks(ctx context.Context, tx Tx, c Caller, r *Referral, e Event, code Code, u *Undone) error {
	if err := tx.RetractThanks(ctx, c.Workspace.ID, r.ID, e.ActorID, s.now()); err != nil {
		if ErrorCode(err) == ENOTFOUND {
			return Errorf(ECONFLICT, "That thank-you for %s was withdrawn already.", code)
		}
		return err
	}
	u.Now = "withdrawn"
	return nil
}

// undoFeedback puts back the rating live[i] replaced, or removes it when
// it was its author's first.
func (s *Service) undoFeedback(ctx context.Context, tx Tx, c Caller, r *Referral, live []Event, i int, u *Undone) error {
	e := live[i]
	for j := i - 1; j >= 0; j-- {
		p := live[j]
		if p.Kind != EvFeedback || p.ActorID != e.ActorID {
			continue
		}
		score, comment, ok := feedbackNote(p.Note)
		if !ok {
			break
		}
		u.Now = fmt.Sprintf("back to %d/5", score)
		return tx.SaveFeedback(ctx, c.Workspace.ID, &Feedback{ReferralID: r.ID, MemberID: e.ActorID,
			Score: score, Comment: comment, At: p.At})
	}
	u.Now = "no rating now"
	err := tx.RemoveFeedback(ctx, c.Workspace.ID, r.ID, e.ActorID)
	if ErrorCode(err) == ENOTFOUND {
		return nil // nothing left to remove
	}
	return err
}

// feedbackNote reads a feedback event's note back, as GiveFeedback writes
// it: "4/5 comment", or "3/5 → 4/5 comment" for one that replaced a score.
func feedbackNote(note string) (score int, comment string, ok bool) {
	if old, rest, found := strings.Cut(note, " → "); found && len(old) == 3 && strings.HasSuffix(old, "/5") {
		note = rest
	}
	if len(note) < 3 || note[1:3] != "/5" || note[0] < '1' || note[0] > '5' {
		return 0, "", false
	}
	return int(note[0] - '0'), strings.TrimSpace(note[3:]), true
}

// refee puts a corrected won value back to its referrer for confirmation,
// with the fee on it (a fee already paid stays paid): a value counts for
// fees and leaderboards only once the referrer confirmed it.
func refee(r *Referral) {
	if r.FeeStatus == FeePaid || r.FeeStatus == FeeReceived {
		return
	}
	awaitConfirmation(r)
}

// Correct sets the won value of a won referral: its owners (receiver or
// co-owner) within the undo window after it was won, an admin at any
// time. A value typed without a currency is in the deal's. The fee owed,
// the stats and the reports use the new value; the history keeps both.
func (s *Service) Correct(ctx context.Context, c Caller, code Code, value Money, note string) (*Correction, error) {
	if value.Cents <= 0 || value.Cents > MaxCents {
		return nil, Errorf(EINVALID, "A won value must be more than zero and at most %s.", Money{Cents: MaxCents}).
			WithHint("Type /refer correct %s <value>, e.g. /refer correct %s 4800; to reopen it instead, /refer undo %s", code, code, code)
	}
	if err := checkText("note", note, maxText, false, ""); err != nil {
		return nil, err
	}
	return inTx(ctx, s, func(tx Tx) (*Correction, error) {
		r, err := referral(ctx, tx, c, code)
		if err != nil {
			return nil, err
		}
		if err := mayCorrect(c, r, code); err != nil {
			return nil, err
		}
		es, err := tx.Events(ctx, c.Workspace.ID, r.ID)
		if err != nil {
			return nil, err
		}
		wonAt := r.ClosedAt
		live := standing(es)
		for i := len(live) - 1; i >= 0; i-- {
			if live[i].Kind == EvStage && live[i].To == StatusWon {
				wonAt = live[i].At
				break
			}
		}
		if err := s.withinWindow(ctx, tx, c, wonAt, "the won value of "+code.String(), "/refer correct "+code.String()+" <value>"); err != nil {
			return nil, err
		}
		v, err := value.In(cmp.Or(r.WonValue.Currency, c.Workspace.Settings.Currency))
		if err != nil {
			return nil, err
		}
		if v == r.WonValue {
			return nil, Errorf(EINVALID, "%s is already recorded as won for %s.", code, v).
				WithHint("/refer show %s shows its history.", code)
		}
		out := &Correction{Old: r.WonValue, New: v}
		r.WonValue, r.UpdatedAt = v, s.now()
		refee(r)
		e := &Event{Kind: EvCorrected, From: r.Status, Value: v, Note: out.Old.String() + " → " + v.String()}
		if n := strings.TrimSpace(note); n != "" {
			e.Note += ": " + n
		}
		if r, err = s.amend(ctx, tx, c, r, e); err != nil {
			return nil, err
		}
		ns, told, err := tellParties(ctx, tx, c, e, r, NoticeCorrected, e.Note)
		if err != nil {
			return nil, err
		}
		out.Event, out.Referral, out.Told = *e, visibleTo(c, r), told
		return out, tx.Enqueue(ctx, ns...)
	})
}

// mayCorrect checks that r is won and the caller one of its owners or an
// admin.
func mayCorrect(c Caller, r *Referral, code Code) error {
	if r.Status != StatusWon {
		e := Errorf(ECONFLICT, "%s is %s, not won: only a won deal's value can be corrected.", code, r.Status)
		if r.Owns(c.Member.ID) && r.Status.Working() {
			return e.WithHint("If it was won, record it: /refer won %s <value>", code)
		}
		return e.WithHint("/refer show %s shows where it stands.", code)
	}
	if r.Owns(c.Member.ID) || c.Member.IsAdmin() {
		return nil
	}
	e := Errorf(EFORBIDDEN, "Only @%s, who received %s, or an admin can correct its won value.", r.ReceiverName, code)
	if c.Member.ID == r.ReferrerID {
		return e.WithHint("If it looks wrong, ask @%s to type /refer correct %s <value>", r.ReceiverName, code)
	}
	return e.WithHint("/refer show %s shows where it stands.", code)
}

// amend saves r, appends e (by the caller, now, to r's stage) and returns
// r as stored, so what is derived on reading (Thanked) is current.
func (s *Service) amend(ctx context.Context, tx Tx, c Caller, r *Referral, e *Event) (*Referral, error) {
	if err := tx.UpdateReferral(ctx, r); err != nil {
		return nil, err
	}
	e.ReferralID, e.To, e.ActorID, e.ActorName, e.At = r.ID, r.Status, c.Member.ID, c.Member.DisplayName, s.now()
	if err := tx.AppendEvent(ctx, c.Workspace.ID, e); err != nil {
		return nil, err
	}
	return tx.Referral(ctx, c.Workspace.ID, r.Code, false)
}

// tellParties builds a notice of kind about r for every active party but
// the caller (and the members also named, such as a co-owner just taken
// off), with the receiver's card refreshed; it returns their names too.
func tellParties(ctx context.Context, tx Tx, c Caller, e *Event, r *Referral, kind NoticeKind, text string, also ...int64) ([]Notice, []string, error) {
	var ns []Notice
	var told []string
	seen := map[int64]bool{0: true, c.Member.ID: true}
	for _, id := range append([]int64{r.ReferrerID, r.ReceiverID, r.CoOwnerID}, also...) {
		if seen[id] {
			continue
		}
		seen[id] = true
		m, err := tx.Member(ctx, c.Workspace.ID, id)
		if err != nil {
			return nil, nil, err
		}
		if m.Status != MemberActive {
			continue // a removed or forgotten member is sent nothing more
		}
		ns = append(ns, toldOf(c, e, kind, dm(m), r, text))
		told = append(told, m.DisplayName)
	}
	card, err := receiverCard(ctx, tx, c, e, r)
	return append(ns, card...), told, err
}

// toldOf is notice, but for a member who is no longer a party of r (an
// owner it was taken from, a co-owner taken off) it carries the public
// view, detached from the referral's parties (no id), so the outbox
// delivers it, and keeps text: what such notices say names no client.
func toldOf(c Caller, e *Event, kind NoticeKind, to Recipient, r *Referral, text string) Notice {
	n := notice(c, e, kind, to, r, text)
	if !r.IsParty(to.MemberID) {
		pub := r.Public()
		pub.ID = 0
		n.Referral, n.Text = &pub, text
	}
	return n
}

// withinWindow refuses a member's correction of a change made at `at`
// once the network's undo window has passed, saying until when it was
// possible and which admins can still fix it (fix is what they type).
// Admins are never refused.
func (s *Service) withinWindow(ctx context.Context, tx Tx, c Caller, at time.Time, what, fix string) error {
	hours := c.Workspace.Settings.UndoWindowHours
	until := at.Add(time.Duration(hours) * time.Hour)
	if c.Member.IsAdmin() || hours > 0 && s.now().Before(until) {
		return nil
	}
	ms, err := tx.Members(ctx, c.Workspace.ID)
	if err != nil {
		return err
	}
	var admins []string
	for _, m := range ms {
		if m.Status == MemberActive && m.IsAdmin() && len(admins) < 3 {
			admins = append(admins, m.Mention())
		}
	}
	who := "An admin"
	if len(admins) > 0 {
		who += " (" + strings.Join(admins, ", ") + ")"
	}
	hint := fmt.Sprintf("%s can still fix it: ask them to type %s", who, fix)
	if hours <= 0 {
		return Errorf(EFORBIDDEN, "Members can't undo or correct changes in this network (the undo window is off), so %s stays as it is.", what).
			WithHint("%s", hint)
	}
	return Errorf(EFORBIDDEN, "%s could be changed until %s, %s after it was made; that time has passed.",
		capitalize(what), until.In(s.Location(c.Workspace)).Format("Mon 2 Jan 2006 15:04 MST"), WindowText(hours)).
		WithHint("%s", hint)
}

// WindowText writes an undo window: "24 hours", "2 days", "off".
func WindowText(hours int) string {
	switch {
	case hours <= 0:
		return "off"
	case hours == 1:
		return "1 hour"
	case hours%24 == 0 && hours > 24:
		return strconv.Itoa(hours/24) + " days"
	}
	return strconv.Itoa(hours) + " hours"
}

// maxUndoWindow is the longest undo window: a month.
const maxUndoWindow = 30 * 24

// undoWindowSetting reads `/refer config undo-window`: hours ("24h",
// "24"), days ("2d"), or "off" (only admins undo and correct).
func undoWindowSetting(val string) (int, error) {
	v := strings.ToLower(strings.TrimSpace(val))
	switch v {
	case "off", "none", "0", "0h":
		return 0, nil
	}
	unit := 1
	switch {
	case strings.HasSuffix(v, "d"):
		unit, v = 24, strings.TrimSuffix(v, "d")
	case strings.HasSuffix(v, "h"):
		v = strings.TrimSuffix(v, "h")
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 || n*unit > maxUndoWindow {
		return 0, Errorf(EINVALID, "The undo window is a number of hours or days up to %d days, or off, not %q.", maxUndoWindow/24, val).
			WithHint("E.g. /refer config undo-window 24h, /refer config undo-window 2d or /refer config undo-window off")
	}
	return n * unit, nil
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
