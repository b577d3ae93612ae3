package core

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// ReferInput is a direct referral as typed or filled in a form.
type ReferInput struct {
	To          MemberRef
	ClientName  string
	Contact     string
	Consent     bool // the client agreed to be introduced
	Need        string
	Tags        []string
	Estimate    Money
	Temperature Temperature
}

// LeadInput is an open lead posted to the channel for anyone to claim.
type LeadInput struct {
	ClientName  string // optional: the claimer learns it privately
	Contact     string
	Consent     bool
	Need        string
	Tags        []string
	Estimate    Money
	Temperature Temperature
	ExpiryDays  int // 0 = the workspace's default
}

func (s *Service) checkClient(name, contact string, consent, nameRequired bool) error {
	if err := checkText("client name", name, maxName, nameRequired,
		"Name the client, e.g. /refer @alice Acme Corp — needs a new website ~5k warm"); err != nil {
		return err
	}
	if err := checkText("contact", contact, maxName, false, ""); err != nil {
		return err
	}
	if strings.TrimSpace(contact) != "" && !consent {
		return Errorf(EINVALID, "I only store a client's contact details once they agreed to the introduction.").
			WithHint("Add the word consent after the contact if they did, or leave the contact out.")
	}
	return nil
}

func normTemperature(t Temperature) (Temperature, error) {
	switch t {
	case "":
		return Warm, nil
	case Hot, Warm, Cold:
		return t, nil
	}
	return "", Errorf(EINVALID, "%q is not a temperature.", string(t)).WithHint("Use hot, warm or cold.")
}

// money gives an amount typed without a currency the workspace's.
func (s *Service) money(ws Workspace, m Money) (Money, error) {
	return m.In(ws.Settings.Currency)
}

// draftInput is what direct referrals and open leads share.
type draftInput struct {
	ClientName, Contact string
	Consent             bool
	Need                string
	Tags                []string
	Estimate            Money
	Temperature         Temperature
}

// draft validates the shared fields and builds the referral the caller is
// about to give; the contact is kept only with the client's consent.
func (s *Service) draft(c Caller, in draftInput, nameRequired bool, needHint string) (*Referral, error) {
	if err := s.checkClient(in.ClientName, in.Contact, in.Consent, nameRequired); err != nil {
		return nil, err
	}
	if err := checkText("need", in.Need, maxText, true, needHint); err != nil {
		return nil, err
	}
	temp, err := normTemperature(in.Temperature)
	if err != nil {
		return nil, err
	}
	if in.Estimate.Cents < 0 || in.Estimate.Cents > MaxCents {
		return nil, Errorf(EINVALID, "An estimated value must be between 0 and %s.", Money{Cents: MaxCents}).
			WithHint("Leave the estimate out if you don't know it.")
	}
	est, err := s.money(c.Workspace, in.Estimate)
	if err != nil {
		return nil, err
	}
	now := s.now()
	r := &Referral{
		WorkspaceID: c.Workspace.ID, ReferrerID: c.Member.ID, ReferrerName: c.Member.DisplayName,
		ClientName: strings.TrimSpace(in.ClientName), Consent: in.Consent, Need: strings.TrimSpace(in.Need),
		Tags: NormalizeTags(in.Tags), Estimate: est, Temperature: temp,
		Fee: c.Workspace.Settings.Fee.In(c.Workspace.Settings.Currency), FeeStatus: FeeNotDue, CreatedAt: now, UpdatedAt: now,
	}
	if in.Consent {
		r.ClientContact = strings.TrimSpace(in.Contact)
	}
	if r.Fee.Kind == "" {
		r.Fee.Kind = FeeNone
	}
	return r, nil
}

// create inserts a drafted referral and its first event.
func (s *Service) create(ctx context.Context, tx Tx, c Caller, r *Referral) (*Event, error) {
	if err := tx.InsertReferral(ctx, r); err != nil {
		return nil, err
	}
	return s.event(ctx, tx, c, r, EvCreated, "", "")
}

// Refer introduces a client directly to a partner, who is asked privately
// to accept or decline.
func (s *Service) Refer(ctx context.Context, c Caller, in ReferInput) (*Referral, error) {
	r, err := s.draft(c, draftInput{in.ClientName, in.Contact, in.Consent, in.Need, in.Tags, in.Estimate, in.Temperature}, true,
		"Say what the client needs after the dash, e.g. /refer @alice Acme Corp — needs a new website")
	if err != nil {
		return nil, err
	}
	err = s.tx(ctx, func(tx Tx) error {
		to, err := s.resolve(ctx, tx, c, in.To)
		if err != nil {
			return err
		}
		if to.ID == c.Member.ID {
			return Errorf(EINVALID, "You can't refer a client to yourself.").
				WithHint("Pick a partner with /refer who <need>, or post it for everyone with /refer lead <need>.")
		}
		if err := takesReferrals(ctx, tx, c, to, in.Need); err != nil {
			return err
		}
		r.ReceiverID, r.ReceiverName, r.Status = to.ID, to.DisplayName, StatusOffered
		e, err := s.create(ctx, tx, c, r)
		if err != nil {
			return err
		}
		if _, err := s.touch(ctx, tx, c, c.Member.ID, to.ID, TouchReferral, r.Code.String()); err != nil {
			return err
		}
		return tx.Enqueue(ctx, notice(c, e, NoticeOffered, dm(to), r, ""))
	})
	if err != nil {
		return nil, err
	}
	return visibleTo(c, r), nil
}

// takesReferrals refuses a partner who paused new referrals.
func takesReferrals(ctx context.Context, tx Tx, c Caller, m *Member, need string) error {
	prof, err := tx.Profile(ctx, c.Workspace.ID, m.ID)
	if err != nil {
		return err
	}
	if prof.Availability == Paused {
		return Errorf(ECONFLICT, "%s has paused new referrals for now.", m.Mention()).
			WithHint("Try /refer who %s to find someone else, or /refer lead to post it to the channel.", firstWords(need, 6))
	}
	return nil
}

// PostLead posts an open lead to the network channel; the first member to
// claim it becomes its receiver. Unclaimed leads expire.
func (s *Service) PostLead(ctx context.Context, c Caller, in LeadInput) (*Referral, error) {
	r, err := s.draft(c, draftInput{in.ClientName, in.Contact, in.Consent, in.Need, in.Tags, in.Estimate, in.Temperature}, false,
		"Describe the work, e.g. /refer lead logo and brand guide for a bakery #branding ~3k")
	if err != nil {
		return nil, err
	}
	days := in.ExpiryDays
	if days == 0 {
		days = c.Workspace.Settings.LeadExpiryDays
	}
	if days <= 0 || days > 365 {
		return nil, Errorf(EINVALID, "A lead can stay open for 1 to 365 days, not %d.", days).
			WithHint("Write e.g. expires 7d.")
	}
	r.Status, r.ExpiresAt = StatusOpen, r.CreatedAt.AddDate(0, 0, days)
	err = s.tx(ctx, func(tx Tx) error {
		ws, err := tx.Workspace(ctx, c.Workspace.ID)
		if err != nil {
			return err
		}
		e, err := s.create(ctx, tx, c, r)
		if err != nil {
			return err
		}
		return tx.Enqueue(ctx, notice(c, e, NoticeLeadPosted, channel(ws), r, ""))
	})
	if err != nil {
		return nil, err
	}
	return visibleTo(c, r), nil
}

// ClaimedError is returned to everyone who lost a claim race; it names the
// winner so the loser sees why.
func claimedError(r *Referral) error {
	who := r.ReceiverName
	if who == "" {
		who = "another member"
	} else {
		who = "@" + who
	}
	return Errorf(ECONFLICT, "%s was already claimed by %s.", r.Code, who).
		WithHint("Open leads go to the first claim; /refer list open shows the ones still waiting.")
}

// openLead loads a lead for a claim-like act and checks it is still open.
// A lead past its expiry is closed even before the expiry job marks it.
func (s *Service) openLead(ctx context.Context, tx Tx, c Caller, code Code) (*Referral, error) {
	r, err := referral(ctx, tx, c, code)
	if err != nil {
		return nil, err
	}
	expired := r.Status == StatusOpen && !r.ExpiresAt.IsZero() && !s.now().Before(r.ExpiresAt)
	switch {
	case r.Status == StatusOpen && !expired:
		return r, nil
	case expired || r.Status == StatusExpired && r.ReceiverID == 0:
		return nil, Errorf(ECONFLICT, "%s expired unclaimed.", code).
			WithHint("Ask @%s whether the client still needs help.", r.ReferrerName)
	case r.ReceiverID != 0 && r.CreatedAsLead():
		return nil, claimedError(r)
	default:
		return nil, Errorf(ECONFLICT, "%s is a direct referral to @%s, not an open lead.", code, r.ReceiverName).
			WithHint("/refer list open shows the leads waiting for a claim.")
	}
}

// CreatedAsLead reports whether the referral began as an open lead. A lead
// has an expiry; a direct referral never does.
func (r *Referral) CreatedAsLead() bool { return !r.ExpiresAt.IsZero() }

// Claim makes the caller the receiver of an open lead. The referral row is
// locked for the check-and-set, so however many members click at once,
// exactly one wins and the rest get ECONFLICT naming the winner.
func (s *Service) Claim(ctx context.Context, c Caller, code Code) (*Referral, error) {
	var r *Referral
	err := s.tx(ctx, func(tx Tx) error {
		var err error
		if r, err = s.openLead(ctx, tx, c, code); err != nil {
			return err
		}
		if r.ReferrerID == c.Member.ID {
			return Errorf(EINVALID, "You posted %s, so you can't claim it yourself.", code).
				WithHint("To hand it to someone who raised a hand: /refer pick %s @member", code)
		}
		return s.handOver(ctx, tx, c, r, &c.Member, EvClaimed)
	})
	if err != nil {
		return nil, err
	}
	return visibleTo(c, r), nil
}

// handOver gives an open lead to its new owner and tells everyone.
func (s *Service) handOver(ctx context.Context, tx Tx, c Caller, r *Referral, owner *Member, kind EventKind) error {
	ws, err := tx.Workspace(ctx, c.Workspace.ID)
	if err != nil {
		return err
	}
	now := s.now()
	from := r.Status
	r.ReceiverID, r.ReceiverName = owner.ID, owner.DisplayName
	r.Status, r.AcceptedAt, r.UpdatedAt = StatusAccepted, now, now
	if err := tx.UpdateReferral(ctx, r); err != nil {
		return err
	}
	e, err := s.event(ctx, tx, c, r, kind, from, owner.DisplayName)
	if err != nil {
		return err
	}
	if _, err := s.touch(ctx, tx, c, r.ReferrerID, owner.ID, TouchReferral, r.Code.String()); err != nil {
		return err
	}
	referrer, err := memberRecipient(ctx, tx, c, r.ReferrerID)
	if err != nil {
		return err
	}
	ns := []Notice{notice(c, e, NoticeLeadClaimed, channel(ws), r, "")}
	switch {
	case kind == EvClaimed:
		ns = append(ns, notice(c, e, NoticeClaimedDM, referrer, r, ""))
	default:
		ns = append(ns, notice(c, e, NoticeHandoff, dm(owner), r, ""))
		if c.Member.ID != r.ReferrerID { // an admin picked on the referrer's behalf
			ns = append(ns, notice(c, e, NoticePickedDM, referrer, r, ""))
		}
	}
	return tx.Enqueue(ctx, ns...)
}

// RaiseHand records interest in an open lead; the referrer may then pick.
func (s *Service) RaiseHand(ctx context.Context, c Caller, code Code) (*Referral, error) {
	var r *Referral
	err := s.tx(ctx, func(tx Tx) error {
		var err error
		if r, err = s.openLead(ctx, tx, c, code); err != nil {
			return err
		}
		if r.ReferrerID == c.Member.ID {
			return Errorf(EINVALID, "You posted %s; raising your own hand won't help.", code).
				WithHint("Pick someone who did with /refer pick %s @member", code)
		}
		if err := tx.AddInterest(ctx, c.Workspace.ID, r.ID, c.Member.ID); err != nil {
			if ErrorCode(err) == ECONFLICT {
				return Errorf(ECONFLICT, "You already raised your hand for %s.", code).
					WithHint("@%s will pick, or you can /refer claim %s to take it now.", r.ReferrerName, code)
			}
			return err
		}
		e, err := s.event(ctx, tx, c, r, EvHandRaised, r.Status, "")
		if err != nil {
			return err
		}
		hands, err := tx.Interested(ctx, c.Workspace.ID, r.ID)
		if err != nil {
			return err
		}
		referrer, err := memberRecipient(ctx, tx, c, r.ReferrerID)
		if err != nil {
			return err
		}
		n := notice(c, e, NoticeHandRaised, referrer, r, "")
		for i := range hands {
			n.Choices = append(n.Choices, dm(&hands[i]))
		}
		return tx.Enqueue(ctx, n)
	})
	if err != nil {
		return nil, err
	}
	return visibleTo(c, r), nil
}

// PickClaimer lets the referrer (or an admin) hand an open lead to one of
// the members who raised a hand.
func (s *Service) PickClaimer(ctx context.Context, c Caller, code Code, who MemberRef) (*Referral, error) {
	var r *Referral
	err := s.tx(ctx, func(tx Tx) error {
		var err error
		if r, err = s.openLead(ctx, tx, c, code); err != nil {
			return err
		}
		if r.ReferrerID != c.Member.ID && !c.Member.IsAdmin() {
			return Errorf(EFORBIDDEN, "Only @%s, who posted %s, can pick who gets it.", r.ReferrerName, code).
				WithHint("Raise your hand with /refer interested %s, or claim it with /refer claim %s.", code, code)
		}
		m, err := s.resolve(ctx, tx, c, who)
		if err != nil {
			return err
		}
		hands, err := tx.Interested(ctx, c.Workspace.ID, r.ID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(hands, func(h Member) bool { return h.ID == m.ID }) {
			names := make([]string, len(hands))
			for i, h := range hands {
				names[i] = h.Mention()
			}
			if len(names) == 0 {
				return Errorf(ECONFLICT, "Nobody has raised a hand for %s yet.", code).
					WithHint("Wait for /refer interested %s, or refer the client directly with /refer @member ...", code)
			}
			return Errorf(EINVALID, "%s hasn't raised a hand for %s.", m.Mention(), code).
				WithHint("Pick one of: %s", strings.Join(names, ", "))
		}
		return s.handOver(ctx, tx, c, r, m, EvPicked)
	})
	if err != nil {
		return nil, err
	}
	return visibleTo(c, r), nil
}

// forReceiver loads an offered referral and checks the caller is its receiver.
func forReceiver(ctx context.Context, tx Tx, c Caller, code Code, verb string) (*Referral, error) {
	r, err := referral(ctx, tx, c, code)
	if err != nil {
		return nil, err
	}
	if r.ReceiverID != c.Member.ID {
		if r.Status == StatusOpen {
			return nil, Errorf(ECONFLICT, "%s is an open lead, not a referral to you.", code).
				WithHint("Take it with /refer claim %s", code)
		}
		return nil, Errorf(EFORBIDDEN, "Only @%s, who received %s, can %s it.", r.ReceiverName, code, verb)
	}
	if r.Status != StatusOffered {
		return nil, Errorf(ECONFLICT, "%s is already %s, so it can't be %sed now.", code, r.Status, strings.TrimSuffix(verb, "e")).
			WithHint("/refer show %s shows where it stands.", code)
	}
	return r, nil
}

// Accept takes on a direct referral; the referrer is told.
func (s *Service) Accept(ctx context.Context, c Caller, code Code) (*Referral, error) {
	var r *Referral
	err := s.tx(ctx, func(tx Tx) error {
		var err error
		if r, err = forReceiver(ctx, tx, c, code, "accept"); err != nil {
			return err
		}
		now := s.now()
		r.Status, r.AcceptedAt, r.UpdatedAt = StatusAccepted, now, now
		_, err = s.changed(ctx, tx, c, r, EvAccepted, StatusOffered, "", NoticeAccepted)
		return err
	})
	if err != nil {
		return nil, err
	}
	return visibleTo(c, r), nil
}

// Decline turns a direct referral down with a reason the referrer sees.
func (s *Service) Decline(ctx context.Context, c Caller, code Code, reason string) (*Referral, error) {
	if err := checkText("reason", reason, maxText, true,
		fmt.Sprintf("Say why, e.g. /refer decline %s fully booked until March", code)); err != nil {
		return nil, err
	}
	var r *Referral
	err := s.tx(ctx, func(tx Tx) error {
		var err error
		if r, err = forReceiver(ctx, tx, c, code, "decline"); err != nil {
			return err
		}
		now := s.now()
		r.Status, r.DeclineReason, r.ClosedAt, r.UpdatedAt = StatusDeclined, strings.TrimSpace(reason), now, now
		_, err = s.changed(ctx, tx, c, r, EvDeclined, StatusOffered, r.DeclineReason, NoticeDeclined)
		return err
	})
	if err != nil {
		return nil, err
	}
	return visibleTo(c, r), nil
}

// changed saves r, appends its event and tells the referrer.
func (s *Service) changed(ctx context.Context, tx Tx, c Caller, r *Referral, kind EventKind, from Status, note string, nk NoticeKind) (*Event, error) {
	if err := tx.UpdateReferral(ctx, r); err != nil {
		return nil, err
	}
	e, err := s.event(ctx, tx, c, r, kind, from, note)
	if err != nil {
		return nil, err
	}
	referrer, err := memberRecipient(ctx, tx, c, r.ReferrerID)
	if err != nil {
		return nil, err
	}
	ns := []Notice{notice(c, e, nk, referrer, r, note)}
	if !r.CreatedAsLead() && r.ReceiverID != 0 {
		receiver, err := memberRecipient(ctx, tx, c, r.ReceiverID)
		if err != nil {
			return nil, err
		}
		ns = append(ns, notice(c, e, NoticeCard, receiver, r, ""))
	}
	return e, tx.Enqueue(ctx, ns...)
}

// AdvanceInput carries what a stage change needs: a value for won, a
// reason for lost, an optional note for the others. Confirm records a won
// value far above the network's usual deals (see Advance).
type AdvanceInput struct {
	Value   Money
	Reason  string
	Note    string
	Confirm bool
}

// UnusualWon is how many times the largest won value so far (in the same
// currency, in the workspace) a new won value may be before it needs
// confirming: a slip of three zeros must not enter the ledger for good.
const UnusualWon = 100

// PipelineStages are the stages a receiver moves a referral through.
var PipelineStages = []Status{StatusContacted, StatusMeeting, StatusProposal, StatusWon, StatusLost}

// Advance moves an accepted referral forward through the pipeline. Only
// its owner (receiver or co-owner) or an admin may; stages never go back;
// won needs a value and lost a reason. The referrer hears of every change.
// A won value more than UnusualWon times the largest so far in its
// currency is refused with ECONFIRM unless in.Confirm; nothing is stored.
func (s *Service) Advance(ctx context.Context, c Caller, code Code, to Status, in AdvanceInput) (*Referral, error) {
	if !slices.Contains(PipelineStages, to) {
		return nil, Errorf(EINVALID, "%q is not a stage you can move to.", string(to)).
			WithHint("Use contacted, meeting, proposal, won or lost, e.g. /refer status %s meeting", code)
	}
	switch to {
	case StatusWon:
		if in.Value.Cents <= 0 {
			return nil, Errorf(EINVALID, "A won deal needs its value.").
				WithHint("Type /refer won %s <value>, e.g. /refer won %s 4800", code, code)
		}
		if in.Value.Cents > MaxCents {
			return nil, Errorf(EINVALID, "%s is larger than any deal I can record.", in.Value).
				WithHint("Check the number of zeros: /refer won %s <value>", code)
		}
	case StatusLost:
		if err := checkText("reason", in.Reason, maxText, true,
			fmt.Sprintf("Say why, so the referrer learns too: /refer lost %s went with a cheaper quote", code)); err != nil {
			return nil, err
		}
	}
	if err := checkText("note", in.Note, maxText, false, ""); err != nil {
		return nil, err
	}
	var r *Referral
	err := s.tx(ctx, func(tx Tx) error {
		var err error
		if r, err = referral(ctx, tx, c, code); err != nil {
			return err
		}
		if !r.Owns(c.Member.ID) && !c.Member.IsAdmin() {
			if r.ReceiverID == 0 {
				return Errorf(EFORBIDDEN, "%s is an open lead nobody has claimed yet.", code).
					WithHint("Claim it first with /refer claim %s", code)
			}
			return Errorf(EFORBIDDEN, "Only @%s, who owns %s, can move it.", r.ReceiverName, code).
				WithHint("/refer show %s shows where it stands.", code)
		}
		from := r.Status
		switch {
		case from == StatusOffered:
			return Errorf(ECONFLICT, "%s hasn't been accepted yet.", code).
				WithHint("Accept it first: /refer accept %s", code)
		case from.Closed():
			return Errorf(ECONFLICT, "%s is already %s; its stage can't change any more.", code, from).
				WithHint("/refer show %s shows its history.", code)
		case pipelineRank[to] <= pipelineRank[from]:
			return Errorf(ECONFLICT, "%s is already at %s; stages only move forward (contacted → meeting → proposal → won or lost).", code, from).
				WithHint("/refer show %s shows its history.", code)
		}
		now := s.now()
		r.Status, r.UpdatedAt = to, now
		note := strings.TrimSpace(in.Note)
		nk := NoticeStage
		switch to {
		case StatusWon:
			if r.WonValue, err = s.money(c.Workspace, in.Value); err != nil {
				return err
			}
			if r.WonValue.Currency == "" {
				// Even a deal won for nothing is in a currency, so that
				// the stats count it where it belongs, whatever the
				// network's currency becomes later.
				r.WonValue.Currency = nonEmpty(r.Estimate.Currency, nonEmpty(c.Workspace.Settings.Currency, DefaultCurrency))
			}
			if !in.Confirm {
				if err := unusualWon(ctx, tx, c, code, r.WonValue); err != nil {
					return err
				}
			}
			r.ClosedAt = now
			if r.Fee.Fee(r.WonValue.Cents) > 0 {
				r.FeeStatus = FeeOwed
			}
			nk = NoticeWon
		case StatusLost:
			r.LostReason, r.ClosedAt = strings.TrimSpace(in.Reason), now
			note, nk = r.LostReason, NoticeLost
		}
		e, err := s.changed(ctx, tx, c, r, EvStage, from, note, nk)
		if err != nil || to != StatusWon {
			return err
		}
		// Close the loop: prompt the owner to thank the referrer.
		owner, err := memberRecipient(ctx, tx, c, r.ReceiverID)
		if err != nil {
			return err
		}
		return tx.Enqueue(ctx, notice(c, e, NoticeThankPrompt, owner, r, ""))
	})
	if err != nil {
		return nil, err
	}
	return visibleTo(c, r), nil
}

// unusualWon asks to confirm a won value more than UnusualWon times the
// largest so far in its currency; with none so far there is nothing to
// compare with.
func unusualWon(ctx context.Context, tx Tx, c Caller, code Code, v Money) error {
	most, err := tx.MaxWonValue(ctx, c.Workspace.ID, v.Currency)
	if err != nil || most <= 0 || v.Cents <= UnusualWon*most {
		return err
	}
	return Errorf(ECONFIRM, "Won: %s? That is more than %d times the largest deal won in %s so far (%s). Please confirm it is right before I record it.",
		v, UnusualWon, v.Currency, Money{Cents: most, Currency: v.Currency}).
		WithHint("If it is, type /refer won %s %s confirm — if not, type the right value: /refer won %s <value>", code, v.Plain(), code)
}

// Thank posts a public thank-you from the referral's owner to its referrer
// and credits the referrer; it counts as a touchpoint.
func (s *Service) Thank(ctx context.Context, c Caller, code Code, message string) (*Thanks, error) {
	if err := checkText("message", message, maxText, false, ""); err != nil {
		return nil, err
	}
	var t *Thanks
	err := s.tx(ctx, func(tx Tx) error {
		r, err := referral(ctx, tx, c, code)
		if err != nil {
			return err
		}
		if !r.Owns(c.Member.ID) {
			return Errorf(EFORBIDDEN, "Only @%s, who received %s, can thank for it.", nonEmpty(r.ReceiverName, "its receiver"), code).
				WithHint("To thank someone for something else, log it with /refer touch @member ...")
		}
		if !r.Status.Working() && r.Status != StatusWon && r.Status != StatusLost {
			return Errorf(ECONFLICT, "%s is %s; thank-yous come once you've taken it on.", code, r.Status).
				WithHint("Accept it first: /refer accept %s", code)
		}
		ws, err := tx.Workspace(ctx, c.Workspace.ID)
		if err != nil {
			return err
		}
		t = &Thanks{ReferralID: r.ID, FromID: c.Member.ID, ToID: r.ReferrerID, Message: strings.TrimSpace(message), At: s.now()}
		if err := tx.AddThanks(ctx, c.Workspace.ID, t); err != nil {
			if ErrorCode(err) == ECONFLICT {
				return Errorf(ECONFLICT, "You already thanked @%s for %s.", r.ReferrerName, code).
					WithHint("Log another touchpoint with /refer touch @%s coffee", r.ReferrerName)
			}
			return err
		}
		e, err := s.event(ctx, tx, c, r, EvThanked, r.Status, t.Message)
		if err != nil {
			return err
		}
		if _, err := s.touch(ctx, tx, c, c.Member.ID, r.ReferrerID, TouchThanks, code.String()); err != nil {
			return err
		}
		referrer, err := memberRecipient(ctx, tx, c, r.ReferrerID)
		if err != nil {
			return err
		}
		r.Thanked = true
		ns := []Notice{notice(c, e, NoticeThanks, channel(ws), r, t.Message),
			notice(c, e, NoticeThanksDM, referrer, r, t.Message)}
		if !r.CreatedAsLead() && r.ReceiverID != 0 {
			// The receiver's offer card loses its Thank button.
			receiver, err := memberRecipient(ctx, tx, c, r.ReceiverID)
			if err != nil {
				return err
			}
			ns = append(ns, notice(c, e, NoticeCard, receiver, r, ""))
		}
		return tx.Enqueue(ctx, ns...)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
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
	var f *Feedback
	err := s.tx(ctx, func(tx Tx) error {
		r, err := referral(ctx, tx, c, code)
		if err != nil {
			return err
		}
		if !r.IsParty(c.Member.ID) {
			return Errorf(EFORBIDDEN, "Only the referrer and receiver of %s can give feedback on it.", code)
		}
		if r.Status != StatusWon && r.Status != StatusLost {
			return Errorf(ECONFLICT, "%s is still %s; feedback comes after it is won or lost.", code, r.Status).
				WithHint("Close it with /refer won %s <value> or /refer lost %s <reason>", code, code)
		}
		f = &Feedback{ReferralID: r.ID, MemberID: c.Member.ID, Score: score, Comment: strings.TrimSpace(comment), At: s.now()}
		if err := tx.SaveFeedback(ctx, c.Workspace.ID, f); err != nil {
			return err
		}
		note := fmt.Sprintf("%d/5", score)
		if f.Replaced != 0 {
			note = fmt.Sprintf("%d/5 → %s", f.Replaced, note)
		}
		_, err = s.event(ctx, tx, c, r, EvFeedback, r.Status, strings.TrimSpace(note+" "+f.Comment))
		return err
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Detail is a referral with its history, as the caller may see it.
type Detail struct {
	Referral   Referral
	Events     []Event
	Interested []Member
}

// Show returns a referral and its timeline as the caller may see them
// (see VisibleTo).
func (s *Service) Show(ctx context.Context, c Caller, code Code) (*Detail, error) {
	var d Detail
	err := s.tx(ctx, func(tx Tx) error {
		r, err := tx.Referral(ctx, c.Workspace.ID, code, false)
		if ErrorCode(err) == ENOTFOUND {
			return Errorf(ENOTFOUND, "There is no referral %s in this network.", code).
				WithHint("`/refer list` shows your referrals and their codes.")
		}
		if err != nil {
			return err
		}
		d.Referral = r.VisibleTo(c.Member)
		if d.Events, err = tx.Events(ctx, c.Workspace.ID, r.ID); err != nil {
			return err
		}
		for i := range d.Events {
			d.Events[i] = d.Events[i].VisibleTo(r, c.Member)
		}
		if r.Status == StatusOpen {
			d.Interested, err = tx.Interested(ctx, c.Workspace.ID, r.ID)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// ListKind selects which referrals List returns.
type ListKind string

const (
	ListMine     ListKind = "mine" // given or received
	ListGiven    ListKind = "given"
	ListReceived ListKind = "received"
	ListOpen     ListKind = "open" // unclaimed leads
	ListAll      ListKind = "all"  // admins: everything
)

// List returns the caller's referrals of a kind, newest first.
func (s *Service) List(ctx context.Context, c Caller, kind ListKind, statuses ...Status) ([]Referral, error) {
	f := ListFilter{MemberID: c.Member.ID, Statuses: statuses, Limit: 50}
	switch kind {
	case ListMine, "":
		f.Given, f.Received = true, true
	case ListGiven:
		f.Given = true
	case ListReceived:
		f.Received = true
	case ListOpen:
		f.MemberID, f.OpenLeads = 0, true
	case ListAll:
		if !c.Member.IsAdmin() {
			return nil, Errorf(EFORBIDDEN, "Only admins can list every referral.").
				WithHint("Try /refer list mine, given, received or open.")
		}
		f.MemberID = 0
	default:
		return nil, Errorf(EINVALID, "I can't list %q.", string(kind)).
			WithHint("Try /refer list mine, given, received or open.")
	}
	var out []Referral
	err := s.tx(ctx, func(tx Tx) error {
		rs, err := tx.ListReferrals(ctx, c.Workspace.ID, f)
		for _, r := range rs {
			out = append(out, r.VisibleTo(c.Member))
		}
		return err
	})
	return out, err
}

func nonEmpty(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[:n]
	}
	return strings.Join(f, " ")
}
