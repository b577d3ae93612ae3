package core_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

// TestNetworkHealth_OnePassTellsEachWorkspaceWhatItsAdminPageShows runs
// the network-health job over random workspaces in one pass and compares
// each workspace's DM with its admin page's health at the same instant
// (worked out for that workspace alone): the same signs, no workspace's
// members or flags in another's, and no DM where nobody is to be told.
func TestNetworkHealth_OnePassTellsEachWorkspaceWhatItsAdminPageShows(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(11, 40))
	var runs []core.DueRun
	admins := map[int64]core.Caller{}
	var teams [][]core.Caller
	var takers []core.Caller // receive, never give
	for w := range 5 {
		team := fmt.Sprint("T", w)
		org := b.join(t, team, "organiser")
		members := []core.Caller{org}
		for i := range 3 + rnd.IntN(4) {
			members = append(members, b.join(t, team, fmt.Sprintf("m%d-%d", w, i)))
		}
		b.join(t, team, fmt.Sprint("quiet-", w)) // never refers nor is referred to
		takers = append(takers, b.join(t, team, fmt.Sprint("taker-", w)))
		teams = append(teams, members)
		referRandomly(t, b, rnd, members)
		if w != 4 {
			admins[org.Workspace.ID] = org
		} else {
			b.mute(t, org) // the last workspace's one admin: nobody to tell
		}
		runs = append(runs, core.DueRun{Workspace: b.workspace(t, org)})
	}
	b.clock.Add(100 * 24 * time.Hour) // some go quiet
	for i, members := range teams {
		referRandomly(t, b, rnd, members)
		b.refer(t, members[1], takers[i], "Taken", 0)
	}
	b.clock.Add(8 * 24 * time.Hour) // some referrals wait unanswered
	at := b.clock.Now()
	signs := map[string]int{}
	for i := range runs {
		runs[i].Fire = at
	}
	res := ok(b.svc.RunJobs(ctx, core.JobHealth, runs, at))(t)
	ns := ok(b.db.ClaimNotices(ctx, core.Slack, 10000, at.Add(time.Hour), time.Minute))(t)
	for i, r := range runs {
		org, told := admins[r.Workspace.ID]
		var dms []core.Notice
		for _, n := range ns {
			if n.Kind == core.NoticeHealth && n.WorkspaceID == r.Workspace.ID {
				dms = append(dms, n)
			}
		}
		if !told {
			if len(dms) != 0 || res[i].Notices != 0 {
				t.Errorf("workspace %d has no admin, yet %d DMs", r.Workspace.ID, len(dms))
			}
			continue
		}
		page := ok(b.svc.AdminPage(ctx, org, "all"))(t)
		want := *page.Health
		if !want.Falling() {
			want.Last30, want.Previous30 = 0, 0
		}
		if len(dms) != 1 || dms[0].To.MemberID != org.Member.ID {
			t.Errorf("workspace %d: %d DMs, want one to its admin", r.Workspace.ID, len(dms))
			continue
		}
		h := dms[0].Health
		signs["flags"] += len(h.Flags)
		signs["gone quiet"] += len(h.GoneQuiet)
		signs["not answering"] += len(h.NoAnswer)
		signs["only take"] += len(h.OnlyTake)
		if g, w := string(ok(json.Marshal(h))(t)), string(ok(json.Marshal(&want))(t)); g != w {
			t.Errorf("workspace %d: the pass told\n%s\nits admin page shows\n%s", r.Workspace.ID, g, w)
		}
	}
	for _, sign := range []string{"flags", "gone quiet", "not answering", "only take"} {
		if signs[sign] == 0 {
			t.Errorf("no DM tells of %s: the comparison tells little (%v)", sign, signs)
		}
	}
}

// referRandomly makes a few referrals between random members, to one of
// three clients, half of them accepted.
func referRandomly(t *testing.T, b *bundle, rnd *rand.Rand, members []core.Caller) {
	t.Helper()
	for range 4 + rnd.IntN(10) {
		from, to := members[rnd.IntN(len(members))], members[rnd.IntN(len(members))]
		if from.Member.ID == to.Member.ID {
			continue
		}
		r := b.refer(t, from, to, fmt.Sprint("Client ", rnd.IntN(3)), 0)
		if rnd.IntN(2) == 0 {
			if _, err := b.svc.Accept(context.Background(), to, r.Code); err != nil {
				t.Fatal(err)
			}
		}
	}
}
