package main

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// rooms says, for every package of the module, which of the module's
// packages it may import: its code on the first line, its tests on the
// second (tests may also use the database and test helpers). Prefixes end
// in "/". The house has one direction of travel:
// cmd → adapters → bot → core ← core/postgres; adapters never import each
// other. A package missing here fails the test, so a new room is placed on
// purpose the day it appears.
var rooms = map[string]struct{ code, tests []string }{
	"core":          {nil, []string{"core/postgres", "internal/", "migrations"}},
	"core/postgres": {[]string{"core", "migrations"}, []string{"internal/"}},
	"migrations":    {nil, []string{"internal/"}},
	"bot/grammar":   {[]string{"core"}, nil},
	"bot":           {[]string{"core", "bot/grammar", "bot/scheduler"}, []string{"core/postgres", "internal/", "migrations"}},
	"bot/scheduler": {[]string{"core"}, []string{"core/postgres", "internal/", "migrations"}},
	"bot/sender":    {[]string{"bot", "core"}, []string{"core/postgres", "internal/", "migrations"}},
	"adapters/console": {[]string{"bot", "bot/grammar", "core"},
		[]string{"bot/sender", "core/postgres", "internal/", "migrations"}},
	"adapters/slack": {[]string{"bot", "bot/grammar", "bot/sender", "core"},
		[]string{"core/postgres", "internal/", "migrations"}},
	"adapters/discord": {[]string{"bot", "bot/grammar", "bot/sender", "core"},
		[]string{"core/postgres", "internal/", "migrations"}},
	"adapters/web": {[]string{"bot", "core"},
		[]string{"core/postgres", "internal/", "migrations"}},
	"cmd/referbot":             {[]string{"adapters/", "bot", "bot/", "core", "core/", "internal/localpg", "migrations"}, []string{"internal/"}},
	"internal/fixture":         {[]string{"core"}, nil},
	"internal/localpg":         {nil, nil},
	"internal/pgtrace":         {nil, nil},
	"internal/pgtest":          {[]string{"internal/localpg"}, nil},
	"internal/tools/withpg":    {[]string{"internal/localpg", "internal/pgtest"}, nil},
	"internal/proccpu":         {nil, nil},
	"internal/tools/loadbench": {[]string{"internal/localpg", "internal/proccpu"}, nil},
	// A tool: times every command through the bot's API and every job
	// through core's service on a seeded database it starts itself.
	"internal/tools/scalebench": {[]string{"bot", "core", "core/postgres", "internal/localpg", "internal/proccpu"}, nil},
	// Test-only: the visibility property test drives the real bot and
	// renders on every platform, so its tests see every room but cmd.
	"internal/privacycheck": {nil, []string{"adapters/", "bot", "bot/", "core", "core/", "internal/", "migrations"}},
	// Test-only: the plan check drives the real bot over a seeded
	// database and EXPLAINs every statement it ran.
	"internal/plancheck": {nil, []string{"bot", "bot/", "core", "core/", "internal/", "migrations"}},
	// Test support: the one harness, imported by tests only. It builds the
	// stack below the adapters and never imports an adapter, whose own
	// tests import it.
	"internal/sqlcheck": {nil, []string{"internal/", "migrations"}},
	"internal/testenv":  {[]string{"bot", "bot/sender", "core", "core/postgres", "internal/fixture", "internal/pgtest", "internal/sqlcheck", "migrations"}, nil},
}

// standardOnly are the rooms that may import nothing outside the module
// but the standard library.
var standardOnly = []string{"core", "bot/grammar"}

// TestDependencyDirection checks every package `go list ./...` finds, and
// its tests, against the allow list in rooms.
func TestDependencyDirection(t *testing.T) {
	t.Parallel()
	const mod = "github.com/referbot/referbot/"
	out, err := exec.Command("go", "list", "-json", mod+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for {
		var p struct {
			ImportPath                         string
			Imports, TestImports, XTestImports []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		seen++
		rel := strings.TrimPrefix(p.ImportPath, mod)
		room, ok := rooms[rel]
		if !ok {
			t.Errorf("%s is not in the rooms table of deps_test.go: say what it may import", rel)
			continue
		}
		check := func(imports, allowed []string, what string) {
			for _, imp := range imports {
				dep, internal := strings.CutPrefix(imp, mod)
				switch {
				case !internal:
					if first, _, _ := strings.Cut(imp, "/"); what == "code" && slices.Contains(standardOnly, rel) && strings.Contains(first, ".") {
						t.Errorf("%s (%s) imports %s: it may use the standard library only", rel, what, imp)
					}
				case dep == rel:
				case !permitted(dep, allowed):
					t.Errorf("%s (%s) imports %s, against the dependency direction", rel, what, dep)
				}
			}
		}
		check(p.Imports, room.code, "code")
		check(append(p.TestImports, p.XTestImports...), append(slices.Clone(room.code), room.tests...), "tests")
	}
	if seen < len(rooms) {
		t.Errorf("go list found %d packages, the table has %d: remove rooms that are gone", seen, len(rooms))
	}
}

func permitted(dep string, allowed []string) bool {
	for _, a := range allowed {
		if dep == a || strings.HasSuffix(a, "/") && strings.HasPrefix(dep, a) {
			return true
		}
	}
	return false
}
