package core

import (
	"context"
	"errors"
	"time"
)

// Signing in to the web dashboard. `/refer dashboard` issues a one-time
// link (IssueSignInLink); visiting it opens a browser session
// (RedeemSignInLink); every page asks for the session's member again
// (SessionOf), so a member removed since, or who left, is refused at once.
//
// The link's token and the session cookie are signed (HMAC-SHA256, see
// signin_token.go) with a key of the workspace, and each also names a row
// the store keeps: the link works once (marked used in one statement) and
// a session ends for real when its member signs out or leaves, not only
// when the cookie expires. The signature turns away a forged or altered
// token before the database is asked; the row makes it single-use and
// revocable.

const (
	// SignInLinkTTL is how long a sign-in link works (once).
	SignInLinkTTL = 15 * time.Minute
	// SessionTTL is how long a browser stays signed in.
	SessionTTL = 12 * time.Hour
)

// SignInLink is a one-time sign-in link's token, for the link the bot
// hands out, and when it stops working.
type SignInLink struct {
	Token   string
	Expires time.Time
}

// Session is a signed-in browser: the member it acts for, the value of its
// cookie, and the token its forms carry against cross-site requests.
type Session struct {
	Caller Caller
	Cookie string
	CSRF   string
	Until  time.Time
}

// SignInRecord is a sign-in link as the store keeps it; once used, it
// stands for the session it opened.
type SignInRecord struct {
	WorkspaceID  int64
	ID           string // 32 hex digits, random
	MemberID     int64
	IssuedAt     time.Time
	ExpiresAt    time.Time // the link's end
	UsedAt       time.Time // zero: not used yet
	SessionUntil time.Time // UsedAt + SessionTTL
	EndedAt      time.Time // signed out, or the member left
}

// SignIns is what signing in needs of a transaction (part of Tx).
type SignIns interface {
	// DashboardSecret returns the workspace's signing secret, storing
	// fresh as it first if it has none (concurrent callers all get the one
	// stored); ENOTFOUND for a workspace that does not exist.
	DashboardSecret(ctx context.Context, workspaceID int64, fresh []byte) ([]byte, error)
	// AddSignInLink records a new link, and deletes the member's links
	// that can no longer be used or stand for a live session at
	// l.IssuedAt, so the table holds only what may still be presented.
	AddSignInLink(ctx context.Context, l SignInRecord) error
	// UseSignInLink marks a link used at at and its session open until
	// until, if it is the member's, unused, not ended and unexpired at at,
	// in one statement; false when it is not (or no longer) usable.
	UseSignInLink(ctx context.Context, workspaceID int64, id string, memberID int64, at, until time.Time) (bool, error)
	// SignInLink reads a link; ENOTFOUND if there is none.
	SignInLink(ctx context.Context, workspaceID int64, id string) (*SignInRecord, error)
	// EndSignIns ends, at at, a member's session id, or all their links
	// and sessions when id is "".
	EndSignIns(ctx context.Context, workspaceID, memberID int64, id string, at time.Time) error
}

// newLinkHint says how to get a new link.
const newLinkHint = "Type /refer dashboard in Slack or Discord (or the console) for a new sign-in link."

var (
	errBadLink     = Errorf(EINVALID, "This sign-in link isn't valid.").WithHint(newLinkHint)
	errUsedLink    = Errorf(EINVALID, "This sign-in link was used already: each link works once.").WithHint(newLinkHint)
	errExpiredLink = Errorf(EINVALID, "This sign-in link has expired: links work for 15 minutes.").WithHint(newLinkHint)
	errNoSession   = Errorf(EINVALID, "You're not signed in to the dashboard, or your session ended.").WithHint(newLinkHint)
	errLeft        = Errorf(EFORBIDDEN, "You're no longer a member of this network, so the dashboard is closed to you.").
			WithHint("Ask an admin of your network if you think this is a mistake.")
)

// IssueSignInLink issues a one-time link that signs the caller in to the
// dashboard of their workspace, valid for SignInLinkTTL.
func (s *Service) IssueSignInLink(ctx context.Context, c Caller) (*SignInLink, error) {
	if c.Member.Status != MemberActive {
		return nil, errLeft
	}
	key, err := s.signingKey(ctx, c.Workspace.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	rec := SignInRecord{WorkspaceID: c.Workspace.ID, ID: randomID(), MemberID: c.Member.ID,
		IssuedAt: now, ExpiresAt: now.Add(SignInLinkTTL)}
	if err := s.tx(ctx, func(tx Tx) error { return tx.AddSignInLink(ctx, rec) }); err != nil {
		return nil, err
	}
	t := signedToken{kind: linkToken, workspaceID: rec.WorkspaceID, memberID: rec.MemberID, id: rec.ID, expires: rec.ExpiresAt.Unix()}
	return &SignInLink{Token: t.sign(key), Expires: rec.ExpiresAt}, nil
}

// RedeemSignInLink uses a sign-in link's token, once: it opens a session
// for SessionTTL. A forged, altered, used or expired token, or one of a
// member who has left since, opens nothing.
func (s *Service) RedeemSignInLink(ctx context.Context, token string) (*Session, error) {
	t, key, err := s.verify(ctx, linkToken, token)
	if errors.Is(err, errMalformed) {
		return nil, errBadLink
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if now.Unix() >= t.expires {
		return nil, errExpiredLink
	}
	until := now.Add(SessionTTL)
	return inTx(ctx, s, func(tx Tx) (*Session, error) {
		ok, err := tx.UseSignInLink(ctx, t.workspaceID, t.id, t.memberID, now, until)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, unusable(ctx, tx, t, now)
		}
		c, err := activeCaller(ctx, tx, t.workspaceID, t.memberID)
		if err != nil {
			return nil, err
		}
		return s.session(key, c, t.id, until), nil
	})
}

// unusable explains why a validly signed link could not be used.
func unusable(ctx context.Context, tx Tx, t signedToken, now time.Time) error {
	rec, err := tx.SignInLink(ctx, t.workspaceID, t.id)
	switch {
	case ErrorCode(err) == ENOTFOUND:
		return errBadLink // pruned, or never issued
	case err != nil:
		return err
	case !rec.UsedAt.IsZero():
		return errUsedLink
	case !rec.EndedAt.IsZero():
		return errBadLink
	case !now.Before(rec.ExpiresAt):
		return errExpiredLink
	}
	return errBadLink
}

// SessionOf returns the session a cookie stands for, with its member read
// afresh: a tampered, expired or ended session, or a member who was
// removed or left since, is refused.
func (s *Service) SessionOf(ctx context.Context, cookie string) (*Session, error) {
	t, key, err := s.verify(ctx, sessionToken, cookie)
	if errors.Is(err, errMalformed) {
		return nil, errNoSession
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if now.Unix() >= t.expires {
		return nil, errNoSession
	}
	return inTx(ctx, s, func(tx Tx) (*Session, error) {
		rec, err := tx.SignInLink(ctx, t.workspaceID, t.id)
		if ErrorCode(err) == ENOTFOUND {
			return nil, errNoSession
		}
		if err != nil {
			return nil, err
		}
		if rec.MemberID != t.memberID || rec.UsedAt.IsZero() {
			return nil, errNoSession
		}
		// The member first: one who left hears so, not "sign in again".
		c, err := activeCaller(ctx, tx, t.workspaceID, t.memberID)
		if err != nil {
			return nil, err
		}
		if !rec.EndedAt.IsZero() || !now.Before(rec.SessionUntil) {
			return nil, errNoSession
		}
		return s.session(key, c, t.id, rec.SessionUntil), nil
	})
}

// EndSession signs a session out: its cookie no longer works anywhere.
func (s *Service) EndSession(ctx context.Context, sess *Session) error {
	id, ok := sessionID(sess.Cookie)
	if !ok {
		return errNoSession
	}
	return s.tx(ctx, func(tx Tx) error {
		return tx.EndSignIns(ctx, sess.Caller.Workspace.ID, sess.Caller.Member.ID, id, s.now())
	})
}

// activeCaller reads the workspace and the member a link or session names,
// refusing a member who is no longer active.
func activeCaller(ctx context.Context, tx Tx, workspaceID, memberID int64) (Caller, error) {
	ws, err := tx.Workspace(ctx, workspaceID)
	if err != nil {
		return Caller{}, err
	}
	m, err := tx.Member(ctx, workspaceID, memberID)
	if err != nil {
		return Caller{}, err
	}
	if m.Status != MemberActive {
		return Caller{}, errLeft
	}
	return Caller{Workspace: *ws, Member: *m}, nil
}

// session builds the session of a used link: its cookie, signed until
// until, and its CSRF token.
func (s *Service) session(key []byte, c Caller, id string, until time.Time) *Session {
	t := signedToken{kind: sessionToken, workspaceID: c.Workspace.ID, memberID: c.Member.ID, id: id, expires: until.Unix()}
	return &Session{Caller: c, Cookie: t.sign(key), CSRF: csrfToken(key, c.Workspace.ID, id), Until: until}
}

// endSignIns ends every link and session of a member who leaves the
// network (removed by an admin, or erasing their data).
func (s *Service) endSignIns(ctx context.Context, tx Tx, workspaceID, memberID int64) error {
	return tx.EndSignIns(ctx, workspaceID, memberID, "", s.now())
}
