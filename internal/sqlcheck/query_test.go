package sqlcheck

import (
	"strings"
	"testing"
)

var testTables = Tables{"workspaces": "id", "members": "workspace_id", "referrals": "workspace_id",
	"outbox": "workspace_id", "thanks": "workspace_id"}

func TestStatement_AcceptsQueriesConfinedToAWorkspaceAndJoinedOnIt(t *testing.T) {
	t.Parallel()
	for _, sql := range []string{
		`SELECT m.id FROM members m WHERE m.workspace_id = $1 AND m.id = $2`,
		`SELECT count(*) FROM members WHERE workspace_id = $1`,
		`SELECT r.id, rf.display_name FROM referrals r
			JOIN members rf ON rf.workspace_id = r.workspace_id AND rf.id = r.referrer_id
			WHERE r.workspace_id = $1 AND EXISTS (SELECT 1 FROM thanks th WHERE th.workspace_id = r.workspace_id)`,
		`UPDATE outbox SET status = 'sent' WHERE workspace_id = $1 AND id = $2`,
		`UPDATE workspaces SET next_code = next_code + 1 WHERE id = $1 RETURNING next_code`,
		`WITH due AS (SELECT o.workspace_id, o.id FROM outbox o WHERE o.workspace_id = ANY($1))
			UPDATE outbox o SET attempts = 1 FROM due WHERE o.workspace_id = due.workspace_id AND o.id = due.id`,
		`-- across workspaces (outbox, workspaces): the sender serves every workspace
			SELECT o.id FROM outbox o JOIN workspaces w ON w.id = o.workspace_id WHERE w.platform = $1`,
		`DELETE FROM outbox o WHERE (o.workspace_id, o.id) IN (SELECT workspace_id, id FROM outbox WHERE workspace_id = $1)`,
		`INSERT INTO thanks (workspace_id, referral_id) VALUES ($1, $2)`,
		`SELECT extract(epoch FROM r.created_at) FROM referrals r WHERE r.workspace_id = $1`,
		`SELECT 'FROM members m' FROM referrals WHERE workspace_id = $1`,
		`CREATE INDEX x ON outbox (id)`,
		`begin isolation level read committed`,
	} {
		if p := Statement(sql, testTables); len(p) > 0 {
			t.Errorf("%s\nflagged: %v", sql, p)
		}
	}
}

func TestStatement_FlagsScansAndJoinsNotOnTheWorkspace(t *testing.T) {
	t.Parallel()
	for sql, want := range map[string]string{
		// main's MarkDelivered: the outbox marked by id alone.
		`UPDATE outbox SET status = 'sent', sent_at = $3, ref = $2 WHERE id = $1`: "update outbox outbox is not confined",
		// main's referralFrom: parties joined by id alone.
		`SELECT r.id FROM referrals r JOIN members rf ON rf.id = r.referrer_id WHERE r.workspace_id = $1`: "join to members rf is not on its workspace_id",
		`SELECT 1 FROM referrals r WHERE r.workspace_id = $1
			AND EXISTS (SELECT 1 FROM thanks th WHERE th.referral_id = r.id)`: "from thanks th is not confined",
		// The outer query's predicate does not confine a subquery's scan,
		// nor one branch of a UNION the other's.
		`SELECT 1 FROM members m WHERE m.id IN (SELECT referrer_id FROM referrals r) AND m.workspace_id = $1`: "from referrals r",
		`SELECT id FROM members UNION ALL SELECT id FROM referrals WHERE workspace_id = $1`:                   "from members members",
		// A marked statement still joins on the workspace.
		`-- across workspaces (outbox): all of it
			UPDATE outbox o SET attempts = 1 FROM due WHERE o.id = due.id`: "update outbox o is not confined",
		`-- across workspaces (outbox): all of it
			SELECT 1 FROM outbox o JOIN members m ON m.id = o.recipient_member_id`: "join to members m",
		`SELECT 1 FROM workspaces w WHERE w.platform = $1`: "from workspaces w is not confined",
		// Selecting or ordering by the column is no predicate.
		`SELECT 1 FROM outbox o WHERE o.status = 'failed' ORDER BY o.workspace_id, o.id`: "from outbox o",
	} {
		got := strings.Join(Statement(sql, testTables), "\n")
		if !strings.Contains(got, want) {
			t.Errorf("%s\ngot %q, want a problem containing %q", sql, got, want)
		}
	}
}
