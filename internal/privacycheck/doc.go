// Package privacycheck holds the property test of the one visibility rule
// (core/visibility.go): it drives every /refer command and every button
// through the real bot over a real database, as every role, renders every
// reply, DM and channel post on all three platforms (console text, Slack
// Block Kit, Discord embeds), reads every dashboard read model as each
// of them (dashboard_test.go) and checks that no client name, contact, note
// or reason reaches anyone who is not a party or an admin of its referral,
// that no private amount (an estimate, a won value, the fee on it) reaches
// anyone but its parties unless inside a total of three or more deals, and
// that removed or forgotten members are sent nothing more.
//
// It has no code of its own: only its tests, which may import bot, core,
// core/postgres, the adapters' renderers and internal/pgtest. Nothing
// imports it.
//
// `make test` runs a fixed scenario and a short seeded random walk;
// `make fuzz` a longer one (REFERBOT_PRIVACY_STEPS, REFERBOT_PRIVACY_SEEDS,
// REFERBOT_PRIVACY_SEED).
package privacycheck
