// Package bot is the platform-neutral chat bot: it turns `/refer` text and
// button clicks into core operations (through bot/grammar), renders results
// and outbox notices into a neutral Message model (text, fields, buttons
// carrying action ids, visibility) and declares the Messenger each adapter
// implements; bot/sender delivers the outbox through it, and
// bot/scheduler runs core's jobs on their cron schedules.
//
// bot imports core, bot/grammar and bot/scheduler (to check a cron spec)
// only. Adapters import bot.
package bot
