package discord

import (
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/core"
)

// args are a subcommand's options by name, with the users they mention.
type args struct {
	opts     map[string]*discordgo.ApplicationCommandInteractionDataOption
	resolved *discordgo.ApplicationCommandInteractionDataResolved
}

// subcommand finds the subcommand (and group) typed: its path, such as
// "give" or "profile set", and its options. /refer-admin's subcommands
// read as "admin config" and "admin undelivered".
func subcommand(data discordgo.ApplicationCommandInteractionData) (string, args) {
	a := args{opts: map[string]*discordgo.ApplicationCommandInteractionDataOption{}, resolved: data.Resolved}
	path := []string{}
	if data.Name == AdminCommand {
		path = append(path, "admin")
	}
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
	return bot.Tags(a.str("tags"))
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
	for _, name := range []string{"partner", "member", "newcomer", "mentor"} {
		if id := a.str(name); id != "" && a.resolved != nil {
			if u, ok := a.resolved.Users[id]; ok && u != nil && u.Bot {
				return nil, core.Errorf(core.EINVALID, "%s is a bot, not a member of the network.", userName(u)).
					WithHint("Choose a person for %s:.", name)
			}
		}
	}
	if read, ok := subcommands[path]; ok {
		return read(a)
	}
	return nil, core.Errorf(core.EINVALID, "I don't know /refer %s.", path).WithHint("Type /refer help to see every command.")
}

// withCode reads a subcommand whose command needs the referral's code.
func withCode[C grammar.Command](build func(c core.Code, a args) C) func(a args) (grammar.Command, error) {
	return func(a args) (grammar.Command, error) {
		c, err := a.code()
		if err != nil {
			return nil, err
		}
		return build(c, a), nil
	}
}

// chosen reads a required user option, or says to choose it.
func (a args) chosen(name, hint string) (core.MemberRef, error) {
	m := a.member(name)
	if m == nil {
		return core.MemberRef{}, core.Errorf(core.EINVALID, "Choose the %s.", name).WithHint("%s", hint)
	}
	return *m, nil
}

// subcommands read each subcommand's typed options into its command.
var subcommands = map[string]func(a args) (grammar.Command, error){
	"give": func(a args) (grammar.Command, error) {
		to, err := a.chosen("partner", "/refer give partner:@name client:… need:…")
		if err != nil {
			return nil, err
		}
		est, err := a.money("value", false)
		if err != nil {
			return nil, err
		}
		fee, err := a.fee()
		if err != nil {
			return nil, err
		}
		return grammar.Refer{To: to, ClientName: a.str("client"), Contact: a.str("contact"), Consent: a.boolean("consent"),
			Need: a.str("need"), Tags: a.tags(), Estimate: est, Temperature: core.Temperature(a.str("temperature")), Fee: fee}, nil
	},
	"lead": func(a args) (grammar.Command, error) {
		est, err := a.money("value", false)
		if err != nil {
			return nil, err
		}
		fee, err := a.fee()
		if err != nil {
			return nil, err
		}
		return grammar.Lead{ClientName: a.str("client"), Contact: a.str("contact"), Consent: a.boolean("consent"),
			Need: a.str("need"), Tags: a.tags(), Estimate: est, Temperature: core.Temperature(a.str("temperature")),
			ExpiryDays: a.integer("expires"), Fee: fee}, nil
	},
	"claim":      withCode(func(c core.Code, _ args) grammar.Claim { return grammar.Claim{Code: c} }),
	"interested": withCode(func(c core.Code, _ args) grammar.Interested { return grammar.Interested{Code: c} }),
	"accept":     withCode(func(c core.Code, _ args) grammar.Accept { return grammar.Accept{Code: c} }),
	"show":       withCode(func(c core.Code, _ args) grammar.Show { return grammar.Show{Code: c} }),
	"pick": func(a args) (grammar.Command, error) {
		m, err := a.chosen("member", "/refer pick code:R-1042 member:@name")
		if err != nil {
			return nil, err
		}
		return withCode(func(c core.Code, _ args) grammar.Pick { return grammar.Pick{Code: c, Member: m} })(a)
	},
	"fix reassign": func(a args) (grammar.Command, error) {
		m, err := a.chosen("partner", "/refer fix reassign code:R-1042 partner:@name")
		if err != nil {
			return nil, err
		}
		return withCode(func(c core.Code, _ args) grammar.Reassign { return grammar.Reassign{Code: c, Member: m} })(a)
	},
	"decline": withCode(func(c core.Code, a args) grammar.Decline { return grammar.Decline{Code: c, Reason: a.str("reason")} }),
	"status": withCode(func(c core.Code, a args) grammar.Status {
		return grammar.Status{Code: c, Stage: core.Status(a.str("stage")), Note: a.str("note")}
	}),
	"won": func(a args) (grammar.Command, error) {
		v, err := a.money("value", true)
		if err != nil {
			return nil, err
		}
		return withCode(func(c core.Code, a args) grammar.Won { return grammar.Won{Code: c, Value: v, Note: a.str("note")} })(a)
	},
	"lost":   withCode(func(c core.Code, a args) grammar.Lost { return grammar.Lost{Code: c, Reason: a.str("reason")} }),
	"thanks": withCode(func(c core.Code, a args) grammar.Thanks { return grammar.Thanks{Code: c, Message: a.str("message")} }),
	"feedback": withCode(func(c core.Code, a args) grammar.Feedback {
		return grammar.Feedback{Code: c, Score: a.integer("score"), Comment: a.str("comment")}
	}),
	"list": func(a args) (grammar.Command, error) {
		kind := core.ListKind(a.str("which")) // a choice; core refuses any other
		if kind == "" {
			kind = core.ListMine
		}
		return grammar.List{Kind: kind}, nil
	},
	"profile show": func(a args) (grammar.Command, error) { return grammar.Profile{Who: a.member("member")}, nil },
	"profile set": func(a args) (grammar.Command, error) {
		v := a.str("value")
		if v == "" {
			v = "-"
		}
		// The field is a choice; the value is free text the grammar reads.
		return grammar.ParseArgs("profile", a.str("field")+" "+v)
	},
	"who": func(a args) (grammar.Command, error) { return grammar.Who{Need: a.str("need"), Tags: a.tags()}, nil },
	"profile touch": func(a args) (grammar.Command, error) {
		p, err := a.chosen("partner", "/refer touch partner:@name kind:coffee")
		if err != nil {
			return nil, err
		}
		return grammar.Touch{Partner: p, Kind: core.TouchKind(a.str("kind")), Note: a.str("note")}, nil
	},
	"profile buddy": func(a args) (grammar.Command, error) {
		n, m := a.member("newcomer"), a.member("mentor")
		if n == nil || m == nil {
			return nil, core.Errorf(core.EINVALID, "Choose both members.").WithHint("/refer profile buddy newcomer:@new mentor:@experienced")
		}
		return grammar.Buddy{Newcomer: *n, Mentor: *m}, nil
	},
	"stats": func(a args) (grammar.Command, error) {
		return grammar.Stats{Who: a.member("member"), Network: a.boolean("network"), Period: a.str("period")}, nil
	},
	"profile reminders": func(a args) (grammar.Command, error) {
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
			WithHint("/refer profile reminders mode:off (or on, default), or /refer profile reminders days:30 for your own cadence")
	},
	"data export": func(a args) (grammar.Command, error) { return grammar.Export{}, nil },
	"data forget": func(a args) (grammar.Command, error) { return grammar.Forget{Confirm: a.boolean("confirm")}, nil },
	"admin config": func(a args) (grammar.Command, error) {
		// The value is free text; core takes the member as a mention.
		return grammar.ParseArgs("config", a.str("setting")+" "+a.str("value")+" "+mention(a.member("member")))
	},
	"admin undelivered": func(a args) (grammar.Command, error) { return grammar.Undelivered{Retry: a.boolean("retry")}, nil },
	"admin flags": func(a args) (grammar.Command, error) {
		if id := a.str("dismiss"); id != "" {
			return grammar.ParseArgs("flags", "dismiss "+id+" "+a.str("reason"))
		}
		return grammar.ParseArgs("flags", a.str("period"))
	},
	"help":        func(a args) (grammar.Command, error) { return grammar.ParseArgs("help", a.str("topic")) },
	"leaderboard": func(a args) (grammar.Command, error) { return grammar.Leaderboard{Period: a.str("period")}, nil },
	"dashboard":   func(a args) (grammar.Command, error) { return grammar.Dashboard{Period: a.str("period")}, nil },
	"fees list": func(a args) (grammar.Command, error) {
		return grammar.Fees{Filter: a.str("which"), Period: a.str("period")}, nil // a choice; core refuses any other
	},
	"fees confirm": withCode(func(c core.Code, _ args) grammar.Confirm { return grammar.Confirm{Code: c} }),
	"fees dispute": withCode(func(c core.Code, a args) grammar.Dispute { return grammar.Dispute{Code: c, Reason: a.str("reason")} }),
	"fees paid":    withCode(func(c core.Code, _ args) grammar.Fee { return grammar.Fee{Code: c, Step: core.FeePaid} }),
	"fees received": withCode(func(c core.Code, _ args) grammar.Fee {
		return grammar.Fee{Code: c, Step: core.FeeReceived}
	}),
	"fix undo": withCode(func(c core.Code, _ args) grammar.Undo { return grammar.Undo{Code: c} }),
	"fix correct": func(a args) (grammar.Command, error) {
		v, err := a.money("value", true)
		if err != nil {
			return nil, err
		}
		return withCode(func(c core.Code, a args) grammar.Correct {
			return grammar.Correct{Code: c, Value: v, Note: a.str("note")}
		})(a)
	},
	"coowner": func(a args) (grammar.Command, error) {
		m, remove := a.member("member"), a.boolean("remove")
		if m == nil && !remove || m != nil && remove {
			return nil, core.Errorf(core.EINVALID, "Choose the member who presents with you, or remove:True to take the co-owner off.").
				WithHint("/refer coowner code:R-1042 member:@name")
		}
		return withCode(func(c core.Code, _ args) grammar.CoOwner { return grammar.CoOwner{Code: c, Member: m} })(a)
	},
}

// fee reads a referral's own fee terms, if given.
func (a args) fee() (*core.FeeTerms, error) {
	s := a.str("fee")
	if s == "" {
		return nil, nil
	}
	f, err := core.ParseFee(s)
	if err != nil {
		return nil, err
	}
	return &f, nil
}
