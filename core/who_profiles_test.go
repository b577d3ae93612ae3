package core_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

// Who reads only the profiles its need's words can match: on random
// profiles — words in any case, hyphens, punctuation, phrases, letters
// outside ASCII (a Kelvin sign lower-cases to k in Go), tags and triggers
// without a letter — every profile Go's matching scores above zero for a
// random need is among those the narrowed read returns.
func TestProfiled_NarrowedReadKeepsEveryProfileThatMatches(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(7, 15))
	vocab := []string{"tax", "Tax", "TAX", "bookkeeping", "Book-keeping", "small", "bakery", "bakeries", "a", "for",
		"year-end", "year", "end", "syntax", "taxes", "\u212Aitchen", "kitchen", "café", "CAFÉ", "!!", "+", "-", "--",
		"the", "letter", "office", "payroll", "ux", "seo", "b2b", "2026", "q&a", "c++", "état"}
	phrase := func(n int) string {
		var w []string
		for range 1 + rnd.IntN(n) {
			w = append(w, vocab[rnd.IntN(len(vocab))])
		}
		return strings.Join(w, []string{" ", ", ", "; ", "-", "/"}[rnd.IntN(5)])
	}
	var profiles []core.Profile
	var wsID int64
	for i := range 60 {
		c := b.join(t, "T1", "m"+string(rune('a'+i/26))+string(rune('a'+i%26)))
		p := core.Profile{MemberID: c.Member.ID, Services: phrase(6), Niche: phrase(2), Industry: phrase(2),
			Tags: core.NormalizeTags(strings.Fields(phrase(3))), Triggers: []string{phrase(4)}, UpdatedAt: time.Now()}
		if rnd.IntN(3) == 0 {
			p.Triggers = append(p.Triggers, vocab[rnd.IntN(len(vocab))])
		}
		wsID = c.Workspace.ID
		if err := b.db.InTx(ctx, func(tx core.Tx) error { return tx.SaveProfile(ctx, wsID, &p) }); err != nil {
			t.Fatal(err)
		}
		profiles = append(profiles, p)
	}
	narrowed := 0
	for round := range 300 {
		need, tags := phrase(5), strings.Fields(phrase(2))[:rnd.IntN(2)]
		var got []core.Candidate
		if err := b.db.InTx(ctx, func(tx core.Tx) (err error) {
			got, err = tx.Profiled(ctx, wsID, core.ProfileNeedOf(need, core.NormalizeTags(tags)))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(got) < len(profiles) {
			narrowed++
		}
		read := map[int64]bool{}
		for _, c := range got {
			read[c.Member.ID] = true
		}
		for _, p := range profiles {
			if core.MatchScore(need, tags, p) > 0 && !read[p.MemberID] {
				t.Fatalf("round %d: need %q %v matches %+v, which the narrowed read left out", round, need, tags, p)
			}
		}
	}
	if narrowed < 100 {
		t.Errorf("only %d of 300 needs read fewer profiles than all: the narrowing is not exercised", narrowed)
	}
}
