package core

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Touch logs a touchpoint with a partner and returns the partnership with
// its next touchpoint due date.
func (s *Service) Touch(ctx context.Context, c Caller, partner MemberRef, kind TouchKind, note string) (*Partnership, error) {
	if !slices.Contains(TouchKinds, kind) {
		return nil, Errorf(EINVALID, "%q is not a kind of touchpoint.", string(kind)).
			WithHint("Use coffee, call, shared-content, intro or meeting, e.g. /refer touch @alice coffee talked about Q3 plans")
	}
	if err := checkText("note", note, maxText, false, ""); err != nil {
		return nil, err
	}
	var p *Partnership
	err := s.tx(ctx, func(tx Tx) error {
		m, err := s.resolve(ctx, tx, c, partner)
		if err != nil {
			return err
		}
		if m.ID == c.Member.ID {
			return Errorf(EINVALID, "A touchpoint is with a partner, not with yourself.").
				WithHint("Type /refer touch @partner coffee")
		}
		p, err = s.touch(ctx, tx, c, c.Member.ID, m.ID, kind, strings.TrimSpace(note))
		return err
	})
	return p, err
}

// ensureMember finds or creates a member. On Slack and Discord the
// platform's name refreshes the stored one (people rename themselves
// there). On the console a name is the member's id, typed in any case:
// it names the member only when they are created, so "/as MAYA" is maya,
// not a rename.
func ensureMember(ctx context.Context, tx Tx, p Platform, workspaceID int64, userID, name string) (*Member, bool, error) {
	if p != Console {
		return tx.EnsureMember(ctx, workspaceID, userID, name)
	}
	m, created, err := tx.EnsureMember(ctx, workspaceID, userID, "")
	if err != nil || !created || name == "" || name == m.DisplayName {
		return m, created, err
	}
	m, _, err = tx.EnsureMember(ctx, workspaceID, userID, name)
	return m, created, err
}

// MemberProfile is a member with their profile.
type MemberProfile struct {
	Member  Member
	Profile Profile
	Buddy   *Member
}

// Profile shows the caller's own profile (who is nil) or another member's.
func (s *Service) Profile(ctx context.Context, c Caller, who *MemberRef) (*MemberProfile, error) {
	var mp MemberProfile
	err := s.tx(ctx, func(tx Tx) error {
		m := &c.Member
		if who != nil {
			var err error
			if m, err = s.resolve(ctx, tx, c, *who); err != nil {
				return err
			}
		}
		p, err := tx.Profile(ctx, c.Workspace.ID, m.ID)
		if err != nil {
			return err
		}
		mp.Member, mp.Profile = *m, *p
		if m.BuddyID != 0 {
			if mp.Buddy, err = tx.Member(ctx, c.Workspace.ID, m.BuddyID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &mp, nil
}

// ProfileFields are the fields `/refer profile set` understands.
var ProfileFields = []string{"services", "tags", "niche", "industry", "size", "budget", "triggers",
	"billing", "min-budget", "outcomes", "links", "contact", "timezone", "availability"}

// SetProfile changes one field of the caller's profile. An empty value,
// "-" or "none" clears it.
func (s *Service) SetProfile(ctx context.Context, c Caller, field string, values []string) (*Profile, error) {
	field = strings.ToLower(strings.TrimSpace(field))
	switch field {
	case "tz":
		field = "timezone"
	case "trigger", "trigger-phrases":
		field = "triggers"
	case "link", "portfolio":
		field = "links"
	case "minbudget", "min":
		field = "min-budget"
	case "status", "available":
		field = "availability"
	}
	if !slices.Contains(ProfileFields, field) {
		return nil, Errorf(EINVALID, "Profiles have no field %q.", field).
			WithHint("Fields: %s. E.g. /refer profile set tags branding web-dev", strings.Join(ProfileFields, ", "))
	}
	joined := strings.TrimSpace(strings.Join(values, " "))
	clear := joined == "" || joined == "-" || strings.EqualFold(joined, "none")
	if clear {
		joined, values = "", nil
	}
	if err := checkText(field, joined, maxText, false, ""); err != nil {
		return nil, err
	}
	var p *Profile
	err := s.tx(ctx, func(tx Tx) error {
		var err error
		if p, err = tx.Profile(ctx, c.Workspace.ID, c.Member.ID); err != nil {
			return err
		}
		p.MemberID = c.Member.ID
		if err := setField(p, field, joined, values); err != nil {
			return err
		}
		if field == "min-budget" {
			if p.MinBudget, err = s.money(c.Workspace, p.MinBudget); err != nil {
				return err
			}
		}
		p.UpdatedAt = s.now()
		return tx.SaveProfile(ctx, c.Workspace.ID, p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func setField(p *Profile, field, joined string, values []string) error {
	switch field {
	case "services":
		p.Services = joined
	case "tags":
		var parts []string
		for _, v := range values {
			parts = append(parts, strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })...)
		}
		p.Tags = NormalizeTags(parts)
	case "niche":
		p.Niche = joined
	case "industry":
		p.Industry = joined
	case "size":
		p.ClientSize = joined
	case "budget":
		p.BudgetRange = joined
	case "triggers":
		p.Triggers = nil
		for _, t := range strings.FieldsFunc(joined, func(r rune) bool { return r == ';' || r == '|' || r == '\n' }) {
			if t = strings.Trim(strings.TrimSpace(t), `"“”'`); t != "" {
				p.Triggers = append(p.Triggers, t)
			}
		}
	case "billing":
		p.Billing = joined
		if joined != "" {
			approach := strings.ToLower(strings.Fields(joined)[0])
			if !slices.Contains([]string{"hourly", "fixed", "retainer"}, approach) {
				return Errorf(EINVALID, "Billing is hourly, fixed or retainer, not %q.", approach).
					WithHint("E.g. /refer profile set billing fixed")
			}
			p.Billing = approach
		}
	case "min-budget":
		p.MinBudget = Money{}
		if joined != "" {
			m, err := ParseMoney(joined)
			if err != nil {
				return err
			}
			p.MinBudget = m
		}
	case "outcomes":
		p.Outcomes = joined
	case "links":
		p.Links = strings.Fields(strings.ReplaceAll(joined, ",", " "))
	case "contact":
		p.ContactPref = joined
	case "timezone":
		if joined != "" {
			if _, err := time.LoadLocation(joined); err != nil {
				return Errorf(EINVALID, "%q is not a time zone I know.", joined).
					WithHint("Use a name like Europe/Berlin or America/New_York.")
			}
		}
		p.TimeZone = joined
	case "availability":
		a := Availability(strings.ToLower(joined))
		if a == "" {
			a = Open
		}
		if a != Open && a != Busy && a != Paused {
			return Errorf(EINVALID, "Availability is open, busy or paused, not %q.", joined).
				WithHint("E.g. /refer profile set availability busy")
		}
		p.Availability = a
	}
	return nil
}

// Suggestion is a partner Who proposes for a need, with why.
type Suggestion struct {
	Member  Member
	Profile Profile
	Score   float64
	Reasons []string
}

// fairnessWindow is how far back Who counts referrals received, so
// introductions rotate instead of piling on one member.
const fairnessWindow = 90 * 24 * time.Hour

// Who ranks partners for a need by tag and trigger-phrase matches, service
// words, availability and fairness (fewest referrals received lately first).
func (s *Service) Who(ctx context.Context, c Caller, need string, tags []string) ([]Suggestion, error) {
	if strings.TrimSpace(need) == "" && len(tags) == 0 {
		return nil, Errorf(EINVALID, "Tell me what the client needs.").
			WithHint("E.g. /refer who bookkeeping for a small bakery #tax")
	}
	var cands []Candidate
	err := s.tx(ctx, func(tx Tx) error {
		var err error
		cands, err = tx.Candidates(ctx, c.Workspace.ID, s.now().Add(-fairnessWindow))
		return err
	})
	if err != nil {
		return nil, err
	}
	return rankCandidates(cands, c.Member.ID, need, NormalizeTags(tags)), nil
}

// rankCandidates scores each active member against the need, best first
// (at most five). Paused members are left out — unless nobody else
// matches: then the paused matches are returned, so the caller can say
// who would fit once back, instead of "nobody".
func rankCandidates(cands []Candidate, self int64, need string, tags []string) []Suggestion {
	needLower := strings.ToLower(need)
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(needLower, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-')
	}) {
		if len(w) > 2 && !stopWords[w] {
			words[w] = true
		}
	}
	var out, paused []Suggestion
	for _, cd := range cands {
		if cd.Member.ID == self || cd.Member.Status != MemberActive {
			continue
		}
		var score float64
		var why []string
		for _, t := range cd.Profile.Tags {
			if slices.Contains(tags, t) || words[t] || containsWords(needLower, strings.ReplaceAll(t, "-", " ")) {
				score += 3
				why = append(why, "#"+t)
			}
		}
		for _, tr := range cd.Profile.Triggers {
			if tl := strings.ToLower(tr); tl != "" && (containsWords(needLower, tl) || overlap(words, tl) >= 2) {
				score += 4
				why = append(why, fmt.Sprintf("listens for %q", tr)) // the whole phrase, as they wrote it
			}
		}
		if mentioned := overlapping(words, strings.ToLower(cd.Profile.Services+" "+cd.Profile.Niche+" "+cd.Profile.Industry)); len(mentioned) > 0 {
			score += float64(len(mentioned))
			why = append(why, "profile mentions “"+strings.Join(mentioned, "”, “")+"”")
		}
		if score == 0 {
			continue
		}
		if cd.Profile.Availability == Paused {
			paused = append(paused, Suggestion{Member: cd.Member, Profile: cd.Profile, Score: score, Reasons: append(why, "paused")})
			continue
		}
		if cd.Profile.Availability == Busy {
			score -= 2
			why = append(why, "busy")
		}
		// Fair rotation: each recent referral received costs half a point.
		score -= 0.5 * float64(cd.RecentlyGot)
		why = append(why, fmt.Sprintf("received %d in the last 90 days", cd.RecentlyGot))
		out = append(out, Suggestion{Member: cd.Member, Profile: cd.Profile, Score: score, Reasons: why})
	}
	if len(out) == 0 {
		out = paused
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Member.DisplayName < out[j].Member.DisplayName
	})
	if len(out) > 5 {
		out = out[:5]
	}
	return out
}

// containsWords reports whether phrase occurs in text as whole words:
// "tax" in "a tax return", not in "syntax".
func containsWords(text, phrase string) bool {
	for i := 0; phrase != ""; {
		j := strings.Index(text[i:], phrase)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(phrase)
		if (j == 0 || !isWordByte(text[j-1])) && (end == len(text) || !isWordByte(text[end])) {
			return true
		}
		i = j + 1
	}
	return false
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-' || b >= 0x80
}

var stopWords = map[string]bool{"the": true, "and": true, "for": true, "with": true, "needs": true,
	"need": true, "new": true, "who": true, "our": true, "their": true, "some": true, "help": true,
	"from": true, "that": true, "this": true, "wants": true, "client": true}

func overlap(words map[string]bool, text string) int { return len(overlapping(words, text)) }

// overlapping returns the words of text that are in words, once each, in
// the order text has them.
func overlapping(words map[string]bool, text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-')
	}) {
		if words[w] && !seen[w] {
			out = append(out, w)
			seen[w] = true
		}
	}
	return out
}

// Pairing is what Buddy did: who was paired, whether it changed
// anything, and who was told.
type Pairing struct {
	Newcomer, Mentor Member
	Already          bool     // the mentor already was their buddy: nothing changed, nobody told
	Told             []Member // who was sent a message about it
}

// Buddy makes mentor the newcomer's mentoring buddy; the mentor is asked to
// welcome them. Admins may pair anyone; a member may volunteer themselves.
func (s *Service) Buddy(ctx context.Context, c Caller, newcomer, mentor MemberRef) (*Pairing, error) {
	var p Pairing
	err := s.tx(ctx, func(tx Tx) error {
		n, err := s.resolve(ctx, tx, c, newcomer)
		if err != nil {
			return err
		}
		m, err := s.resolve(ctx, tx, c, mentor)
		if err != nil {
			return err
		}
		if n.ID == m.ID {
			return Errorf(EINVALID, "A member can't be their own buddy.").
				WithHint("Type /refer buddy @newcomer @mentor")
		}
		if !c.Member.IsAdmin() && m.ID != c.Member.ID {
			return Errorf(EFORBIDDEN, "Only admins can pair other members.").
				WithHint("You can volunteer yourself: /refer buddy %s @you", n.Mention())
		}
		p.Newcomer, p.Mentor = *n, *m
		if n.BuddyID == m.ID {
			p.Already = true
			return nil
		}
		n.BuddyID = m.ID
		if err := tx.SaveMember(ctx, n); err != nil {
			return err
		}
		p.Newcomer = *n
		ws, err := tx.Workspace(ctx, c.Workspace.ID)
		if err != nil {
			return err
		}
		p.Told, err = s.buddyNotices(ctx, tx, ws, n, m, "by "+c.Member.DisplayName)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// StatsRequest says whose figures and for which period.
type StatsRequest struct {
	Who     *MemberRef // nil with Network false = the caller
	Network bool
	Period  string
}

// Stats computes the figures for the caller, another member or the network.
func (s *Service) Stats(ctx context.Context, c Caller, req StatsRequest) (*Stats, error) {
	now := s.now()
	p, err := ParsePeriod(req.Period, now, s.Location(c.Workspace))
	if err != nil {
		return nil, err
	}
	var st *Stats
	err = s.tx(ctx, func(tx Tx) error {
		q := StatsQuery{Period: p, Now: now}
		var m *Member
		if !req.Network {
			m = &c.Member
			if req.Who != nil {
				if m, err = s.resolve(ctx, tx, c, *req.Who); err != nil {
					return err
				}
			}
			q.MemberID = m.ID
		}
		if st, err = tx.Stats(ctx, c.Workspace.ID, q); err != nil {
			return err
		}
		st.Period, st.Member, st.Currency = p, m, nonEmpty(c.Workspace.Settings.Currency, DefaultCurrency)
		return nil
	})
	return st, err
}

// ConfigKeys are the settings `/refer config` changes.
var ConfigKeys = []string{"channel", "timezone", "quiet", "cadence", "lead-expiry", "stale-days",
	"currency", "fee", "admin", "remove", "schedule"}

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
	var out Settings
	var named *Member
	err := s.tx(ctx, func(tx Tx) error {
		ws, err := tx.Workspace(ctx, c.Workspace.ID)
		if err != nil {
			return err
		}
		out = ws.Settings
		if key == "" {
			return nil
		}
		if !c.Member.IsAdmin() {
			return Errorf(EFORBIDDEN, "Only admins can change the network's settings.").
				WithHint("/refer config shows them.")
		}
		if key == "admin" || key == "remove" {
			if len(args) != 1 {
				return Errorf(EINVALID, "Name one member.").WithHint("Type /refer config %s @member", key)
			}
			m, err := s.resolve(ctx, tx, c, parseRef(args[0]))
			if err != nil {
				return err
			}
			named = m
			if key == "admin" {
				m.Role = RoleAdmin
				return tx.SaveMember(ctx, m)
			}
			if m.ID == c.Member.ID {
				return Errorf(EINVALID, "You can't remove yourself.").
					WithHint("To leave and erase your data, type /refer forget")
			}
			// A removed member keeps their history but can no longer act,
			// be referred to, or be mentioned.
			m.Status, m.Role = MemberRemoved, RoleMember
			if err := tx.SaveMember(ctx, m); err != nil {
				return err
			}
			return s.depart(ctx, tx, c, m, m.Mention()+" is no longer in the network")
		}
		if err := applySetting(&out, c.Workspace.Platform, key, args); err != nil {
			return err
		}
		return tx.SaveSettings(ctx, ws.ID, out)
	})
	if err != nil {
		return nil, err
	}
	cfg := &Configuration{Settings: out, Member: named}
	if cfg.Admins, err = s.admins(ctx, c); err != nil {
		return nil, err
	}
	return cfg, nil
}

// admins lists the workspace's active admins, as saved.
func (s *Service) admins(ctx context.Context, c Caller) ([]Member, error) {
	var out []Member
	err := s.tx(ctx, func(tx Tx) error {
		ms, err := tx.Members(ctx, c.Workspace.ID)
		for _, m := range ms {
			if m.Status == MemberActive && m.IsAdmin() {
				out = append(out, m)
			}
		}
		return err
	})
	return out, err
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
	days := func(what string, min, max int) (int, error) {
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
		a, b, ok := strings.Cut(val, "-")
		start, err1 := strconv.Atoi(strings.TrimSpace(a))
		end, err2 := strconv.Atoi(strings.TrimSpace(b))
		if strings.EqualFold(val, "off") {
			start, end, ok, err1, err2 = 0, 0, true, nil, nil
		}
		if !ok || err1 != nil || err2 != nil || start < 0 || start > 23 || end < 0 || end > 23 {
			return Errorf(EINVALID, "Quiet hours are written start-end in 24-hour clock, not %q.", val).
				WithHint("E.g. /refer config quiet 20-8, or /refer config quiet off")
		}
		st.QuietStart, st.QuietEnd = start, end
	case "cadence":
		st.CadenceDays, err = days("The touchpoint cadence", 1, 365)
	case "lead-expiry":
		st.LeadExpiryDays, err = days("Lead expiry", 1, 365)
	case "stale-days":
		st.StaleDays, err = days("The stale-referral threshold", 1, 365)
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
			WithHint("Type # in the value and pick the channel from Discord's list: /refer admin config setting:channel value:#referrals")
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

// SetReminders mutes or unmutes the caller's reminders (mute non-nil), or
// sets their own touchpoint cadence in days (cadence > 0), or returns to
// the network's (cadence < 0). It returns the member as saved.
func (s *Service) SetReminders(ctx context.Context, c Caller, mute *bool, cadence int) (*Member, error) {
	if cadence > 365 {
		return nil, Errorf(EINVALID, "A cadence is at most 365 days, not %d.", cadence).WithHint("E.g. /refer reminders 30")
	}
	m := c.Member
	err := s.tx(ctx, func(tx Tx) error {
		if mute != nil {
			m.Muted = *mute
			return tx.SaveMember(ctx, &m)
		}
		days := cadence
		if cadence < 0 {
			m.CadenceDays, days = 0, nonZero(c.Workspace.Settings.CadenceDays, 30)
		} else {
			m.CadenceDays = cadence
		}
		if err := tx.SaveMember(ctx, &m); err != nil {
			return err
		}
		return tx.SetCadence(ctx, c.Workspace.ID, m.ID, days)
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

func nonZero(v, alt int) int {
	if v == 0 {
		return alt
	}
	return v
}

// Tags suggests the network's tags starting with prefix, most used first,
// so members reuse the shared language instead of inventing synonyms.
func (s *Service) Tags(ctx context.Context, c Caller, prefix string, limit int) ([]string, error) {
	norm := NormalizeTags([]string{prefix})
	p := ""
	if len(norm) > 0 {
		p = norm[0]
	}
	var tags []string
	err := s.tx(ctx, func(tx Tx) error {
		var err error
		tags, err = tx.Tags(ctx, c.Workspace.ID, p, limit)
		return err
	})
	return tags, err
}
