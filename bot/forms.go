package bot

import (
	"strings"
	"unicode/utf8"

	"github.com/referbot/referbot/core"
)

// What every adapter does alike when it reads a form or fits a message to
// its platform's limits, said once here.

// Tags reads the tags typed in a form field or an option: words split on
// commas, spaces or #, normalised as core keeps them.
func Tags(s string) []string {
	return core.NormalizeTags(strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '#' }))
}

// Clip shortens s to at most n characters, marking the cut with "…".
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
