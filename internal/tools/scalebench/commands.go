package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// who says which of a subject's members types a step.
type who int

const (
	giver who = iota
	receiver
	admin
)

// step is one command of the script: its name in the report, who types
// it, and its text, in which {r} stands for the referral the round's
// first refer created, {d} and {x} for two more, {l} for its lead, {p}
// for the receiver's mention and {i} for the round number.
type step struct {
	name string
	by   who
	text string
}

// script is one round: every command the product has, typed the way a
// member would, on referrals the round creates so that each round finds
// the same stages. Export and dashboard links are timed too.
var script = []step{
	{"refer", giver, "refer {p} Bench Client {i} — bench need {i} #bench ~2k"},
	{"accept", receiver, "accept {r}"},
	{"status", receiver, "status {r} contacted first call booked"},
	{"won", receiver, "won {r} 4800 signed"},
	{"thanks", receiver, "thanks {r} thank you!"},
	{"feedback", giver, "feedback {r} 5 smooth"},
	{"correct", receiver, "correct {r} 4900 typo"},
	{"refer", giver, "refer {p} Bench Client {i}b — bench need {i} #bench"},
	{"decline", receiver, "decline {d} fully booked"},
	{"refer", giver, "refer {p} Bench Client {i}c — bench need {i} #bench"},
	{"accept", receiver, "accept {x}"},
	{"lost", receiver, "lost {x} went elsewhere"},
	{"undo", receiver, "undo {x}"},
	{"lead", giver, "lead bench lead {i} #bench ~1k"},
	{"interested", receiver, "interested {l}"},
	{"pick", giver, "pick {l} {p}"},
	{"show", giver, "show {r}"},
	{"list", giver, "list"},
	{"list received", receiver, "list received"},
	{"stats me", giver, "stats me"},
	{"stats network", giver, "stats network"},
	{"stats network last-quarter", giver, "stats network last-quarter"},
	{"who", giver, "who bookkeeping for a small bakery #tax"},
	{"leaderboard", giver, "leaderboard"},
	{"leaderboard last-quarter", giver, "leaderboard last-quarter"},
	{"fees", giver, "fees"},
	{"profile", giver, "profile"},
	{"touch", giver, "touch {p} coffee bench"},
	{"reminders", giver, "reminders default"},
	{"config", admin, "config"},
	{"flags", admin, "flags"},
	{"undelivered", admin, "undelivered"},
	{"dashboard", giver, "dashboard"},
	{"export csv", giver, "export csv"},
}

// a lead is claimed in a round of its own kind: claim needs a lead nobody
// raised a hand for.
var claimSteps = []step{
	{"lead", giver, "lead bench lead {i}c #bench"},
	{"claim", receiver, "claim {l}"},
}

var codeRE = regexp.MustCompile(`R-\d+`)

// sample is the durations of one command in one subject, and its first
// error reply, if any.
type sample struct {
	took []time.Duration
	err  string
}

// runner types a subject's commands through the bot and records their
// durations.
type runner struct {
	b       *bot.Bot
	samples map[string]map[string]*sample // subject → command → durations
	only    string
	seq     int
}

func (r *runner) identity(s subject, w who) core.Identity {
	id := s.giver
	switch w {
	case receiver:
		id = s.receiver
	case admin:
		id = s.admin
	}
	r.seq++
	id.RequestKey = fmt.Sprintf("scalebench-%d-%d", time.Now().UnixNano(), r.seq)
	return id
}

// round runs the script once in a subject; record false runs it untimed
// (warm-up: joins, caches, prepared statements).
func (r *runner) round(ctx context.Context, s subject, i int, record bool) error {
	vars := map[string]string{"{i}": fmt.Sprint(i), "{p}": "<@" + s.receiver.UserID + ">"}
	refers := []string{"{r}", "{d}", "{x}"}
	for _, steps := range [][]step{script, claimSteps} {
		for _, st := range steps {
			if r.only != "" && !strings.Contains(st.name, r.only) && st.name != "refer" && st.name != "lead" &&
				st.name != "accept" {
				continue
			}
			text := st.text
			for k, v := range vars {
				text = strings.ReplaceAll(text, k, v)
			}
			if strings.Contains(text, "{") {
				continue // the step before it failed
			}
			start := time.Now()
			ms := r.b.Handle(ctx, bot.Request{Identity: r.identity(s, st.by), Text: text})
			took := time.Since(start)
			if err := ctx.Err(); err != nil {
				return err
			}
			errText := ""
			for _, m := range ms {
				if m.Kind == bot.KindError {
					errText = strings.TrimSpace(m.Title + " " + m.Text)
				}
			}
			if st.name == "refer" || st.name == "lead" {
				code := ""
				for _, m := range ms {
					if m.Referral != "" {
						code = m.Referral
						break
					}
					if c := codeRE.FindString(m.Title + " " + m.Text); c != "" {
						code = c
						break
					}
				}
				if st.name == "lead" {
					vars["{l}"] = code
				} else if len(refers) > 0 {
					vars[refers[0]], refers = code, refers[1:]
				}
				if code == "" && errText == "" {
					errText = "no referral code in the reply"
				}
			}
			if record {
				r.add(s.name, st.name, took, errText)
			}
		}
	}
	return nil
}

func (r *runner) add(subj, cmd string, took time.Duration, errText string) {
	if r.samples[subj] == nil {
		r.samples[subj] = map[string]*sample{}
	}
	sm := r.samples[subj][cmd]
	if sm == nil {
		sm = &sample{}
		r.samples[subj][cmd] = sm
	}
	sm.took = append(sm.took, took)
	if errText != "" && sm.err == "" {
		sm.err = errText
	}
}

// commandNames lists the script's commands once each, in script order.
func commandNames() []string {
	var names []string
	seen := map[string]bool{}
	for _, st := range append(append([]step{}, script...), claimSteps...) {
		if !seen[st.name] {
			seen[st.name] = true
			names = append(names, st.name)
		}
	}
	return names
}
