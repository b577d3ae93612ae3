// Package bot is the platform-neutral chat bot: it turns `/refer` text and
// button clicks into core operations (through bot/grammar), renders results
// and outbox notices into a neutral Message model (text, fields, buttons
// carrying action ids, visibility), and delivers the outbox through the
// Messenger each adapter implements.
//
// bot imports core (and its own sub-packages) only. Adapters import bot.
package bot
