package main

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// subject is a workspace the commands are timed in, and the three members
// who type them: a busy giver (most referrals given), a busy receiver
// (most received) and an admin.
type subject struct {
	name                   string
	referrals              int64 // in the workspace before the run
	giver, receiver, admin core.Identity
	channel                string
}

// seededSubject picks the members of a seeded workspace: the active member
// who gave most, the active one who received most from anyone else, and
// an active admin other than both.
func seededSubject(ctx context.Context, conn *pgx.Conn, name string, wsID int64) (subject, error) {
	s := subject{name: name}
	var platform, team string
	if err := conn.QueryRow(ctx, `SELECT platform, external_id, COALESCE(settings->>'channel', ''),
			(SELECT count(*) FROM referrals WHERE workspace_id = $1)
		FROM workspaces WHERE id = $1`, wsID).Scan(&platform, &team, &s.channel, &s.referrals); err != nil {
		return s, fmt.Errorf("workspace %d: %w", wsID, err)
	}
	id := func(user, display string) core.Identity {
		return core.Identity{Platform: core.Platform(platform), TeamID: team, UserID: user, UserName: display, Channel: s.channel}
	}
	var gid int64
	var user, display string
	if err := conn.QueryRow(ctx, `SELECT m.id, m.user_id, m.display_name FROM members m
		JOIN referrals r ON r.workspace_id = m.workspace_id AND r.referrer_id = m.id
		WHERE m.workspace_id = $1 AND m.status = 'active' AND m.role = 'member'
		GROUP BY m.id, m.user_id, m.display_name ORDER BY count(*) DESC LIMIT 1`, wsID).Scan(&gid, &user, &display); err != nil {
		return s, fmt.Errorf("workspace %d's busiest giver: %w", wsID, err)
	}
	s.giver = id(user, display)
	var rid int64
	if err := conn.QueryRow(ctx, `SELECT m.id, m.user_id, m.display_name FROM members m
		JOIN referrals r ON r.workspace_id = m.workspace_id AND r.receiver_id = m.id
		WHERE m.workspace_id = $1 AND m.status = 'active' AND m.role = 'member' AND m.id <> $2
		GROUP BY m.id, m.user_id, m.display_name ORDER BY count(*) DESC LIMIT 1`, wsID, gid).Scan(&rid, &user, &display); err != nil {
		return s, fmt.Errorf("workspace %d's busiest receiver: %w", wsID, err)
	}
	s.receiver = id(user, display)
	if err := conn.QueryRow(ctx, `SELECT user_id, display_name FROM members
		WHERE workspace_id = $1 AND status = 'active' AND role = 'admin' AND id NOT IN ($2, $3)
		ORDER BY id LIMIT 1`, wsID, gid, rid).Scan(&user, &display); err != nil {
		return s, fmt.Errorf("workspace %d's admin: %w", wsID, err)
	}
	s.admin = id(user, display)
	s.admin.PlatformAdmin = true
	return s, nil
}

// emptySubject is a workspace new to this run: its three members join
// with their first command (untimed, in warm-up).
func emptySubject() subject {
	team := fmt.Sprintf("TSB%d", time.Now().Unix())
	id := func(user string) core.Identity {
		return core.Identity{Platform: core.Slack, TeamID: team, UserID: user, UserName: user, Channel: "C" + team}
	}
	s := subject{name: "empty", giver: id("UGIVER"), receiver: id("URECEIVER"), admin: id("UADMIN"), channel: "C" + team}
	s.admin.PlatformAdmin = true
	return s
}
