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
// Where each part lives:
//
//   - parse.go: Parse, the table that sends each subcommand to its parser,
//     the parser's shared steps (fail, member, help) and the answer to an
//     unknown first word.
//   - refer.go: the referral sub-grammar, `/refer @partner <client> —
//     <need>` and `lead [<client> —] <need>`: the client part before the
//     dash (name, contact, consent, ~estimate) and the refusal of contact
//     details in the need.
//   - options.go: what follows the dash, the need and its options (#tags,
//     ~value, hot|warm|cold, expires Nd, fee ...), and the words those are
//     made of.
//   - fees.go: confirm, dispute, fee, fees and leaderboard, their command
//     types, and the `fee 10%|300|EUR 300|reciprocal|none` option.
//   - pipeline.go: the commands on one referral, which start with its code
//     (claim, interested, accept, show, pick, reassign, decline, status,
//     won, lost, thanks, feedback) and list.
//   - corrections.go: the commands that fix a referral after the fact
//     (undo, correct) and share it (coowner), with their types.
//   - profile.go: `profile`, and the value of each field of `profile set`.
//   - people.go: who, touch, buddy, stats and reminders.
//   - config.go: the settings of `config`, and the other admin commands
//     (undelivered, export, forget).
//   - typed.go: for commands not typed as one line (a button's path read
//     back by bot's router, Discord's typed options): Check, what such a
//     command still lacks, and ParseArgs, the free text of a subcommand.
//   - dashboard.go: `dashboard [period]`, a sign-in link to the web
//     dashboard, and its command type.
//   - commands.go: the Command types Parse returns.
//   - usage.go: the table of subcommands (names, aliases, usage lines,
//     examples), Usage and the "Type: ..." hints errors carry.
//   - lex.go: input hygiene and tokens (clean, tokenize, splitDash).
//   - markup.go: mentions and Slack's markup (parseMention, plain).
//   - contact.go: contact details (e-mail, link, phone, [brackets], consent).
//   - money.go: amounts as people type them, around core.ParseMoney.
//   - suggest.go: "did you mean" (edit distance) and lists in prose.
//
// The examples in example_test.go run with the tests and show Parse's
// commands and errors for the common cases.
//
// grammar imports core only (and the standard library).
package grammar
