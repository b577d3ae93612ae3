package bot

import "strings"

// SafeCell keeps a spreadsheet from running a cell as a formula (CSV
// injection): a cell starting with = + - @, a tab or a carriage return is
// prefixed with an apostrophe, unless it is a plain number ("-400.00"
// stays a number). Every CSV referbot writes, in chat and on the
// dashboard, passes its text cells through it.
func SafeCell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) || s[0] == '-' && plainNumber(s[1:]) {
		return s
	}
	return "'" + s
}

// plainNumber reports whether s is digits with at most one decimal point
// between them: a number a spreadsheet reads as nothing more.
func plainNumber(s string) bool {
	whole, frac, dot := strings.Cut(s, ".")
	return allDigits(whole) && (!dot || allDigits(frac))
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
