package core

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ConfigKeys are the settings `/refer config` changes.
var ConfigKeys = []string{"channel", "timezone", "quiet", "cadence", "lead-expiry", "stale-days",
	"currency", "fee", "admin", "remove", "schedule", "undo-window", "release-after", "daily-cap"}

// Configuration is the network's settings as `/refer config` shows them,
// with its admins, and the member a change named (made admin or removed).
type Configuration struct {
	Settings
	Admins []Member // active admins, by name
	Member *Member  // for "admin" and "remove": who it was
}

// Configure changes one workspace setting; admins only. An empty key just
// returns the settings, which everyone may read. A bad value changes
// nothing.
func (s *Service) Configure(ctx context.Context, c Caller, key string, args []string) (*Configuration, error) {
	key = strings.ToLower(strings.TrimSpace(key))
	if key == "tz" {
		key = "timezone"
	}
	cfg, err := inTx(ctx, s, func(tx Tx) (*Configuration, error) {
		ws, err := tx.Workspace(ctx, c.Workspace.ID)
		if err != nil {
			return nil, err
		}
		cfg := &Configuration{Settings: ws.Settings}
		switch {
		case key == "":
			return cfg, nil
		case !c.Member.IsAdmin():
			return nil, Errorf(EFORBIDDEN, "Only admins can change the network's settings.").
				WithHint("/refer config shows them.")
		case key == "admin" || key == "remove":
			cfg.Member, err = s.setRole(ctx, tx, c, key, args)
			return cfg, err
		}
		if err := applySetting(&cfg.Settings, c.Workspace.Platform, key, args); err != nil {
			return nil, err
		}
		return cfg, tx.SaveSettings(ctx, ws.ID, cfg.Settings)
	})
	if err != nil {
		return nil, err
	}
	if cfg.Admins, err = s.admins(ctx, c); err != nil {
		return nil, err
	}
	return cfg, nil
}

// setRole makes the member named in args an admin (key "admin") or
// removes them from the network (key "remove"), and returns them.
func (s *Service) setRole(ctx context.Context, tx Tx, c Caller, key string, args []string) (*Member, error) {
	if len(args) != 1 {
		return nil, Errorf(EINVALID, "Name one member.").WithHint("Type /refer config %s @member", key)
	}
	m, err := s.resolve(ctx, tx, c, parseRef(args[0]))
	if err != nil {
		return nil, err
	}
	if key == "admin" {
		m.Role = RoleAdmin
		return m, tx.SaveMember(ctx, m)
	}
	if m.ID == c.Member.ID {
		return nil, Errorf(EINVALID, "You can't remove yourself.").
			WithHint("To leave and erase your data, type /refer forget")
	}
	// A removed member keeps their history but can no longer act,
	// be referred to, or be mentioned.
	m.Status, m.Role = MemberRemoved, RoleMember
	if err := tx.SaveMember(ctx, m); err != nil {
		return nil, err
	}
	return m, s.depart(ctx, tx, c, m, m.Mention()+" is no longer in the network")
}

// admins lists the workspace's active admins, as saved.
func (s *Service) admins(ctx context.Context, c Caller) ([]Member, error) {
	return inTx(ctx, s, func(tx Tx) ([]Member, error) {
		return tx.Admins(ctx, c.Workspace.ID)
	})
}

// parseRef reads a mention passed as a raw config argument.
func parseRef(s string) MemberRef {
	s = strings.TrimPrefix(strings.TrimSpace(s), "@")
	if strings.HasPrefix(s, "<@") && strings.HasSuffix(s, ">") {
		id, name, _ := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(s, "<@"), "!"), ">"), "|")
		return MemberRef{UserID: id, Name: name}
	}
	return MemberRef{Name: s}
}

// applySetting changes one setting in st, or returns why not; p is the
// workspace's platform, which decides how a channel is written.
func applySetting(st *Settings, p Platform, key string, args []string) error {
	val := strings.TrimSpace(strings.Join(args, " "))
	days := func(what string, min, max int) (int, error) { return settingDays(key, val, what, min, max) }
	var err error
	switch key {
	case "channel":
		ch, err := channelSetting(p, val)
		if err != nil {
			return err
		}
		st.Channel = ch
	case "timezone":
		if _, err := time.LoadLocation(val); err != nil || val == "" {
			return Errorf(EINVALID, "%q is not a time zone I know.", val).
				WithHint("Use a name like Europe/Berlin: /refer config timezone Europe/Berlin")
		}
		st.TimeZone = val
	case "quiet":
		start, end, err := quietHours(val)
		if err != nil {
			return err
		}
		st.QuietStart, st.QuietEnd = start, end
	case "cadence":
		st.CadenceDays, err = days("The touchpoint cadence", 1, 365)
	case "lead-expiry":
		st.LeadExpiryDays, err = days("Lead expiry", 1, 365)
	case "stale-days":
		if st.StaleDays, err = days("The stale-referral threshold", 1, 365); err == nil {
			err = staleBeforeRelease(*st)
		}
	case "undo-window":
		st.UndoWindowHours, err = undoWindowSetting(val)
	case "release-after":
		st.ReleaseAfterDays, err = releaseAfterSetting(val, st.StaleDays)
	case "currency":
		if !IsCurrency(val) {
			return Errorf(EINVALID, "%q is not an ISO 4217 currency code.", val).
				WithHint("Use a three-letter code like USD, EUR, GBP or JPY: /refer config currency EUR")
		}
		// A fixed fee set without a currency stays in the one it was set in.
		st.Fee = st.Fee.In(st.Currency)
		st.Currency = strings.ToUpper(val)
	case "fee":
		f, ferr := ParseFee(val)
		if ferr != nil {
			return ferr
		}
		st.Fee = f.In(st.Currency)
	case "daily-cap":
		st.DailyCap, err = dailyCap(val)
	case "schedule":
		if len(args) < 2 {
			return Errorf(EINVALID, "Name the job and its schedule.").
				WithHint(`Type /refer config schedule weekly-digest "0 9 * * MON"`)
		}
		if st.Schedules == nil {
			st.Schedules = map[string]string{}
		}
		st.Schedules[args[0]] = strings.Trim(strings.Join(args[1:], " "), `"“”`)
	default:
		return Errorf(EINVALID, "There is no setting %q.", key).
			WithHint("Settings: %s.", strings.Join(ConfigKeys, ", "))
	}
	return err
}

// dailyCap reads the daily cap: a number of referrals from 1 to 1000, or
// off.
func dailyCap(val string) (int, error) {
	switch strings.ToLower(val) {
	case "off", "none", "0":
		return 0, nil
	}
	n, err := strconv.Atoi(val)
	if err != nil || n < 1 || n > 1000 {
		return 0, Errorf(EINVALID, "The daily cap is a number of referrals from 1 to 1000, or off, not %q.", val).
			WithHint("E.g. /refer config daily-cap 10")
	}
	return n, nil
}

// settingDays reads a number of days from min to max for the setting key
// ("14", "14d", "weekly", "monthly", "quarterly").
func settingDays(key, val, what string, min, max int) (int, error) {
	v := strings.TrimSuffix(strings.ToLower(val), "d")
	switch v {
	case "weekly":
		v = "7"
	case "monthly":
		v = "30"
	case "quarterly":
		v = "91"
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, Errorf(EINVALID, "%s must be a number of days from %d to %d, not %q.", what, min, max, val).
			WithHint("E.g. /refer config %s 14", key)
	}
	return n, nil
}

// quietHours reads quiet hours written start-end in 24-hour clock ("20-8"),
// or "off" (0-0).
func quietHours(val string) (start, end int, err error) {
	a, b, ok := strings.Cut(val, "-")
	start, err1 := strconv.Atoi(strings.TrimSpace(a))
	end, err2 := strconv.Atoi(strings.TrimSpace(b))
	if strings.EqualFold(val, "off") {
		start, end, ok, err1, err2 = 0, 0, true, nil, nil
	}
	if !ok || err1 != nil || err2 != nil || start < 0 || start > 23 || end < 0 || end > 23 {
		return 0, 0, Errorf(EINVALID, "Quiet hours are written start-end in 24-hour clock, not %q.", val).
			WithHint("E.g. /refer config quiet 20-8, or /refer config quiet off")
	}
	return start, end, nil
}

var (
	slackChannel   = regexp.MustCompile(`^<#([CG][A-Z0-9]+)(?:\|[^<>]*)?>$`)
	discordChannel = regexp.MustCompile(`^<#([0-9]+)>$`)
	consoleChannel = regexp.MustCompile(`^#[a-z0-9][a-z0-9_.-]{0,79}$`)
)

// channelSetting checks that val names a real channel as the platform
// writes one — a channel mention on Slack (<#C123|name>) and Discord
// (<#123>), #name in the console — and returns it as stored. Anything
// else would send every post into the void, so it is refused.
func channelSetting(p Platform, val string) (string, error) {
	switch p {
	case Slack:
		if m := slackChannel.FindStringSubmatch(val); m != nil {
			return "<#" + m[1] + ">", nil
		}
		return "", Errorf(EINVALID, "%s is not a Slack channel I can post in.", quoteOr(val, "That")).
			WithHint("Type # and pick the channel from Slack's list, so it becomes a link: /refer config channel #referrals")
	case Discord:
		if m := discordChannel.FindStringSubmatch(val); m != nil {
			return "<#" + m[1] + ">", nil
		}
		return "", Errorf(EINVALID, "%s is not a Discord channel I can post in.", quoteOr(val, "That")).
			WithHint("Type # in the value and pick the channel from Discord's list: /refer-admin config setting:channel value:#referrals")
	}
	if v := strings.ToLower(val); consoleChannel.MatchString(v) {
		return v, nil
	}
	return "", Errorf(EINVALID, "%s is not a channel: a channel is written #name.", quoteOr(val, "That")).
		WithHint("Type /refer config channel #referrals")
}

func quoteOr(s, empty string) string {
	if s == "" {
		return empty
	}
	return strconv.Quote(s)
}

// ParseFee reads a fee policy: "none", "reciprocal", "10%" or a fixed
// amount, with its currency if one is written ("250", "EUR 250").
func ParseFee(s string) (FeeTerms, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "none", "no", "off":
		return FeeTerms{Kind: FeeNone}, nil
	case "reciprocal":
		return FeeTerms{Kind: FeeReciprocal}, nil
	}
	if p, ok := strings.CutSuffix(s, "%"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err == nil && f > 0 && f <= 100 {
			return FeeTerms{Kind: FeePercent, BasisPts: int(f*100 + 0.5)}, nil
		}
	} else if m, err := ParseMoney(s); err == nil && m.Cents > 0 {
		return FeeTerms{Kind: FeeFixed, FixedCents: m.Cents, Currency: strings.ToUpper(m.Currency)}, nil
	} else if strings.ContainsAny(s, "0123456789") && ErrorCode(err) == EINVALID {
		return FeeTerms{}, err // an amount, but not one read for sure: say why
	}
	return FeeTerms{}, Errorf(EINVALID, "%q is not a fee policy.", s).
		WithHint("Use none, reciprocal, a share like 10%%, or a fixed amount like 250 or EUR 250.")
}
