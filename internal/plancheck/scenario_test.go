package plancheck

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/sender"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/internal/fixture"
	"github.com/referbot/referbot/internal/testenv"
)

// scene is a seeded workspace and the members the scenario acts as.
type scene struct {
	t        *testing.T
	ctx      context.Context
	db       *postgres.DB
	conn     *pgx.Conn
	clock    *fixture.Clock
	svc      *core.Service
	bot      *bot.Bot
	ws       int64
	platform core.Platform
	team     string
	users    map[string]string // scenario name → platform user id
	requests int
	ran      map[string]int // command → runs that didn't fail
}

func newScene(t *testing.T, db *postgres.DB, conn *pgx.Conn, ws int64, now time.Time) *scene {
	t.Helper()
	s := &scene{t: t, ctx: context.Background(), db: db, conn: conn, clock: fixture.NewClock(now), ws: ws,
		users: map[string]string{}, ran: map[string]int{}}
	s.svc = core.NewService(db, core.Options{Now: s.clock.Now})
	s.bot = bot.New(s.svc, testenv.Quiet)
	if err := conn.QueryRow(s.ctx, `SELECT platform, external_id FROM workspaces WHERE id = $1`, ws).Scan(&s.platform, &s.team); err != nil {
		t.Fatal(err)
	}
	// The organiser, and members who are open to referrals.
	rows, err := conn.Query(s.ctx, `SELECT m.user_id FROM members m LEFT JOIN profiles p ON p.member_id = m.id
		WHERE m.workspace_id = $1 AND m.status = 'active' AND NOT m.amounts_private
			AND COALESCE(p.availability, 'open') = 'open'
		ORDER BY m.role = 'admin' DESC, m.id LIMIT 6`, ws)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(ids) < 6 {
		t.Fatalf("the seeded workspace has %d members open to referrals (%v), want 6", len(ids), err)
	}
	for i, name := range []string{"ada", "bea", "cid", "dov", "eli", "fay"} {
		s.users[name] = ids[i]
	}
	s.users["new"] = "UPLANNEW01" // joins during the scenario
	return s
}

// at is the mention of a scenario member.
func (s *scene) at(name string) string { return "<@" + s.users[name] + ">" }

// run types `/refer text` as who, with a request key as the platforms send.
func (s *scene) run(who, text string) []bot.Message {
	s.t.Helper()
	s.requests++
	id := core.Identity{Platform: s.platform, TeamID: s.team, UserID: s.users[who], UserName: who,
		RequestKey: fmt.Sprintf("plan-%d", s.requests)}
	ms := s.bot.Handle(s.ctx, bot.Request{Identity: id, Text: text})
	failed := false
	for _, m := range ms {
		failed = failed || m.Kind == "error"
	}
	if !failed {
		s.ran[strings.Fields(text + " help")[0]]++
	}
	return ms
}

// must runs a command that has to work for the scenario to go on.
func (s *scene) must(who, text string) []bot.Message {
	s.t.Helper()
	ms := s.run(who, text)
	for _, m := range ms {
		if m.Kind == "error" {
			s.t.Fatalf("/refer %s (as %s): %s", text, who, m.Text)
		}
	}
	return ms
}

// all runs commands as who, each of which has to work.
func (s *scene) all(who string, texts ...string) {
	s.t.Helper()
	for _, text := range texts {
		s.must(who, text)
	}
}

// created runs a command that creates a referral and returns its code.
func (s *scene) created(who, text string) string {
	s.t.Helper()
	ms := s.must(who, text)
	if len(ms) == 0 || ms[0].Referral == "" {
		s.t.Fatalf("/refer %s (as %s) created no referral: %+v", text, who, ms)
	}
	return ms[0].Referral
}

// play drives every command, through the bot as members type them.
func (s *scene) play() {
	s.t.Helper()
	s.must("new", "help")
	s.all("ada", "help won",
		"config",
		"config quiet off",
		"config fee 10%",
		"config undo-window 24h",
		"config schedule weekly-digest \"0 9 * * MON\"",
		"buddy "+s.at("new")+" "+s.at("ada"))
	s.all("bea", "profile",
		"profile set services websites and online shops",
		"profile set tags web-dev branding")
	s.must("cid", "profile set tags web-dev tax")
	s.all("bea", "profile "+s.at("cid"),
		"who a new website for a bakery #web-dev")

	// A direct referral all the way to a paid fee, corrected and undone.
	won := s.created("bea", "refer "+s.at("cid")+" Acme Bakery jane@acme.example consent — new website #web-dev ~5k hot")
	s.all("cid", "accept "+won,
		"status "+won+" contacted called them",
		"status "+won+" meeting",
		"status "+won+" proposal sent",
		"won "+won+" 4800 signed",
		"correct "+won+" 4900 typo",
		"undo "+won)
	s.must("bea", "confirm "+won)
	s.must("cid", "fee "+won+" paid")
	s.must("bea", "fee "+won+" received")
	s.all("cid", "thanks "+won+" thank you!",
		"feedback "+won+" 5 great brief")
	s.must("ada", "show "+won)
	s.must("bea", "show "+won)

	// Declined, reassigned, co-owned, lost.
	lost := s.created("bea", "refer "+s.at("cid")+" Globex — bookkeeping #tax ~2k")
	s.must("cid", "decline "+lost+" fully booked")
	s.must("bea", "reassign "+lost+" "+s.at("dov"))
	s.all("dov", "accept "+lost,
		"coowner "+lost+" "+s.at("eli"))
	s.must("eli", "status "+lost+" contacted")
	s.all("dov", "lost "+lost+" budget cut",
		"feedback "+lost+" 2 slow to reply")

	disputed := s.created("cid", "refer "+s.at("bea")+" Initech — logo refresh")
	s.all("bea", "accept "+disputed,
		"won "+disputed+" 48000")
	s.must("cid", "dispute "+disputed+" the deal was 4,800")

	// Leads: claimed; picked among raised hands; one left to expire.
	claimed := s.created("ada", "lead Hooli — bookkeeping for a bakery #tax ~2k warm expires 5d")
	s.must("cid", "claim "+claimed)
	picked := s.created("bea", "lead packaging for a tea brand #branding")
	s.must("cid", "interested "+picked)
	s.must("dov", "interested "+picked)
	s.must("bea", "pick "+picked+" "+s.at("dov"))
	s.created("dov", "lead a booking website expires 1d")
	s.created("eli", "refer "+s.at("fay")+" Stark Florist — booking website")

	for _, who := range []string{"ada", "bea"} {
		for _, l := range []string{"list", "list given", "list received", "list open", "list mine accepted"} {
			s.must(who, l)
		}
		for _, st := range []string{"stats", "stats network", "stats " + s.at("cid"), "stats network last-quarter", "stats this-month"} {
			s.must(who, st)
		}
		s.must(who, "export")
		s.must(who, "export csv")
		s.must(who, "dashboard")
	}
	s.must("bea", "dashboard last-quarter")
	s.all("ada", "list all",
		"leaderboard",
		"leaderboard last-quarter",
		"fees",
		"fees owed")
	s.must("bea", "fees paid last-quarter")
	s.all("ada", "flags",
		"flags last-quarter",
		"undelivered",
		"undelivered retry")
	s.all("bea", "touch "+s.at("cid")+" coffee swapped notes",
		"reminders 14",
		"reminders off",
		"reminders on",
		"reminders default")
	s.all("ada", "config admin "+s.at("bea"),
		"config remove "+s.at("eli"))
	s.all("fay", "forget",
		"forget confirm")
}

// jobs runs every scheduled job in every workspace, a week on (leads
// expire, nudges and reminders fall due), then twice more a day apart.
func (s *scene) jobs() {
	s.t.Helper()
	wss, err := s.svc.Workspaces(s.ctx)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, step := range []time.Duration{8 * 24 * time.Hour, 24 * time.Hour} {
		s.clock.Add(step)
		for _, ws := range wss {
			for _, job := range core.Jobs {
				if _, err := s.svc.RunJob(s.ctx, job.Name, ws, s.clock.Now(), s.clock.Now()); err != nil {
					s.t.Fatalf("job %s in workspace %d: %v", job.Name, ws.ID, err)
				}
			}
			if _, err := s.svc.LastJobRuns(s.ctx, ws); err != nil {
				s.t.Fatal(err)
			}
		}
		s.deliver()
	}
}

// deliver sends the outbox as the platforms' senders do, and reads the
// /metrics gauges.
func (s *scene) deliver() {
	s.t.Helper()
	for _, p := range []core.Platform{core.Slack, core.Discord} {
		snd := &sender.Sender{Outbox: s.db, Platform: p, Messenger: nowhere{}, Now: s.clock.Now, Log: testenv.Quiet}
		if _, err := snd.DeliverAll(s.ctx); err != nil {
			s.t.Fatalf("deliver on %s: %v", p, err)
		}
	}
	if _, _, err := s.db.OutboxDepth(s.ctx); err != nil {
		s.t.Fatal(err)
	}
}

// nowhere delivers every message, anywhere, at once.
type nowhere struct{}

func (nowhere) Send(context.Context, bot.Message) (string, error) { return "1700000000.000100", nil }
