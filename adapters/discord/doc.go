// Package discord is referbot's Discord adapter: the /refer application
// command with subcommands, options and autocomplete, buttons and modals,
// embeds; interactions over the HTTP endpoint (verified with Ed25519) or
// the Gateway, and delivery of the outbox through the REST API.
//
// It translates Discord interactions into bot requests and bot messages
// into embeds and components. It may import bot, bot/grammar, core (types
// and the service the bot exposes) and github.com/bwmarrin/discordgo —
// never cmd or another adapter.
package discord
