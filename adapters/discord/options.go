package discord

import (
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/core"
)

// args are a subcommand's options by name, with the users they mention.
type args struct {
	opts     map[string]*discordgo.ApplicationCommandInteractionDataOption
	resolved *discordgo.ApplicationCommandInteractionDataResolved
}

// subcommand finds the subcommand (and group) typed: its path, such as
// "give" or "profile set", and its options.
func subcommand(data discordgo.ApplicationCommandInteractionData) (string, args) {
	a := args{opts: map[string]*discordgo.ApplicationCommandInteractionDataOption{}, resolved: data.Resolved}
	path := []string{}
	opts := data.Options
	for len(opts) == 1 && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand ||
		opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
		path = append(path, opts[0].Name)
		opts = opts[0].Options
	}
	for _, o := range opts {
		a.opts[o.Name] = o
	}
	return strings.Join(path, " "), a
}

func (a args) str(name string) string {
	if o, ok := a.opts[name]; ok {
		if s, ok := o.Value.(string); ok {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

func (a args) integer(name string) int {
	if o, ok := a.opts[name]; ok {
		if f, ok := o.Value.(float64); ok {
			return int(f)
		}
	}
	return 0
}

func (a args) boolean(name string) bool {
	if o, ok := a.opts[name]; ok {
		b, _ := o.Value.(bool)
		return b
	}
	return false
}

// member reads a user option with the display name Discord resolved.
func (a args) member(name string) *core.MemberRef {
	id := a.str(name)
	if id == "" {
		return nil
	}
	ref := &core.MemberRef{UserID: id}
	if a.resolved != nil {
		if m, ok := a.resolved.Members[id]; ok && m != nil && m.Nick != "" {
			ref.Name = m.Nick
		} else if u, ok := a.resolved.Users[id]; ok && u != nil {
			ref.Name = userName(u)
		}
	}
	return ref
}

// userName is how Discord shows a user: global display name, else username.
func userName(u *discordgo.User) string {
	if u.GlobalName != "" {
		return u.GlobalName
	}
	return u.Username
}

func (a args) code() (core.Code, error) {
	c, err := core.ParseCode(a.str("code"))
	if err != nil {
		return 0, core.Errorf(core.EINVALID, "%q is not a referral code.", a.str("code")).
			WithHint("Codes look like R-1042; start typing and pick one from the list.")
	}
	return c, nil
}

// money reads an amount option.
func (a args) money(name string, required bool) (core.Money, error) {
	return amount(a.str(name), required)
}

// amount reads an amount as typed in an option or a form: required ones
// must be given, and all must be more than zero.
func amount(s string, required bool) (core.Money, error) {
	if s == "" {
		if required {
			return core.Money{}, core.Errorf(core.EINVALID, "Give the value.").WithHint("E.g. 12000, 12k or 4,500 EUR.")
		}
		return core.Money{}, nil
	}
	m, err := core.ParseMoney(s)
	if err != nil {
		return core.Money{}, err
	}
	if m.Cents <= 0 {
		return core.Money{}, core.Errorf(core.EINVALID, "The value must be more than zero, not %q.", s).
			WithHint("Type an amount such as 5000, 5k or 1,200 EUR.")
	}
	return m, nil
}

func (a args) tags() []string {
	return core.NormalizeTags(strings.FieldsFunc(a.str("tags"), func(r rune) bool { return r == ',' || r == ' ' || r == '#' }))
}

// mention writes a member as the grammar reads a mention.
func mention(m *core.MemberRef) string {
	if m == nil {
		return ""
	}
	return fmt.Sprintf("<@%s|%s>", m.UserID, strings.NewReplacer("|", " ", ">", " ").Replace(m.Name))
}

// command turns a subcommand and its options into the bot's command.
func command(path string, a args) (grammar.Command, error) {
	needCode := func(build func(c core.Code) grammar.Command) (grammar.Command, error) {
		c, err := a.code()
		if err != nil {
			return nil, err
		}
		return build(c), nil
	}
	for _, name := range []string{"partner", "member", "newcomer", "mentor"} {
		if id := a.str(name); id != "" && a.resolved != nil {
			if u, ok := a.resolved.Users[id]; ok && u != nil && u.Bot {
				return nil, core.Errorf(core.EINVALID, "%s is a bot, not a member of the network.", userName(u)).
					WithHint("Choose a person for %s:.", name)
			}
		}
	}
	switch path {
	case "give":
		to := a.member("partner")
		if to == nil {
			return nil, core.Errorf(core.EINVALID, "Choose the partner.").WithHint("/refer give partner:@name client:… need:…")
		}
		est, err := a.money("value", false)
		if err != nil {
			return nil, err
		}
		return grammar.Refer{To: *to, ClientName: a.str("client"), Contact: a.str("contact"), Consent: a.boolean("consent"),
			Need: a.str("need"), Tags: a.tags(), Estimate: est, Temperature: core.Temperature(a.str("temperature"))}, nil
	case "lead":
		est, err := a.money("value", false)
		if err != nil {
			return nil, err
		}
		return grammar.Lead{ClientName: a.str("client"), Contact: a.str("contact"), Consent: a.boolean("consent"),
			Need: a.str("need"), Tags: a.tags(), Estimate: est, Temperature: core.Temperature(a.str("temperature")),
			ExpiryDays: a.integer("expires")}, nil
	case "claim":
		return needCode(func(c core.Code) grammar.Command { return grammar.Claim{Code: c} })
	case "interested":
		return needCode(func(c core.Code) grammar.Command { return grammar.Interested{Code: c} })
	case "accept":
		return needCode(func(c core.Code) grammar.Command { return grammar.Accept{Code: c} })
	case "show":
		return needCode(func(c core.Code) grammar.Command { return grammar.Show{Code: c} })
	case "pick":
		m := a.member("member")
		if m == nil {
			return nil, core.Errorf(core.EINVALID, "Choose the member.").WithHint("/refer pick code:R-1042 member:@name")
		}
		return needCode(func(c core.Code) grammar.Command { return grammar.Pick{Code: c, Member: *m} })
	case "reassign":
		m := a.member("partner")
		if m == nil {
			return nil, core.Errorf(core.EINVALID, "Choose the partner.").WithHint("/refer reassign code:R-1042 partner:@name")
		}
		return needCode(func(c core.Code) grammar.Command { return grammar.Reassign{Code: c, Member: *m} })
	case "decline":
		return needCode(func(c core.Code) grammar.Command { return grammar.Decline{Code: c, Reason: a.str("reason")} })
	case "status":
		return needCode(func(c core.Code) grammar.Command {
			return grammar.Status{Code: c, Stage: core.Status(a.str("stage")), Note: a.str("note")}
		})
	case "won":
		v, err := a.money("value", true)
		if err != nil {
			return nil, err
		}
		return needCode(func(c core.Code) grammar.Command { return grammar.Won{Code: c, Value: v, Note: a.str("note")} })
	case "lost":
		return needCode(func(c core.Code) grammar.Command { return grammar.Lost{Code: c, Reason: a.str("reason")} })
	case "thanks":
		return needCode(func(c core.Code) grammar.Command { return grammar.Thanks{Code: c, Message: a.str("message")} })
	case "feedback":
		return needCode(func(c core.Code) grammar.Command {
			return grammar.Feedback{Code: c, Score: a.integer("score"), Comment: a.str("comment")}
		})
	case "list":
		kind := core.ListKind(a.str("which")) // a choice; core refuses any other
		if kind == "" {
			kind = core.ListMine
		}
		return grammar.List{Kind: kind}, nil
	case "profile show":
		return grammar.Profile{Who: a.member("member")}, nil
	case "profile set":
		v := a.str("value")
		if v == "" {
			v = "-"
		}
		// The field is a choice; the value is free text the grammar reads.
		return grammar.ParseArgs("profile", a.str("field")+" "+v)
	case "who":
		return grammar.Who{Need: a.str("need"), Tags: a.tags()}, nil
	case "touch":
		p := a.member("partner")
		if p == nil {
			return nil, core.Errorf(core.EINVALID, "Choose the partner.").WithHint("/refer touch partner:@name kind:coffee")
		}
		return grammar.Touch{Partner: *p, Kind: core.TouchKind(a.str("kind")), Note: a.str("note")}, nil
	case "buddy":
		n, m := a.member("newcomer"), a.member("mentor")
		if n == nil || m == nil {
			return nil, core.Errorf(core.EINVALID, "Choose both members.").WithHint("/refer buddy newcomer:@new mentor:@experienced")
		}
		return grammar.Buddy{Newcomer: *n, Mentor: *m}, nil
	case "stats":
		return grammar.Stats{Who: a.member("member"), Network: a.boolean("network"), Period: a.str("period")}, nil
	case "reminders":
		switch mode, days := a.str("mode"), a.integer("days"); {
		case mode == "on" || mode == "off":
			mute := mode == "off"
			return grammar.Reminders{Mute: &mute}, nil
		case mode == "default":
			return grammar.Reminders{Cadence: -1}, nil
		case days > 0:
			return grammar.Reminders{Cadence: days}, nil
		}
		return nil, core.Errorf(core.EINVALID, "Say what to change.").
			WithHint("/refer reminders mode:off (or on, default), or /refer reminders days:30 for your own cadence")
	case "data export":
		return grammar.Export{}, nil
	case "data forget":
		return grammar.Forget{Confirm: a.boolean("confirm")}, nil
	case "admin config":
		// The value is free text; core takes the member as a mention.
		return grammar.ParseArgs("config", a.str("setting")+" "+a.str("value")+" "+mention(a.member("member")))
	case "admin undelivered":
		return grammar.Undelivered{Retry: a.boolean("retry")}, nil
	case "help":
		return grammar.ParseArgs("help", a.str("topic"))
	}
	return nil, core.Errorf(core.EINVALID, "I don't know /refer %s.", path).WithHint("Type /refer help to see every command.")
}
