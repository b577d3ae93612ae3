package core

import (
	"context"
	"slices"
	"strings"
	"time"
)

// MemberProfile is a member with their profile.
type MemberProfile struct {
	Member  Member
	Profile Profile
	Buddy   *Member
}

// Profile shows the caller's own profile (who is nil) or another member's.
func (s *Service) Profile(ctx context.Context, c Caller, who *MemberRef) (*MemberProfile, error) {
	return inTx(ctx, s, func(tx Tx) (*MemberProfile, error) {
		m := &c.Member
		if who != nil {
			var err error
			if m, err = s.resolve(ctx, tx, c, *who); err != nil {
				return nil, err
			}
		}
		p, err := tx.Profile(ctx, c.Workspace.ID, m.ID)
		if err != nil {
			return nil, err
		}
		mp := &MemberProfile{Member: *m, Profile: *p}
		if m.BuddyID != 0 {
			if mp.Buddy, err = tx.Member(ctx, c.Workspace.ID, m.BuddyID); err != nil {
				return nil, err
			}
		}
		return mp, nil
	})
}

// ProfileFields are the fields `/refer profile set` understands.
var ProfileFields = []string{"services", "tags", "niche", "industry", "size", "budget", "triggers",
	"billing", "min-budget", "outcomes", "links", "contact", "timezone", "availability", "amounts"}

// profileAliases are other names people type for a profile field.
var profileAliases = map[string]string{"tz": "timezone", "trigger": "triggers", "trigger-phrases": "triggers",
	"link": "links", "portfolio": "links", "minbudget": "min-budget", "min": "min-budget",
	"status": "availability", "available": "availability", "amount": "amounts", "deal-amounts": "amounts"}

// SetProfile changes one field of the caller's profile. An empty value,
// "-" or "none" clears it.
func (s *Service) SetProfile(ctx context.Context, c Caller, field string, values []string) (*Profile, error) {
	field = strings.ToLower(strings.TrimSpace(field))
	if f, ok := profileAliases[field]; ok {
		field = f
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
	return inTx(ctx, s, func(tx Tx) (*Profile, error) {
		p, err := tx.Profile(ctx, c.Workspace.ID, c.Member.ID)
		if err != nil {
			return nil, err
		}
		p.MemberID = c.Member.ID
		if err := setField(p, field, joined, values); err != nil {
			return nil, err
		}
		if field == "min-budget" {
			if p.MinBudget, err = s.money(c.Workspace, p.MinBudget); err != nil {
				return nil, err
			}
		}
		p.UpdatedAt = s.now()
		return p, tx.SaveProfile(ctx, c.Workspace.ID, p)
	})
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
	case "amounts":
		switch strings.ToLower(joined) {
		case "private":
			p.AmountsPrivate = true
		case "public", "":
			p.AmountsPrivate = false
		default:
			return Errorf(EINVALID, "Amounts are private or public, not %q.", joined).
				WithHint("/refer profile set amounts private shows your deal amounts only to the other party (and inside network totals of 3 or more deals).")
		}
	}
	return nil
}

// Tags suggests the network's tags starting with prefix, most used first,
// so members reuse the shared language instead of inventing synonyms.
func (s *Service) Tags(ctx context.Context, c Caller, prefix string, limit int) ([]string, error) {
	norm := NormalizeTags([]string{prefix})
	p := ""
	if len(norm) > 0 {
		p = norm[0]
	}
	return inTx(ctx, s, func(tx Tx) ([]string, error) {
		return tx.Tags(ctx, c.Workspace.ID, p, limit)
	})
}
