package discord_test

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	discordadapter "github.com/referbot/referbot/adapters/discord"
)

// Both commands are for servers only (installed in a guild, typed in a
// guild), and the network's settings are their own command, shown by
// default to members who may manage the server: Discord keeps a subcommand
// group visible to everyone who sees its command.
func TestCommands_GuildOnlyWithTheSettingsForServerManagers(t *testing.T) {
	t.Parallel()
	byName := map[string]*discordgo.ApplicationCommand{}
	for _, c := range discordadapter.Commands() {
		byName[c.Name] = c
		must(t, c.IntegrationTypes != nil && len(*c.IntegrationTypes) == 1 &&
			(*c.IntegrationTypes)[0] == discordgo.ApplicationIntegrationGuildInstall, "%s: integration_types %v", c.Name, c.IntegrationTypes)
		must(t, c.Contexts != nil && len(*c.Contexts) == 1 && (*c.Contexts)[0] == discordgo.InteractionContextGuild,
			"%s: contexts %v", c.Name, c.Contexts)
	}
	refer, admin := byName["refer"], byName[discordadapter.AdminCommand]
	must(t, refer != nil && admin != nil && len(byName) == 2, "commands: %v", byName)
	must(t, refer.DefaultMemberPermissions == nil, "/refer is for every member")
	for _, o := range refer.Options {
		must(t, o.Name != "admin", "/refer still has the admin group")
	}
	must(t, admin.DefaultMemberPermissions != nil && *admin.DefaultMemberPermissions == discordgo.PermissionManageGuild,
		"/%s default_member_permissions: %v", admin.Name, admin.DefaultMemberPermissions)
	var subs []string
	for _, o := range admin.Options {
		subs = append(subs, o.Name)
	}
	must(t, strings.Join(subs, " ") == "config undelivered flags", "/%s subcommands: %v", admin.Name, subs)
}

// /refer-admin config runs the same command /refer admin config did.
func TestAdminCommand_ConfigShowsAndChangesSettings(t *testing.T) {
	t.Parallel()
	e := setup(t)
	admin := func(sub string, opts ...map[string]any) map[string]any {
		i := slash("U1", []string{sub}, opts...)
		data := i["data"].(map[string]any)
		data["name"] = discordadapter.AdminCommand
		i["member"] = member("U1", discordgo.PermissionManageGuild)
		return e.interaction(i)
	}
	resp := admin("config")
	must(t, strings.Contains(js(resp), "Network settings"), "config: %s", js(resp))
	resp = admin("config", opt("setting", 3, "cadence"), opt("value", 3, "14"))
	must(t, strings.Contains(js(resp), "Setting saved: cadence") && strings.Contains(js(resp), "every 14 days"), "cadence: %s", js(resp))
	resp = admin("undelivered")
	must(t, strings.Contains(js(resp), "Everything was delivered"), "undelivered: %s", js(resp))
}

// The invite link in the README asks for what the bot needs in a channel
// and its threads.
func TestREADME_InviteAsksForThePermissionsTheBotNeeds(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`discord\.com/oauth2/authorize\?[^\s)]*permissions=(\d+)`).FindStringSubmatch(string(b))
	must(t, m != nil, "no invite link with permissions in the README")
	perms, _ := strconv.ParseInt(m[1], 10, 64)
	for name, p := range map[string]int64{
		"View Channels": discordgo.PermissionViewChannel, "Send Messages": discordgo.PermissionSendMessages,
		"Send Messages in Threads": discordgo.PermissionSendMessagesInThreads, "Embed Links": discordgo.PermissionEmbedLinks,
		"Read Message History": discordgo.PermissionReadMessageHistory, "Use Application Commands": discordgo.PermissionUseSlashCommands,
	} {
		must(t, perms&p != 0, "the invite's permissions %d lack %s", perms, name)
	}
	must(t, perms&(discordgo.PermissionAdministrator|discordgo.PermissionManageGuild|discordgo.PermissionMentionEveryone) == 0,
		"the invite asks for more than the bot needs: %d", perms)
}
