package grammar

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/referbot/referbot/core"
)

func usd(units int64) core.Money         { return core.Money{Cents: units * 100} }
func ref(id, name string) core.MemberRef { return core.MemberRef{UserID: id, Name: name} }
func refp(id, name string) *core.MemberRef {
	r := ref(id, name)
	return &r
}
func money(cents int64, cur string) *core.Money { return &core.Money{Cents: cents, Currency: cur} }

func mustParse(t *testing.T, in string) Command {
	t.Helper()
	cmd, err := Parse(in)
	if err != nil {
		t.Fatalf("Parse(%q): %v", in, err)
	}
	return cmd
}

func TestParse_ParsesEverySubcommand(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want Command
	}{
		// help
		{"", Help{}},
		{"   ", Help{}},
		{"help", Help{}},
		{"HELP", Help{}},
		{"help won", Help{Topic: "won"}},
		{"help Thank", Help{Topic: "thanks"}},
		{"help @partner", Help{Topic: "refer"}},
		{"help /refer lead", Help{Topic: "lead"}},
		{"?", Help{}},
		{"/refer help claim", Help{Topic: "claim"}},

		// direct referrals
		{"@alice Acme Bakery — new logo", Refer{To: ref("", "alice"), ClientName: "Acme Bakery", Need: "new logo"}},
		{"<@U123> Acme Corp — needs a new website ~5k warm", Refer{To: ref("U123", ""), ClientName: "Acme Corp",
			Need: "needs a new website", Estimate: usd(5000), Temperature: core.Warm}},
		{"<@U123|alice> Acme Corp jane@acme.com consent — website redesign #web-dev #Branding ~$12,500 hot",
			Refer{To: ref("U123", "alice"), ClientName: "Acme Corp", Contact: "jane@acme.com", Consent: true,
				Need: "website redesign", Tags: []string{"web-dev", "branding"}, Estimate: core.Money{Cents: 1250000, Currency: "USD"},
				Temperature: core.Hot}},
		{"to <@!4242> Bean Co — accounts ~900EUR cold", Refer{To: ref("4242", ""), ClientName: "Bean Co",
			Need: "accounts", Estimate: core.Money{Cents: 90000, Currency: "EUR"}, Temperature: core.Cold}},
		{"refer @bob Bean Co — accounts ~900 EUR", Refer{To: ref("", "bob"), ClientName: "Bean Co",
			Need: "accounts", Estimate: core.Money{Cents: 90000, Currency: "EUR"}}},
		{"@bob Jane Doe <mailto:jane@doe.io|jane@doe.io> consented – bookkeeping",
			Refer{To: ref("", "bob"), ClientName: "Jane Doe", Contact: "jane@doe.io", Consent: true, Need: "bookkeeping"}},
		{"@bob Jane Doe +1 (555) 123-4567 ✓consent -- tax return",
			Refer{To: ref("", "bob"), ClientName: "Jane Doe", Contact: "+1 (555) 123-4567", Consent: true, Need: "tax return"}},
		{"@bob Jane Doe 030 1234567 consent - tax return",
			Refer{To: ref("", "bob"), ClientName: "Jane Doe", Contact: "030 1234567", Consent: true, Need: "tax return"}},
		{"@bob Acme <https://acme.io|acme.io> consent — site",
			Refer{To: ref("", "bob"), ClientName: "Acme", Contact: "https://acme.io", Consent: true, Need: "site"}},
		{"@bob Acme [ask for Jane, front desk] consent — site",
			Refer{To: ref("", "bob"), ClientName: "Acme", Contact: "ask for Jane, front desk", Consent: true, Need: "site"}},
		{"@bob Acme (jane@acme.com, consented) — site",
			Refer{To: ref("", "bob"), ClientName: "Acme", Contact: "jane@acme.com", Consent: true, Need: "site"}},
		{"@bob Acme jane@acme.com +44 20 7946 0958 consent — site",
			Refer{To: ref("", "bob"), ClientName: "Acme", Contact: "jane@acme.com, +44 20 7946 0958", Consent: true, Need: "site"}},
		{"@bob Acme consent — site", Refer{To: ref("", "bob"), ClientName: "Acme", Consent: true, Need: "site"}},
		{"@bob Acme—site", Refer{To: ref("", "bob"), ClientName: "Acme", Need: "site"}},
		{"@bob Smith-Jones Ltd — re-brand - urgent", Refer{To: ref("", "bob"), ClientName: "Smith-Jones Ltd", Need: "re-brand - urgent"}},
		{"@bob Acme --- site", Refer{To: ref("", "bob"), ClientName: "Acme", Need: "site"}},
		{"@bob Hot Yoga Studio — cold storage for produce warm",
			Refer{To: ref("", "bob"), ClientName: "Hot Yoga Studio", Need: "cold storage for produce", Temperature: core.Warm}},
		{"@bob Acme — needs #branding for a launch #print", Refer{To: ref("", "bob"), ClientName: "Acme",
			Need: "needs branding for a launch", Tags: []string{"branding", "print"}}},
		{"@bob Acme — a &amp; b &lt;fast&gt; see <https://acme.io/brief|the brief>", Refer{To: ref("", "bob"),
			ClientName: "Acme", Need: "a & b <fast> see the brief"}},
		{"@bob Acme — ping <!here> please", Refer{To: ref("", "bob"), ClientName: "Acme", Need: "ping @here please"}},
		{"@bob, Acme — site", Refer{To: ref("", "bob"), ClientName: "Acme", Need: "site"}},
		{"@bob “Acme” Bakery — owner’s “new” logo", Refer{To: ref("", "bob"), ClientName: "“Acme” Bakery", Need: "owner’s “new” logo"}},

		// leads
		{"lead bookkeeping for a bakery #tax ~2k", Lead{Need: "bookkeeping for a bakery", Tags: []string{"tax"}, Estimate: usd(2000)}},
		{"lead logo refresh #branding ~2k hot expires 5d", Lead{Need: "logo refresh", Tags: []string{"branding"},
			Estimate: usd(2000), Temperature: core.Hot, ExpiryDays: 5}},
		{"lead logo refresh expires in 2 weeks", Lead{Need: "logo refresh", ExpiryDays: 14}},
		{"lead the domain expires soon, renew it", Lead{Need: "the domain expires soon, renew it"}},
		{"Lead Acme Bakery jane@acme.com consent — bookkeeping #tax", Lead{ClientName: "Acme Bakery",
			Contact: "jane@acme.com", Consent: true, Need: "bookkeeping", Tags: []string{"tax"}}},

		// pipeline
		{"claim R-1042", Claim{Code: 1042}},
		{"CLAIM r1042", Claim{Code: 1042}},
		{"claim #R-1042", Claim{Code: 1042}},
		{"claim 1042", Claim{Code: 1042}},
		{"interested R-7", Interested{Code: 7}},
		{"hand R-7", Interested{Code: 7}},
		{"raise hand R-7", Interested{Code: 7}},
		{"@bob Acme ~5k #food — site", Refer{To: ref("", "bob"), ClientName: "Acme", Need: "site", Tags: []string{"food"}, Estimate: usd(5000)}},
		{"pick R-1042 @bob", Pick{Code: 1042, Member: ref("", "bob")}},
		{"pick <@U9|bob> 1042", Pick{Code: 1042, Member: ref("U9", "bob")}},
		{"accept R-1042", Accept{Code: 1042}},
		{"decline R-1042 fully booked until March", Decline{Code: 1042, Reason: "fully booked until March"}},
		{"status R-1042 meeting intro call Thursday", Status{Code: 1042, Stage: core.StatusMeeting, Note: "intro call Thursday"}},
		{"status R-1042 Contacted", Status{Code: 1042, Stage: core.StatusContacted}},
		{"status R-1042 proposal", Status{Code: 1042, Stage: core.StatusProposal}},
		{"status R-1042 won 4800 signed", Won{Code: 1042, Value: usd(4800), Note: "signed"}},
		{"status R-1042 lost went elsewhere", Lost{Code: 1042, Reason: "went elsewhere"}},
		{"won R-1042 4800", Won{Code: 1042, Value: usd(4800)}},
		{"won R-1042 4.8k logo and site", Won{Code: 1042, Value: usd(4800), Note: "logo and site"}},
		{"won R-1042 4800 EUR logo", Won{Code: 1042, Value: core.Money{Cents: 480000, Currency: "EUR"}, Note: "logo"}},
		{"won R-1042 $ 4,800 logo", Won{Code: 1042, Value: core.Money{Cents: 480000, Currency: "USD"}, Note: "logo"}},
		{"won R-1042 4800 for the site", Won{Code: 1042, Value: usd(4800), Note: "for the site"}},
		// A space between thousands is one number, not a value and a note.
		{"won R-1026 5 000", Won{Code: 1026, Value: usd(5000)}},
		{"won R-1026 5 000 EUR signed", Won{Code: 1026, Value: core.Money{Cents: 500000, Currency: "EUR"}, Note: "signed"}},
		{"won R-1026 EUR 5 000", Won{Code: 1026, Value: core.Money{Cents: 500000, Currency: "EUR"}}},
		{"won R-1026 €12 500 logo", Won{Code: 1026, Value: core.Money{Cents: 1250000, Currency: "EUR"}, Note: "logo"}},
		{"won R-1026 1 000 000", Won{Code: 1026, Value: usd(1000000)}},
		{"won R-1026 5 000.50", Won{Code: 1026, Value: core.Money{Cents: 500050}}},
		{"won R-1026 2500 100 hours", Won{Code: 1026, Value: usd(2500), Note: "100 hours"}},
		{"won R-1026 ¥5000", Won{Code: 1026, Value: core.Money{Cents: 5000, Currency: "JPY"}}},
		{"won R-1042 4800 ceo signed", Won{Code: 1042, Value: usd(4800), Note: "ceo signed"}},
		// A last word "confirm" records a value far above the usual.
		{"won R-1042 5m confirm", Won{Code: 1042, Value: usd(5000000), Confirm: true}},
		{"won R-1042 5m signed today confirm", Won{Code: 1042, Value: usd(5000000), Note: "signed today", Confirm: true}},
		{"status R-1042 won 5m confirm", Won{Code: 1042, Value: usd(5000000), Confirm: true}},
		{"@bob Acme — site ~5 000", Refer{To: ref("", "bob"), ClientName: "Acme", Need: "site", Estimate: usd(5000)}},
		{"lost R-1042 went with a cheaper quote", Lost{Code: 1042, Reason: "went with a cheaper quote"}},
		{"thanks R-1042", Thanks{Code: 1042}},
		{"thank R-1042 you're a star", Thanks{Code: 1042, Message: "you're a star"}},
		{"feedback R-1042 5 delighted", Feedback{Code: 1042, Score: 5, Comment: "delighted"}},
		{"feedback R-1042 4/5", Feedback{Code: 1042, Score: 4}},
		{"feedback R-1042 ★★★", Feedback{Code: 1042, Score: 3}},
		{"show R-1042", Show{Code: 1042}},
		{"list", List{Kind: core.ListMine}},
		{"list given", List{Kind: core.ListGiven}},
		{"list received accepted", List{Kind: core.ListReceived, Statuses: []core.Status{core.StatusAccepted}}},
		{"list open", List{Kind: core.ListOpen}},
		{"list all won lost", List{Kind: core.ListAll, Statuses: []core.Status{core.StatusWon, core.StatusLost}}},
		{"list won", List{Kind: core.ListMine, Statuses: []core.Status{core.StatusWon}}},
		{"list accepted received", List{Kind: core.ListReceived, Statuses: []core.Status{core.StatusAccepted}}},
		{"list given open", List{Kind: core.ListGiven, Statuses: []core.Status{core.StatusOpen}}},

		// people
		{"profile", Profile{}},
		{"profile @alice", Profile{Who: refp("", "alice")}},
		{"profile <@U1|alice>", Profile{Who: refp("U1", "alice")}},
		{"profile set tags Branding, #web-dev print", ProfileSet{Field: "tags", Values: []string{"branding", "web-dev", "print"}}},
		{"profile tags branding", ProfileSet{Field: "tags", Values: []string{"branding"}}},
		{"profile set services brand identity & packaging", ProfileSet{Field: "services", Values: []string{"brand identity & packaging"}}},
		{`profile set triggers "our logo looks dated" “we need a website”`, ProfileSet{Field: "triggers",
			Values: []string{"our logo looks dated", "we need a website"}}},
		{"profile triggers logo looks dated; need a website | rebrand", ProfileSet{Field: "triggers",
			Values: []string{"logo looks dated", "need a website", "rebrand"}}},
		{"profile set billing fixed", ProfileSet{Field: "billing", Values: []string{"fixed"}}},
		{"profile set billing fixed min 2k", ProfileSet{Field: "billing", Values: []string{"fixed"}, MinBudget: money(200000, "")}},
		{"profile set min-budget €1,500", ProfileSet{Field: "min-budget", Values: []string{"€1,500"}, MinBudget: money(150000, "EUR")}},
		{"profile min budget 2k", ProfileSet{Field: "min-budget", Values: []string{"2k"}, MinBudget: money(200000, "")}},
		{"profile set links <https://a.io|a.io>, https://b.io", ProfileSet{Field: "links", Values: []string{"https://a.io", "https://b.io"}}},
		{"profile set contact <mailto:a@b.io|a@b.io> or DM", ProfileSet{Field: "contact", Values: []string{"a@b.io or DM"}}},
		{"profile tz Europe/Berlin", ProfileSet{Field: "timezone", Values: []string{"Europe/Berlin"}}},
		{"profile set availability Busy", ProfileSet{Field: "availability", Values: []string{"busy"}}},
		{"profile set niche none", ProfileSet{Field: "niche", Clear: true}},
		{"who bookkeeping for a small bakery #tax", Who{Need: "bookkeeping for a small bakery", Tags: []string{"tax"}}},
		{"who #branding", Who{Tags: []string{"branding"}}},
		{"touch @alice coffee talked Q3", Touch{Partner: ref("", "alice"), Kind: core.TouchCoffee, Note: "talked Q3"}},
		{"touch <@U1> content", Touch{Partner: ref("U1", ""), Kind: core.TouchContent}},
		{"touch @alice shared content the guide", Touch{Partner: ref("", "alice"), Kind: core.TouchContent, Note: "the guide"}},
		{"touch @alice shared-content", Touch{Partner: ref("", "alice"), Kind: core.TouchContent}},
		{"buddy @dana @alice", Buddy{Newcomer: ref("", "dana"), Mentor: ref("", "alice")}},

		// numbers
		{"stats", Stats{}},
		{"stats me quarter", Stats{Period: "quarter"}},
		{"stats network 2026-Q3", Stats{Network: true, Period: "2026-Q3"}},
		{"stats <@U7> 30d", Stats{Who: refp("U7", ""), Period: "30d"}},
		{"stats last-quarter", Stats{Period: "last-quarter"}},
		{"stat", Stats{}},

		// admin
		{"mute", Reminders{Mute: ptr(true)}},
		{"unmute", Reminders{Mute: ptr(false)}},
		{"reminders off", Reminders{Mute: ptr(true)}},
		{"reminders ON", Reminders{Mute: ptr(false)}},
		{"reminders 14", Reminders{Cadence: 14}},
		{"cadence 30d", Reminders{Cadence: 30}},
		{"reminders default", Reminders{Cadence: -1}},
		{"undelivered", Undelivered{}},
		{"failures retry", Undelivered{Retry: true}},
		{"export", Export{}},
		{"forget", Forget{}},
		{"forget confirm", Forget{Confirm: true}},
		{"config", Config{}},
		{"config channel #referrals", Config{Key: "channel", Args: []string{"#referrals"}}},
		{"config tz Europe/Berlin", Config{Key: "timezone", Args: []string{"Europe/Berlin"}}},
		{"config quiet 20-8", Config{Key: "quiet", Args: []string{"20-8"}}},
		{"config fee 10%", Config{Key: "fee", Args: []string{"10%"}}},
		{"config admin <@U5|erin>", Config{Key: "admin", Args: []string{"<@U5|erin>"}, Member: refp("U5", "erin")}},
		{`config schedule weekly-digest "0 9 * * MON"`, Config{Key: "schedule", Args: []string{"weekly-digest", `"0`, "9", "*", "*", `MON"`}}},
	}
	for _, c := range cases {
		got, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parse(%q)\n got  %#v\n want %#v", c.in, got, c.want)
		}
	}
}

func TestParse_MentionForms(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]core.MemberRef{
		"<@U123>":       {UserID: "U123"},
		"<@U123|alice>": {UserID: "U123", Name: "alice"},
		"<@W123|alice>": {UserID: "W123", Name: "alice"},
		"<@123>":        {UserID: "123"},
		"<@!123>":       {UserID: "123"},
		"@alice":        {Name: "alice"},
		"@alice.smith":  {Name: "alice.smith"},
		"@José":         {Name: "José"},
		"@alice,":       {Name: "alice"},
	} {
		cmd := mustParse(t, "touch "+in+" coffee")
		if got := cmd.(Touch).Partner; got != want {
			t.Errorf("mention %q = %+v, want %+v", in, got, want)
		}
		cmd = mustParse(t, in+" Acme — site")
		if got := cmd.(Refer).To; got != want {
			t.Errorf("refer to %q = %+v, want %+v", in, got, want)
		}
	}
}

func TestParse_DashForms(t *testing.T) {
	t.Parallel()
	for _, sep := range []string{" — ", "—", " – ", "–", " -- ", "--", " - ", " ― "} {
		in := "@bob Acme Corp" + sep + "new site"
		cmd := mustParse(t, in)
		r := cmd.(Refer)
		if r.ClientName != "Acme Corp" || r.Need != "new site" {
			t.Errorf("%q: client %q need %q", in, r.ClientName, r.Need)
		}
	}
	// A hyphen inside a word or a phone number is not a separator.
	r := mustParse(t, "@bob Smith-Jones 555-123-4567 consent - site").(Refer)
	if r.ClientName != "Smith-Jones" || r.Contact != "555-123-4567" || r.Need != "site" {
		t.Errorf("got %+v", r)
	}
	// Nor is a dash inside brackets.
	r = mustParse(t, "@bob Acme [call — after 5] consent — site").(Refer)
	if r.Contact != "call — after 5" || r.Need != "site" {
		t.Errorf("got %+v", r)
	}
}

func TestParse_UnwrapsSlackContactFormatting(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"<mailto:jane@acme.com|jane@acme.com>":   "jane@acme.com",
		"<mailto:jane@acme.com>":                 "jane@acme.com",
		"[<mailto:jane@acme.com|jane@acme.com>]": "jane@acme.com",
		"<https://acme.com|acme.com>":            "https://acme.com",
		"<tel:+15551234567|+1 555 123 4567>":     "+1 555 123 4567",
		"jane@acme.com,":                         "jane@acme.com",
		"www.acme.com":                           "www.acme.com",
	}
	for contact, want := range cases {
		in := "<@U1|bob> Jane " + contact + " consent — site"
		r := mustParse(t, in).(Refer)
		if r.Contact != want || !r.Consent || r.ClientName != "Jane" {
			t.Errorf("%q: got contact %q consent %v client %q, want %q", in, r.Contact, r.Consent, r.ClientName, want)
		}
	}
}

func TestParse_HygieneStripsInvisiblesAndCollapsesSpace(t *testing.T) {
	t.Parallel()
	in := "\u200bcl\u200baim\u00a0\u00a0R-1042\ufeff\n"
	if got := mustParse(t, in); got != (Claim{Code: 1042}) {
		t.Errorf("got %#v", got)
	}
	r := mustParse(t, "@bob   Acme\t\tCorp \u202e— new\n\nsite 👩\u200d💻").(Refer)
	if r.ClientName != "Acme Corp" || r.Need != "new site 👩\u200d💻" {
		t.Errorf("got %+v", r)
	}
	if _, err := Parse("won R-1 \xff\xfe 4800"); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("invalid UTF-8: %v", err)
	}
	// A whole line with the command name is fine too (console).
	if got := mustParse(t, "/refer claim 7"); got != (Claim{Code: 7}) {
		t.Errorf("got %#v", got)
	}
}

func TestParse_RejectsBadInputWithTheLineToType(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		message string // substring of Message
		hint    string // substring of Hint
	}{
		{"claim", "Which referral?", "Type: `/refer claim R-1042`"},
		{"claim R-x", "`R-x` is not a referral code", "/refer claim R-1042"},
		{"claim R-0", "not a referral code", "/refer claim"},
		{"claim R-1042 please", "takes only the referral code", "/refer claim R-1042"},
		{"accept", "Which referral?", "/refer accept R-1042"},
		{"show abc", "not a referral code", "/refer show R-1042"},
		{"interested", "Which referral?", "/refer interested R-1042"},
		{"decline R-1077", "Say why", "Type: `/refer decline R-1077 <reason>` — e.g. `/refer decline R-1077 fully booked until March`"},
		{"decline", "Which referral?", "/refer decline R-1042 <reason>"},
		{"pick R-1042", "Name the member", "/refer pick R-1042 @member"},
		{"pick R-1042 bob", "with @", "/refer pick R-1042 @member"},
		{"pick @bob", "Start with the referral's code", "/refer pick R-1042 @member"},
		{"status R-1042", "Which stage?", "/refer status R-1042 contacted|meeting|proposal"},
		{"status R-1042 meting", "did you mean `meeting`", "/refer status"},
		{"status R-1042 won", "What was the deal worth?", "/refer won R-1042 <value>"},
		{"status R-1042 lost", "Say why it was lost", "/refer lost R-1042 <reason>"},
		{"won R-1042", "What was the deal worth?", "/refer won R-1042 <value> [note]"},
		{"won R-1042 lots", "`lots` is not an amount", "/refer won R-1042 <value>"},
		{"won R-1042 0", "more than zero", "/refer won"},
		{"won R-1042 -5", "negative", "positive amount"},
		{"won R-1026 1 000,50", "1,000.50 or 100,050", "Type 1000.50 or 100050"},
		{"won R-1026 5.000", "5 or 5,000", "Type 5 or 5000"},
		{"won R-1026 1,2,3", "123", "Type 123"},
		{"won R-1026 1.000,50 EUR", "1,000.50 or 100,050", "Type 1000.50 or 100050"},
		{"won R-1026 4800 XYZ", `"XYZ" is not a currency code`, "ISO 4217"},
		{"won R-1026 4,800 EUO signed", `"EUO" is not a currency code`, "ISO 4217"},
		{"@bob Acme — site ~5k EUO", `"EUO" is not a currency code`, "ISO 4217"},
		{"won 5000 R-1010", "code first", "Type: `/refer won R-1010 5000`"},
		{"won 5k EUR R-1010 signed", "code first", "Type: `/refer won R-1010 5k EUR signed`"},
		{"status meeting R-1010", "code first", "Type: `/refer status R-1010 meeting`"},
		{"lost went with a cheaper quote R-1010", "code first", "Type: `/refer lost R-1010 went with a cheaper quote`"},
		{"won @bob 4800", "Start with the referral's code", "/refer won"},
		{"lost R-1042", "Say why it was lost", "/refer lost R-1042 <reason>"},
		{"feedback R-1042", "from 1 to 5", "/refer feedback R-1042 <1-5>"},
		{"feedback R-1042 7 great", "from 1 to 5, not `7`", "/refer feedback"},
		{"thanks", "Which referral?", "/refer thanks R-1042 [message]"},
		{"list banana", "I can't list `banana`", "/refer list [given|received|open|mine|all]"},
		{"list recieved", "did you mean `received`", "/refer list"},
		{"list given received", "one kind at a time", "/refer list"},
		{"won R-1042 `rm`", "`'rm'` is not an amount", "/refer won"},
		{"profile set", "Which field?", "/refer profile set <field> <value>"},
		{"profile set colour red", "no field `colour`", "/refer profile set"},
		{"profile set nich bakeries", "did you mean `niche`", "/refer profile"},
		{"profile set tags", "What should your tags be?", "none"},
		{"profile set billing weekly", "hourly, fixed or retainer", "profile set billing fixed min 2k"},
		{"profile set billing fixed min lots", "not a minimum budget", "profile set billing"},
		{"profile set min-budget lots", "not an amount", "profile set min-budget"},
		{"profile set min-budget 4,80", "4.80 or 480", "Type 4.80 or 480"},
		{"profile set billing fixed min 5.000", "5 or 5,000", "Type 5 or 5000"},
		{"profile set availability sleepy", "open, busy or paused", "profile set availability"},
		{"profile set timezone Europe / Berlin", "one name", "profile set timezone"},
		{"profile @alice extra", "name only them", "/refer profile @member"},
		{"profile <!here>", "is a group", "/refer profile"},
		{"who", "what the client needs", "/refer who <need> [#tags]"},
		{"touch", "Name the partner", "/refer touch @partner"},
		{"touch @alice", "What kind of touchpoint", "/refer touch @partner coffee|call|shared-content|intro|meeting"},
		{"touch @alice cofee", "did you mean `coffee`", "/refer touch"},
		{"touch alice coffee", "with @", "/refer touch"},
		{"touch <@&123> coffee", "is a group", "/refer touch"},
		{"touch @here coffee", "is a group", "/refer touch"},
		{"buddy @dana", "Name the mentor", "/refer buddy @newcomer @mentor"},
		{"buddy @dana @dana", "own buddy", "/refer buddy"},
		{"stats @a @b", "one member's figures", "/refer stats"},
		{"config colour red", "no setting `colour`", "/refer config <key> <value>"},
		{"config chanel #x", "did you mean `channel`", "/refer config"},
		{"config fee", "What should fee be?", "/refer config fee 10%"},
		{"config admin bob", "Name one member", "/refer config admin @alice"},
		{"config remove", "Name one member", "/refer config remove @mallory"},
		{"config schedule weekly-digest", "job and its schedule", "/refer config schedule"},
		{"reminders", "Say off, on", "/refer reminders off|on|<days>|default"},
		{"reminders 0", "from 1 to 365", "/refer reminders"},
		{"cadence often", "isn't off, on", "/refer reminders"},
		{"undelivered all", "only the word retry", "/refer undelivered [retry]"},
		{"export now", "takes nothing", "/refer export"},
		{"forget everything", "only the word confirm", "/refer forget [confirm]"},
		{"help xyzzy", "There's no `/refer xyzzy`", "/refer help"},
		{"help clam", "There's no", "/refer help claim"},

		// direct referrals
		{"@bob", "who the client is", "/refer @partner <client name>"},
		{"@bob Acme needs a website", "Put a dash", "/refer @partner <client name> [contact consent] — <need>"},
		{"@bob — website", "Name the client before the dash", "/refer @partner"},
		{"@bob Acme —", "what the client needs", "/refer @partner"},
		{"@bob Acme — #branding ~5k hot", "what the client needs", "/refer @partner"},
		{"@bob jane@acme.com consent — site", "Name the client too", "/refer @partner"},
		{"@bob Acme jane@acme.com — site", "once they agreed", "add `consent` after the contact"},
		{"@bob Acme jane@acme.com — site", "`jane@acme.com`", "leave the contact out: `/refer @alice Acme Bakery — new logo`"},
		{"@bob Acme <mailto:j@a.io|j@a.io> — site", "`j@a.io`", "consent"},
		{"@bob Acme +1 555 123 4567 — site", "`+1 555 123 4567`", "consent"},
		{"@bob Acme (the bakery) — site", "`the bakery`", "consent"},
		{"@bob Acme — site ~lots", "`~lots` is not an amount", "/refer @partner"},
		{"@bob Acme — site ~ 5000", "right after the ~", "/refer @partner"},
		{"@bob Acme — site ~0", "more than zero", "/refer @partner"},
		{"@bob Acme — site ~-5", "negative", "positive amount"},
		{"@bob Acme — site ~5.000", "5 or 5,000", "Type 5 or 5000"},
		{"@bob Acme — site ~5k ~6k", "one estimated value", "/refer @partner"},
		{"@bob Acme — site hot cold", "Pick one", "/refer @partner"},
		{"@bob Acme — call jane@acme.com", "can't hold contact details", "before the dash"},
		{"@bob Acme — call +1 555 123 4567", "can't hold contact details", "consent"},
		{"<@&99> Acme — site", "is a group", "/refer @partner"},
		{"<!channel> Acme — site", "is a group", "/refer @partner"},
		{"bob Acme — site", "start with the partner's @mention", "If bob is the partner, type: `/refer @bob Acme — site`"},
		{"sta R-1", "I don't know", "`/refer status R-1` or `/refer stats R-1`"},

		// leads
		{"lead", "Describe the work", "/refer lead"},
		{"lead #tax ~2k", "Describe the work", "/refer lead"},
		{"lead Acme jane@acme.com — books", "once they agreed", "/refer lead Acme Bakery jane@acmebakery.com consent"},
		{"lead Acme — ", "what the client needs", "/refer lead"},
		{"lead books expires 400d", "1 to 365 days", "/refer lead"},
		{"lead books expires 0d", "1 to 365 days", "/refer lead"},
		{"lead books expires 7x", "not a number of days", "/refer lead"},
		{"lead books expires 3d expires 4d", "one expiry", "/refer lead"},
		{"lead email jane@acme.com about books", "can't hold contact details", "/refer lead Acme Bakery"},

		// unknown subcommands
		{"cliam R-1042", "I don't know `/refer cliam`", "Did you mean `/refer claim R-1042`"},
		{"@bob Acme ~5k — site ~6k", "one estimated value", "/refer @partner"},
		{"feedbak R-1 5", "I don't know", "/refer feedback R-1 5"},
		{"frobnicate", "I don't know `/refer frobnicate`", "Type `/refer help`"},
		{"R-1042", "What should I do with R-1042?", "/refer show R-1042"},

		// hygiene
		{strings.Repeat("a ", 2001), "too long", "/refer help"},
		{strings.Repeat("é", 4001), "too long", "Shorten"},
	}
	for _, c := range cases {
		cmd, err := Parse(c.in)
		if err == nil {
			t.Errorf("Parse(%q) = %#v, want an error", c.in, cmd)
			continue
		}
		var e *core.Error
		if !errors.As(err, &e) || e.Code != core.EINVALID {
			t.Errorf("Parse(%q) error %v is not EINVALID", c.in, err)
			continue
		}
		if !strings.Contains(e.Message, c.message) {
			t.Errorf("Parse(%q) message %q, want it to contain %q", c.in, e.Message, c.message)
		}
		if !strings.Contains(e.Hint, c.hint) {
			t.Errorf("Parse(%q) hint %q, want it to contain %q", c.in, e.Hint, c.hint)
		}
	}
}

func TestParse_ErrorsCarryTheMembersOwnCode(t *testing.T) {
	t.Parallel()
	_, err := Parse("won r77 abc")
	var e *core.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(e.Hint, "/refer won R-77 <value>") || strings.Contains(e.Hint, "R-1042") {
		t.Errorf("hint %q", e.Hint)
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	all := Usage("")
	for _, g := range groups {
		if !strings.Contains(all, "*"+g+"*") {
			t.Errorf("overall help lacks group %q", g)
		}
	}
	for _, name := range Subcommands() {
		u := Usage(name)
		if u == "" {
			t.Errorf("Usage(%q) is empty", name)
			continue
		}
		if name != "help" && name != "refer" && !strings.Contains(all, "/refer "+name) {
			t.Errorf("overall help does not mention /refer %s", name)
		}
		if !strings.Contains(u, "e.g.") {
			t.Errorf("Usage(%q) has no example", name)
		}
		// Every example in the help must itself parse.
		for _, f := range lookup(name).forms {
			if _, err := Parse(f.example); err != nil {
				t.Errorf("example %q of %s does not parse: %v", f.example, name, err)
			}
		}
	}
	if Usage("WON") != Usage("won") || Usage("thank") != Usage("thanks") || Usage("/refer won") != Usage("won") {
		t.Error("Usage should accept aliases, any case and a /refer prefix")
	}
	if Usage("@alice") != Usage("refer") {
		t.Error("Usage(@alice) should explain direct referrals")
	}
	if Usage("nonsense") != "" {
		t.Error("Usage of an unknown name should be empty")
	}
	if !strings.Contains(Usage("won"), "/refer won R-1042 <value> [note]") {
		t.Errorf("Usage(won) = %q", Usage("won"))
	}
}

func TestParse_EveryCommandNameHasUsage(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "@a X — y", "lead y", "claim 1", "hand 1", "pick 1 @a", "accept 1",
		"decline 1 x", "status 1 meeting", "won 1 5", "lost 1 x", "thanks 1", "feedback 1 5", "show 1",
		"list", "profile", "profile set niche x", "who x", "touch @a call", "buddy @a @b", "stats",
		"reminders off", "undelivered", "export", "forget", "config"} {
		cmd := mustParse(t, in)
		if Usage(cmd.Name()) == "" {
			t.Errorf("%T: Usage(%q) is empty", cmd, cmd.Name())
		}
	}
}

// TestParse_EverySubcommandHasAParser keeps the dispatch table and the
// usage table naming the same subcommands.
func TestParse_EverySubcommandHasAParser(t *testing.T) {
	t.Parallel()
	names := Subcommands()
	for _, n := range names {
		if subparsers[n] == nil {
			t.Errorf("subcommand %q has usage but no parser", n)
		}
	}
	for n := range subparsers {
		if !slices.Contains(names, n) {
			t.Errorf("parser %q has no usage", n)
		}
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"cliam": "claim", "acept": "accept", "feedbak": "feedback",
		"profil": "profile", "tuoch": "touch", "thansk": "thanks", "lsit": "list"} {
		got := suggest(in, allNames)
		if len(got) == 0 || got[0] != want {
			t.Errorf("suggest(%q) = %v, want %s first", in, got, want)
		}
	}
	if got := suggest("xylophone", allNames); got != nil {
		t.Errorf("suggest(xylophone) = %v", got)
	}
}

func ptr[T any](v T) *T { return &v }
