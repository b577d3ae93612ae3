package discord

import (
	"github.com/bwmarrin/discordgo"

	"github.com/referbot/referbot/core"
)

// Option constructors keep the command table below readable.
func str(name, desc string, required bool) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name, Description: desc, Required: required}
}

func long(name, desc string, required bool, max int) *discordgo.ApplicationCommandOption {
	o := str(name, desc, required)
	o.MaxLength = max
	return o
}

func user(name, desc string, required bool) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionUser, Name: name, Description: desc, Required: required}
}

func integer(name, desc string, required bool, min, max float64) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: name, Description: desc,
		Required: required, MinValue: &min, MaxValue: max}
}

func boolean(name, desc string) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionBoolean, Name: name, Description: desc}
}

func choice(name, desc string, required bool, values ...string) *discordgo.ApplicationCommandOption {
	o := str(name, desc, required)
	for _, v := range values {
		o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: v, Value: v})
	}
	return o
}

// code is a referral code with autocomplete from the caller's own.
func code() *discordgo.ApplicationCommandOption {
	o := str("code", "Referral code, e.g. R-1042", true)
	o.Autocomplete = true
	return o
}

func tags() *discordgo.ApplicationCommandOption {
	o := str("tags", "Tags, e.g. branding web-dev", false)
	o.Autocomplete = true
	return o
}

func sub(name, desc string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: name, Description: desc, Options: opts}
}

func group(name, desc string, subs ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: name, Description: desc, Options: subs}
}

// fee is a referral's own finder's fee terms.
func fee() *discordgo.ApplicationCommandOption {
	return str("fee", "Finder's fee: 10%, 300, EUR 300, reciprocal or none (default: the network's)", false)
}

func period() *discordgo.ApplicationCommandOption {
	return str("period", "this-month, last-quarter, 2026-Q3, 2026-01..2026-06 … (default: all time)", false)
}

func temperature() *discordgo.ApplicationCommandOption {
	return choice("temperature", "How ready the client is", false, string(core.Hot), string(core.Warm), string(core.Cold))
}

// AdminCommand is the admins' command: Discord lets a server decide who
// sees a top-level command (default_member_permissions), not a subcommand
// group, so the network's settings are a command of their own.
const AdminCommand = "refer-admin"

// Commands are the application commands registered at start: /refer, one
// subcommand (or group) per operation of the core, at most 25; and
// /refer-admin, the network's settings, shown by default only to members
// who may manage the server (a server can grant it to others in its
// Integrations settings; core still checks who is an admin).
func Commands() []*discordgo.ApplicationCommand {
	// Installed in a server and typed there only: a DM carries no guild,
	// so no network; a user install would have none either.
	contexts := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	installs := []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	manageServer := int64(discordgo.PermissionManageGuild)
	touchKinds := make([]string, len(core.TouchKinds))
	for i, k := range core.TouchKinds {
		touchKinds[i] = string(k)
	}
	return []*discordgo.ApplicationCommand{{
		Name:             "refer",
		Description:      "Referral exchange: refer clients, claim leads, track and thank",
		Contexts:         &contexts,
		IntegrationTypes: &installs,
		Options: []*discordgo.ApplicationCommandOption{
			sub("give", "Refer a client to a partner",
				user("partner", "Who should take the client on", true),
				long("client", "The client: a person or company", true, 200),
				long("need", "What the client needs", true, 1000),
				long("contact", "Client's email or phone (only with their consent)", false, 200),
				boolean("consent", "The client agreed to be introduced (needed to store the contact)"),
				str("value", "Estimated value, e.g. 5000, 5k or 1,200 EUR", false),
				tags(), temperature(), fee()),
			sub("lead", "Post an open lead for the network to claim",
				long("need", "What the client needs", true, 1000),
				long("client", "The client (optional)", false, 200),
				long("contact", "Client's contact, given only to who claims it (with consent)", false, 200),
				boolean("consent", "The client agreed to be introduced"),
				str("value", "Estimated value, e.g. 5000 or 5k", false),
				tags(), temperature(),
				integer("expires", "Days until it expires unclaimed", false, 1, 90), fee()),
			sub("new", "Open the referral form",
				user("partner", "Who should take the client on (leave empty for an open lead)", false),
				boolean("consent", "The client agreed to be introduced (to store a contact)"),
				temperature()),
			sub("claim", "Take an open lead", code()),
			sub("interested", "Raise your hand for a lead; the referrer picks", code()),
			sub("pick", "Give your lead to a member who raised a hand", code(), user("member", "Who gets it", true)),
			sub("accept", "Accept a referral made to you", code()),
			sub("decline", "Decline a referral; the referrer hears why", code(), long("reason", "Why", true, 500)),
			sub("status", "Move a referral forward", code(),
				choice("stage", "The new stage", true, string(core.StatusContacted), string(core.StatusMeeting), string(core.StatusProposal)),
				long("note", "A note for the referrer", false, 500)),
			sub("won", "Close a referral as won", code(), str("value", "Deal value, e.g. 12000 or 12k", true), long("note", "A note", false, 500)),
			sub("lost", "Close a referral as lost", code(), long("reason", "Why it didn't close", true, 500)),
			sub("thanks", "Thank the referrer publicly", code(), long("message", "Your thank-you", false, 500)),
			sub("feedback", "Record client satisfaction after close", code(),
				integer("score", "1 (unhappy) to 5 (delighted)", true, 1, 5), long("comment", "A comment", false, 500)),
			group("fix", "Fix a referral: undo your last change, correct a won value, send a returned one on",
				sub("undo", "Undo your last change on a referral (within the undo window)", code()),
				sub("correct", "Correct the value of a deal you won", code(),
					str("value", "The right value, e.g. 4800 or 4.8k", true), long("note", "Why, for the history", false, 500)),
				sub("reassign", "Send a declined or returned referral to another partner", code(), user("partner", "Who should take it on", true))),
			sub("coowner", "Add a co-owner who presents the client with you", code(),
				user("member", "Who presents with you (replaces any co-owner)", false), boolean("remove", "Take the co-owner off instead")),
			sub("show", "A referral and its timeline", code()),
			sub("list", "Your referrals", choice("which", "Which ones", false, "mine", "given", "received", "open", "all")),
			group("profile", "Profiles, mentoring buddies, touchpoints and your reminders",
				sub("show", "Show your profile or a member's", user("member", "Whose (default: yours)", false)),
				sub("set", "Change a field of your profile",
					choice("field", "Which field", true, core.ProfileFields...),
					long("value", "The new value (empty or - clears it)", false, 1000)),
				sub("buddy", "Give a newcomer a mentoring buddy", user("newcomer", "The new member", true), user("mentor", "Their buddy", true)),
				sub("reminders", "Your reminders and touchpoint cadence",
					choice("mode", "Turn reminders on or off, or use the network's cadence", false, "on", "off", "default"),
					integer("days", "Your own touchpoint cadence in days", false, 7, 365)),
				sub("touch", "Log a touchpoint with a partner", user("partner", "With whom", true),
					choice("kind", "What you did", true, touchKinds...), long("note", "A note", false, 500))),
			sub("who", "Partners who fit a need", long("need", "What the client needs", true, 500), tags()),
			sub("stats", "Referral figures", user("member", "Whose (default: yours)", false),
				boolean("network", "The whole network's"), period()),
			sub("leaderboard", "Top givers, most improved and newcomers' first wins", period()),
			sub("dashboard", "A one-time sign-in link to the web dashboard, just for you", period()),
			group("fees", "Finder's fees: confirm won values, mark fees paid, list them",
				sub("list", "Fees you owe and are owed (admins: everyone's)",
					choice("which", "Which ones (default: all)", false, "owed", "paid", "awaiting", "disputed", "all"), period()),
				sub("confirm", "Confirm the value of a deal your referral won", code()),
				sub("dispute", "Say a won value is wrong; the receiver and admins hear why", code(),
					long("reason", "What is wrong with it", true, 500)),
				sub("paid", "You paid the finder's fee you owe", code()),
				sub("received", "The finder's fee owed to you reached you", code())),
			group("data", "Your data: export or erase it",
				sub("export", "Your data, as a file"),
				sub("forget", "Erase your personal data", boolean("confirm", "Yes, erase it (can't be undone)"))),
			sub("help", "How to use referbot", str("topic", "A command, e.g. lead", false)),
		},
	}, {
		Name:                     AdminCommand,
		Description:              "Network settings and undelivered messages (admins)",
		Contexts:                 &contexts,
		IntegrationTypes:         &installs,
		DefaultMemberPermissions: &manageServer,
		Options: []*discordgo.ApplicationCommandOption{
			sub("config", "Show or change a setting",
				choice("setting", "Which setting", false, core.ConfigKeys...), long("value", "The new value", false, 200),
				user("member", "For admin / remove: the member", false)),
			sub("undelivered", "Messages that could not be delivered", boolean("retry", "Send them again")),
			sub("flags", "Abuse flags: rings, repeated clients, the daily cap, no conversions",
				str("period", "last-quarter, 2026-Q3, 30d ... (default: the last 90 days)", false),
				str("dismiss", "A flag's ID to dismiss, e.g. F-1a2b3c", false),
				long("reason", "Why you dismiss it", false, 500)),
		},
	}}
}
