package sqlcheck

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// Tables maps every workspace table to the column that holds its
// workspace: workspace_id, or id for the root.
type Tables map[string]string

// WorkspaceTables reads them from the catalog of the database q is
// connected to: the root and every table with a workspace_id column.
func WorkspaceTables(ctx context.Context, q Querier) (Tables, error) {
	cols, err := workspaceColumns(ctx, q)
	if err != nil {
		return nil, err
	}
	out := Tables{}
	for name, c := range cols {
		switch {
		case name == Root:
			out[name] = "id"
		case c != nil:
			out[name] = "workspace_id"
		}
	}
	return out, nil
}

// acrossWorkspaces is the marker of a statement that reads some tables
// across workspaces on purpose, naming them and saying why, e.g.
//
//	-- across workspaces (outbox): one sender serves every workspace
//
// It waives the workspace predicate of those tables' scans only: their
// joins must still be on workspace_id.
var acrossWorkspaces = regexp.MustCompile(`(?i)--\s*across workspaces\s*\(([^)]*)\)`)

// Statement checks one SQL statement against the workspace tables and
// returns its problems: a scan of a workspace table (FROM, UPDATE,
// DELETE, USING) with no predicate on its workspace column in its WHERE
// or ON, and a JOIN to one whose ON does not match its workspace column.
// The check is lexical: it reads names, aliases and parentheses, not a
// full grammar, and so accepts any equality or IN on the column.
func Statement(sql string, tables Tables) []string {
	waived := map[string]bool{}
	for _, m := range acrossWorkspaces.FindAllStringSubmatch(sql, -1) {
		for _, name := range strings.Split(m[1], ",") {
			waived[strings.ToLower(strings.TrimSpace(name))] = true
		}
	}
	s := scan(sql)
	if len(s.toks) == 0 || !dml[s.toks[0]] {
		return nil
	}
	ctes := s.cteNames()
	var out []string
	for i := 0; i < len(s.toks)-1; i++ {
		kw, name := s.toks[i], s.toks[i+1]
		key, ok := tables[name]
		if !ok || ctes[name] || !refKeywords[kw] || (kw == "from" && s.at(i-1) == "distinct") {
			continue
		}
		alias, next := s.alias(i + 2)
		col := alias + "." + key
		if kw == "join" {
			if !s.joinMatches(next, col, key) {
				out = append(out, fmt.Sprintf("join to %s %s is not on its %s: put %s = ... in its ON", name, alias, key, col))
			}
			continue
		}
		end := s.scopeEnd(next)
		joined := kw == "update" && s.has(next, end, "from") || s.at(i-1) == "delete" && s.has(next, end, "using")
		if waived[name] && !joined {
			continue
		}
		unqualified := key
		if key == "id" && alias != name {
			unqualified = "" // the root's bare id is anyone's id; ask for w.id
		}
		if !s.predicate(next, end, col, unqualified) {
			out = append(out, fmt.Sprintf("%s %s %s is not confined to a workspace: no %s predicate in its WHERE%s",
				kw, name, alias, col, waiver(joined)))
		}
	}
	return out
}

func waiver(joined bool) string {
	if joined {
		return " (it is joined: match the workspace as well as the id)"
	}
	return " (or mark the statement: -- across workspaces (table): why)"
}

var (
	dml         = map[string]bool{"select": true, "with": true, "update": true, "delete": true, "insert": true}
	refKeywords = map[string]bool{"from": true, "join": true, "update": true, "using": true}
	// clauseEnds end a FROM's WHERE or a JOIN's ON at its own depth.
	clauseEnds = map[string]bool{"group": true, "order": true, "limit": true, "having": true, "window": true,
		"returning": true, "union": true, "intersect": true, "except": true, "offset": true, "for": true,
		"on": true, "set": true}
	joinEnds = map[string]bool{"join": true, "left": true, "right": true, "inner": true, "full": true,
		"cross": true, "where": true, "natural": true, "lateral": true}
	notAlias = map[string]bool{"on": true, "where": true, "join": true, "left": true, "right": true, "inner": true,
		"full": true, "cross": true, "set": true, "using": true, "group": true, "order": true, "limit": true,
		"window": true, "union": true, "returning": true, "for": true, "natural": true, "as": true,
		"intersect": true, "except": true, "having": true, "offset": true, "tablesample": true, ")": true,
		",": true, ";": true, "(": true}
)

// tokens is a statement read into lower-case words (a qualified name is
// one word, "o.id"), parameters and symbols, with each one's depth of
// parentheses. Strings and comments are left out.
type tokens struct {
	toks  []string
	depth []int
}

func (s *tokens) at(i int) string {
	if i < 0 || i >= len(s.toks) {
		return ""
	}
	return s.toks[i]
}

func scan(sql string) *tokens {
	s := &tokens{}
	depth := 0
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == '-' && strings.HasPrefix(sql[i:], "--"):
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				return s
			}
			i += end + 4
		case c == '\'':
			for i++; i < len(sql); i++ {
				if sql[i] == '\'' {
					if i+1 < len(sql) && sql[i+1] == '\'' {
						i++
						continue
					}
					break
				}
			}
			i++
		case isWord(c) || c == '"':
			j := i
			for j < len(sql) && (isWord(sql[j]) || sql[j] == '.' || sql[j] == '"' || sql[j] == '$') {
				j++
			}
			s.add(strings.ToLower(strings.ReplaceAll(sql[i:j], `"`, "")), depth)
			i = j
		case c == '(':
			s.add("(", depth)
			depth++
			i++
		case c == ')':
			depth--
			s.add(")", depth)
			i++
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		default:
			s.add(string(c), depth)
			i++
		}
	}
	return s
}

func isWord(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func (s *tokens) add(t string, depth int) {
	s.toks = append(s.toks, t)
	s.depth = append(s.depth, depth)
}

// cteNames are the names the statement's WITH gives: "name AS (" or
// "name AS [NOT] MATERIALIZED (".
func (s *tokens) cteNames() map[string]bool {
	out := map[string]bool{}
	for i := 0; i+2 < len(s.toks); i++ {
		if s.toks[i+1] != "as" {
			continue
		}
		j := i + 2
		if s.at(j) == "not" {
			j++
		}
		if s.at(j) == "materialized" {
			j++
		}
		if s.at(j) == "(" {
			out[s.toks[i]] = true
		}
	}
	return out
}

// alias reads the alias after a table name at i (the name itself when
// there is none) and returns it with the index after it.
func (s *tokens) alias(i int) (string, int) {
	if s.at(i) == "as" {
		return s.at(i + 1), i + 2
	}
	if t := s.at(i); t != "" && !notAlias[t] && !strings.ContainsAny(t, ".$=<>") {
		return t, i + 1
	}
	return s.at(i - 1), i
}

// joinMatches reports whether the ON (or USING) of a join starting at i
// compares col, or USING lists the key.
func (s *tokens) joinMatches(i int, col, key string) bool {
	d := s.depth[min(i, len(s.depth)-1)]
	switch s.at(i) {
	case "using":
		for j := i + 1; j < len(s.toks) && s.depth[j] > d; j++ {
			if s.toks[j] == key {
				return true
			}
		}
		return false
	case "on":
		end := i + 1
		for end < len(s.toks) && s.depth[end] >= d && !(s.depth[end] == d && joinEnds[s.toks[end]]) &&
			!(s.depth[end] == d && clauseEnds[s.toks[end]] && s.toks[end] != "on") {
			end++
		}
		return s.predicate(i+1, end, col, "")
	}
	return false
}

// scopeEnd is where the WHERE of a scan starting at i ends: its group's
// closing parenthesis, or a clause that follows the WHERE at its depth.
func (s *tokens) scopeEnd(i int) int {
	if i >= len(s.toks) {
		return i
	}
	d := s.depth[i]
	for ; i < len(s.toks) && s.depth[i] >= d; i++ {
		if s.depth[i] == d && clauseEnds[s.toks[i]] && s.toks[i] != "on" && s.toks[i] != "set" {
			break
		}
	}
	return i
}

// has reports whether word appears at the depth of i between i and end.
func (s *tokens) has(i, end int, word string) bool {
	for j := i; j < end; j++ {
		if s.depth[j] == s.depth[i] && s.toks[j] == word {
			return true
		}
	}
	return false
}

// predicate reports whether col (or the bare column, if given) is
// compared between i and end outside nested subqueries: next to =, IN,
// or in a row compared as a whole ("(a.workspace_id, a.id) IN ...").
func (s *tokens) predicate(i, end int, col, bare string) bool {
	if i >= len(s.toks) {
		return false
	}
	for j := i; j < end; j++ {
		if s.toks[j] == "(" && (s.at(j+1) == "select" || s.at(j+1) == "with") {
			for k := j + 1; k < end; k++ { // skip the subquery: its names are its own
				if s.depth[k] == s.depth[j] && s.toks[k] == ")" {
					j = k
					break
				}
			}
			continue
		}
		if t := s.toks[j]; t == col || bare != "" && t == bare {
			switch {
			case s.at(j+1) == "=" || s.at(j+1) == "in" || s.at(j+1) == "," || s.at(j-1) == "=":
				return true
			}
		}
	}
	return false
}
