package core

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Service runs the exchange's operations. Each public method is one
// transaction: it checks the rules, writes the change and its event, and
// queues the notices it causes, or changes nothing and returns an *Error.
type Service struct {
	store    Store
	now      func() time.Time
	location *time.Location
}

// Options configure a Service.
type Options struct {
	Now      func() time.Time // defaults to time.Now
	Location *time.Location   // default time zone for workspaces that set none
}

// NewService returns a Service over store.
func NewService(store Store, opts Options) *Service {
	s := &Service{store: store, now: opts.Now, location: opts.Location}
	if s.now == nil {
		s.now = time.Now
	}
	if s.location == nil {
		s.location = time.UTC
	}
	return s
}

// FirstDelivery reports whether a platform request (keyed by its trigger,
// event or interaction id) is seen for the first time; adapters skip
// retries and replays, so nothing is applied twice.
func (s *Service) FirstDelivery(ctx context.Context, p Platform, key string) (bool, error) {
	return s.store.FirstDelivery(ctx, p, key, s.now())
}

// Now is the service's clock, exposed so callers share one notion of time.
func (s *Service) Now() time.Time { return s.now() }

// Location returns the time zone of a workspace.
func (s *Service) Location(ws Workspace) *time.Location {
	if ws.Settings.TimeZone != "" {
		if loc, err := time.LoadLocation(ws.Settings.TimeZone); err == nil {
			return loc
		}
	}
	return s.location
}

// Identity is who is talking, as an adapter sees them.
type Identity struct {
	Platform      Platform
	TeamID        string // Slack team, Discord guild, console name
	TeamName      string
	UserID        string
	UserName      string
	PlatformAdmin bool   // a workspace admin on the platform itself
	Channel       string // where the command was typed; becomes the default channel
}

// Caller is a joined member acting in their workspace.
type Caller struct {
	Workspace Workspace
	Member    Member
}

// MemberRef names a member in a command: a platform user id (from a
// mention or picker) or a display name typed as text.
type MemberRef struct {
	UserID string
	Name   string
}

func (r MemberRef) String() string {
	if r.Name != "" {
		return "@" + r.Name
	}
	return "@" + r.UserID
}

func (s *Service) tx(ctx context.Context, fn func(Tx) error) error {
	return s.store.InTx(ctx, fn)
}

// Join finds or creates the caller's workspace and member. The first member
// of a workspace, and the platform's own admins, are referbot admins. A new
// member is given an experienced mentoring buddy when there is one.
func (s *Service) Join(ctx context.Context, id Identity) (Caller, error) {
	var c Caller
	if id.TeamID == "" || id.UserID == "" {
		return c, Errorf(EINVALID, "I couldn't tell which workspace or member this came from.")
	}
	err := s.tx(ctx, func(tx Tx) error {
		ws, err := tx.EnsureWorkspace(ctx, id.Platform, id.TeamID, id.TeamName, DefaultSettings())
		if err != nil {
			return err
		}
		if ws.Settings.Channel == "" && id.Channel != "" {
			ws.Settings.Channel = id.Channel
			if err := tx.SaveSettings(ctx, ws.ID, ws.Settings); err != nil {
				return err
			}
		}
		m, created, err := ensureMember(ctx, tx, id.Platform, ws.ID, id.UserID, id.UserName)
		if err != nil {
			return err
		}
		before := *m
		switch m.Status {
		case MemberRemoved:
			return Errorf(EFORBIDDEN, "An admin of this network removed you, so referbot can't act for you here.").
				WithHint("Ask an admin if you think this is a mistake.")
		case MemberForgotten:
			m.Status = MemberActive
		}
		if created {
			m.JoinedAt, m.LastActive = s.now(), s.now() // the service's clock, not the database's
			n, err := tx.CountMembers(ctx, ws.ID)
			if err != nil {
				return err
			}
			if n == 1 {
				m.Role = RoleAdmin // the organiser who set the bot up
			} else if err := s.assignBuddy(ctx, tx, ws, m); err != nil {
				return err
			}
		}
		if id.PlatformAdmin {
			m.Role = RoleAdmin
		}
		// Remember activity (at most hourly, to spare a write per command):
		// reminders sent since count as ignored.
		if now := s.now(); now.Sub(m.LastActive) > time.Hour {
			m.LastActive = now
		}
		if *m != before { // most commands change nothing: no write
			if err := tx.SaveMember(ctx, m); err != nil {
				return err
			}
		}
		c = Caller{Workspace: *ws, Member: *m}
		return nil
	})
	return c, err
}

// assignBuddy pairs a newcomer with the most experienced available member.
func (s *Service) assignBuddy(ctx context.Context, tx Tx, ws *Workspace, newcomer *Member) error {
	cands, err := tx.Candidates(ctx, ws.ID, s.now().AddDate(0, -3, 0))
	if err != nil {
		return err
	}
	var best *Candidate
	for i := range cands {
		c := &cands[i]
		if c.Member.ID == newcomer.ID || c.Profile.Availability == Paused || c.Given+c.Received == 0 {
			continue
		}
		if best == nil || c.Given+c.Received > best.Given+best.Received {
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

func dm(m *Member) Recipient {
	return Recipient{MemberID: m.ID, UserID: m.UserID, Name: m.DisplayName}
}

func channel(ws *Workspace) Recipient {
	return Recipient{Channel: ws.Settings.Channel}
}

// resolve turns a mention into a member of the caller's workspace. A
// platform user id joins that person implicitly (they were mentioned by
// someone who knows them); a bare name must match an existing member.
func (s *Service) resolve(ctx context.Context, tx Tx, c Caller, ref MemberRef) (*Member, error) {
	var (
		m   *Member
		err error
	)
	if ref.UserID == "" && c.Workspace.Platform == Console {
		// The console has no user ids: a member is their lower-cased name,
		// and mentioning someone brings them in, as a Slack mention would.
		ref.UserID = strings.ToLower(ref.Name)
	}
	switch {
	case ref.UserID != "":
		m, _, err = ensureMember(ctx, tx, c.Workspace.Platform, c.Workspace.ID, ref.UserID, ref.Name)
	case ref.Name != "":
		m, err = tx.MemberByName(ctx, c.Workspace.ID, ref.Name)
		if ErrorCode(err) == ENOTFOUND {
			return nil, Errorf(ENOTFOUND, "I don't know anyone called %s in this network yet.", ref).
				WithHint("Mention them with @ so I can pick the right person, or ask them to type /refer help once.")
		}
	default:
		return nil, Errorf(EINVALID, "Name a member with @, for example @alice.")
	}
	if err != nil {
		return nil, err
	}
	if m.Status == MemberRemoved {
		return nil, Errorf(ENOTFOUND, "%s is no longer a member of this network.", m.Mention())
	}
	return m, nil
}

// referral loads a referral for change, locked until the transaction ends.
func referral(ctx context.Context, tx Tx, c Caller, code Code) (*Referral, error) {
	r, err := tx.Referral(ctx, c.Workspace.ID, code, true)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "There is no referral %s in this network.", code).
			WithHint("`/refer list` shows your referrals and their codes.")
	}
	return r, err
}

// event appends a history entry and returns it with its id.
func (s *Service) event(ctx context.Context, tx Tx, c Caller, r *Referral, kind EventKind, from Status, note string) (*Event, error) {
	e := &Event{ReferralID: r.ID, Kind: kind, From: from, To: r.Status, ActorID: c.Member.ID,
		ActorName: c.Member.DisplayName, Note: note, At: s.now()}
	return e, tx.AppendEvent(ctx, c.Workspace.ID, e)
}

// notify queues one notice about r to a recipient, keyed by the event so a
// retried operation never queues it twice.
// The snapshot follows the visibility rule for the recipient: a party
// gets the whole referral, anyone else (the channel included) its public
// view, and the text (a reason or note) only when it is meant for all.
func notice(c Caller, e *Event, kind NoticeKind, to Recipient, r *Referral, text string) Notice {
	snap := r.Public()
	if !to.IsChannel() && r.IsParty(to.MemberID) {
		snap = *r
	} else if !publicText[kind] {
		text = ""
	}
	dest := to.Channel
	if !to.IsChannel() {
		dest = fmt.Sprint("m", to.MemberID)
	}
	return Notice{WorkspaceID: c.Workspace.ID, Kind: kind, To: to, Referral: &snap,
		Actor: c.Member.DisplayName, Text: text, CreatedAt: e.At,
		DedupeKey: fmt.Sprintf("ev:%d:%s:%s", e.ID, kind, dest)}
}

// publicText are the notice kinds whose text anyone may read: a public
// thank-you, and why a lead is posted again (its owner left).
var publicText = map[NoticeKind]bool{NoticeThanks: true, NoticeLeadPosted: true}

// memberRecipient builds a DM recipient for a member id named on a referral.
func memberRecipient(ctx context.Context, tx Tx, c Caller, id int64) (Recipient, error) {
	m, err := tx.Member(ctx, c.Workspace.ID, id)
	if err != nil {
		return Recipient{}, err
	}
	return dm(m), nil
}

// touch records a touchpoint between two members, creating their
// partnership on first contact, and moves the next touchpoint due date.
func (s *Service) touch(ctx context.Context, tx Tx, c Caller, a, b int64, kind TouchKind, note string) (*Partnership, error) {
	lo, hi := a, b
	if lo > hi {
		lo, hi = hi, lo
	}
	now := s.now()
	p, err := tx.Partnership(ctx, c.Workspace.ID, lo, hi)
	switch ErrorCode(err) {
	case "":
	case ENOTFOUND:
		p = &Partnership{WorkspaceID: c.Workspace.ID, MemberA: lo, MemberB: hi, Type: Advocate, Trust: 1, CreatedAt: now}
		// A new pair's cadence is the shorter of the two members' wishes:
		// their own cadence if they set one, else the network's.
		for _, id := range []int64{lo, hi} {
			m, err := tx.Member(ctx, c.Workspace.ID, id)
			if err != nil {
				return nil, err
			}
			if want := nonZero(m.CadenceDays, c.Workspace.Settings.CadenceDays); p.CadenceDays == 0 || want < p.CadenceDays {
				p.CadenceDays = want
			}
		}
	default:
		return nil, err
	}
	if p.CadenceDays <= 0 {
		p.CadenceDays = 30
	}
	p.LastTouch = now
	p.NextDue = now.AddDate(0, 0, p.CadenceDays)
	if err := tx.SavePartnership(ctx, p); err != nil {
		return nil, err
	}
	t := &Touchpoint{PartnershipID: p.ID, ActorID: c.Member.ID, Kind: kind, Note: note, At: now}
	return p, tx.AddTouchpoint(ctx, c.Workspace.ID, t)
}

// limits on free text, so a paste accident can't fill the database.
const (
	maxName = 200
	maxText = 2000
)

func checkText(field, v string, max int, required bool, hint string) error {
	if required && strings.TrimSpace(v) == "" {
		return Errorf(EINVALID, "The %s is missing.", field).WithHint("%s", hint)
	}
	if len(v) > max {
		return Errorf(EINVALID, "The %s is too long (%d characters; at most %d).", field, len(v), max).
			WithHint("Shorten it and try again.")
	}
	return nil
}

// NormalizeTags lower-cases tags, strips '#' and drops duplicates.
func NormalizeTags(tags []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range tags {
		t = strings.ToLower(strings.Trim(strings.TrimSpace(t), "#,;."))
		if t == "" || seen[t] || len(t) > 40 {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}
