package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyDirection keeps the house's one direction of travel:
// cmd → adapters → bot → core ← core/postgres.
func TestDependencyDirection(t *testing.T) {
	t.Parallel()
	const mod = "github.com/referbot/referbot/"
	forbidden := map[string][]string{
		"core":             {"core/postgres", "bot", "adapters", "cmd", "internal", "migrations"},
		"core/postgres":    {"bot", "adapters", "cmd"},
		"bot":              {"core/postgres", "adapters", "cmd", "internal", "migrations"},
		"bot/grammar":      {"core/postgres", "adapters", "cmd", "internal", "migrations"},
		"adapters/console": {"core/postgres", "cmd", "internal", "migrations", "adapters/slack", "adapters/discord", "adapters/web"},
		"adapters/discord": {"core/postgres", "cmd", "internal", "migrations", "adapters/console", "adapters/slack", "adapters/web"},
		"adapters/slack":   {"core/postgres", "cmd", "internal", "migrations", "adapters/console", "adapters/discord", "adapters/web"},
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command("go", "list", "-deps", mod+pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			rel, ok := strings.CutPrefix(dep, mod)
			if !ok {
				if pkg == "core" && strings.Contains(dep, ".") {
					t.Errorf("core imports %s: core may use the standard library only", dep)
				}
				continue
			}
			for _, b := range bad {
				if rel == b || strings.HasPrefix(rel, b+"/") {
					t.Errorf("%s imports %s, against the dependency direction", pkg, rel)
				}
			}
		}
	}
}
