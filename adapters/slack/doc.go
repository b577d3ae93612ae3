// Package slack is referbot's Slack adapter: the /refer slash command,
// Block Kit buttons and modals, the App Home tab and DMs, over HTTP
// (verified with the signing secret) or Socket Mode, and delivery of the
// outbox through the Web API.
//
// It translates Slack payloads into bot requests and bot messages into
// Block Kit. It may import bot, bot/grammar, core (types and the service
// the bot exposes) and github.com/slack-go/slack — never cmd or another
// adapter.
package slack
