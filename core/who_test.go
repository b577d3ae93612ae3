package core_test

import (
	"context"
	"strings"
	"testing"

	"github.com/referbot/referbot/core"
)

func TestWho_ReasonsAreWholePhrasesAndAPausedOnlyMatchIsSaid(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	me, tax := b.join(t, "T1", "me"), b.join(t, "T1", "tax")
	for field, vals := range map[string][]string{
		"services": {"bookkeeping, payroll and tax returns for small creative businesses across Europe and beyond"},
		"tags":     {"tax"},
		"triggers": {"our books are a mess; we got a letter from the tax office"},
	} {
		if _, err := b.svc.SetProfile(ctx, tax, field, vals); err != nil {
			t.Fatal(err)
		}
	}
	ss, err := b.svc.Who(ctx, me, "they got a letter from the tax office about payroll", nil)
	if err != nil || len(ss) != 1 {
		t.Fatalf("who: %v, %v", names(ss), err)
	}
	got := strings.Join(ss[0].Reasons, " | ")
	for _, want := range []string{"#tax", `listens for "we got a letter from the tax office"`, "profile mentions “payroll”, “tax”"} {
		if !strings.Contains(got, want) {
			t.Errorf("reasons %q lack %q", got, want)
		}
	}
	if strings.Contains(got, "for small creative") {
		t.Errorf("reasons quote the services cut off: %q", got)
	}
	// A tag matches whole words only: "syntax" is not "tax".
	if ss, _ := b.svc.Who(ctx, me, "syntax highlighting plugin", nil); len(ss) != 0 {
		t.Errorf("syntax matched %v", names(ss))
	}

	// Paused and the only match: said, not "nobody".
	if _, err := b.svc.SetProfile(ctx, tax, "availability", []string{"paused"}); err != nil {
		t.Fatal(err)
	}
	ss, err = b.svc.Who(ctx, me, "our books are a mess", nil)
	if err != nil || len(ss) != 1 || ss[0].Profile.Availability != core.Paused {
		t.Fatalf("paused only match: %v, %v", names(ss), err)
	}
	// With someone available, the paused member stays out.
	acct := b.join(t, "T1", "acct")
	if _, err := b.svc.SetProfile(ctx, acct, "tags", []string{"bookkeeping"}); err != nil {
		t.Fatal(err)
	}
	if ss, _ := b.svc.Who(ctx, me, "bookkeeping, our books are a mess", nil); len(ss) != 1 || ss[0].Member.DisplayName != "acct" {
		t.Fatalf("with an available match: %v", names(ss))
	}
}
