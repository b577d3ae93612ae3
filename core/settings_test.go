package core_test

import (
	"context"
	"errors"
	"testing"

	"github.com/referbot/referbot/core"
)

// joinOn joins a member of a workspace on a given platform.
func (b *bundle) joinOn(t *testing.T, p core.Platform, team, name string) core.Caller {
	t.Helper()
	c, err := b.svc.Join(context.Background(), core.Identity{Platform: p, TeamID: team, UserID: "u-" + name, UserName: name})
	if err != nil {
		t.Fatalf("join %s/%s: %v", team, name, err)
	}
	return c
}

func TestConfigure_ChannelMustBeARealChannelOfThePlatform(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	for _, c := range []struct {
		platform   core.Platform
		good, want string
		bad        []string
	}{
		{core.Slack, "<#C0CHAN|referrals>", "<#C0CHAN>", []string{"general", "#general", "<#123>", "<@U1|bob>", "referrals please"}},
		{core.Slack, "<#G0PRIV>", "<#G0PRIV>", nil},
		{core.Discord, "<#1234567890>", "<#1234567890>", []string{"#general", "general", "<#C0CHAN|x>", "<@123>"}},
		{core.Console, "#Deals", "#deals", []string{"deals", "# deals", "<#C0CHAN>", "#"}},
	} {
		org := b.joinOn(t, c.platform, "T-"+string(c.platform)+c.good, "org")
		before, err := b.svc.Configure(ctx, org, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range c.bad {
			_, err := b.svc.Configure(ctx, org, "channel", []string{bad})
			wantCode(t, err, core.EINVALID)
			var e *core.Error
			if !errors.As(err, &e) || e.Hint == "" {
				t.Errorf("%s: %q refused without a hint", c.platform, bad)
			}
		}
		if after, _ := b.svc.Configure(ctx, org, "", nil); after.Channel != before.Channel {
			t.Fatalf("%s: a refused channel changed the setting from %q to %q", c.platform, before.Channel, after.Channel)
		}
		st, err := b.svc.Configure(ctx, org, "channel", []string{c.good})
		if err != nil || st.Channel != c.want {
			t.Fatalf("%s: channel %q = %+v, %v; want %q", c.platform, c.good, st, err, c.want)
		}
	}
}

func TestConfigure_CurrencyMustBeISO4217(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "org")
	for _, bad := range []string{"XYZ", "ABC", "dollars", "US", "EURO", "BOV", "XAU", "€"} {
		_, err := b.svc.Configure(ctx, org, "currency", []string{bad})
		wantCode(t, err, core.EINVALID)
	}
	if st, _ := b.svc.Configure(ctx, org, "", nil); st.Currency != core.DefaultCurrency {
		t.Fatalf("a refused currency changed the setting to %q", st.Currency)
	}
	for in, want := range map[string]string{"eur": "EUR", "JPY": "JPY", "chf": "CHF", "GBP": "GBP"} {
		st, err := b.svc.Configure(ctx, org, "currency", []string{in})
		if err != nil || st.Currency != want {
			t.Fatalf("currency %q = %+v, %v", in, st, err)
		}
	}
}

func TestConfigure_NamesWhoWasRemovedAndListsTheAdmins(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org, bob, omar := b.join(t, "T1", "org"), b.join(t, "T1", "bob"), b.join(t, "T1", "omar")
	st, err := b.svc.Configure(ctx, org, "admin", []string{"<@" + bob.Member.UserID + ">"})
	if err != nil || st.Member == nil || st.Member.DisplayName != "bob" {
		t.Fatalf("admin: %+v, %v", st, err)
	}
	st, err = b.svc.Configure(ctx, org, "remove", []string{"<@" + omar.Member.UserID + ">"})
	if err != nil || st.Member == nil || st.Member.DisplayName != "omar" {
		t.Fatalf("remove: %+v, %v", st, err)
	}
	carol := b.join(t, "T1", "carol") // anyone may read the settings
	st, err = b.svc.Configure(ctx, carol, "", nil)
	if err != nil || st.Member != nil {
		t.Fatalf("show: %+v, %v", st, err)
	}
	var admins []string
	for _, a := range st.Admins {
		admins = append(admins, a.DisplayName)
	}
	if len(admins) != 2 || admins[0] != "bob" || admins[1] != "org" {
		t.Fatalf("admins = %v, want [bob org]", admins)
	}
}
