package core

import (
	"context"
	"errors"
	"strings"
	"time"
)

// Identity is who is talking, as an adapter sees them.
type Identity struct {
	Platform      Platform
	TeamID        string // Slack team, Discord guild, console name
	TeamName      string
	UserID        string
	UserName      string
	PlatformAdmin bool // a workspace admin on the platform itself
	// RequestKey identifies the platform delivery (trigger, event or
	// interaction id) so a retry or replay is applied once; see Command.
	RequestKey string
	Channel    string // where the command was typed
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

// Join finds or creates the caller's workspace and member. The first member
// of a workspace, and the platform's own admins, are referbot admins. A new
// member is given an experienced mentoring buddy when there is one.
func (s *Service) Join(ctx context.Context, id Identity) (Caller, error) {
	if err := checkIdentity(id); err != nil {
		return Caller{}, err
	}
	return inTx(ctx, s, func(tx Tx) (Caller, error) { return s.join(ctx, tx, id, nil, nil) })
}

// Command runs a platform request as one transaction: the record of its
// key (id.RequestKey), the caller as joined, and fn with the caller (fn's
// operations, given the ctx fn is given, join that transaction). A request
// that failed midway left no trace and is applied when redelivered; one
// that succeeded is not applied again (ErrSeen). The key is the
// workspace's, as every row is; an empty key runs fn unrecorded.
//
// A caller already joined, unchanged, is read, not written: commands of
// one workspace don't queue behind each other. A newcomer (or a new
// workspace, a new name) is joined first in a short transaction of its
// own, so the locks that order joins (buddy assignment) are not held
// through a command.
func (s *Service) Command(ctx context.Context, id Identity, fn func(ctx context.Context, c Caller) error) error {
	if err := checkIdentity(id); err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		err := s.store.InTx(ctx, func(tx Tx) error {
			first, ws, m, err := tx.Arrive(ctx, id.Platform, id.RequestKey, s.now(), id.TeamID, id.UserID)
			switch {
			case err != nil:
				return err
			case !first:
				return ErrSeen
			case attempt == 0 && joinWrites(id, ws, m):
				return errJoinFirst // rolled back: the key too
			}
			c, err := s.join(ctx, tx, id, ws, m)
			if err != nil {
				return err
			}
			if ws == nil && id.RequestKey != "" {
				// A team new in this transaction: Arrive had no workspace
				// to keep the key in.
				if first, err := tx.ClaimRequest(ctx, c.Workspace.ID, id.RequestKey, s.now()); err != nil {
					return err
				} else if !first {
					return ErrSeen
				}
			}
			return fn(context.WithValue(ctx, txKey{}, tx), c)
		})
		if !errors.Is(err, errJoinFirst) {
			return err
		}
		if _, err := s.Join(ctx, id); err != nil {
			return err
		}
	}
}

// errJoinFirst rolls back a command whose caller must be joined first.
var errJoinFirst = errors.New("core: join the caller first")

// joinWrites reports whether joining the caller found as ws and m would
// write more than their last activity.
func joinWrites(id Identity, ws *Workspace, m *Member) bool {
	return ws == nil || m == nil || (id.TeamName != "" && id.TeamName != ws.Name) || !sameName(id.Platform, m, id.UserName) ||
		m.Status != MemberActive || (id.PlatformAdmin && m.Role != RoleAdmin) ||
		(ws.Settings.Channel == "" && id.Platform == Console && id.Channel != "")
}

func checkIdentity(id Identity) error {
	if id.TeamID == "" || id.UserID == "" {
		return Errorf(EINVALID, "I couldn't tell which workspace or member this came from.")
	}
	return nil
}

// join brings the caller's workspace and member up to date in tx; ws and
// m are what was found of them already, if anything.
func (s *Service) join(ctx context.Context, tx Tx, id Identity, ws *Workspace, m *Member) (Caller, error) {
	if ws == nil || (id.TeamName != "" && id.TeamName != ws.Name) {
		var err error
		if ws, err = tx.EnsureWorkspace(ctx, id.Platform, id.TeamID, id.TeamName, DefaultSettings()); err != nil {
			return Caller{}, err
		}
		m = nil // found in the workspace as it was: look again
	}
	// An admin chooses the network's channel on purpose (config
	// channel): a command typed somewhere never makes it the channel.
	// The console has one channel, the one it names: nothing to choose.
	if ws.Settings.Channel == "" && id.Platform == Console && id.Channel != "" {
		ws.Settings.Channel = id.Channel
		if err := tx.SaveSettings(ctx, ws.ID, ws.Settings); err != nil {
			return Caller{}, err
		}
	}
	m, err := s.joinMember(ctx, tx, ws, id, m)
	if err != nil {
		return Caller{}, err
	}
	return Caller{Workspace: *ws, Member: *m}, nil
}

// joinMember finds or creates the member id names in ws and brings them
// up to date: a forgotten member starts afresh, a new one is given a
// buddy (or made admin, the first), the platform's admins are admins.
// found is the member as already read, if they were.
func (s *Service) joinMember(ctx context.Context, tx Tx, ws *Workspace, id Identity, found *Member) (*Member, error) {
	m, created := found, false
	if found == nil || !sameName(id.Platform, found, id.UserName) {
		var err error
		if m, created, err = ensureMember(ctx, tx, id.Platform, ws.ID, id.UserID, id.UserName); err != nil {
			return nil, err
		}
	}
	before := *m
	switch m.Status {
	case MemberRemoved:
		return nil, Errorf(EFORBIDDEN, "An admin of this network removed you, so referbot can't act for you here.").
			WithHint("Ask an admin if you think this is a mistake.")
	case MemberForgotten:
		m.Status = MemberActive
	}
	if created {
		m.JoinedAt, m.LastActive = s.now(), s.now() // the service's clock, not the database's
		n, err := tx.CountMembers(ctx, ws.ID)
		if err != nil {
			return nil, err
		}
		if n == 1 {
			m.Role = RoleAdmin // the organiser who set the bot up
		} else if err := s.assignBuddy(ctx, tx, ws, m); err != nil {
			return nil, err
		}
	}
	if id.PlatformAdmin {
		m.Role = RoleAdmin
	}
	// Remember activity (at most hourly, to spare a write per command):
	// reminders sent since count as ignored.
	if now := s.now(); activityDue(m, now) {
		m.LastActive = now
	}
	if *m != before { // most commands change nothing: no write
		if err := tx.SaveMember(ctx, m); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// activityDue says m's last activity is older than an hour: a command now
// writes it.
func activityDue(m *Member, now time.Time) bool { return now.Sub(m.LastActive) > time.Hour }

// sameName is true when ensureMember would leave m's name as it is.
func sameName(p Platform, m *Member, name string) bool {
	name = strings.TrimSpace(name)
	return p == Console || name == "" || name == m.DisplayName
}

// resolve turns a mention into a member of the caller's workspace. A
// platform user id joins that person implicitly (they were mentioned by
// someone who knows them); a bare name must match an existing member.
func (s *Service) resolve(ctx context.Context, tx Tx, c Caller, ref MemberRef) (*Member, error) {
	var (
		m   *Member
		err error
	)
	ref.UserID = mentionID(c.Workspace.Platform, ref)
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
	if err := stillMember(m); err != nil {
		return nil, err
	}
	return m, nil
}

// stillMember refuses a member an admin removed.
func stillMember(m *Member) error {
	if m.Status == MemberRemoved {
		return Errorf(ENOTFOUND, "%s is no longer a member of this network.", m.Mention())
	}
	return nil
}

// mentionID is the platform user id ref names, "" for a bare name. The
// console has no user ids: a member is their lower-cased name, and
// mentioning someone brings them in, as a Slack mention would.
func mentionID(p Platform, ref MemberRef) string {
	if ref.UserID == "" && p == Console {
		return strings.ToLower(ref.Name)
	}
	return ref.UserID
}

// ensureMember finds or creates a member. On Slack and Discord the
// platform's name refreshes the stored one (people rename themselves
// there). On the console a name is the member's id, typed in any case:
// it names the member only when they are created, so "/as MAYA" is maya,
// not a rename.
func ensureMember(ctx context.Context, tx Tx, p Platform, workspaceID int64, userID, name string) (*Member, bool, error) {
	if p != Console {
		return tx.EnsureMember(ctx, workspaceID, userID, name)
	}
	m, created, err := tx.EnsureMember(ctx, workspaceID, userID, "")
	if err != nil || !created || name == "" || name == m.DisplayName {
		return m, created, err
	}
	m, _, err = tx.EnsureMember(ctx, workspaceID, userID, name)
	return m, created, err
}
