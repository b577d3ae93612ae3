package plancheck

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
)

// bigTables grow with the networks and their history: at BNI's scale each
// holds from 11,300 rows (workspaces) to tens of millions.
var bigTables = map[string]bool{
	"workspaces": true, "members": true, "profiles": true, "referrals": true, "referral_events": true,
	"referral_interest": true, "thanks": true, "feedback": true, "partnerships": true, "touchpoints": true,
	"outbox": true, "inbound_requests": true, "job_runs": true, "flag_dismissals": true,
}

// historyTables keep every year of a network's history.
var historyTables = map[string]bool{"referrals": true, "referral_events": true, "outbox": true, "thanks": true,
	"feedback": true, "touchpoints": true, "job_runs": true}

// wholeWorkspace is an index condition on the workspace alone.
var wholeWorkspace = regexp.MustCompile(`^\((\w+\.)?workspace_id = [^()]*\)$`)

// scan is a node of a plan that reads a whole big table or index, or
// (history) everything of one workspace in a table that grows with the
// years kept.
type scan struct {
	node, table, index string
	history            bool
}

func (s scan) String() string {
	if s.index != "" {
		return fmt.Sprintf("%s of %s on %s", s.node, s.index, s.table)
	}
	return fmt.Sprintf("%s on %s", s.node, s.table)
}

// explainable says whether EXPLAIN takes the statement (not BEGIN, SET, ...).
func explainable(sql string) bool {
	first, _, _ := strings.Cut(strings.TrimSpace(sql), " ")
	switch strings.ToUpper(strings.TrimSpace(first)) {
	case "SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES", "MERGE":
		return true
	}
	return false
}

// explain plans a statement with its arguments and returns the scans of
// whole big tables or indexes in the plan, and the plan as text.
func explain(ctx context.Context, conn *pgx.Conn, partial map[string]bool, st *statement) ([]scan, string, error) {
	var raw []byte
	if err := conn.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+st.sql, st.args...).Scan(&raw); err != nil {
		return nil, "", err
	}
	var plans []struct{ Plan map[string]any }
	if err := json.Unmarshal(raw, &plans); err != nil {
		return nil, "", err
	}
	var found []scan
	for _, p := range plans {
		found = append(found, wholeScans(p.Plan, partial)...)
	}
	if len(found) == 0 {
		return nil, "", nil
	}
	var text strings.Builder
	rows, err := conn.Query(ctx, "EXPLAIN "+st.sql, st.args...)
	if err != nil {
		return found, "", err
	}
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return found, "", err
		}
		text.WriteString("    " + line + "\n")
	}
	return found, text.String(), rows.Err()
}

// wholeScans walks a plan node and its children for a Seq Scan of a big
// table, or an index scan with no index condition on a big table's index
// that isn't partial (a full scan in an index's order).
func wholeScans(node map[string]any, partial map[string]bool) []scan {
	var out []scan
	str := func(k string) string { s, _ := node[k].(string); return s }
	table := str("Relation Name")
	switch kind := str("Node Type"); {
	case !bigTables[table]:
	case kind == "Seq Scan":
		out = append(out, scan{node: kind, table: table})
	case kind == "Index Scan" || kind == "Index Only Scan":
		if _, cond := node["Index Cond"]; !cond && !partial[str("Index Name")] {
			out = append(out, scan{node: kind + " without an index condition", table: table, index: str("Index Name")})
			break
		}
		fallthrough
	case kind == "Bitmap Heap Scan":
		cond := str("Index Cond") + str("Recheck Cond")
		if historyTables[table] && wholeWorkspace.MatchString(cond) && !partial[str("Index Name")] {
			out = append(out, scan{node: kind + " of a whole workspace", table: table, index: str("Index Name"), history: true})
		}
	}
	children, _ := node["Plans"].([]any)
	for _, c := range children {
		if child, ok := c.(map[string]any); ok {
			out = append(out, wholeScans(child, partial)...)
		}
	}
	return out
}

// partialIndexes names the partial indexes: scanning one whole reads only
// the rows it was made for (pending notices, open leads).
func partialIndexes(ctx context.Context, conn *pgx.Conn) (map[string]bool, error) {
	rows, err := conn.Query(ctx, `SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE i.indpred IS NOT NULL`)
	if err != nil {
		return nil, err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	out := map[string]bool{}
	for _, n := range names {
		out[n] = true
	}
	return out, err
}
