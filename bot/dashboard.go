package bot

import (
	"context"

	"github.com/referbot/referbot/core"
)

// The dashboard's read models, for the web adapter: each takes the
// signed-in member as the caller and returns what they may see (core
// applies the visibility rule and private amounts); errors are core's
// *Error, whose message and hint a page can show as they are.

// Overview is the network's overview page for a period.
func (b *Bot) Overview(ctx context.Context, c core.Caller, period string) (*core.Overview, error) {
	return b.svc.Overview(ctx, c, period)
}

// MemberPage is a member's page for a period.
func (b *Bot) MemberPage(ctx context.Context, c core.Caller, memberID int64, period string) (*core.MemberPage, error) {
	return b.svc.MemberPage(ctx, c, memberID, period)
}

// Referrals is a page of the referrals q selects; PageSize -1 lists every
// match (the CSV).
func (b *Bot) Referrals(ctx context.Context, c core.Caller, q core.ReferralQuery) (*core.ReferralPage, error) {
	return b.svc.Referrals(ctx, c, q)
}

// StreamReferrals hands sink every referral q selects, a page at a time,
// each as the caller may see it (the CSV): see core.StreamReferrals.
func (b *Bot) StreamReferrals(ctx context.Context, c core.Caller, q core.ReferralQuery, sink core.ReferralSink) error {
	return b.svc.StreamReferrals(ctx, c, q, sink)
}

// Referral is one referral and its timeline, as /refer show gives them.
func (b *Bot) Referral(ctx context.Context, c core.Caller, code core.Code) (*core.Detail, error) {
	return b.svc.Show(ctx, c, code)
}

// AdminPage is the admins' page for a period; EFORBIDDEN for anyone else.
func (b *Bot) AdminPage(ctx context.Context, c core.Caller, period string) (*core.AdminPage, error) {
	return b.svc.AdminPage(ctx, c, period)
}

// AdminFees is every fee of the admin page's period, which the page lists
// the newest of (fees.csv); EFORBIDDEN for anyone but an admin.
func (b *Bot) AdminFees(ctx context.Context, c core.Caller, period string) (*core.FeeBook, error) {
	return b.svc.AdminFees(ctx, c, period)
}

// AdminFlags is the admin page's abuse flags, each naming every code of
// its evidence (flags.csv); EFORBIDDEN for anyone but an admin.
func (b *Bot) AdminFlags(ctx context.Context, c core.Caller, period string) (*core.FlagReport, error) {
	return b.svc.AdminFlags(ctx, c, period)
}
