// Package sender delivers the outbox: it claims due notices from
// PostgreSQL (through core.Outbox), renders each with bot.RenderNotice and
// hands it to a platform's bot.Messenger, then records the outcome —
// delivered, failed for good (PermanentError), retried after a backoff, or
// waited out for a rate limit (RetryAfterError). Adapters return those two
// error types from their Messenger so the sender knows which is which.
//
// sender imports bot and core only. Adapters import it for its error
// types; cmd runs a Sender per configured platform.
package sender
