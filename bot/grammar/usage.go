package grammar

import (
	"slices"
	"strings"

	"github.com/referbot/referbot/core"
)

// form is one way to type a subcommand, with an example.
type form struct {
	line    string // after "/refer "
	example string // after "/refer "
}

// spec describes a subcommand for parsing (names, aliases) and for help.
type spec struct {
	name    string
	aliases []string
	group   string
	brief   string
	forms   []form
	detail  string
}

// Help groups, in the order the overall help lists them.
const (
	groupRefer    = "Refer & leads"
	groupPipeline = "Pipeline"
	groupFees     = "Fees"
	groupPeople   = "People"
	groupNumbers  = "Numbers"
	groupAdmin    = "Admin"
)

var groups = []string{groupRefer, groupPipeline, groupFees, groupPeople, groupNumbers, groupAdmin}

// exampleCode is the code usage lines show; hints put the member's own
// code in its place once they typed one.
const exampleCode = "R-1042"

var specs = []spec{
	{
		name: "refer", aliases: []string{"to"}, group: groupRefer,
		brief: "introduce a client to a partner",
		forms: []form{{
			"@partner <client name> [contact consent] — <need> [#tags] [~value] [hot|warm|cold] [fee 10%|300|reciprocal|none]",
			"@alice Acme Bakery jane@acmebakery.com consent — new logo and menu #branding ~3k hot",
		}},
		detail: "Introduce a client directly to a partner; they are asked privately to accept or decline.\n" +
			"• Put a dash between the client and the need: —, –, -- or a spaced - all work.\n" +
			"• Contact details (an e-mail, a phone number, a link, or anything in [brackets] or (parentheses)) are kept only when you add the word `consent` after them, meaning the client agreed to be introduced. Only you, the partner and admins ever see them.\n" +
			"• `#tags` help matching; `~value` is your estimate (~5000, ~5k, ~$12,500, ~900EUR); hot, warm or cold says how ready the client is (warm if left out).\n" +
			"• `fee 10%`, `fee 300`, `fee EUR 300`, `fee reciprocal` or `fee none` sets the finder's fee for this referral (the network's policy if left out). A fee is owed once the deal is won and you confirm its value.\n" +
			"• Without a contact: `/refer @alice Acme Bakery — new logo and menu`",
	},
	{
		name: "lead", group: groupRefer,
		brief: "post an open lead anyone can claim",
		forms: []form{{
			"lead [<client> [contact consent] —] <need> [#tags] [~value] [hot|warm|cold] [expires 7d] [fee 10%|300|reciprocal|none]",
			"lead bookkeeping for a 3-person bakery #tax ~2k warm expires 5d",
		}},
		detail: "Post a lead to the network channel with a Claim button: the first member to claim it gets it, or members raise a hand and you pick.\n" +
			"• The client part before the dash is optional and is only shown, privately, to whoever takes the lead; the need is public.\n" +
			"• Unclaimed leads expire after the network's default; `expires 10d` sets 1 to 365 days for this one.\n" +
			"• `fee 10%`, `fee 300`, `fee EUR 300`, `fee reciprocal` or `fee none` sets the finder's fee (the network's policy if left out).\n" +
			"• With a client: `/refer lead Acme Bakery jane@acmebakery.com consent — bookkeeping #tax`",
	},
	{
		name: "claim", group: groupRefer,
		brief:  "take an open lead",
		forms:  []form{{"claim R-1042", "claim R-1042"}},
		detail: "Claim an open lead. The first claim wins and the client's details come to you privately. Codes can be written R-1042, r1042, #R-1042 or 1042.",
	},
	{
		name: "interested", aliases: []string{"hand", "raise", "raise-hand"}, group: groupRefer,
		brief:  "raise a hand for a lead",
		forms:  []form{{"interested R-1042", "interested R-1042"}},
		detail: "Say you'd like an open lead and let its referrer pick among the members who raised a hand. `/refer hand R-1042` works too.",
	},
	{
		name: "pick", group: groupRefer,
		brief:  "give your lead to someone who raised a hand",
		forms:  []form{{"pick R-1042 @member", "pick R-1042 @bob"}},
		detail: "Give your open lead to one of the members who raised a hand; they receive the client's details privately.",
	},
	{
		name: "reassign", group: groupRefer,
		brief:  "send a declined or returned referral to someone else",
		forms:  []form{{"reassign R-1042 @member", "reassign R-1042 @carol"}},
		detail: "When a partner declines your referral, or leaves the network before finishing it, send it to another partner: they are asked to accept or decline, and the history keeps every step.",
	},
	{
		name: "accept", group: groupPipeline,
		brief:  "take on a referral sent to you",
		forms:  []form{{"accept R-1042", "accept R-1042"}},
		detail: "Accept a referral sent to you: you own the client relationship from now on and the referrer is told.",
	},
	{
		name: "decline", group: groupPipeline,
		brief:  "turn down a referral, with a reason",
		forms:  []form{{"decline R-1042 <reason>", "decline R-1042 fully booked until March"}},
		detail: "Decline a referral sent to you. The reason goes to the referrer so they can pass the client on.",
	},
	{
		name: "status", aliases: []string{"stage", "update"}, group: groupPipeline,
		brief:  "move a referral along",
		forms:  []form{{"status R-1042 contacted|meeting|proposal [note]", "status R-1042 meeting intro call booked for Thursday"}},
		detail: "Move a referral you own forward: contacted → meeting → proposal, then `won` or `lost`. The referrer hears of every step. `/refer status R-1042 won 4800` and `/refer status R-1042 lost <reason>` work as well.",
	},
	{
		name: "won", aliases: []string{"win"}, group: groupPipeline,
		brief:  "close as won, with the deal value",
		forms:  []form{{"won R-1042 <value> [note]", "won R-1042 4800 logo and website, signed today"}},
		detail: "Close a referral you own as won. The value is the deal's worth: 4800, 4,800, 5 000, 4.8k, $12,500 or 900 EUR (a dot marks decimals: 1,000.50). A value far above the network's usual deals asks you to confirm it: add the word confirm at the end. The referrer is told and you'll be reminded to say thanks.",
	},
	{
		name: "lost", group: groupPipeline,
		brief:  "close as lost, with a reason",
		forms:  []form{{"lost R-1042 <reason>", "lost R-1042 went with a cheaper quote"}},
		detail: "Close a referral you own as lost. The reason goes to the referrer, so nobody is left wondering.",
	},
	{
		name: "thanks", aliases: []string{"thank", "thx", "ty"}, group: groupPipeline,
		brief:  "thank the referrer in the channel",
		forms:  []form{{"thanks R-1042 [message]", "thanks R-1042 Acme signed for a full rebrand — thank you!"}},
		detail: "Thank whoever referred the client, publicly in the channel; it counts as a touchpoint and credits them.",
	},
	{
		name: "feedback", group: groupPipeline,
		brief:  "rate how it went (1–5)",
		forms:  []form{{"feedback R-1042 <1-5> [comment]", "feedback R-1042 5 client delighted, smooth handoff"}},
		detail: "After a referral is won or lost, record the client's satisfaction from 1 (unhappy) to 5 (delighted) and a comment on the partnership.",
	},
	{
		name: "undo", aliases: []string{"revert"}, group: groupPipeline,
		brief:  "undo your last change on a referral",
		forms:  []form{{"undo R-1042", "undo R-1042"}},
		detail: "Revert your own last change on a referral — a stage move, won or lost (it reopens at the stage before), a thank-you (it is withdrawn) or a rating (the one before comes back) — within the network's undo window (24 hours unless an admin changed it; `/refer config` shows it). The history keeps the change and its undo, the figures follow, and the other side is told. Past the window, an admin can still undo it.",
	},
	{
		name: "correct", group: groupPipeline,
		brief:  "correct a won value",
		forms:  []form{{"correct R-1042 <value> [note]", "correct R-1042 4800 typed an extra zero"}},
		detail: "Correct the value of a deal you won, within the network's undo window after you marked it won (admins: any time). A value without a currency is in the deal's. Fees, stats and reports use the new value; the history keeps both, and the referrer is told.",
	},
	{
		name: "coowner", aliases: []string{"co-owner", "copresent"}, group: groupPipeline,
		brief:  "add a co-owner who presents with you",
		forms:  []form{{"coowner R-1042 @member|none", "coowner R-1042 @carol"}},
		detail: "As the receiver of a referral you're working, add a partner who presents to the client with you: they see the client's details and can move the stage. One co-owner at a time — naming another replaces them; `none` takes them off. The referrer and the co-owner are told.",
	},
	{
		name: "show", aliases: []string{"view", "info"}, group: groupPipeline,
		brief:  "one referral and its history",
		forms:  []form{{"show R-1042", "show R-1042"}},
		detail: "Show a referral with its timeline. Client contact details appear only for its parties and admins.",
	},
	{
		name: "list", aliases: []string{"ls"}, group: groupPipeline,
		brief:  "your referrals",
		forms:  []form{{"list [given|received|open|mine|all] [status]", "list received accepted"}},
		detail: "List referrals, newest first: `mine` (given or received, the default), `given`, `received`, `open` (leads waiting for a claim) or `all` (admins). Add a stage to filter: offered, open, accepted, declined, expired, contacted, meeting, proposal, won, lost.",
	},
	{
		name: "confirm", group: groupFees,
		brief:  "confirm the value of a deal your referral won",
		forms:  []form{{"confirm R-1042", "confirm R-1042"}},
		detail: "When a referral you gave is won, you're asked to confirm the value its receiver recorded. Only a confirmed value counts on the leaderboards, and a finder's fee on it is owed from then on. If the value is wrong, `/refer dispute` it instead.",
	},
	{
		name: "dispute", group: groupFees,
		brief:  "say a won value is wrong, and why",
		forms:  []form{{"dispute R-1042 <reason>", "dispute R-1042 the deal was 4,000, not 40,000"}},
		detail: "Dispute the value recorded for a deal your referral won. It stays unconfirmed — no fee is owed and it doesn't count on the leaderboards — and the receiver and the admins hear why. Once it is put right, `/refer confirm` it.",
	},
	{
		name: "fee", group: groupFees,
		brief:  "mark a finder's fee paid, or received",
		forms:  []form{{"fee R-1042 paid|received", "fee R-1042 paid"}},
		detail: "The receiver says `paid` once they paid the finder's fee they owe; the referrer says `received` once it reached them. Both go in the referral's history, and the other side is told.",
	},
	{
		name: "fees", group: groupFees,
		brief:  "fees you owe and are owed",
		forms:  []form{{"fees [owed|paid|awaiting|disputed] [period]", "fees owed last-quarter"}},
		detail: "Lists finder's fees — yours, or everyone's for admins — with what they come to per member and per currency: `owed` (confirmed, unpaid), `paid` (paid in the period), `awaiting` (the referrer hasn't confirmed the won value yet), `disputed`, or all of them. The period is of the deals won (for `paid`, of the payments): this-month, last-quarter, 2026-Q3, 2026-01..2026-06 …",
	},
	{
		name: "profile", aliases: []string{"me"}, group: groupPeople,
		brief: "show or edit what you do",
		forms: []form{
			{"profile", "profile"},
			{"profile @member", "profile @alice"},
			{"profile set <field> <value>", "profile set tags branding packaging web-design"},
		},
		detail: "Show your profile, someone else's, or change one field of yours (`set` is optional: `/refer profile niche independent food brands`). Fields:\n" +
			"• `services` what you offer, in your words\n" +
			"• `tags` branding web-dev tax …\n" +
			"• `niche`, `industry`, `size`, `budget` your ideal client\n" +
			"• `triggers` what a client says when they need you, separated by ; or | or in quotes: `\"our logo looks dated\" \"we need a website\"`\n" +
			"• `billing` hourly, fixed or retainer, with an optional minimum: `fixed min 2k`\n" +
			"• `min-budget` 2k · `outcomes` results you deliver · `links` portfolio and testimonials\n" +
			"• `contact` how to reach you · `timezone` Europe/Berlin · `availability` open, busy or paused\n" +
			"• `amounts` private or public: private shows the estimates and won values of your deals only to the other party (not even to admins), and inside network totals of 3 or more deals\n" +
			"Write `none` to clear a field.",
	},
	{
		name: "who", aliases: []string{"find", "match"}, group: groupPeople,
		brief:  "who fits a client's need",
		forms:  []form{{"who <need> [#tags]", "who bookkeeping for a small bakery #tax"}},
		detail: "Suggest the partners who fit a need best, by tags, trigger phrases and availability, rotating fairly so introductions don't all go to the same person.",
	},
	{
		name: "touch", aliases: []string{"log"}, group: groupPeople,
		brief:  "log a coffee, call or intro with a partner",
		forms:  []form{{"touch @partner coffee|call|shared-content|intro|meeting [note]", "touch @alice coffee swapped notes on Q3 clients"}},
		detail: "Log a touchpoint with a partner; it resets your reminder cadence for the two of you. Kinds: coffee, call, shared-content (or content), intro, meeting.",
	},
	{
		name: "reminders", aliases: []string{"mute", "unmute", "cadence"}, group: groupPeople,
		brief:  "mute or unmute reminders, or set your own touchpoint cadence",
		forms:  []form{{"reminders off|on|<days>|default", "reminders 14"}},
		detail: "`/refer reminders off` stops every reminder and nudge to you (`on` starts them again); a number of days sets how often you want to be reminded to touch base with each partner; `default` goes back to the network's cadence. Aliases: `/refer mute`, `/refer unmute`, `/refer cadence 14`.",
	},
	{
		name: "buddy", aliases: []string{"mentor"}, group: groupPeople,
		brief:  "pair a newcomer with a mentor",
		forms:  []form{{"buddy @newcomer @mentor", "buddy @dana @alice"}},
		detail: "Make a member the mentoring buddy of a newcomer; the mentor is reminded to welcome them. Admins pair anyone; anyone may volunteer themselves as mentor.",
	},
	{
		name: "stats", aliases: []string{"stat", "numbers"}, group: groupNumbers,
		brief:  "referrals, conversion and revenue",
		forms:  []form{{"stats [me|@member|network] [period]", "stats network last-quarter"}},
		detail: "Figures for you (the default), a member or the whole network: referrals given and received, conversion rate, revenue, deal size, time to close, reciprocity, thank-yous. Periods: all (the default), this-month, last-month, quarter, last-quarter, 2026-Q3, 2026-03, a range like 2026-01..2026-06, year, 2025, 30d, 12m.",
	},
	{
		name: "leaderboard", aliases: []string{"top", "leaders", "board", "lb"}, group: groupNumbers,
		brief:  "top givers, most improved and first wins",
		forms:  []form{{"leaderboard [period]", "leaderboard last-quarter"}},
		detail: "The network's top givers by the value of the deals their referrals won — only values the referrer confirmed, and repeat referrals of the same client to the same partner count once — then the most improved against the period before, and newcomers' first wins. Periods as for stats: this-month, last-quarter, 2026-Q3, 2026-01..2026-06 … (all time by default).",
	},
	{
		name: "dashboard", aliases: []string{"web", "charts"}, group: groupNumbers,
		brief:  "the network's figures in your browser",
		forms:  []form{{"dashboard [period]", "dashboard last-quarter"}},
		detail: "Sends you, privately, a sign-in link to the web dashboard: the network's overview and charts, your page, the referrals you may see with their timelines, and CSV files (admins also see the network's health, flags and fees). The link works once, within 15 minutes, and keeps that browser signed in for 12 hours: don't share it. With a period (last-quarter, 2026-Q3, 2026-01..2026-06 …) the dashboard opens on it.",
	},
	{
		name: "undelivered", aliases: []string{"failures", "outbox"}, group: groupAdmin,
		brief:  "messages that could not be delivered (admins)",
		forms:  []form{{"undelivered [retry]", "undelivered retry"}},
		detail: "Lists the DMs and posts that failed for good — a channel that no longer exists, a member who left the workspace — with the reason. Fix the cause (e.g. `/refer config channel #new-channel`), then `/refer undelivered retry` sends them again.",
	},
	{
		name: "flags", aliases: []string{"flag", "abuse"}, group: groupAdmin,
		brief: "abuse flags: rings, repeated clients, the daily cap, no conversions (admins)",
		forms: []form{
			{"flags [period]", "flags last-quarter"},
			{"flags dismiss <flag-id> <reason>", "flags dismiss F-1a2b3c they run a joint practice; the fees are agreed"},
		},
		detail: "Signs that the exchange is being gamed, each with its evidence (referral codes), for the last 90 days or any period:\n" +
			"• circular rings: members referring to each other in a circle (A→B→A…) with finder's fees, within 90 days\n" +
			"• the same client (by name or contact) referred 3 times or more\n" +
			"• a member who reached the daily cap (`/refer config daily-cap 10`)\n" +
			"• a referrer with 10 or more referrals received by partners and none won\n" +
			"`/refer flags dismiss F-1a2b3c <reason>` sets one aside; it comes back only with new evidence. The weekly health DM lists them too.",
	},
	{
		name: "export", group: groupAdmin,
		brief:  "your own data, to keep or move",
		forms:  []form{{"export [csv]", "export csv"}},
		detail: "Shows everything referbot stores about you — profile, referrals you gave or received, partnerships, thank-yous — as JSON; with csv, your referrals as a spreadsheet.",
	},
	{
		name: "forget", group: groupAdmin,
		brief:  "erase your personal data",
		forms:  []form{{"forget [confirm]", "forget confirm"}},
		detail: "Erases your name, profile and the notes you wrote; referrals stay as anonymous counts so the network's figures still add up. `/refer forget` explains and asks; `/refer forget confirm` does it.",
	},
	{
		name: "config", aliases: []string{"settings", "configure"}, group: groupAdmin,
		brief: "network settings (admins change them)",
		forms: []form{
			{"config", "config"},
			{"config <key> <value>", "config lead-expiry 10"},
		},
		detail: "Show the network's settings; admins change one at a time:\n" +
			"• `channel #referrals` where leads, thank-yous and digests go (pick the channel as you type #, so it becomes a link)\n" +
			"• `timezone Europe/Berlin` · `quiet 20-8` (or `off`) hours with no reminders\n" +
			"• `cadence 30` default days between touchpoints (or weekly, monthly, quarterly)\n" +
			"• `lead-expiry 7` days a lead stays open · `stale-days 10` before a quiet referral is nudged\n" +
			"• `currency EUR` (an ISO 4217 code) · `fee none`, `reciprocal`, `10%` or a fixed `250` (in the network's currency) or `EUR 250`\n" +
			"• `admin @member` make someone an admin\n" +
			"• `remove @member` remove a member (their history stays)\n" +
			"• `schedule weekly-digest \"0 9 * * MON\"` change when a job runs\n" +
			"• `undo-window 24h` how long members may undo or correct their own changes (or `off`: admins only)\n" +
			"• `release-after 21d` when a claimed or accepted referral with no update goes back to the channel or its referrer (longer than stale-days; `off` never)\n" +
			"• `daily-cap 10` referrals a member may give per day (or `off`); the next one is refused",
	},
	{
		name: "help", aliases: []string{"?", "h", "-h", "--help", "commands", "usage"}, group: "",
		brief:  "this help",
		forms:  []form{{"help [subcommand]", "help won"}},
		detail: "Show every command, or the details of one.",
	},
}

var byName = func() map[string]*spec {
	m := map[string]*spec{}
	for i := range specs {
		s := &specs[i]
		m[s.name] = s
		for _, a := range s.aliases {
			m[a] = s
		}
	}
	return m
}()

// lookup finds a subcommand by name or alias, case-insensitively.
func lookup(name string) *spec {
	return byName[strings.ToLower(name)]
}

// Subcommands returns the canonical subcommand names, in help order.
// "refer" stands for the direct form `/refer @partner ...`.
func Subcommands() []string {
	out := make([]string, len(specs))
	for i, s := range specs {
		out[i] = s.name
	}
	return out
}

// allNames are the names and aliases suggestions are drawn from.
var allNames = func() []string {
	var out []string
	for _, s := range specs {
		out = append(out, s.name)
		out = append(out, s.aliases...)
	}
	return out
}()

// suggestCommand returns the canonical subcommands nearest to word.
func suggestCommand(word string) []string {
	var out []string
	for _, n := range suggest(word, allNames) {
		if c := lookup(n).name; !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// Usage returns the usage text of a subcommand (by name or alias, case
// insensitive), or the overall help when name is "". It returns "" for a
// name it doesn't know.
func Usage(name string) string {
	name = strings.TrimSpace(name)
	if rest, ok := cutWordFold(name, "/refer"); ok {
		name = strings.TrimSpace(rest)
	}
	if name == "" {
		return overview()
	}
	if strings.HasPrefix(name, "@") || strings.HasPrefix(name, "<@") {
		name = "refer"
	}
	s := lookup(name)
	if s == nil {
		return ""
	}
	var b strings.Builder
	for _, f := range s.forms {
		b.WriteString("*/refer " + f.line + "*\n")
	}
	b.WriteString(s.detail)
	b.WriteString("\ne.g. ")
	for i, f := range s.forms {
		if i > 0 {
			b.WriteString(" · ")
		}
		b.WriteString("`/refer " + f.example + "`")
	}
	if len(s.aliases) > 0 && s.name != "help" {
		b.WriteString("\nAlso: ")
		for i, a := range s.aliases {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("`" + a + "`")
		}
	}
	return b.String()
}

func overview() string {
	var b strings.Builder
	b.WriteString("*referbot* passes clients between partners, follows every referral to the end and says thank you.\n")
	for _, g := range groups {
		b.WriteString("\n*" + g + "*\n")
		for _, s := range specs {
			if s.group != g {
				continue
			}
			for i, f := range s.forms {
				if i > 0 {
					b.WriteString(" · ")
				}
				b.WriteString("`/refer " + f.line + "`")
			}
			b.WriteString(" " + s.brief + "\n")
		}
	}
	b.WriteString("\nExamples:\n")
	for _, ex := range []string{
		specs[0].forms[0].example,
		"lead logo refresh for a dental practice #branding ~2k",
		"won R-1042 4800",
		"touch @alice coffee",
	} {
		b.WriteString("`/refer " + ex + "`\n")
	}
	b.WriteString("\nCodes like R-1042 can also be written 1042. `/refer help <subcommand>` explains one, e.g. `/refer help lead`.")
	return b.String()
}

// hint is the "Type: ..." line for a subcommand's error, with the member's
// own referral code in place of the example code when they gave one.
func hint(name string, code core.Code) string {
	s := lookup(name)
	if s == nil {
		return "Type `/refer help` to see every command."
	}
	var b strings.Builder
	for i, f := range s.forms {
		if len(s.forms) > 1 && i == 0 && !strings.Contains(f.line, " ") {
			continue // the bare form ("profile", "config") needs no hint
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(typeLine(f.line, f.example))
	}
	out := b.String()
	if code > 0 {
		out = strings.ReplaceAll(out, exampleCode, code.String())
	}
	return out
}

// formHint is the "Type: ..." line of one form of a subcommand.
func formHint(name string, i int) string {
	f := lookup(name).forms[i]
	return typeLine(f.line, f.example)
}

func typeLine(line, example string) string {
	if line == example {
		return "Type: `/refer " + line + "`"
	}
	return "Type: `/refer " + line + "` — e.g. `/refer " + example + "`"
}

// valueHint is the "Type: ..." line of a command that takes a value:
// cmd is e.g. "config lead-expiry" or "profile set niche".
func valueHint(cmd, example string) string {
	return typeLine(cmd+" <value>", cmd+" "+example)
}
