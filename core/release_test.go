package core_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

func TestReleaseAfter_StaleLeadGoesBackToTheChannelAndDirectReferralToItsReferrerOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.join(t, "T1", "organiser")
	bob, alice, carol, dave := b.join(t, "T1", "bob"), b.join(t, "T1", "alice"), b.join(t, "T1", "carol"), b.join(t, "T1", "dave")
	lead := ok(b.svc.PostLead(ctx, bob, core.LeadInput{ClientName: "Dr Kay", Contact: "kay@clinic.example", Consent: true,
		Need: "a booking site"}))(t)
	ok(b.svc.Claim(ctx, alice, lead.Code))(t)
	direct := b.refer(t, bob, carol, "Acme", 0)
	ok(b.svc.Accept(ctx, carol, direct.Code))(t)
	busy := b.refer(t, bob, alice, "Busy", 0)
	ok(b.svc.Accept(ctx, alice, busy.Code))(t)
	b.clock.Add(15 * 24 * time.Hour)
	ok(b.svc.Advance(ctx, alice, busy.Code, core.StatusContacted, core.AdvanceInput{}))(t)

	// 22 days on: the lead and the direct referral had no update for more
	// than the default 21 days; the busy one was updated a week ago.
	ws := b.workspace(t, bob)
	at := time.Date(2026, 3, 24, 9, 30, 0, 0, time.UTC)
	res := ok(b.svc.RunJob(ctx, core.JobRelease, ws, at, at))(t)
	// Lead: a new post, the referrer and the old owner told; direct
	// referral: the referrer and the old owner told.
	if !res.Ran || res.Notices != 5 {
		t.Fatalf("first run: %+v, want 5 notices", res)
	}
	l := ok(b.svc.Show(ctx, bob, lead.Code))(t).Referral
	if l.Status != core.StatusOpen || l.ReceiverID != 0 || !l.ExpiresAt.Equal(at.AddDate(0, 0, 7)) {
		t.Errorf("released lead: %s, receiver %d, open until %s", l.Status, l.ReceiverID, l.ExpiresAt)
	}
	if ks := b.kinds(t, `recipient_member_id IS NULL AND kind = $1`, string(core.NoticeLeadPosted)); len(ks) != 2 {
		t.Errorf("%d lead posts in the channel, want the first and a new one", len(ks))
	}
	d := ok(b.svc.Show(ctx, bob, direct.Code))(t).Referral
	if d.Status != core.StatusDeclined || !strings.Contains(d.DeclineReason, "no update for 21 days") {
		t.Errorf("returned referral: %s, %q", d.Status, d.DeclineReason)
	}
	if got := ok(b.svc.Show(ctx, bob, busy.Code))(t).Referral.Status; got != core.StatusContacted {
		t.Errorf("the busy referral was touched: %s", got)
	}
	for _, x := range []struct {
		who  core.Caller
		want []core.NoticeKind
	}{
		{bob, []core.NoticeKind{core.NoticeReleased, core.NoticeReturned}},
		{alice, []core.NoticeKind{core.NoticeTakenBack}},
		{carol, []core.NoticeKind{core.NoticeTakenBack}},
	} {
		for _, k := range x.want {
			if n := len(b.kinds(t, `recipient_member_id = $1 AND kind = $2`, x.who.Member.ID, string(k))); n != 1 {
				t.Errorf("%s got %d %s, want 1", x.who.Member.DisplayName, n, k)
			}
		}
	}
	// alice no longer sees the client she did nothing with.
	if r := ok(b.svc.Show(ctx, alice, lead.Code))(t).Referral; r.ClientName != "" || r.ClientContact != "" {
		t.Errorf("the released owner still sees the client: %+v", r)
	}
	// Each step is an event, by referbot itself.
	for code, kind := range map[core.Code]core.EventKind{lead.Code: core.EvReleased, direct.Code: core.EvReturned} {
		es := b.history(t, bob, code)
		last := es[len(es)-1]
		if last.Kind != kind || last.ActorID != 0 || !last.At.Equal(at) || !strings.Contains(last.Note, "no update") {
			t.Errorf("%s: last event %+v, want %s by the system at %s", code, last, kind, at)
		}
	}

	// Exactly once: the same run again does nothing, and nor does the
	// next day's, which finds nothing stale.
	if res := ok(b.svc.RunJob(ctx, core.JobRelease, ws, at, at))(t); res.Ran || res.Notices != 0 {
		t.Errorf("the same run again: %+v", res)
	}
	events := b.count(t, "referral_events")
	next := at.Add(24 * time.Hour)
	if res := ok(b.svc.RunJob(ctx, core.JobRelease, ws, next, next))(t); !res.Ran || res.Notices != 0 {
		t.Errorf("the next day's run: %+v", res)
	}
	if n := b.count(t, "referral_events"); n != events {
		t.Errorf("the next run added %d events", n-events)
	}

	// The referrer sends the returned referral on; someone claims the lead.
	b.clock.t = at.Add(time.Hour)
	if r := ok(b.svc.Reassign(ctx, bob, direct.Code, ref(dave)))(t); r.Status != core.StatusOffered || r.ReceiverID != dave.Member.ID {
		t.Errorf("reassigned: %s to %d", r.Status, r.ReceiverID)
	}
	ok(b.svc.Claim(ctx, dave, lead.Code))(t)
}

func TestReleaseAfter_OffReleasesNothingAndMustFollowStaleDays(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org := b.join(t, "T1", "organiser")
	bob, alice := b.join(t, "T1", "bob"), b.join(t, "T1", "alice")
	r := b.refer(t, bob, alice, "Acme", 0)
	ok(b.svc.Accept(ctx, alice, r.Code))(t)

	// Released referrals must have been nudged first.
	wantCode(t, second(b.svc.Configure(ctx, org, "release-after", []string{"10d"})), core.EINVALID) // = stale-days
	wantCode(t, second(b.svc.Configure(ctx, org, "stale-days", []string{"21"})), core.EINVALID)     // = release-after
	wantCode(t, second(b.svc.Configure(ctx, org, "release-after", []string{"soon"})), core.EINVALID)
	wantCode(t, second(b.svc.Configure(ctx, bob, "release-after", []string{"30d"})), core.EFORBIDDEN)
	if cfg := ok(b.svc.Configure(ctx, org, "release-after", []string{"30d"}))(t); cfg.ReleaseAfterDays != 30 {
		t.Errorf("release-after 30d: %d", cfg.ReleaseAfterDays)
	}
	if cfg := ok(b.svc.Configure(ctx, org, "stale-days", []string{"21"}))(t); cfg.StaleDays != 21 {
		t.Errorf("stale-days 21 under a 30-day release: %d", cfg.StaleDays)
	}
	if cfg := ok(b.svc.Configure(ctx, org, "release-after", []string{"off"}))(t); cfg.ReleaseAfterDays != 0 {
		t.Errorf("release-after off: %d", cfg.ReleaseAfterDays)
	}
	// Off is kept as off, not mistaken for "never set".
	if cfg := ok(b.svc.Configure(ctx, org, "", nil))(t); cfg.ReleaseAfterDays != 0 || cfg.UndoWindowHours != 24 {
		t.Errorf("settings read back: release %d, undo %d", cfg.ReleaseAfterDays, cfg.UndoWindowHours)
	}
	at := b.clock.Now().AddDate(1, 0, 0)
	if res := ok(b.svc.RunJob(ctx, core.JobRelease, b.workspace(t, org), at, at))(t); res.Notices != 0 {
		t.Errorf("release off released: %+v", res)
	}
	if got := ok(b.svc.Show(ctx, bob, r.Code))(t).Referral.Status; got != core.StatusAccepted {
		t.Errorf("status %s", got)
	}

	for in, want := range map[string]int{"24h": 24, "48": 48, "2d": 48, "off": 0, "30d": 720} {
		if cfg := ok(b.svc.Configure(ctx, org, "undo-window", []string{in}))(t); cfg.UndoWindowHours != want {
			t.Errorf("undo-window %s: %d, want %d", in, cfg.UndoWindowHours, want)
		}
	}
	for _, bad := range []string{"31d", "-1h", "soon", ""} {
		wantCode(t, second(b.svc.Configure(ctx, org, "undo-window", []string{bad})), core.EINVALID)
	}
}

func TestReleaseAfter_OnePassOverManyWorkspacesSavesEachReleaseAsIfAlone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	type world struct {
		bob, alice   core.Caller
		lead, direct *core.Referral
	}
	var worlds []world
	for _, team := range []string{"T1", "T2", "T3"} {
		b.join(t, team, "organiser")
		w := world{bob: b.join(t, team, "bob"), alice: b.join(t, team, "alice")}
		b.private(t, w.alice, true) // her referrals' amounts are private while she owns them
		w.lead = ok(b.svc.PostLead(ctx, w.bob, core.LeadInput{ClientName: "Dr Kay", Consent: true, Need: "a booking site",
			Estimate: core.Money{Cents: 500000}}))(t)
		ok(b.svc.Claim(ctx, w.alice, w.lead.Code))(t)
		w.direct = b.refer(t, w.bob, w.alice, "Acme", 0)
		ok(b.svc.Accept(ctx, w.alice, w.direct.Code))(t)
		worlds = append(worlds, w)
	}
	at := time.Date(2026, 3, 24, 9, 30, 0, 0, time.UTC)
	var runs []core.DueRun
	for _, w := range worlds {
		runs = append(runs, core.DueRun{Workspace: b.workspace(t, w.bob), Fire: at})
	}
	res := ok(b.svc.RunJobs(ctx, core.JobRelease, runs, at))(t)

	conn := ok(pgx.Connect(ctx, b.url))(t)
	defer conn.Close(ctx)
	type sent struct {
		Key     string
		Private bool
	}
	for i, w := range worlds {
		if !res[i].Ran || res[i].Notices != 5 {
			t.Errorf("%s: %+v, want 5 notices as when released alone", w.bob.Workspace.ExternalID, res[i])
		}
		// Each notice of a release names its event, and carries the
		// referral as saved: the lead's amounts are public again once
		// alice, who keeps hers private, no longer owns it.
		rows := ok(conn.Query(ctx, `SELECT dedupe_key, (payload->'referral'->>'amounts_private')::bool IS TRUE FROM outbox
			WHERE workspace_id = $1 AND created_at = $2 ORDER BY id`, w.bob.Workspace.ID, at))(t)
		notices := ok(pgx.CollectRows(rows, pgx.RowToStructByPos[sent]))(t)
		for code, x := range map[core.Code]struct {
			kind    core.EventKind
			notices int
		}{w.lead.Code: {core.EvReleased, 3}, w.direct.Code: {core.EvReturned, 2}} {
			es := b.history(t, w.bob, code)
			last := es[len(es)-1]
			if last.Kind != x.kind || !last.At.Equal(at) || last.ID <= es[len(es)-2].ID {
				t.Errorf("%s: last event %+v, want %s at %s after the others", code, last, x.kind, at)
			}
			named := 0
			for _, n := range notices {
				if strings.HasPrefix(n.Key, fmt.Sprintf("ev:%d:", last.ID)) {
					named++
					if code == w.lead.Code && n.Private {
						t.Errorf("%s: notice %q says amounts are private; the released lead is bob's alone", code, n.Key)
					}
				}
			}
			if named != x.notices {
				t.Errorf("%s: %d notices name its release event, want %d (%+v)", code, named, x.notices, notices)
			}
		}
	}
}
