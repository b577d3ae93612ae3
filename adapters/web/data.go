package web

import (
	"context"
	"time"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// dashboardData is what the pages need from the bot: its read models, each
// already as the viewer may see it (the visibility rule and private
// amounts applied). *bot.Bot satisfies it; tests use a fake.
type dashboardData interface {
	Overview(ctx context.Context, c core.Caller, period string) (*core.Overview, error)
	MemberPage(ctx context.Context, c core.Caller, memberID int64, period string) (*core.MemberPage, error)
	Referrals(ctx context.Context, c core.Caller, q core.ReferralQuery) (*core.ReferralPage, error)
	StreamReferrals(ctx context.Context, c core.Caller, q core.ReferralQuery, sink core.ReferralSink) error
	Referral(ctx context.Context, c core.Caller, code core.Code) (*core.Detail, error)
	AdminPage(ctx context.Context, c core.Caller, period string) (*core.AdminPage, error)
	AdminFees(ctx context.Context, c core.Caller, period string) (*core.FeeBook, error)
	AdminFlags(ctx context.Context, c core.Caller, period string) (*core.FlagReport, error)
}

// The bot serves the read models.
var _ dashboardData = (*bot.Bot)(nil)

// location is the time zone a workspace's dates are shown in: its own,
// else the bot's default (REFERBOT_TZ), as chat shows them.
func (s *Server) location(ws core.Workspace) *time.Location {
	if ws.Settings.TimeZone != "" {
		if loc, err := time.LoadLocation(ws.Settings.TimeZone); err == nil {
			return loc
		}
	}
	if s.loc != nil {
		return s.loc
	}
	return time.UTC
}
