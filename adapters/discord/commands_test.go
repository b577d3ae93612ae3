package discord_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"regexp"
	"testing"

	"github.com/bwmarrin/discordgo"

	discordadapter "github.com/referbot/referbot/adapters/discord"
)

var update = flag.Bool("update", false, "rewrite testdata/commands.golden.json from Commands()")

const golden = "testdata/commands.golden.json"

// The definitions registered with Discord are checked against a golden
// file, so a change to them is deliberate: go test -run Golden -update.
func TestCommands_MatchTheGoldenFile(t *testing.T) {
	got, err := json.MarshalIndent(discordadapter.Commands(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	must(t, string(got) == string(want), "Commands() differs from %s; if deliberate, run go test ./adapters/discord -run Golden -update", golden)
}

// Discord refuses the whole registration if one limit is broken.
func TestCommands_RespectDiscordsLimits(t *testing.T) {
	t.Parallel()
	name := regexp.MustCompile(`^[-_\p{Ll}\p{N}]{1,32}$`)
	var check func(path string, opts []*discordgo.ApplicationCommandOption)
	check = func(path string, opts []*discordgo.ApplicationCommandOption) {
		must(t, len(opts) <= 25, "%s has %d options", path, len(opts))
		required := true
		for _, o := range opts {
			must(t, name.MatchString(o.Name), "%s %q: bad name", path, o.Name)
			must(t, len(o.Description) >= 1 && len([]rune(o.Description)) <= 100, "%s %s: description of %d", path, o.Name, len(o.Description))
			must(t, len(o.Choices) <= 25, "%s %s: %d choices", path, o.Name, len(o.Choices))
			if o.Type != discordgo.ApplicationCommandOptionSubCommand && o.Type != discordgo.ApplicationCommandOptionSubCommandGroup {
				must(t, !o.Required || required, "%s %s: a required option after an optional one", path, o.Name)
				required = required && o.Required
			}
			check(path+" "+o.Name, o.Options)
		}
	}
	for _, c := range discordadapter.Commands() {
		must(t, name.MatchString(c.Name) && len(c.Description) <= 100, "command %q", c.Name)
		check(c.Name, c.Options)
	}
}

func TestRegister_BulkOverwritesTheGuildsCommands(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if err := e.adapter.Register(context.Background()); err != nil {
		t.Fatal(err)
	}
	puts := e.discord.Calls("PUT", "/applications/APP/guilds/G1/commands")
	must(t, len(puts) == 1, "bulk overwrite calls: %d", len(puts))
	var sent, want any
	json.Unmarshal([]byte(puts[0].Body), &sent)
	b, _ := os.ReadFile(golden)
	json.Unmarshal(b, &want)
	must(t, js(sent) == js(want), "registered commands differ from the golden file")
}
