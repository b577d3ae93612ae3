package privacycheck_test

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/core"
)

// The cast. Roles are relative to a referral, but the fixed scenario
// gives each person one to play: ada is the admin (the first to use the
// bot), rita refers, remy receives, cole co-owns, hana raises her hand,
// pia is picked, cleo claims, otto is no party to anything, rex is
// removed by ada and fay erases her data.
var cast = []string{"ada", "rita", "remy", "cole", "hana", "pia", "cleo", "otto", "rex", "fay"}

var needs = []string{"new website and online shop", "brand identity for a bakery", "bookkeeping for a small studio",
	"product photography", "an SEO audit", "a tax return", "copywriting for a launch", "packaging design"}

// refer makes a direct referral with a secret client name and, with
// contact, a secret e-mail; it returns the code and the tokens.
func (w *world) refer(from, to string, contact bool) (code, name, mail string) {
	w.t.Helper()
	text, name, mail := w.referText(from, to, contact)
	return w.created(w.run(from, text)), name, mail
}

func (w *world) referText(from, to string, contact bool) (text, name, mail string) {
	name = w.secret("name", 0, from)
	text = fmt.Sprintf("@%s Client %s", to, name)
	if contact {
		mail = w.secret("mail", 0, from)
		text += " " + mail + "@example.com consent"
	}
	text += fmt.Sprintf(" — %s #work ~%s warm", needs[w.step%len(needs)], w.amount("est", 0, from))
	return text, name, mail
}

// lead posts an open lead, with a secret client (and contact) or none.
func (w *world) lead(from string, client bool, days int) (code, name, mail string) {
	w.t.Helper()
	text, name, mail := w.leadText(from, client, days)
	return w.created(w.run(from, text)), name, mail
}

func (w *world) leadText(from string, client bool, days int) (text, name, mail string) {
	text = "lead "
	if client {
		name, mail = w.secret("name", 0, from), w.secret("mail", 0, from)
		text += fmt.Sprintf("Client %s %s@example.com consent — ", name, mail)
	}
	text += fmt.Sprintf("%s #work ~%s expires %dd", needs[w.step%len(needs)], w.amount("est", 0, from), days)
	return text, name, mail
}

func (w *world) created(ms []bot.Message) string {
	w.t.Helper()
	if len(ms) == 0 || ms[0].Kind != "referral" || ms[0].Referral == "" {
		w.t.Fatalf("step %d: no referral created: %+v", w.step, ms)
	}
	return ms[0].Referral
}

// must checks that a command did what the scenario needs.
func (w *world) must(ms []bot.Message) {
	w.t.Helper()
	for _, m := range ms {
		if m.Kind == "error" {
			w.t.Fatalf("step %d (%s): %s", w.step, w.trail[len(w.trail)-1], m.Text)
		}
	}
}

// refused checks that a command was turned down.
func (w *world) refused(ms []bot.Message) {
	w.t.Helper()
	if len(ms) != 1 || ms[0].Kind != "error" {
		w.t.Errorf("step %d (%s) should have been refused: %+v", w.step, w.trail[len(w.trail)-1], ms)
	}
}

// sweep has every person look at every referral, their lists and their
// data export.
func (w *world) sweep(people ...string) {
	w.t.Helper()
	for _, p := range people {
		for _, c := range w.codes() {
			w.run(p, "show "+c.String())
		}
		w.run(p, "list")
		w.run(p, "list open")
		w.run(p, "export")
	}
}

func (w *world) coOwner(code, person string) {
	w.t.Helper()
	c, err := core.ParseCode(code)
	if err != nil {
		w.t.Fatal(err)
	}
	// /refer coowner makes one of a referral being worked; the store also
	// allows one on an offer, which no command makes: set it there.
	if _, err := w.conn.Exec(w.ctx, `UPDATE referrals SET co_owner_id = (SELECT id FROM members WHERE user_id = $1)
		WHERE code = $2`, person, int64(c)); err != nil {
		w.t.Fatal(err)
	}
	w.load()
}

// fixedScenario puts referrals in every stage, with secrets in every
// place a secret can go, then has every role try every command and
// button on them, including after a removal and an erasure.
func (w *world) fixedScenario() {
	w.t.Helper()
	w.must(w.run("ada", "config"))
	w.must(w.run("ada", "config quiet off"))
	w.must(w.run("ada", "config fee 10%"))
	for _, p := range cast {
		w.must(w.run(p, "profile set services websites, branding and bookkeeping"))
	}
	w.must(w.run("remy", "profile set tags web branding"))
	// remy, who receives most, and pia keep their deal amounts private:
	// every referral either of them is party to has private amounts.
	w.must(w.run("remy", "profile set amounts private"))
	w.must(w.run("pia", "profile amounts private"))
	w.refused(w.run("pia", "profile set amounts secret"))
	w.run("otto", "help")
	w.run("otto", "help lead")

	// Direct referrals from rita to remy, one in each stage.
	offered, _, offeredMail := w.refer("rita", "remy", true)
	w.refused(w.clickShown("otto", "remy", "Decline", offered)) // someone else's button
	w.refused(w.click("otto", "/refer/accept/"+offered))

	accepted, _, _ := w.refer("rita", "remy", true)
	w.must(w.clickButton("remy", "Accept", accepted))
	w.refused(w.clickButton("remy", "Won", accepted))  // needs a value: the platforms open a form
	w.refused(w.clickButton("remy", "Lost", accepted)) // needs a reason

	contacted, _, _ := w.refer("rita", "remy", true)
	w.must(w.run("remy", "accept "+contacted))
	contactedNote := w.secret("note", code(contacted), "remy")
	w.must(w.run("remy", fmt.Sprintf("status %s contacted called them: %s", contacted, contactedNote)))
	w.must(w.clickButton("remy", "Mark meeting", contacted))
	w.must(w.clickButton("remy", "Undo", contacted)) // back at contacted
	w.must(w.clickButton("remy", "Mark meeting", contacted))

	declined, _, _ := w.refer("rita", "remy", true)
	w.refused(w.clickButton("remy", "Decline", declined)) // needs a reason
	declineReason := w.secret("decl", code(declined), "remy")
	w.must(w.run("remy", fmt.Sprintf("decline %s %s", declined, declineReason)))

	lost, _, _ := w.refer("rita", "remy", true)
	w.must(w.run("remy", "accept "+lost))
	lostReason := w.secret("lost", code(lost), "remy")
	w.must(w.run("remy", fmt.Sprintf("lost %s %s", lost, lostReason)))
	lostFeedback := w.secret("fdbk", code(lost), "rita")
	w.must(w.run("rita", fmt.Sprintf("feedback %s 2 %s", lost, lostFeedback)))
	w.must(w.run("remy", "thanks "+lost+" thank you for thinking of me"))
	w.must(w.run("remy", "undo "+lost)) // the thank-you, withdrawn in the channel
	w.must(w.run("rita", "undo "+lost)) // her rating, gone
	w.refused(w.run("otto", "undo "+lost))

	won, wonName, _ := w.refer("rita", "remy", true)
	w.must(w.clickButton("remy", "Accept", won))
	w.must(w.run("remy", fmt.Sprintf("status %s meeting %s", won, w.secret("note", code(won), "remy"))))
	wonNote := w.secret("note", code(won), "remy")
	wonValue := w.amount("won", code(won), "remy")
	w.must(w.run("remy", fmt.Sprintf("won %s %s %s", won, wonValue, wonNote)))
	w.must(w.clickButton("remy", "Thank @rita", won))
	wonFeedback := w.secret("fdbk", code(won), "remy")
	w.must(w.run("remy", fmt.Sprintf("feedback %s 5 %s", won, wonFeedback)))
	w.refused(w.run("otto", fmt.Sprintf("feedback %s 1 %s", won, w.secret("fdbk", code(won), "otto"))))
	correctNote := w.secret("note", code(won), "remy")
	w.must(w.run("remy", fmt.Sprintf("correct %s 4,900 %s", won, correctNote)))
	w.refused(w.run("rita", "correct "+won+" 5000"))
	w.refused(w.run("otto", fmt.Sprintf("correct %s 1 %s", won, w.secret("note", code(won), "otto"))))
	// The fee: rita confirms the won value, remy marks it paid, rita
	// confirms receipt; on another win she disputes the value, with a
	// reason only the parties and admins read.
	w.refused(w.run("remy", "confirm "+won))
	w.must(w.clickButton("rita", "Confirm USD", won))
	w.must(w.clickButton("remy", "Mark fee paid", won))
	w.must(w.run("rita", "fee "+won+" received"))
	disputed, _, _ := w.refer("rita", "remy", true)
	w.must(w.run("remy", "accept "+disputed))
	w.must(w.run("remy", "won "+disputed+" 48000"))
	w.refused(w.clickButton("rita", "Dispute", disputed)) // needs a reason: the platforms open a form
	disputeReason := w.secret("disp", code(disputed), "rita")
	w.must(w.run("rita", fmt.Sprintf("dispute %s %s", disputed, disputeReason)))
	w.refused(w.run("otto", fmt.Sprintf("dispute %s %s", won, w.secret("disp", code(won), "otto"))))
	w.refused(w.run("otto", fmt.Sprintf("status %s proposal %s", contacted, w.secret("note", code(contacted), "otto"))))

	coOwned, coName, _ := w.refer("rita", "remy", true)
	w.must(w.run("remy", "accept "+coOwned))
	w.refused(w.run("rita", "coowner "+coOwned+" @cole")) // the referrer doesn't choose
	w.must(w.run("remy", "coowner "+coOwned+" @otto"))
	w.must(w.run("remy", "coowner "+coOwned+" @cole")) // otto is taken off
	coNote := w.secret("note", code(coOwned), "cole")
	w.must(w.run("cole", fmt.Sprintf("status %s contacted %s", coOwned, coNote)))

	reassigned, _, _ := w.refer("rita", "remy", true)
	w.must(w.run("remy", fmt.Sprintf("decline %s %s", reassigned, w.secret("decl", code(reassigned), "remy"))))
	w.must(w.run("rita", "reassign "+reassigned+" @pia"))
	w.must(w.clickButton("pia", "Accept", reassigned))

	// pia's DMs are closed for a while, so the offer of a referral sent on
	// to her never arrives; she accepts it from her list all the same.
	rerouted, _, _ := w.refer("rita", "remy", true)
	w.must(w.run("remy", fmt.Sprintf("decline %s %s", rerouted, w.secret("decl", code(rerouted), "remy"))))
	w.cap.closed["pia"] = true
	w.must(w.run("rita", "reassign "+rerouted+" @pia"))
	delete(w.cap.closed, "pia")
	w.must(w.run("pia", "accept "+rerouted))
	w.must(w.run("pia", fmt.Sprintf("status %s contacted %s", rerouted, w.secret("note", code(rerouted), "pia"))))
	w.must(w.run("pia", fmt.Sprintf("lost %s %s", rerouted, w.secret("lost", code(rerouted), "pia"))))

	// remy can't be reached for a while, so his offer waits to be retried;
	// he declines it from his list and rita sends it on to pia before it
	// reaches him.
	w.cap.flaky["remy"] = true
	late, _, _ := w.refer("rita", "remy", true)
	w.must(w.run("remy", fmt.Sprintf("decline %s %s", late, w.secret("decl", code(late), "remy"))))
	w.must(w.run("rita", "reassign "+late+" @pia"))
	delete(w.cap.flaky, "remy")
	w.jobs(time.Hour)

	// What rex and fay are in the middle of when they leave.
	rexOffered, _, _ := w.refer("rita", "rex", true)
	rexWorking, _, _ := w.refer("rita", "rex", true)
	w.must(w.run("rex", "accept "+rexWorking))
	w.must(w.run("rex", fmt.Sprintf("status %s contacted %s", rexWorking, w.secret("note", code(rexWorking), "rex"))))
	rexGave, _, _ := w.refer("rex", "remy", true)
	w.must(w.run("remy", "accept "+rexGave))
	rexLead, _, _ := w.lead("rex", true, 3)
	fayWorking, _, _ := w.refer("rita", "fay", true)
	w.must(w.run("fay", "accept "+fayWorking))
	fayGave, _, _ := w.refer("fay", "remy", true)
	fayLead, _, _ := w.lead("fay", true, 30)

	// Leads from rita: open, with a hand raised, claimed, picked, picked by
	// the admin, claimed by rex and by fay, and one with no client at all.
	open, _, _ := w.lead("rita", true, 5)
	handRaised, handName, handMail := w.lead("rita", true, 30)
	w.must(w.clickButton("hana", "I'm interested", handRaised))
	w.refused(w.run("hana", "interested "+handRaised))
	w.refused(w.run("hana", "pick "+handRaised+" @hana"))
	claimed, claimedName, claimedMail := w.lead("rita", true, 30)
	w.must(w.clickButton("cleo", "Claim", claimed))
	w.refused(w.clickButton("otto", "Claim", claimed))
	w.refused(w.run("rita", "claim "+open))
	picked, pickedName, _ := w.lead("rita", true, 30)
	w.must(w.run("hana", "hand "+picked))
	w.must(w.clickButton("pia", "I'm interested", picked))
	w.must(w.clickButton("rita", "Pick @pia", picked))
	adminPicked, adminPickedName, _ := w.lead("rita", true, 30)
	w.must(w.run("hana", "interested "+adminPicked))
	w.must(w.run("ada", "pick "+adminPicked+" @hana"))
	rexClaimed, _, _ := w.lead("rita", true, 30)
	w.must(w.run("rex", "claim "+rexClaimed))
	fayClaimed, _, _ := w.lead("rita", true, 30)
	w.must(w.run("fay", "claim "+fayClaimed))
	w.must(w.clickButton("fay", "Mark contacted", fayClaimed))
	noClient, _, _ := w.lead("rita", false, 30)
	w.must(w.run("otto", "claim "+noClient))
	w.must(w.run("otto", fmt.Sprintf("lost %s %s", noClient, w.secret("lost", code(noClient), "otto"))))

	// Everything else, by everyone.
	w.sweep(cast...)
	for _, p := range cast {
		w.run(p, "list given")
		w.run(p, "list received")
		w.run(p, "list all")
		w.run(p, "list mine declined")
		w.run(p, "stats")
		w.run(p, "stats network")
		w.run(p, "stats @rita")
		w.run(p, "fees")
		w.run(p, "fees owed this-month")
		w.run(p, "leaderboard")
		w.run(p, "dashboard")
		w.run(p, "who website for a bakery #web")
		w.run(p, "profile")
		w.run(p, "profile @remy")
		w.run(p, "undelivered")
		w.run(p, "config")
	}
	w.must(w.run("otto", "touch @rita coffee talked about clients"))
	w.must(w.run("otto", "reminders 14"))
	w.must(w.run("otto", "reminders default"))
	w.must(w.click("otto", "/refer/reminders/off"))
	w.must(w.click("otto", "/refer/reminders/on"))
	w.must(w.click("otto", "/refer/show/"+claimed))
	w.must(w.click("cleo", "/refer/show/"+claimed))
	w.must(w.click("hana", "/refer/show/"+handRaised))
	w.must(w.click("ada", "/refer/show/"+handRaised))
	w.must(w.run("ada", "buddy @otto @rita"))
	w.refused(w.run("otto", "buddy @hana @rita"))
	w.refused(w.run("otto", "config remove @rex"))
	w.refused(w.run("rita", "config admin @rita"))

	// remy sends one back to rita, with the network's 10% fee: a ring.
	ring, _, _ := w.refer("remy", "rita", false)
	w.must(w.run("ada", "config daily-cap 200"))
	w.refused(w.run("otto", "flags"))
	flags := w.run("ada", "flags")
	w.must(flags)
	id := flagRe.FindString(flags[0].Text)
	if id == "" || !strings.Contains(flags[0].Text, ring) {
		w.t.Fatalf("no ring flag with %s: %+v", ring, flags)
	}
	w.refused(w.run("ada", "flags dismiss "+id))
	w.refused(w.run("ada", "flags dismiss F-000000 no such flag"))
	w.must(w.run("ada", "flags dismiss "+id+" remy and rita run a joint practice"))
	w.must(w.run("ada", "flags all"))

	// ada removes rex: his referrals come back, his claimed lead is open
	// again, and he hears nothing more — not even what was still waiting
	// in the outbox when he was removed, once ada retries what failed.
	w.hold = true
	w.refer("rita", "rex", true)
	w.hold = false
	w.must(w.run("ada", "config remove @rex"))
	w.refused(w.run("rex", "show "+rexWorking))
	w.refused(w.run("rex", "list"))
	w.refused(w.click("rex", "/refer/claim/"+open))
	w.refused(w.run("rita", "@rex Client Zed — a website"))
	w.must(w.run("remy", fmt.Sprintf("status %s contacted %s", rexGave, w.secret("note", code(rexGave), "remy"))))
	w.must(w.run("remy", "won "+rexGave+" "+w.amount("won", code(rexGave), "remy")))
	w.must(w.run("remy", "thanks "+rexGave+" thanks, Rex"))
	w.must(w.clickButton("otto", "Claim", rexClaimed))
	w.must(w.run("rita", "reassign "+rexOffered+" @remy"))
	w.must(w.run("hana", "interested "+rexLead))
	w.must(w.run("ada", "undelivered"))
	w.must(w.run("ada", "undelivered retry"))

	// fay erases her data: the same, and she starts afresh if she comes back.
	w.must(w.run("fay", "forget"))
	w.hold = true
	w.refer("rita", "fay", true)
	w.hold = false
	w.must(w.clickButton("fay", "Yes, erase", "confirm"))
	w.must(w.run("remy", "accept "+fayGave))
	w.must(w.run("remy", fmt.Sprintf("status %s contacted %s", fayGave, w.secret("note", code(fayGave), "remy"))))
	w.must(w.run("cleo", "claim "+fayClaimed))
	w.must(w.run("otto", "claim "+fayLead))
	w.must(w.run("ada", "undelivered retry"))

	// Days pass: leads expire, quiet referrals and missing thank-yous are
	// nudged, the digests and reports go out.
	w.jobs(6 * 24 * time.Hour)
	w.jobs(5 * 24 * time.Hour)
	w.jobs(30 * 24 * time.Hour)

	// Every command as every role, on referrals in the stages it fits.
	w.everyRole()

	// fay came back as a new member; everyone looks again.
	w.sweep(cast...)

	// The positive side: the people entitled saw what they needed to.
	w.wantSaw("remy", offeredMail, "DM referral.offered")
	w.wantSaw("rita", offeredMail, "reply to `/refer @remy`")
	w.wantSaw("cleo", claimedName, "reply to click claim")
	w.wantSaw("cleo", claimedMail, "reply to click claim")
	w.wantSaw("rita", claimedName, "DM lead.claimed_dm")
	w.wantSaw("pia", pickedName, "DM lead.handoff")
	w.wantSaw("hana", adminPickedName, "DM lead.handoff") // picked by the admin
	w.wantSaw("rita", declineReason, "DM referral.declined")
	w.wantSaw("rita", contactedNote, "DM referral.stage")
	w.wantSaw("rita", lostReason, "DM referral.lost")
	w.wantSaw("rita", correctNote, "DM referral.corrected")
	w.wantSaw("cole", coName, "DM referral.co_owner")         // chosen with /refer coowner
	w.wantSaw("ada", contactedNote, "reply to `/refer show`") // admins see everything
	w.wantSaw("cole", coNote, "reply to `/refer show`")       // co-owners too
	w.wantSaw("remy", coNote, "reply to `/refer show`")
	w.wantSaw("remy", lostFeedback, "reply to `/refer show`")
	w.wantSaw("rita", wonFeedback, "reply to `/refer show`")
	w.wantSaw("rita", wonNote, "reply to `/refer show`")
	w.wantSaw("rita", offeredMail, "reply to `/refer export`")
	w.wantSaw("remy", disputeReason, "DM fee.won_disputed")
	w.wantSaw("ada", disputeReason, "DM fee.won_disputed") // admins hear of disputes
	w.wantSaw("ada", wonName, "reply to `/refer fees`")    // and see every fee
	w.wantNotSaw("otto", disputeReason)
	// ... and those who weren't, didn't.
	w.wantNotSaw("hana", handName) // a raised hand reveals nothing
	w.wantNotSaw("hana", handMail)
	w.wantNotSaw("hana", pickedName) // nor does losing the pick
	w.wantNotSaw("otto", claimedName)
	w.wantNotSaw("otto", wonName)
	w.wantNotSaw("otto", declineReason)
	w.wantNotSaw("pia", declineReason)
	// Private amounts: the parties see them; others, admins included,
	// see the outcome without them, and totals that would give one away
	// are withheld.
	w.wantSaw("rita", w.token(wonValue), "reply to `/refer show`")
	w.wantSaw("remy", w.token(wonValue), "reply to `/refer show`")
	w.wantSaw("rita", w.token(wonValue), "DM referral.won")
	w.wantNotSaw("otto", w.token(wonValue))
	w.wantNotSaw("ada", w.token(wonValue))
	if w.withheld == 0 {
		w.t.Error("no total was ever withheld for holding a private amount")
	}

	for _, name := range grammar.Subcommands() {
		if w.commands[name] == 0 {
			w.t.Errorf("the scenario never ran /refer %s", name)
		}
	}
	for _, verb := range []string{"claim", "interested", "pick", "accept", "decline", "status", "won", "lost",
		"thanks", "show", "forget", "reminders", "confirm", "dispute", "fee", "undo"} {
		if w.clicks[verb] == 0 {
			w.t.Errorf("the scenario never clicked a %s button", verb)
		}
	}
}

var flagRe = regexp.MustCompile(`F-[0-9a-f]{6}`)

func code(s string) core.Code {
	c, err := core.ParseCode(s)
	if err != nil {
		panic(err)
	}
	return c
}

// randomSteps runs n commands and clicks chosen at random (seeded) by
// random people, biased towards those who can act, so referrals move on.
func (w *world) randomSteps(n int) {
	w.t.Helper()
	rnd := rand.New(rand.NewPCG(w.seed, 0x5eed))
	people := append(slices.Clone(cast), "ivy", "jon", "kai")
	pick := func(xs []string) string { return xs[rnd.IntN(len(xs))] }
	active := func() []string {
		var out []string
		for _, m := range w.rows {
			if m.status == core.MemberActive && slices.Contains(people, m.person) {
				out = append(out, m.person)
			}
		}
		slices.Sort(out)
		if len(out) == 0 {
			return people
		}
		return out
	}
	// someone: mostly whoever can act on r, else anyone.
	someone := func(ids ...int64) string {
		if rnd.IntN(10) < 7 {
			for _, i := range rnd.Perm(len(ids)) {
				if m := w.rows[ids[i]]; m != nil && m.status == core.MemberActive && m.userID == m.person {
					return m.person
				}
			}
		}
		return pick(people)
	}
	// a referral in one of the stages (any, if none).
	ref := func(stages ...core.Status) referral {
		var rs []referral
		for _, c := range w.codes() {
			if r := w.refs[c]; len(stages) == 0 || slices.Contains(stages, r.status) {
				rs = append(rs, r)
			}
		}
		if len(rs) == 0 {
			for _, c := range w.codes() {
				rs = append(rs, w.refs[c])
			}
		}
		if len(rs) == 0 {
			return referral{code: 1001}
		}
		return rs[rnd.IntN(len(rs))]
	}
	removals := 0
	for range n {
		switch k := rnd.IntN(100); {
		case k < 8:
			from := pick(people)
			text, _, _ := w.referText(from, pick(active()), rnd.IntN(3) > 0)
			w.run(from, text)
		case k < 14:
			from := pick(people)
			text, _, _ := w.leadText(from, rnd.IntN(3) > 0, 1+rnd.IntN(20))
			w.run(from, text)
		case k < 19:
			r := ref(core.StatusOpen)
			w.run(someone(), "claim "+r.code.String())
		case k < 24:
			r := ref(core.StatusOpen)
			w.run(someone(), "interested "+r.code.String())
		case k < 28:
			r := ref(core.StatusOpen)
			w.run(someone(r.referrer, w.rowOf("ada")), "pick "+r.code.String()+" @"+pick(active()))
		case k < 34:
			r := ref(core.StatusOffered)
			w.run(someone(r.receiver), "accept "+r.code.String())
		case k < 37:
			r := ref(core.StatusOffered)
			a := someone(r.receiver)
			w.run(a, "decline "+r.code.String()+" "+w.secret("decl", r.code, a))
		case k < 43:
			r := ref(core.StatusAccepted, core.StatusContacted, core.StatusMeeting)
			stage := []string{"contacted", "meeting", "proposal"}[rnd.IntN(3)]
			a := someone(r.receiver, r.coOwner)
			w.run(a, fmt.Sprintf("status %s %s %s", r.code, stage, w.secret("note", r.code, a)))
		case k < 46:
			r := ref(core.StatusAccepted, core.StatusContacted, core.StatusMeeting, core.StatusProposal)
			a := someone(r.receiver)
			w.run(a, fmt.Sprintf("won %s %s %s", r.code, w.amount("won", r.code, a), w.secret("note", r.code, a)))
		case k < 49:
			r := ref(core.StatusAccepted, core.StatusContacted, core.StatusMeeting, core.StatusProposal)
			a := someone(r.receiver)
			w.run(a, fmt.Sprintf("lost %s %s", r.code, w.secret("lost", r.code, a)))
		case k < 51:
			r := ref(core.StatusWon, core.StatusLost, core.StatusAccepted)
			w.run(someone(r.receiver), "thanks "+r.code.String()+" thank you so much")
		case k < 54:
			r := ref(core.StatusWon, core.StatusLost)
			a := someone(r.referrer, r.receiver)
			w.run(a, fmt.Sprintf("feedback %s %d %s", r.code, 1+rnd.IntN(5), w.secret("fdbk", r.code, a)))
		case k < 56:
			r := ref(core.StatusDeclined, core.StatusOffered)
			w.run(someone(r.referrer), "reassign "+r.code.String()+" @"+pick(active()))
		case k < 66:
			w.run(pick(people), "show "+ref().code.String())
		case k < 69:
			w.run(pick(people), "list "+pick([]string{"mine", "given", "received", "open", "all", "mine won", "all declined"}))
		case k < 71:
			w.run(pick(people), "export")
		case k < 73:
			w.run(pick(people), pick([]string{"stats", "stats network", "stats @" + pick(people), "who a website #work",
				"profile", "profile @" + pick(people), "config", "undelivered", "reminders off", "reminders on", "reminders 7",
				"fees", "fees owed", "leaderboard", "leaderboard this-month", "dashboard", "dashboard last-quarter",
				"profile set amounts private", "profile set amounts public", "flags", "stats network last-month",
				"touch @" + pick(active()) + " call caught up", "buddy @" + pick(active()) + " @" + pick(active()), "forget"}))
		case k < 74:
			admin := pick([]string{"ada", pick(people)})
			switch rnd.IntN(4) {
			case 0:
				w.run(admin, "undelivered retry")
			case 1:
				w.run(admin, pick([]string{"config admin @" + pick(active()), "config quiet 20-8", "config quiet off"}))
			default:
				if target := pick(active()); removals < 2 && target != "ada" {
					removals++
					w.behind(target)
					w.run(admin, "config remove @"+target)
				}
			}
		case k < 75:
			if p := pick(people); p != "ada" && removals < 3 {
				removals++
				w.behind(p)
				w.run(p, "forget confirm")
			}
		case k < 76:
			// Someone's DMs fail for a while: for good (closed, deactivated)
			// or for now (retried with backoff).
			p := pick(people)
			if rnd.IntN(2) == 0 {
				w.cap.closed[p] = !w.cap.closed[p]
			} else {
				w.cap.flaky[p] = !w.cap.flaky[p]
			}
		case k < 97:
			if len(w.buttons) == 0 {
				continue
			}
			b := w.buttons[rnd.IntN(len(w.buttons))]
			as := b.owner
			if as == "" || rnd.IntN(10) < 3 {
				as = pick(people)
			}
			w.click(as, b.Action)
		default:
			w.jobs(time.Duration(6+rnd.IntN(72)) * time.Hour)
		}
	}
}

// behind leaves a referral to person in the outbox, undelivered, as a
// sender running late would when they leave.
func (w *world) behind(person string) {
	from := "rita"
	if person == from {
		from = "remy"
	}
	text, _, _ := w.referText(from, person, true)
	w.hold = true
	w.run(from, text)
	w.hold = false
}

// A form is a command about one referral, tried in the stages it fits.
type form struct {
	name   string
	stages []core.Status // nil: any
	text   func(w *world, code, actor string) string
	never  []string // roles nobody can play in those stages
}

var (
	working = []core.Status{core.StatusAccepted, core.StatusContacted, core.StatusMeeting, core.StatusProposal}
	noOwner = []string{"receiver", "co-owner"} // an open lead has none yet
	noHands = []string{"raised hand"}          // only leads have hands raised
	forms   = []form{
		{"interested", []core.Status{core.StatusOpen}, func(w *world, c, a string) string { return "interested " + c }, noOwner},
		{"claim", []core.Status{core.StatusOpen}, func(w *world, c, a string) string { return "claim " + c }, noOwner},
		{"pick", []core.Status{core.StatusOpen}, func(w *world, c, a string) string { return "pick " + c + " @hana" }, noOwner},
		{"reassign", []core.Status{core.StatusDeclined, core.StatusOffered}, func(w *world, c, a string) string {
			return "reassign " + c + " @otto"
		}, noHands},
		{"accept", []core.Status{core.StatusOffered}, func(w *world, c, a string) string { return "accept " + c }, noHands},
		{"decline", []core.Status{core.StatusOffered}, func(w *world, c, a string) string {
			return "decline " + c + " " + w.secret("decl", code(c), a)
		}, noHands},
		{"status", working, func(w *world, c, a string) string {
			return "status " + c + " proposal " + w.secret("note", code(c), a)
		}, nil},
		{"won", working, func(w *world, c, a string) string {
			return "won " + c + " " + w.amount("won", code(c), a) + " " + w.secret("note", code(c), a)
		}, nil},
		{"lost", working, func(w *world, c, a string) string { return "lost " + c + " " + w.secret("lost", code(c), a) }, nil},
		{"thanks", append([]core.Status{core.StatusWon, core.StatusLost}, working...), func(w *world, c, a string) string {
			return "thanks " + c + " thank you"
		}, nil},
		{"feedback", []core.Status{core.StatusWon, core.StatusLost}, func(w *world, c, a string) string {
			return "feedback " + c + " 4 " + w.secret("fdbk", code(c), a)
		}, nil},
		{"confirm", []core.Status{core.StatusWon, core.StatusLost}, func(w *world, c, a string) string { return "confirm " + c }, nil},
		{"dispute", []core.Status{core.StatusWon, core.StatusLost}, func(w *world, c, a string) string {
			return "dispute " + c + " " + w.secret("disp", code(c), a)
		}, nil},
		{"fee", []core.Status{core.StatusWon, core.StatusLost}, func(w *world, c, a string) string { return "fee " + c + " paid" }, nil},
		{"show", nil, func(w *world, c, a string) string { return "show " + c }, nil},
		{"undo", append([]core.Status{core.StatusWon, core.StatusLost}, working...), func(w *world, c, a string) string {
			return "undo " + c
		}, nil},
		{"correct", append([]core.Status{core.StatusWon}, working...), func(w *world, c, a string) string {
			return "correct " + c + " 950 " + w.secret("note", code(c), a)
		}, nil},
		{"coowner", working, func(w *world, c, a string) string { return "coowner " + c + " @otto" }, nil},
	}
)

// everyRole has someone in each role try each command about a referral,
// on a referral in a stage the command fits, and each other command as
// an admin, a member, a removed and a forgotten member.
func (w *world) everyRole() {
	w.t.Helper()
	// Fresh referrals to act on: leads with a hand raised, offers, and
	// work in progress with a co-owner.
	for range 8 {
		c, _, _ := w.lead("rita", true, 30)
		w.must(w.run("hana", "interested "+c))
	}
	for range 4 {
		c, _, _ := w.refer("rita", "remy", true)
		w.coOwner(c, "cole")
		c, _, _ = w.refer("rita", "remy", true)
		w.must(w.run("remy", "accept "+c))
		w.must(w.run("remy", "coowner "+c+" @cole"))
	}
	for _, f := range forms {
		for _, role := range roles {
			person, c := w.find(role, f.stages)
			if person == "" {
				if !slices.Contains(f.never, role) {
					w.t.Errorf("nobody to try %s as %s", f.name, role)
				}
				continue
			}
			w.run(person, f.text(w, c, person))
		}
	}
	for _, p := range []string{"ada", "otto", "rex", "fay"} {
		for _, text := range []string{"list", "list all", "export", "stats", "stats network", "fees", "leaderboard", "profile", "profile @rita",
			"who a website", "touch @rita call", "reminders 10", "buddy @otto @rita", "undelivered", "config",
			"config currency EUR", "help", "forget"} {
			w.run(p, text)
		}
		text, _, _ := w.referText(p, "remy", true)
		w.run(p, text)
		text, _, _ = w.leadText(p, true, 10)
		w.run(p, text)
	}
}

// find returns a person who plays role for a referral in one of stages.
func (w *world) find(role string, stages []core.Status) (string, string) {
	for _, c := range slices.Backward(w.codes()) { // the freshest first
		if r := w.refs[c]; stages != nil && !slices.Contains(stages, r.status) {
			continue
		}
		for _, p := range cast {
			if w.role(p, c.String()) == role {
				return p, c.String()
			}
		}
	}
	return "", ""
}
