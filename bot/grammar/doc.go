// Package grammar is the text grammar of the `/refer` command: it turns the
// text a member types after `/refer` (a Slack slash command's text, a line
// typed in the console, a Discord free-text option) into one typed Command
// per subcommand, and holds the usage text of every subcommand.
//
// Bad input never reaches core half-read: Parse returns a *core.Error with
// code core.EINVALID whose Message says what is wrong and whose Hint shows
// the exact line to type instead. Rules that need the database (does this
// member exist, may they do this, is the time zone real) stay in core; the
// grammar only checks what the text itself can tell.
//
// Platform escapes are understood here so every adapter can pass text
// through untouched: Slack's <@U123|name>, <mailto:...|...>, <https://...|...>
// and &amp;/&lt;/&gt; entities, Discord's <@123> and <@!123>, and plain
// @name for the console. Adapters should hand Parse the raw text and not
// unescape it first.
//
// grammar imports core only (and the standard library).
package grammar
