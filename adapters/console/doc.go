// Package console is the terminal chat: the adapter that lets anyone try
// referbot with no Slack or Discord credentials. Type `/as NAME` to become
// a member, `/refer ...` to run a command, and a button's number to click
// it; messages the bot sends (DMs, channel posts) are printed as they would
// appear. It reads a script from a pipe as well as from a person, which is
// also how tests drive the real bot end to end.
//
// console imports bot and core only.
package console
