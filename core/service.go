package core

import (
	"context"
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

func (s *Service) tx(ctx context.Context, fn func(Tx) error) error {
	return s.store.InTx(ctx, fn)
}
