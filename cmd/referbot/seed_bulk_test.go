package main

import (
	"strings"
	"testing"
)

func TestParseSeedArgs_FlagsSelectTheBulkSeederDemoTheDemo(t *testing.T) {
	t.Parallel()
	if _, demo, err := parseSeedArgs([]string{"demo"}); err != nil || !demo {
		t.Errorf("seed demo: demo %v, err %v; want the demo", demo, err)
	}
	spec, demo, err := parseSeedArgs([]string{"--workspaces", "113", "--members", "3400", "--referrals", "100000", "--seed", "9"})
	if err != nil || demo {
		t.Fatalf("seed --workspaces ...: demo %v, err %v", demo, err)
	}
	if spec.Workspaces != 113 || spec.Members != 3400 || spec.Referrals != 100000 || spec.Seed != 9 || spec.Years != 2 {
		t.Errorf("spec %+v, want 113/3400/100000, seed 9, 2 years", spec)
	}
	if spec, _, _ := parseSeedArgs([]string{"--referrals", "10"}); spec.Workspaces != 3 || spec.Members != 200 {
		t.Errorf("unset flags: %+v, want the CI default of 3 workspaces and 200 members", spec)
	}
}

func TestParseSeedArgs_BadInputSaysWhatToType(t *testing.T) {
	t.Parallel()
	for args, want := range map[string]string{
		"":                            "seed demo",
		"--workspaces 10 --members 5": "--members 20",
		"--workspaces 0":              "--workspaces 3",
		"--referrals -1":              "--referrals 5000",
		"--years 0":                   "--years 2",
		"--members lots":              "--members",
		"extra":                       "seed demo",
		"--workspaces 3 demo":         `unexpected "demo"`,
		"--outbox-days -5":            "--outbox-days 90",
	} {
		_, _, err := parseSeedArgs(strings.Fields(args))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("seed %s: %v, want an error mentioning %q", args, err, want)
		}
	}
}
