package grammar

import (
	goparser "go/parser"
	gotoken "go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports_OnlyCoreAndTheStandardLibrary keeps the grammar a leaf that
// every adapter and the dispatcher can share.
func TestImports_OnlyCoreAndTheStandardLibrary(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := goparser.ParseFile(gotoken.NewFileSet(), f, nil, goparser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			first, _, _ := strings.Cut(path, "/")
			if path != "github.com/referbot/referbot/core" && strings.Contains(first, ".") {
				t.Errorf("%s imports %s; the grammar may import only core and the standard library", f, path)
			}
		}
	}
}
