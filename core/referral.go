package core

import (
	"context"
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
	Fee         *FeeTerms // nil: the network's policy
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
	ExpiryDays  int       // 0 = the workspace's default
	Fee         *FeeTerms // nil: the network's policy
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
	e := s.newEvent(c, r, EvCreated, "", "")
	if err := tx.InsertReferral(ctx, r, e); err != nil {
		return nil, err
	}
	return e, nil
}

// Refer introduces a client directly to a partner, who is asked privately
// to accept or decline. The group commit of /refer (refer_batch.go) makes
// the same decisions with the same functions: draftRefer, offerTo,
// s.offer, offeredNotice, capExceeded, s.touchpoint.
func (s *Service) Refer(ctx context.Context, c Caller, in ReferInput) (*Referral, error) {
	r, err := s.draftRefer(c, in)
	if err != nil {
		return nil, err
	}
	return s.referralTx(ctx, c, func(tx Tx) (*Referral, error) {
		to, err := s.resolve(ctx, tx, c, in.To)
		if err != nil {
			return nil, err
		}
		prof, err := tx.Profile(ctx, c.Workspace.ID, to.ID)
		if err != nil {
			return nil, err
		}
		if err := offerTo(c, to, prof, in.Need); err != nil {
			return nil, err
		}
		if err := s.underDailyCap(ctx, tx, c); err != nil {
			return nil, err
		}
		e := s.offer(c, r, to)
		if err := tx.InsertReferral(ctx, r, e); err != nil {
			return nil, err
		}
		if err := s.recordTouch(ctx, tx, c, c.Member.ID, to.ID, TouchReferral, r.Code.String()); err != nil {
			return nil, err
		}
		return r, tx.Enqueue(ctx, offeredNotice(c, e, r, to))
	})
}

// draftRefer validates a direct referral's fields and builds it, before
// anything is read.
func (s *Service) draftRefer(c Caller, in ReferInput) (*Referral, error) {
	r, err := s.draft(c, draftInput{in.ClientName, in.Contact, in.Consent, in.Need, in.Tags, in.Estimate, in.Temperature}, true,
		"Say what the client needs after the dash, e.g. /refer @alice Acme Corp — needs a new website")
	if err == nil && in.Fee != nil {
		r.Fee, err = s.checkFeeTerms(c, *in.Fee)
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// offerTo checks the partner a direct referral names: a member still, not
// the caller, taking referrals (prof is theirs).
func offerTo(c Caller, to *Member, prof *Profile, need string) error {
	if err := stillMember(to); err != nil {
		return err
	}
	if to.ID == c.Member.ID {
		return Errorf(EINVALID, "You can't refer a client to yourself.").
			WithHint("Pick a partner with /refer who <need>, or post it for everyone with /refer lead <need>.")
	}
	return available(to, prof, need)
}

// offer makes the drafted r an offer to to and returns its first event,
// neither yet written.
func (s *Service) offer(c Caller, r *Referral, to *Member) *Event {
	r.ReceiverID, r.ReceiverName, r.Status = to.ID, to.DisplayName, StatusOffered
	return s.newEvent(c, r, EvCreated, "", "")
}

// offeredNotice asks the receiver of the offer r (its first event e) to
// accept or decline.
func offeredNotice(c Caller, e *Event, r *Referral, to *Member) Notice {
	return notice(c, e, NoticeOffered, dm(to), r, "")
}

// takesReferrals refuses a partner who paused new referrals.
func takesReferrals(ctx context.Context, tx Tx, c Caller, m *Member, need string) error {
	prof, err := tx.Profile(ctx, c.Workspace.ID, m.ID)
	if err != nil {
		return err
	}
	return available(m, prof, need)
}

// available refuses a partner whose profile says they paused new referrals.
func available(m *Member, prof *Profile, need string) error {
	if prof.Availability == Paused {
		return Errorf(ECONFLICT, "%s has paused new referrals for now.", m.Mention()).
			WithHint("Try /refer who %s to find someone else, or /refer lead to post it to the channel.", FirstWords(need, 6))
	}
	return nil
}

// PostLead posts an open lead to the network channel; the first member to
// claim it becomes its receiver. Unclaimed leads expire.
func (s *Service) PostLead(ctx context.Context, c Caller, in LeadInput) (*Referral, error) {
	r, err := s.draft(c, draftInput{in.ClientName, in.Contact, in.Consent, in.Need, in.Tags, in.Estimate, in.Temperature}, false,
		"Describe the work, e.g. /refer lead logo and brand guide for a bakery #branding ~3k")
	if err == nil && in.Fee != nil {
		r.Fee, err = s.checkFeeTerms(c, *in.Fee)
	}
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
	return s.referralTx(ctx, c, func(tx Tx) (*Referral, error) {
		ws, err := tx.Workspace(ctx, c.Workspace.ID)
		if err != nil {
			return nil, err
		}
		if err := s.underDailyCap(ctx, tx, c); err != nil {
			return nil, err
		}
		e, err := s.create(ctx, tx, c, r)
		if err != nil {
			return nil, err
		}
		return r, tx.Enqueue(ctx, notice(c, e, NoticeLeadPosted, channel(ws), r, ""))
	})
}

// referral loads a referral for change, locked until the transaction ends.
func referral(ctx context.Context, tx Tx, c Caller, code Code) (*Referral, error) {
	return loadReferral(ctx, tx, c, code, true)
}

// loadReferral reads a referral of the caller's workspace by code, locked
// when forUpdate; an unknown code says how to find the right one.
func loadReferral(ctx context.Context, tx Tx, c Caller, code Code, forUpdate bool) (*Referral, error) {
	r, err := tx.Referral(ctx, c.Workspace.ID, code, forUpdate)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "There is no referral %s in this network.", code).
			WithHint("`/refer list` shows your referrals and their codes.")
	}
	return r, err
}

// record saves r and appends its event, returning the event and the
// referrer, whom every change is told.
func (s *Service) record(ctx context.Context, tx Tx, c Caller, r *Referral, kind EventKind, from Status, note string) (*Event, Recipient, error) {
	if err := tx.UpdateReferral(ctx, r); err != nil {
		return nil, Recipient{}, err
	}
	e, err := s.event(ctx, tx, c, r, kind, from, note)
	if err != nil {
		return nil, Recipient{}, err
	}
	referrer, err := memberRecipient(ctx, tx, c, r.ReferrerID)
	if err != nil {
		return nil, Recipient{}, err
	}
	return e, referrer, nil
}

// event appends a history entry and returns it with its id.
func (s *Service) event(ctx context.Context, tx Tx, c Caller, r *Referral, kind EventKind, from Status, note string) (*Event, error) {
	e := s.newEvent(c, r, kind, from, note)
	return e, tx.AppendEvent(ctx, c.Workspace.ID, e)
}

// newEvent is the history entry of c's change to r, not yet appended.
func (s *Service) newEvent(c Caller, r *Referral, kind EventKind, from Status, note string) *Event {
	e := &Event{ReferralID: r.ID, Kind: kind, From: from, To: r.Status, ActorID: c.Member.ID,
		ActorName: c.Member.DisplayName, Note: note, At: s.now()}
	if kind == EvStage && r.Status == StatusWon {
		e.Value = r.WonValue // so a correction's undo can restore it
	}
	return e
}
