package grammar

import (
	"reflect"
	"strings"
	"testing"

	"github.com/referbot/referbot/core"
)

func TestParse_UndoCorrectAndCoOwner(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Command{
		"undo R-1042":                        Undo{Code: 1042},
		"revert r1042":                       Undo{Code: 1042},
		"correct R-1042 4800":                Correct{Code: 1042, Value: usd(4800)},
		"correct R-1042 4.8k typo":           Correct{Code: 1042, Value: usd(4800), Note: "typo"},
		"correct R-1042 900 EUR per invoice": Correct{Code: 1042, Value: core.Money{Cents: 90000, Currency: "EUR"}, Note: "per invoice"},
		"coowner R-1042 <@U2|carol>":         CoOwner{Code: 1042, Member: refp("U2", "carol")},
		"co-owner <@U2|carol> R-1042":        CoOwner{Code: 1042, Member: refp("U2", "carol")},
		"coowner R-1042 none":                CoOwner{Code: 1042},
		"coowner R-1042 remove":              CoOwner{Code: 1042},
	} {
		if got := mustParse(t, in); !reflect.DeepEqual(got, want) {
			t.Errorf("Parse(%q) = %#v, want %#v", in, got, want)
		}
	}
}

func TestParse_UndoCorrectAndCoOwnerSayWhatToType(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"undo":                    "/refer undo R-1042",
		"undo R-7 now":            "/refer undo R-7",
		"correct R-7":             "/refer correct R-7 <value> [note]",
		"correct R-7 lots":        "/refer correct R-7 <value> [note]",
		"correct R-7 0":           "/refer undo R-7",
		"correct 4800 R-7":        "/refer correct R-7 4800",
		"coowner R-7":             "/refer coowner R-7 @member|none",
		"coowner R-7 carol":       "/refer coowner R-7 @member|none",
		"coowner R-7 <@U1> <@U2>": "/refer coowner R-7 @member|none",
	} {
		_, err := Parse(in)
		if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), want) {
			t.Errorf("Parse(%q): %v; want a hint with %q", in, err, want)
		}
	}
}
