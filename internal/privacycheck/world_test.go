package privacycheck_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/adapters/console"
	"github.com/referbot/referbot/adapters/discord"
	"github.com/referbot/referbot/adapters/slack"
	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/bot/scheduler"
	"github.com/referbot/referbot/bot/sender"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/testenv"
)

// A rendering turns a bot message into what one platform shows: every
// character a viewer could read, attachments included.
type rendering struct {
	name   string
	render func(bot.Message) string
}

var renderings = []rendering{
	{"console", consoleText},
	{"slack", slackBlocks},
	{"discord", discordEmbed},
}

// consoleText is the terminal text the console prints for m (its
// Messenger prints exactly what a reply or a delivered notice shows).
func consoleText(m bot.Message) string {
	var buf bytes.Buffer
	if _, err := console.New(nil, &buf).Messenger().Send(context.Background(), m); err != nil {
		return "console failed: " + err.Error()
	}
	return buf.String()
}

// slackBlocks is the Block Kit JSON, the notification fallback and any
// file Slack would be sent with m.
func slackBlocks(m bot.Message) string {
	b, err := json.Marshal(slack.Blocks(m))
	if err != nil {
		return "slack failed: " + err.Error()
	}
	return string(b) + "\n" + slack.Fallback(m) + attachment(m)
}

// discordEmbed is the embed and components JSON and any file Discord
// would be sent with m.
func discordEmbed(m bot.Message) string {
	e, err := json.Marshal(discord.Embed(m))
	if err != nil {
		return "discord failed: " + err.Error()
	}
	c, err := json.Marshal(discord.Components(m, m.Team))
	if err != nil {
		return "discord failed: " + err.Error()
	}
	return string(e) + "\n" + string(c) + attachment(m)
}

func attachment(m bot.Message) string {
	if m.Attachment == nil {
		return ""
	}
	return "\n" + string(m.Attachment.Data)
}

// Secrets are unique tokens put in client names, contacts, notes, reasons
// and feedback comments: "zqname0007q". Each belongs to one referral.
var tokenRe = regexp.MustCompile(`zq[a-z]{4}[0-9]{4,}q`)

type secret struct {
	token  string
	kind   string    // name, mail, note, decl, lost, fdbk; amounts: est, won, fee
	code   core.Code // 0 until known (a referral being created), or never stored
	author string    // the person who typed it
	step   int       // when it was typed
}

// Amounts are secrets too: every estimate and won value the scenario
// types is a distinctive whole number, 7,770,001 and up, unique to one
// referral, and so is the 10% fee on a won value (777,000.10 and up).
// A total of two or more of them is over 15 million, so it never reads
// as one; a figure that shows one of them shows that referral's amount.
// amountRe finds the numbers a rendering shows, formatted (7,770,001 or
// 777,000.10) or raw in minor units in a JSON file (777000100).
var amountRe = regexp.MustCompile(`[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]{2})?|[0-9]{8,}`)

// firstAmount is the first amount token; amounts count up from it.
const firstAmount = 7_770_000

// derived lists the fields whose figures are derived from totals the
// rendering shows anyway (an average, a difference): they may land on a
// token's value by chance, so the amount check leaves them out.
var derived = map[string]bool{"Average deal": true, "Deals": true, "Reciprocity balance": true}

// member is one row of the members table as of the last step.
type member struct {
	id      int64
	userID  string
	name    string
	role    core.Role
	status  core.MemberStatus
	person  string // who this row is (kept when forgetting renames the row)
	private bool   // keeps amounts private
}

// referral is what the oracle needs of a referral: its parties and stage.
type referral struct {
	code                        core.Code
	referrer, receiver, coOwner int64
	status                      core.Status
	hands                       []int64 // members who raised a hand
}

func (r referral) isParty(id int64) bool {
	return id != 0 && (id == r.referrer || id == r.receiver || id == r.coOwner)
}

// seenButton is a button someone was shown, to click later.
type seenButton struct {
	bot.Button
	owner string // the person it was shown to; "" for a channel post
	code  string
}

// capture sits between the Sender and the outbox (to know each notice's
// recipient) and is the Messenger (to get what would be delivered). Like a
// platform, it remembers where each message it was sent went, so an edit
// is seen where the edited message is, whoever it was meant for.
type capture struct {
	core.Outbox
	claimed map[int64]core.Notice
	pending []sent
	got     []delivery
	posted  map[string]dest // ref → where that message is
	closed  map[string]bool // user ids whose DMs fail for good
	flaky   map[string]bool // user ids whose DMs fail for now (retried later)
}

// dest is where a message is: a channel, or a member's DMs.
type dest struct {
	vis bot.Visibility
	to  string
}

type sent struct {
	msg  bot.Message
	at   dest // where it shows: its own destination, or the edited message's
	edit bool
}

type delivery struct {
	n      core.Notice
	sent   []sent // what was posted or edited; none if dropped or failed
	failed bool   // nobody saw it (yet: it may be retried)
}

func (c *capture) ClaimHeads(ctx context.Context, p core.Platform, limit int, now time.Time, lease time.Duration) ([]core.Notice, error) {
	ns, err := c.Outbox.ClaimHeads(ctx, p, limit, now, lease)
	for _, n := range ns {
		c.claimed[n.ID] = n
	}
	return ns, err
}

func (c *capture) MarkDelivered(ctx context.Context, workspaceID, id int64, ref string, at time.Time) error {
	c.settle(id, false)
	return c.Outbox.MarkDelivered(ctx, workspaceID, id, ref, at)
}

func (c *capture) MarkFailed(ctx context.Context, workspaceID, id int64, reason string, retryAt time.Time) error {
	c.settle(id, true)
	return c.Outbox.MarkFailed(ctx, workspaceID, id, reason, retryAt)
}

func (c *capture) settle(id int64, failed bool) {
	c.got = append(c.got, delivery{n: c.claimed[id], sent: c.pending, failed: failed})
	c.pending = nil
	delete(c.claimed, id)
}

type messenger struct{ c *capture }

func (m messenger) Send(_ context.Context, msg bot.Message) (string, error) {
	at := dest{msg.Visibility, msg.To}
	if at.vis == bot.Direct && m.c.closed[at.to] {
		return "", &sender.PermanentError{Err: fmt.Errorf("%s has closed their DMs", at.to)}
	}
	if at.vis == bot.Direct && m.c.flaky[at.to] {
		return "", fmt.Errorf("%s can't be reached right now", at.to)
	}
	m.c.pending = append(m.c.pending, sent{msg: msg, at: at})
	ref := fmt.Sprint("ref-", len(m.c.posted)+1)
	m.c.posted[ref] = at
	return ref, nil
}

// Update makes the capture an Updater: a claimed lead post or a refreshed
// offer card is checked too, where the message it edits is.
func (m messenger) Update(_ context.Context, ref string, msg bot.Message) error {
	at, ok := m.c.posted[ref]
	if !ok {
		return &sender.PermanentError{Err: fmt.Errorf("no message %s to update", ref)}
	}
	m.c.pending = append(m.c.pending, sent{msg: msg, at: at, edit: true})
	return nil
}

// output is one message someone sees.
type output struct {
	step    int
	what    string // for reports: "reply to `show`", "DM referral.offered", "post lead.posted"
	msg     bot.Message
	public  bool    // a channel post: every member sees it
	viewers []int64 // member rows who see it otherwise
	reply   bool
	actor   int64
}

// leak is one kind of violation, reported once with its first instance.
type leak struct {
	count int
	first string
}

// world is the bot over a real database, the people using it, and the
// oracle: what each of them may see.
type world struct {
	t      *testing.T
	ctx    context.Context
	seed   uint64
	clock  time.Time
	bot    *bot.Bot
	svc    *core.Service
	conn   *pgx.Conn
	cap    *capture
	sender *sender.Sender
	sched  *scheduler.Scheduler

	step    int
	hold    bool     // the sender is behind: leave this step's notices in the outbox
	trail   []string // the last steps, for reports
	secrets map[string]*secret
	amounts map[string]*secret // an amount as a rendering shows it (formatted, or raw minor units) → its secret
	nextTok int
	nextAmt int
	// withheld counts outputs where a total was withheld from a viewer
	// for holding a private amount: the aggregate rule at work.
	withheld        int
	amountSightings int
	rows            map[int64]*member
	refs            map[core.Code]referral
	buttons         []seenButton

	// what was covered and checked
	commands  map[string]int            // grammar subcommand → times run (typed or clicked)
	asRole    map[string]map[string]int // grammar subcommand → role of the actor → times
	clicks    map[string]int            // action verb → times clicked
	outputs   int
	checked   int                         // outputs × renderings
	sightings int                         // a secret seen by someone entitled to it
	seenBy    map[string]map[string]uint8 // token → person → renderings (bits)
	seenIn    map[string]uint8            // token|person|what → renderings (bits)
	leaks     map[string]*leak
}

func newWorld(t *testing.T, seed uint64) *world {
	t.Helper()
	ctx := context.Background()
	db, url := testenv.DB(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	w := &world{t: t, ctx: ctx, seed: seed, clock: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), conn: conn,
		secrets: map[string]*secret{}, amounts: map[string]*secret{}, rows: map[int64]*member{}, refs: map[core.Code]referral{},
		commands: map[string]int{}, asRole: map[string]map[string]int{}, clicks: map[string]int{}, seenBy: map[string]map[string]uint8{},
		seenIn: map[string]uint8{}, leaks: map[string]*leak{}}
	w.svc = core.NewService(db, core.Options{Now: w.now})
	w.bot = bot.New(w.svc, nil)
	w.cap = &capture{Outbox: db, claimed: map[int64]core.Notice{}, posted: map[string]dest{},
		closed: map[string]bool{}, flaky: map[string]bool{}}
	quiet := slog.New(slog.DiscardHandler)
	w.sender = &sender.Sender{Outbox: w.cap, Platform: core.Console, Messenger: messenger{w.cap}, Now: w.now, Log: quiet, Workers: 1}
	w.sched = &scheduler.Scheduler{Svc: w.svc, Log: quiet}
	return w
}

func (w *world) now() time.Time { return w.clock }

func identity(person string) core.Identity {
	return core.Identity{Platform: core.Console, TeamID: console.Team, TeamName: "Console network",
		UserID: person, UserName: person, Channel: console.Channel}
}

// secret returns a new token of a kind for the referral code (0: the one
// this step creates), typed by author.
func (w *world) secret(kind string, code core.Code, author string) string {
	w.nextTok++
	s := &secret{token: fmt.Sprintf("zq%s%04dq", kind, w.nextTok), kind: kind, code: code, author: author, step: w.step + 1}
	w.secrets[s.token] = s
	return s.token
}

// amount returns a new amount token of a kind ("est" or "won") for the
// referral code (0: the one this step creates), as typed; a won value
// also registers the 10% fee on it.
func (w *world) amount(kind string, code core.Code, author string) string {
	w.nextAmt++
	v := int64(firstAmount + w.nextAmt)
	w.addAmount(&secret{kind: kind, code: code, author: author, step: w.step + 1}, v*100)
	if kind == "won" {
		w.addAmount(&secret{kind: "fee", code: code, author: author, step: w.step + 1}, v*10)
	}
	return fmt.Sprint(v)
}

// token is the token of an amount as typed ("7770005" → "7,770,005").
func (w *world) token(typed string) string {
	for tok, s := range w.amounts {
		if s.token == tok && strings.ReplaceAll(tok, ",", "") == typed {
			return tok
		}
	}
	w.t.Fatalf("no amount %s was typed", typed)
	return ""
}

// addAmount registers an amount in minor units as every rendering may
// show it.
func (w *world) addAmount(s *secret, cents int64) {
	s.token = strings.TrimPrefix(core.Money{Cents: cents, Currency: "USD"}.String(), "USD ")
	w.secrets[s.token] = s
	w.amounts[s.token] = s
	w.amounts[fmt.Sprint(cents)] = s
}

// run types `/refer text` as person and checks everything it caused.
func (w *world) run(person, text string) []bot.Message {
	w.t.Helper()
	w.begin(person, "/refer "+text)
	w.count(person, text)
	ms := w.bot.Handle(w.ctx, bot.Request{Identity: identity(person), Text: text})
	w.finish(person, "`/refer "+firstWord(text)+"`", ms)
	return ms
}

// click presses a button (an action path) as person.
func (w *world) click(person, action string) []bot.Message {
	w.t.Helper()
	w.begin(person, "click "+action)
	verb, _, _ := strings.Cut(strings.TrimPrefix(action, "/refer/"), "/")
	w.clicks[verb]++
	if cmd, err := bot.ActionCommand(action); err == nil && grammar.Check(cmd) == nil {
		w.tally(person, cmd, codeRe.FindString(action))
	}
	ms := w.bot.HandleAction(w.ctx, identity(person), action)
	w.finish(person, "click "+verb, ms)
	return ms
}

// clickButton clicks the latest button person was shown (or that is on a
// channel post) whose label starts with label, for code.
func (w *world) clickButton(person, label, code string) []bot.Message {
	w.t.Helper()
	return w.clickShown(person, person, label, code)
}

// clickShown clicks, as person, a button shown to owner (a forged or
// forwarded click: action paths are easy to guess).
func (w *world) clickShown(person, owner, label, code string) []bot.Message {
	w.t.Helper()
	for i := len(w.buttons) - 1; i >= 0; i-- {
		b := w.buttons[i]
		if (b.owner == owner || b.owner == "") && strings.HasPrefix(b.Label, label) && b.code == code {
			return w.click(person, b.Action)
		}
	}
	w.t.Fatalf("step %d: @%s was shown no %q button for %s", w.step, owner, label, code)
	return nil
}

// jobs moves the clock on and runs every scheduled job that fell due.
func (w *world) jobs(d time.Duration) {
	w.t.Helper()
	w.begin("scheduler", fmt.Sprintf("+%s, run due jobs", d))
	w.clock = w.clock.Add(d)
	if _, err := w.sched.RunDue(w.ctx, w.clock); err != nil {
		w.t.Fatalf("jobs: %v", err)
	}
	w.finish("", "", nil)
}

// count records a command run and the role its actor plays.
func (w *world) count(person, text string) {
	cmd, err := grammar.Parse(text)
	if err != nil {
		return
	}
	w.tally(person, cmd, codeRe.FindString(text))
}

// tally counts a command person ran about the referral code.
func (w *world) tally(person string, cmd grammar.Command, code string) {
	w.commands[cmd.Name()]++
	if w.asRole[cmd.Name()] == nil {
		w.asRole[cmd.Name()] = map[string]int{}
	}
	w.asRole[cmd.Name()][w.role(person, code)]++
}

var codeRe = regexp.MustCompile(`R-[0-9]+`)

// roles, in the order they are reported.
var roles = []string{"referrer", "receiver", "co-owner", "raised hand", "other member", "admin", "removed", "forgotten"}

// role is what person is to the referral code ("" for none) right now.
func (w *world) role(person, code string) string {
	row := w.rows[w.rowOf(person)]
	switch {
	case row == nil:
		return "other member" // new to the network
	case row.status == core.MemberRemoved:
		return "removed"
	}
	for _, m := range w.rows {
		if m.person == person && m.status == core.MemberForgotten {
			return "forgotten" // erased their data, maybe back as someone new
		}
	}
	if c, err := core.ParseCode(code); err == nil {
		r := w.refs[c]
		switch {
		case row.id == r.referrer:
			return "referrer"
		case row.id == r.receiver:
			return "receiver"
		case row.id == r.coOwner:
			return "co-owner"
		case row.role == core.RoleAdmin:
			return "admin"
		case slices.Contains(r.hands, row.id):
			return "raised hand"
		}
		return "other member"
	}
	if row.role == core.RoleAdmin {
		return "admin"
	}
	return "other member"
}

func (w *world) begin(person, what string) {
	w.step++
	w.clock = w.clock.Add(time.Minute)
	w.trail = append(w.trail, fmt.Sprintf("%d @%s: %s", w.step, person, what))
	if len(w.trail) > 12 {
		w.trail = w.trail[1:]
	}
}

// finish delivers what the step queued, updates the oracle and checks
// every output: the replies to the actor, then each delivered notice.
func (w *world) finish(person, what string, replies []bot.Message) {
	w.t.Helper()
	w.resolveCodes(replies)
	if !w.hold {
		if _, err := w.sender.DeliverAll(w.ctx); err != nil {
			w.t.Fatalf("step %d: deliver: %v", w.step, err)
		}
	}
	w.load()
	if person != "" {
		actor := w.rowOf(person)
		for _, m := range replies {
			o := output{step: w.step, what: "reply to " + what, msg: m, reply: true, actor: actor}
			switch m.Visibility {
			case bot.Channel:
				o.public = true
			case bot.Direct:
				o.viewers = []int64{w.rowByUserID(m.To)}
			default:
				o.viewers = []int64{actor}
			}
			w.check(o, person)
		}
	}
	for _, d := range w.cap.got {
		w.delivered(d)
	}
	w.cap.got = nil
}

// resolveCodes ties the secrets typed in a referral being created to the
// code the bot gave it.
func (w *world) resolveCodes(replies []bot.Message) {
	var code core.Code
	for _, m := range replies {
		if m.Kind == "referral" && m.Referral != "" {
			c, err := core.ParseCode(m.Referral)
			if err == nil {
				code = c
				break
			}
		}
	}
	for _, s := range w.secrets {
		if s.step == w.step && s.code == 0 && (s.kind == "name" || s.kind == "mail" || s.kind == "est") {
			s.code = code
		}
	}
}

func (w *world) delivered(d delivery) {
	n := d.n
	ss := d.sent
	if d.failed {
		return // nobody saw it; a retry is checked when it is delivered
	}
	if len(ss) == 0 {
		// Dropped (an update with nothing to update): check what a
		// platform that can't edit would have been given anyway.
		m := bot.RenderNotice(n)
		ss = []sent{{msg: m, at: dest{m.Visibility, m.To}}}
	}
	for _, s := range ss {
		m := s.msg
		o := output{step: w.step, msg: m}
		if n.To.IsChannel() {
			o.what = "post " + string(n.Kind)
			if m.Visibility != bot.Channel {
				w.violation("channel notice not rendered as a channel post: "+string(n.Kind), o, "")
			}
		} else {
			o.what = "DM " + string(n.Kind)
			row := w.rows[n.To.MemberID]
			switch {
			case row == nil:
				w.violation("DM to an unknown member: "+string(n.Kind), o, "")
			case row.status != core.MemberActive:
				w.violation(fmt.Sprintf("DM to a %s member: %s", row.status, n.Kind), o,
					fmt.Sprintf("@%s (%s) was sent %q", row.person, row.status, m.Title))
			case m.Visibility != bot.Direct || m.To != row.userID:
				w.violation("DM routed elsewhere: "+string(n.Kind), o,
					fmt.Sprintf("for @%s (%s) but visibility %s to %q", row.person, row.userID, m.Visibility, m.To))
			}
		}
		if s.edit && s.at != (dest{m.Visibility, m.To}) {
			o.what += " (editing another's message)"
			w.violation("an update edits a message someone else was sent: "+string(n.Kind), o,
				fmt.Sprintf("meant for %s %q, it edits a message in %s %q", m.Visibility, m.To, s.at.vis, s.at.to))
		}
		// Whoever sees the message it lands in sees it.
		switch s.at.vis {
		case bot.Channel:
			o.public = true
		case bot.Direct:
			o.viewers = []int64{w.rowByUserID(s.at.to)}
			if n.To.MemberID != 0 && !s.edit {
				o.viewers = []int64{n.To.MemberID} // a forgotten member's user id is renamed
			}
		default:
			w.violation("a notice rendered as an ephemeral reply: "+string(n.Kind), o, "")
			o.public = true
		}
		w.check(o, "")
	}
}

// check renders o on every platform and looks for secrets a viewer of o
// may not see.
func (w *world) check(o output, actor string) {
	w.outputs++
	w.collectButtons(o)
	for _, r := range renderings {
		w.checked++
		raw := r.render(o.msg)
		w.checkAmounts(o, r, raw)
		text := strings.ToLower(raw)
		for _, tok := range tokenRe.FindAllString(text, -1) {
			s := w.secrets[tok]
			if s == nil {
				w.violation("a token nobody typed", o, tok)
				continue
			}
			viewers := o.viewers
			if o.public {
				viewers = w.allRows()
			}
			for _, v := range viewers {
				if row := w.rows[v]; row != nil {
					if w.seenBy[tok] == nil {
						w.seenBy[tok] = map[string]uint8{}
					}
					w.seenBy[tok][row.person] |= 1 << renderingIndex(r.name)
					w.seenIn[tok+"|"+row.person+"|"+o.what] |= 1 << renderingIndex(r.name)
				}
				if w.entitled(v, s, o) {
					w.sightings++
					continue
				}
				who := "a member"
				if row := w.rows[v]; row != nil {
					who = fmt.Sprintf("@%s (%s, %s)", row.person, row.role, row.status)
				}
				w.violation(fmt.Sprintf("%s shows a %s to a non-party", o.what, kindName(s.kind)), o,
					fmt.Sprintf("%s saw %s (%s of %s, typed by @%s) on %s:\n%s", who, tok, kindName(s.kind), s.code,
						s.author, r.name, excerpt(text, tok)))
			}
		}
	}
}

// checkAmounts looks, in what a viewer of o sees, for amounts (of the
// scenario's distinctive ones) a viewer may not see: a private amount of
// a referral they are no party to.
func (w *world) checkAmounts(o output, r rendering, text string) {
	if m := o.msg; slices.ContainsFunc(m.Fields, func(f bot.Field) bool { return derived[f.Name] }) {
		m.Fields = slices.DeleteFunc(slices.Clone(m.Fields), func(f bot.Field) bool { return derived[f.Name] })
		text = r.render(m)
	}
	if strings.Contains(text, "withheld: ") {
		w.withheld++
	}
	viewers := o.viewers
	if o.public {
		viewers = w.allRows()
	}
	for _, n := range amountRe.FindAllString(text, -1) {
		s := w.amounts[n]
		if s == nil {
			continue // a total of several, a count, an id
		}
		for _, v := range viewers {
			w.sighted(s.token, v, o, r)
			if w.seesAmount(v, s, o) {
				w.sightings++
				w.amountSightings++
				continue
			}
			who := "a member"
			if row := w.rows[v]; row != nil {
				who = fmt.Sprintf("@%s (%s, %s)", row.person, row.role, row.status)
			}
			w.violation(fmt.Sprintf("%s shows a private %s to a non-party", o.what, kindName(s.kind)), o,
				fmt.Sprintf("%s saw %s (%s of %s, typed by @%s) on %s:\n%s", who, n, kindName(s.kind), s.code,
					s.author, r.name, excerpt(text, n)))
		}
	}
}

// seesAmount is the rule for amounts, restated: anyone sees a referral's
// amounts unless one of its parties keeps amounts private; then only its
// active parties do — not admins. Someone's own words echoed back to them
// are no leak.
func (w *world) seesAmount(viewer int64, s *secret, o output) bool {
	if o.reply && viewer == o.actor && s.step == o.step {
		return true
	}
	r, ok := w.refs[s.code]
	if !ok {
		return false
	}
	if !w.private(r) {
		return true
	}
	row := w.rows[viewer]
	return row != nil && row.status == core.MemberActive && r.isParty(viewer)
}

// private reports whether a party of r keeps amounts private.
func (w *world) private(r referral) bool {
	for _, id := range []int64{r.referrer, r.receiver, r.coOwner} {
		if m := w.rows[id]; m != nil && m.private {
			return true
		}
	}
	return false
}

// sighted records that the viewer v saw the token in o on r.
func (w *world) sighted(tok string, v int64, o output, r rendering) {
	if row := w.rows[v]; row != nil {
		if w.seenBy[tok] == nil {
			w.seenBy[tok] = map[string]uint8{}
		}
		w.seenBy[tok][row.person] |= 1 << renderingIndex(r.name)
		w.seenIn[tok+"|"+row.person+"|"+o.what] |= 1 << renderingIndex(r.name)
	}
}

func renderingIndex(name string) int {
	return slices.IndexFunc(renderings, func(r rendering) bool { return r.name == name })
}

func kindName(k string) string {
	return map[string]string{"name": "client name", "mail": "client contact", "note": "stage note",
		"decl": "decline reason", "lost": "lost reason", "fdbk": "feedback comment", "disp": "dispute reason",
		"est": "estimate", "won": "won value", "fee": "fee owed"}[k]
}

// entitled is the rule, restated for the oracle: an active member who is
// a party or an admin of the secret's referral. Someone's own words echoed
// back in the reply to the command they typed them in are no leak.
func (w *world) entitled(viewer int64, s *secret, o output) bool {
	if o.reply && viewer == o.actor && s.step == o.step {
		return true
	}
	row := w.rows[viewer]
	r, ok := w.refs[s.code]
	if row == nil || !ok || row.status != core.MemberActive {
		return false
	}
	return row.role == core.RoleAdmin || r.isParty(viewer)
}

func (w *world) violation(key string, o output, detail string) {
	l := w.leaks[key]
	if l == nil {
		l = &leak{first: fmt.Sprintf("seed %d, step %d: %s\nlast steps:\n  %s\nconsole rendering:\n%s",
			w.seed, o.step, detail, strings.Join(w.trail, "\n  "), consoleText(o.msg))}
		w.leaks[key] = l
	}
	l.count++
}

func excerpt(text, tok string) string {
	i := strings.Index(text, tok)
	lo, hi := max(0, i-160), min(len(text), i+len(tok)+80)
	return "…" + text[lo:hi] + "…"
}

func (w *world) collectButtons(o output) {
	owner := ""
	switch {
	case o.public:
	case len(o.viewers) == 1 && w.rows[o.viewers[0]] != nil:
		owner = w.rows[o.viewers[0]].person
	default:
		return
	}
	for _, b := range o.msg.Buttons {
		code := ""
		if parts := strings.Split(b.Action, "/"); len(parts) > 3 {
			code = parts[3]
		}
		w.buttons = append(w.buttons, seenButton{Button: b, owner: owner, code: code})
	}
	if len(w.buttons) > 400 {
		w.buttons = w.buttons[len(w.buttons)-300:]
	}
}

// load reads who is who and who is a party to what, after a step.
func (w *world) load() {
	rows, err := w.conn.Query(w.ctx, `SELECT id, user_id, display_name, role, status, amounts_private FROM members`)
	if err != nil {
		w.t.Fatal(err)
	}
	for rows.Next() {
		var m member
		if err := rows.Scan(&m.id, &m.userID, &m.name, &m.role, &m.status, &m.private); err != nil {
			w.t.Fatal(err)
		}
		if old := w.rows[m.id]; old != nil {
			m.person = old.person
		} else {
			m.person = m.userID
		}
		w.rows[m.id] = &m
	}
	if err := rows.Err(); err != nil {
		w.t.Fatal(err)
	}
	rs, err := w.conn.Query(w.ctx, `SELECT code, referrer_id, COALESCE(receiver_id, 0), COALESCE(co_owner_id, 0),
		status FROM referrals`)
	if err != nil {
		w.t.Fatal(err)
	}
	for rs.Next() {
		var r referral
		if err := rs.Scan(&r.code, &r.referrer, &r.receiver, &r.coOwner, &r.status); err != nil {
			w.t.Fatal(err)
		}
		w.refs[r.code] = r
	}
	if err := rs.Err(); err != nil {
		w.t.Fatal(err)
	}
	hs, err := w.conn.Query(w.ctx, `SELECT r.code, i.member_id FROM referral_interest i
		JOIN referrals r ON r.id = i.referral_id ORDER BY i.at`)
	if err != nil {
		w.t.Fatal(err)
	}
	for hs.Next() {
		var c core.Code
		var id int64
		if err := hs.Scan(&c, &id); err != nil {
			w.t.Fatal(err)
		}
		r := w.refs[c]
		r.hands = append(r.hands, id)
		w.refs[c] = r
	}
	if err := hs.Err(); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) allRows() []int64 {
	ids := make([]int64, 0, len(w.rows))
	for id := range w.rows {
		ids = append(ids, id)
	}
	return ids
}

// rowOf is the member row a person acts as now: the one with their user
// id, or (having erased their data) the row they left behind.
func (w *world) rowOf(person string) int64 {
	if id := w.rowByUserID(person); id != 0 {
		return id
	}
	var last int64
	for id, m := range w.rows {
		if m.person == person && id > last {
			last = id
		}
	}
	return last
}

func (w *world) rowByUserID(uid string) int64 {
	for id, m := range w.rows {
		if m.userID == uid {
			return id
		}
	}
	return 0
}

// codes lists the referral codes, oldest first.
func (w *world) codes() []core.Code {
	cs := make([]core.Code, 0, len(w.refs))
	for c := range w.refs {
		cs = append(cs, c)
	}
	slices.Sort(cs)
	return cs
}

// wantSaw checks the positive side: person saw the secret in an output
// (what: "DM referral.offered", "reply to `/refer show`"; "" for any) on
// every rendering, so the property can't hold by showing nothing.
func (w *world) wantSaw(person, token, what string) {
	w.t.Helper()
	got := w.seenBy[token][person]
	if what != "" {
		got = w.seenIn[token+"|"+person+"|"+what]
	}
	if got != 1<<len(renderings)-1 {
		w.t.Errorf("@%s should have seen %s (%s of %s) in %q on every rendering; renderings seen: %03b",
			person, token, kindName(w.secrets[token].kind), w.secrets[token].code, what, got)
	}
}

// wantNotSaw double-checks the oracle on a case the scenario sets up.
func (w *world) wantNotSaw(person, token string) {
	w.t.Helper()
	if got := w.seenBy[token][person]; got != 0 {
		w.t.Errorf("@%s saw %s (%s of %s); renderings: %03b", person, token, kindName(w.secrets[token].kind),
			w.secrets[token].code, got)
	}
}

// coverage describes which commands ran as which roles.
func (w *world) coverage() string {
	var b strings.Builder
	pairs := 0
	for _, name := range grammar.Subcommands() {
		var as []string
		for _, r := range roles {
			if n := w.asRole[name][r]; n > 0 {
				as = append(as, fmt.Sprintf("%s %d", r, n))
				pairs++
			}
		}
		fmt.Fprintf(&b, "\n  %-11s %s", name, strings.Join(as, ", "))
	}
	return fmt.Sprintf("%d command × role pairs:%s", pairs, b.String())
}

// report fails the test for each kind of violation found.
func (w *world) report() {
	w.t.Helper()
	keys := make([]string, 0, len(w.leaks))
	for k := range w.leaks {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		l := w.leaks[k]
		w.t.Errorf("%s (%d times); first: %s", k, l.count, l.first)
	}
}

func firstWord(s string) string {
	f, _, _ := strings.Cut(strings.TrimSpace(s), " ")
	return f
}
