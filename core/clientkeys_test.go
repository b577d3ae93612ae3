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

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/testenv"
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

// dbConn is a connection to the test's database, straight, outside the
// store; it closes when the test ends.
func dbConn(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// sqlClientKeys asks the database's client_keys for each pair at once.
func sqlClientKeys(t testing.TB, url string, names, contacts []string) [][]string {
	t.Helper()
	rows, err := dbConn(t, url).Query(context.Background(), `
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

// keysDrift counts the stored client keys and key counts, per workspace
// and per referrer and receiver (migration 029), that differ from the
// keys of the referrals as they are now.
func keysDrift(t testing.TB, url string) int {
	t.Helper()
	return testenv.Count(t, url, `
		WITH now_keys AS (
			SELECT DISTINCT r.workspace_id, r.id AS referral_id, u.key
			FROM referrals r CROSS JOIN LATERAL unnest(client_keys(r.client_name, r.client_contact)) AS u (key)
		), now_counts AS (
			SELECT workspace_id, key, count(*) AS n FROM now_keys GROUP BY 1, 2
		), now_pairs AS (
			SELECT k.workspace_id, r.referrer_id, COALESCE(r.receiver_id, 0), k.key, count(*) AS n
			FROM now_keys k JOIN referrals r ON r.workspace_id = k.workspace_id AND r.id = k.referral_id
			GROUP BY 1, 2, 3, 4
		)
		SELECT (SELECT count(*) FROM (
				(SELECT * FROM now_keys EXCEPT SELECT workspace_id, referral_id, key FROM referral_client_keys)
				UNION ALL
				(SELECT workspace_id, referral_id, key FROM referral_client_keys EXCEPT SELECT * FROM now_keys)) x)
			+ (SELECT count(*) FROM (
				(SELECT * FROM now_counts EXCEPT SELECT workspace_id, key, n FROM client_key_counts)
				UNION ALL
				(SELECT workspace_id, key, n FROM client_key_counts EXCEPT SELECT * FROM now_counts)) y)
			+ (SELECT count(*) FROM (
				(SELECT * FROM now_pairs EXCEPT SELECT workspace_id, referrer_id, receiver_id, key, n FROM pair_client_key_counts)
				UNION ALL
				(SELECT workspace_id, referrer_id, receiver_id, key, n FROM pair_client_key_counts EXCEPT SELECT * FROM now_pairs)) z)`)
}

// TestClientKeys_FollowEveryWriteOfAClient: a referral's keys come with
// it, change with its client's name or contact, go when a forgotten
// member's lead loses its contact, and go with it; the counts follow.
func TestClientKeys_FollowEveryWriteOfAClient(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	amy, ben := b.join(t, "T1", "amy"), b.join(t, "T1", "ben")
	keysOf := func(code core.Code) []string {
		t.Helper()
		rows, err := dbConn(t, b.url).Query(ctx, `
			SELECT k.key FROM referral_client_keys k JOIN referrals r ON r.workspace_id = k.workspace_id AND r.id = k.referral_id
			WHERE r.workspace_id = $1 AND r.code = $2 ORDER BY k.key`, amy.Workspace.ID, int64(code))
		if err != nil {
			t.Fatal(err)
		}
		keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return keys
	}
	count := func(key string) int {
		return testenv.Count(t, b.url, `SELECT COALESCE(sum(n), 0) FROM client_key_counts WHERE workspace_id = $1 AND key = $2`,
			amy.Workspace.ID, key)
	}
	lead, err := b.svc.PostLead(ctx, amy, core.LeadInput{ClientName: "Acme Inc.", Contact: "Jane@Acme.example, jane@acme.example",
		Consent: true, Need: "a website for a bakery"})
	if err != nil {
		t.Fatal(err)
	}
	direct, err := b.svc.Refer(ctx, amy, core.ReferInput{To: ref(ben), ClientName: "ACME", Contact: "+1 555 123 4567",
		Consent: true, Need: "a website"})
	if err != nil {
		t.Fatal(err)
	}
	if got := keysOf(lead.Code); !slices.Equal(got, []string{"mail:jane@acme.example", "name:acme"}) {
		t.Errorf("the lead's keys: %q", got)
	}
	if got := keysOf(direct.Code); !slices.Equal(got, []string{"name:acme", "tel:15551234567"}) {
		t.Errorf("the referral's keys: %q", got)
	}
	if count("name:acme") != 2 || count("mail:jane@acme.example") != 1 {
		t.Errorf("counts: name %d, mail %d", count("name:acme"), count("mail:jane@acme.example"))
	}

	if err := testenv.Exec(t, b.url, `UPDATE referrals SET client_name = 'Beta Ltd' WHERE workspace_id = $1 AND code = $2`,
		amy.Workspace.ID, int64(direct.Code)); err != nil {
		t.Fatal(err)
	}
	if got := keysOf(direct.Code); !slices.Equal(got, []string{"name:beta", "tel:15551234567"}) || count("name:acme") != 1 {
		t.Errorf("after a new name: %q, name:acme %d", got, count("name:acme"))
	}

	if err := b.svc.Forget(ctx, amy); err != nil {
		t.Fatal(err)
	}
	if got := keysOf(lead.Code); !slices.Equal(got, []string{"name:acme"}) || count("mail:jane@acme.example") != 0 {
		t.Errorf("a forgotten member's lead keeps %q (mail count %d)", got, count("mail:jane@acme.example"))
	}
	if got := keysOf(direct.Code); len(got) != 2 {
		t.Errorf("a referral ben took keeps its contact, and its keys: %q", got)
	}

	// a referral without a history (events can't be deleted) written and
	// deleted straight in SQL
	if err := testenv.Exec(t, b.url, `INSERT INTO referrals (workspace_id, code, referrer_id, receiver_id, client_name, status,
			created_at, updated_at) VALUES ($1, 9999, $2, $2, 'The Acme Company', 'offered', now(), now())`,
		ben.Workspace.ID, ben.Member.ID); err != nil {
		t.Fatal(err)
	}
	if got := keysOf(9999); !slices.Equal(got, []string{"name:acme"}) || count("name:acme") != 2 {
		t.Errorf("a referral written in SQL: %q, name:acme %d", got, count("name:acme"))
	}
	if err := testenv.Exec(t, b.url, `DELETE FROM referrals WHERE workspace_id = $1 AND code = 9999`, ben.Workspace.ID); err != nil {
		t.Fatal(err)
	}
	if got := keysOf(9999); len(got) != 0 || count("name:acme") != 1 {
		t.Errorf("a deleted referral leaves %q, name:acme %d", got, count("name:acme"))
	}
	if n := keysDrift(t, b.url); n != 0 {
		t.Errorf("%d stored keys or counts differ from the referrals'", n)
	}
}
