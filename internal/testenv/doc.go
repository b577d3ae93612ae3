// Package testenv is the one test harness: a fresh migrated database
// (cloned from a template by internal/pgtest), a core.Service over
// core/postgres with a settable clock, the bot, the outbox sender run
// until idle, fake Slack and Discord Web APIs that record every call,
// signed requests for both platforms, golden replies and the small
// assertions (Must, WantCode, Count) that every package's tests used to
// write again.
//
// It is imported by tests only. It may import bot, bot/sender, core,
// core/postgres, internal/* and migrations, and never an adapter: the
// adapters' own tests import it.
package testenv
