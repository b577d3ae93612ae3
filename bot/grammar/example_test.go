package grammar_test

import (
	"errors"
	"fmt"

	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/core"
)

// A direct referral: the partner's mention, the client (with a contact the
// client agreed to share), a dash, the need, and options at the end. An
// amount without a currency is in the network's currency, which core knows.
func ExampleParse() {
	cmd, err := grammar.Parse("@alice Acme Bakery jane@acmebakery.com consent — new logo and menu #branding ~3k hot")
	if err != nil {
		fmt.Println(err)
		return
	}
	r := cmd.(grammar.Refer)
	fmt.Println(cmd.Name(), "to", r.To)
	fmt.Printf("client %q, contact %q, consent %v\n", r.ClientName, r.Contact, r.Consent)
	fmt.Printf("need %q, tags %q\n", r.Need, r.Tags)
	fmt.Println("estimate", r.Estimate.Plain(), "temperature", r.Temperature)
	// Output:
	// refer to @alice
	// client "Acme Bakery", contact "jane@acmebakery.com", consent true
	// need "new logo and menu", tags ["branding"]
	// estimate 3000 temperature hot
}

// Slack sends a mention as <@U123|alice>; adapters pass the text through
// untouched and the grammar reads the member's id and name.
func ExampleParse_slackMention() {
	cmd, _ := grammar.Parse("<@U123|alice> Acme Bakery — new logo")
	r := cmd.(grammar.Refer)
	fmt.Printf("id %s, name %s\n", r.To.UserID, r.To.Name)
	// Output:
	// id U123, name alice
}

// An open lead for the channel: the client part is optional, and a lead
// may say how long it stays open.
func ExampleParse_lead() {
	cmd, _ := grammar.Parse("lead bookkeeping for a 3-person bakery #tax ~2k warm expires 5d")
	l := cmd.(grammar.Lead)
	fmt.Printf("need %q, tags %q\n", l.Need, l.Tags)
	fmt.Println("estimate", l.Estimate.Plain(), "temperature", l.Temperature, "open for", l.ExpiryDays, "days")
	// Output:
	// need "bookkeeping for a 3-person bakery", tags ["tax"]
	// estimate 2000 temperature warm open for 5 days
}

// Closing a referral as won: the code, then the deal's value (here with a
// currency), then an optional note.
func ExampleParse_won() {
	cmd, _ := grammar.Parse("won R-1042 4.8k EUR logo and website")
	w := cmd.(grammar.Won)
	fmt.Println(w.Code, w.Value, w.Note)
	// Output:
	// R-1042 EUR 4,800 logo and website
}

// An amount that could be read two ways is refused, not guessed: the
// error says what is wrong, and its hint says what to type instead.
func ExampleParse_ambiguousAmount() {
	_, err := grammar.Parse("won R-1042 4.800")
	var e *core.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code == core.EINVALID)
		fmt.Println(e.Message)
		fmt.Println(e.Hint)
	}
	// Output:
	// true
	// I can't tell which amount "4.800" is: 4.80 or 4,800?
	// Type 4.80 or 4800. I read a dot only as the decimal point (1,000.50) and a comma or a space only between thousands (5,000 or 5 000).
}

// A client's contact details are kept only with their consent; without
// it, the hint shows both ways to go on.
func ExampleParse_contactWithoutConsent() {
	_, err := grammar.Parse("lead Acme jane@acme.com — bookkeeping")
	var e *core.Error
	if errors.As(err, &e) {
		fmt.Println(e.Message)
		fmt.Println(e.Hint)
	}
	// Output:
	// I only keep a client's contact details (`jane@acme.com`) once they agreed to the introduction.
	// If they agreed, add `consent` after the contact: `/refer lead Acme Bakery jane@acmebakery.com consent — bookkeeping`
	// If not, leave the contact out: `/refer lead bookkeeping for a bakery`
}

// A mistyped subcommand is answered with the nearest one, keeping what
// followed it.
func ExampleParse_typo() {
	_, err := grammar.Parse("cliam R-1042")
	fmt.Println(err)
	// Output:
	// I don't know `/refer cliam`. Did you mean `/refer claim R-1042`? Type `/refer help` to see every command.
}

// Usage is the help text of one subcommand, by name or alias.
func ExampleUsage() {
	fmt.Println(grammar.Usage("thx"))
	// Output:
	// */refer thanks R-1042 [message]*
	// Thank whoever referred the client, publicly in the channel; it counts as a touchpoint and credits them.
	// e.g. `/refer thanks R-1042 Acme signed for a full rebrand — thank you!`
	// Also: `thank`, `thx`, `ty`
}
