package core

import (
	"context"
	"errors"
	"time"
)

// Service runs the exchange's operations. Each public method is one
// transaction: it checks the rules, writes the change and its event, and
// queues the notices it causes, or changes nothing and returns an *Error.
type Service struct {
	store     Store
	now       func() time.Time
	location  *time.Location
	retention Retention
	secret    []byte // signs dashboard links and sessions (signin_token.go)
	keys      *keys  // shared by copies of the Service
	batch     *referBatcher
}

// Options configure a Service.
type Options struct {
	Now      func() time.Time // defaults to time.Now
	Location *time.Location   // default time zone for workspaces that set none
	// Retention is how long old records are kept; zero durations take
	// DefaultRetention's.
	Retention Retention
	// Secret is REFERBOT_SECRET: the dashboard's signing keys derive from
	// it. Empty: each workspace's is generated and kept in the database.
	Secret []byte
}

// NewService returns a Service over store.
func NewService(store Store, opts Options) *Service {
	s := &Service{store: store, now: opts.Now, location: opts.Location, retention: opts.Retention.withDefaults(),
		secret: opts.Secret, keys: &keys{m: map[int64][]byte{}}}
	s.batch = newReferBatcher(s)
	if s.now == nil {
		s.now = time.Now
	}
	if s.location == nil {
		s.location = time.UTC
	}
	return s
}

// FirstDelivery reports whether a platform request (keyed by its trigger,
// event or interaction id) to a team (Slack team, Discord guild) is seen
// for the first time; adapters skip retries and replays, so nothing is
// applied twice. The key is the team's workspace's, as every row is. A
// request that names no team is new every time: it can change nothing,
// as no workspace or member can be found for it.
func (s *Service) FirstDelivery(ctx context.Context, p Platform, team, key string) (bool, error) {
	if team == "" || key == "" {
		return true, nil
	}
	return s.store.FirstDelivery(ctx, p, team, key, s.now())
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

// txKey carries, in a command's context, the transaction Command opened.
type txKey struct{}

// tx runs fn in one transaction of the store: the command's, when ctx
// carries one (see Command), else a transaction of its own.
func (s *Service) tx(ctx context.Context, fn func(Tx) error) error {
	if t, ok := ctx.Value(txKey{}).(Tx); ok {
		return fn(t)
	}
	return s.store.InTx(ctx, fn)
}

// ErrSeen is what Command returns for a platform request it already
// handled (a retry, or a replay inside the signature's window).
var ErrSeen = errors.New("core: this request was handled already")

// inTx runs fn in one transaction and returns what it returns; on an
// error, the zero T.
func inTx[T any](ctx context.Context, s *Service, fn func(Tx) (T, error)) (T, error) {
	var out T
	err := s.tx(ctx, func(tx Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}

// referralTx runs fn in one transaction and returns the referral it acted
// on as the caller may see it (see VisibleTo).
func (s *Service) referralTx(ctx context.Context, c Caller, fn func(Tx) (*Referral, error)) (*Referral, error) {
	r, err := inTx(ctx, s, fn)
	if err != nil {
		return nil, err
	}
	return visibleTo(c, r), nil
}
