package bot

import "github.com/referbot/referbot/core"

// Welcome is what a new member, or a server or workspace that just added
// the bot, reads first: the three commands to start with, as typed on the
// platform p, and where everything else is.
func Welcome(p core.Platform) Message {
	profile, refer, lead, config := "/refer profile set services <what you do>", "/refer @partner <client> — <need>",
		"/refer lead <need>", "/refer config"
	if p == core.Discord {
		profile, refer, lead, config = "/refer profile set field:services value:<what you do>",
			"/refer give partner:@partner client:<client> need:<need>", "/refer lead need:<need>", "/refer-admin config"
	}
	return Message{Kind: "welcome", Title: "Welcome to referbot, the network's referral exchange",
		Text: "Three commands to start:\n" +
			"1. `" + profile + "` — so partners know when to send clients your way.\n" +
			"2. `" + refer + "` — refer a client to a partner, who accepts or declines.\n" +
			"3. `" + lead + "` — post a lead anyone in the network can claim.\n" +
			"`/refer help` lists every command. Admins: choose the channel leads and thank-yous go to with `" + config + "`."}
}
