package core_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/jackc/pgx/v5"
)

// goClientKeys is how clients were told apart before migration 023 moved
// it into SQL (client_keys): kept here as the definition the SQL must
// keep. A client's name, in lower case, split into words of letters and
// digits, without a trailing legal form or a leading "the"; each of its
// contacts — an e-mail in lower case, a phone number's digits, a link
// without its scheme or "www.".
func goClientKeys(name, contact string) []string {
	var keys []string
	words := strings.FieldsFunc(strings.ToLower(name), func(c rune) bool {
		return !unicode.IsLetter(c) && !unicode.IsDigit(c)
	})
	for len(words) > 1 && goLegalForms[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	if len(words) > 1 && words[0] == "the" {
		words = words[1:]
	}
	if len(words) > 0 {
		keys = append(keys, "name:"+strings.Join(words, " "))
	}
	for part := range strings.FieldsFuncSeq(contact, func(c rune) bool { return c == ',' || c == ';' }) {
		if k := goContactKey(part); k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

var goLegalForms = map[string]bool{
	"inc": true, "incorporated": true, "ltd": true, "limited": true, "llc": true, "llp": true, "plc": true,
	"corp": true, "corporation": true, "co": true, "company": true, "gmbh": true, "ag": true, "kg": true,
	"sa": true, "sas": true, "sarl": true, "srl": true, "spa": true, "bv": true, "nv": true, "oy": true, "ab": true,
}

func goContactKey(s string) string {
	s = strings.ToLower(strings.Trim(strings.TrimSpace(s), "[]()<>"))
	s = strings.TrimPrefix(s, "mailto:")
	digits := strings.Map(func(c rune) rune {
		if c >= '0' && c <= '9' {
			return c
		}
		return -1
	}, s)
	switch {
	case s == "":
		return ""
	case strings.Contains(s, "@") && !strings.ContainsAny(s, " /"):
		return "mail:" + s
	case len(digits) >= 6 && strings.Trim(s, "0123456789 +-.()/") == "":
		return "tel:" + digits
	}
	for _, p := range []string{"https://", "http://", "www."} {
		s = strings.TrimPrefix(s, p)
	}
	return "contact:" + strings.TrimSuffix(strings.Join(strings.Fields(s), " "), "/")
}

// sqlClientKeys asks the database's client_keys for each pair at once.
func sqlClientKeys(t testing.TB, url string, names, contacts []string) [][]string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `
		SELECT client_keys(u.name, u.contact) FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u (name, contact, i)
		ORDER BY u.i`, names, contacts)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[[]string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestClientKeys_SQLIsGosNormalisation checks migration 023's client_keys
// against the Go definition: every code point (PostgreSQL stores all but
// NUL and surrogates) as a letter or not, a space or not, in lower case or
// not, in names and in contacts; the corner cases of each rule; and random
// names and contacts made of what the rules look at.
func TestClientKeys_SQLIsGosNormalisation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var names, contacts []string
	add := func(name, contact string) {
		names, contacts = append(names, name), append(contacts, contact)
	}
	// Every code point, a chunk at a time, between letters: in a name it
	// is a word's letter (folded as Go folds it) or splits two words; in a
	// contact it is kept (folded) or is a space.
	var chunk strings.Builder
	for r := rune(1); r <= unicode.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF || r == ',' || r == ';' {
			continue
		}
		chunk.WriteString("x" + string(r))
		if chunk.Len() > 4000 || r == unicode.MaxRune {
			add(chunk.String()+"x", "q"+chunk.String()+"q")
			chunk.Reset()
		}
	}
	for _, c := range [][2]string{
		{"", ""}, {"Acme Inc.", ""}, {"ACME", "acme@x.example"}, {"acme, inc", ""}, {"The Acme Co", ""},
		{"The", ""}, {"Inc", ""}, {"The Inc", ""}, {"the the", ""}, {"Acme Corp Ltd. GmbH", ""}, {"Ltd Acme", ""},
		{"  --  ", ""}, {"Café MÜLLER GmbH", "İstanbul"}, {"ΣΊΣΥΦΟΣ ΑΕ", ""}, {"Straße", "STRASSE"}, {"Ǆemal", "ǅ"},
		{"x", " <Jane@ACME.example> ; mailto:X@y.z, +1 (555) 123-4567, https://www.Acme.com/ , [ ]"},
		{"x", "< a@b.c >"}, {"x", "mailto:"}, {"x", "https://"}, {"x", "/"}, {"x", "http://https://x.example//"},
		{"x", "www.x.example/a b/"}, {"x", "12345"}, {"x", "123456"}, {"x", "+44 20 7946 0958 ext. 2"},
		{"x", "(020) 7946-0958"}, {"x", "a@b c"}, {"x", "a@b/c"}, {"x", "a\u00a0@b"}, {"x", "\u3000a@b.c\u2028"},
		{"x", ",,;;, ,"}, {"x", "Ｊａｎｅ＠ｅｘａｍｐｌｅ"}, {"x", "tel:+1 555 123 4567"}, {"x", "[(<x>)]"},
	} {
		add(c[0], c[1])
	}
	rng := rand.New(rand.NewPCG(23, 1))
	alphabet := []string{"a", "B", "z", "0", "7", " ", "  ", ".", ",", ";", "-", "/", "@", "+", "(", ")", "[", "]", "<", ">",
		"é", "É", "İ", "ı", "ß", "Σ", "ς", "Ж", "ǅ", "Ⅸ", "K", "١", "²", "\u00a0", "\u2003", "\t", "\n", "'", "&",
		"inc", "Ltd", " the ", "The ", " co", "mailto:", "https://", "http://", "www.", "example.com", "@x.y", "555 12 34"}
	word := func() string {
		var s strings.Builder
		for range rng.IntN(8) {
			s.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return s.String()
	}
	for range 3000 {
		add(word(), word())
	}
	got := sqlClientKeys(t, b.url, names, contacts)
	bad := 0
	for i := range names {
		want := goClientKeys(names[i], contacts[i])
		if !slices.Equal(got[i], want) && !(len(got[i]) == 0 && len(want) == 0) {
			if bad++; bad <= 10 {
				t.Errorf("client_keys(%q, %q)\n got  %q\n want %q", trim(names[i]), trim(contacts[i]), trim(fmt.Sprint(got[i])), trim(fmt.Sprint(want)))
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d differ: Go's Unicode tables and migration 023's disagree; a new migration must bring client_keys to Go's", bad, len(names))
	}
}

func trim(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
