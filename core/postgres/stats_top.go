package postgres

import (
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// The breakdown's top rows (core.StatsQuery.Top): a chat reply shows ten
// rows and counts the others, so its statement ranks every member (or
// partner) by the breakdown's order from their plain counts alone, then
// builds rows — won values per currency, names, partnership types,
// thank-yous — only for the first {top} of them and any tied with the
// last. Go keeps the first {top} of the fully ordered rows; the count of
// every row comes with each.
//
// Every id ranked is a member's: a rollup's or referral's party is one
// (foreign keys), and members go only with their workspace. So the count
// of ranked ids is the count of rows the whole breakdown would return.
//
// rankedFrom is the ranking of source's rows (per member, or per member and
// currency) into ranked, cut (the last row shown) and shown.
func rankedFrom(source string) string {
	return `, ranked AS (
	-- every row's ranking keys (the final ORDER BY's, names aside), summed
	-- as int4 into bigint: sum(bigint) is numeric, and adding and ordering
	-- numerics was most of the ranking's time (12,190 members, 52,000
	-- rows); a row's count never nears 2^31 (the cast would fail, not wrap)
	SELECT id, sum(given_deals::int4) AS gd, sum(given::int4) + sum(received::int4) AS gr,
		sum(received_deals::int4) AS rd
	FROM ` + source + `
	GROUP BY id
	HAVING sum(given::int4) + sum(received::int4) + sum(given_deals::int4) + sum(received_deals::int4) > 0
), cut AS (
	-- the keys of the last row shown (none: fewer rows than that)
	SELECT gd, gr, rd FROM ranked ORDER BY gd DESC, gr DESC, rd DESC OFFSET {top}::bigint - 1 LIMIT 1
), shown AS (
	-- the top rows and those tied with the last: the names decide there
	SELECT id FROM ranked
	WHERE NOT EXISTS (SELECT 1 FROM cut) OR (gd, gr, rd) >= (SELECT gd, gr, rd FROM cut)
)`
}

// topOf rewrites a breakdown statement into its top rows' form: the rows
// built for the shown ids only (ranked from per_currency).
func topOf(sql, top, thanksGroup, lastColumn string) string {
	sql = mustReplace(sql, ", rows AS ("+breakdownRowsSQL, rankedFrom("per_currency")+", rows AS ("+
		strings.Replace(breakdownRowsSQL, "FROM per_currency", "FROM per_currency WHERE id IN (SELECT id FROM shown)", 1))
	return topTail(sql, top, thanksGroup, lastColumn)
}

// topTail finishes a top rows' statement: the thank-yous counted for the
// shown ids only, and the count of every row as a last column.
func topTail(sql, top, thanksGroup, lastColumn string) string {
	sql = mustReplace(sql, thanksGroup, "AND to_id IN (SELECT id FROM shown)\n\t"+thanksGroup)
	sql = mustReplace(sql, lastColumn+"\nFROM rows x", lastColumn+", (SELECT count(*) FROM ranked) AS total\nFROM rows x")
	return strings.ReplaceAll(sql, "{top}", top)
}

// mustReplace replaces old, which must occur in s exactly once: the
// statements are rewritten at start-up, and a rewrite that missed would
// be a different statement.
func mustReplace(s, old, new string) string {
	if strings.Count(s, old) != 1 {
		panic("stats: rewriting a statement: " + old + " does not occur once")
	}
	return strings.Replace(s, old, new, 1)
}

// The top rows' statements: the network's takes the top as $15 (after the
// edges' and corrections' parameters), a member's as $7.
var (
	networkTopRowsSQL = topOf(networkRowsSQL, "$15", "GROUP BY to_id", "COALESCE(th.n, 0)")
	// the totals' rows ranked as read, their per-currency sums made for
	// the shown members only
	networkTotalsTopRowsSQL = topTail(strings.NewReplacer("{hide}", "true", "{subject}", "s.subject <> $2").Replace(
		networkTotalsPartsSQL+rankedFrom("parts")+`, per_currency AS (`+totalsPerCurrencySQL+`
	WHERE id IN (SELECT id FROM shown)
	GROUP BY 1, 2
)`+networkRowsTailSQL), "$15", "GROUP BY to_id", "COALESCE(th.n, 0)")
	partnerTopRowsSQL = topOf(partnerBreakdownSQL, "$7", "GROUP BY th.to_id", "COALESCE(th.n, 0) AS thanks")
)

// topRows reads a top rows' statement: the first top rows, and how many
// rows there are in all.
func topRows(rows pgx.Rows, err error, top int) ([]core.PartnerStats, int, error) {
	total := 0
	ps, err := collect(rows, err, func(row pgx.Row) (*core.PartnerStats, error) {
		var p core.PartnerStats
		if err := row.Scan(&p.MemberID, &p.Name, &p.Given, &p.Received, &p.GivenWonValue,
			&p.ReceivedWonValue, &p.Types, &p.Thanks, &total); err != nil {
			return nil, err
		}
		p.GivenWonValue.Sort()
		p.ReceivedWonValue.Sort()
		return &p, nil
	})
	if err != nil {
		return nil, 0, err
	}
	if len(ps) > top {
		ps = ps[:top] // those tied with the last row shown, ordered by name
	}
	return ps, total - len(ps), nil
}
