package privacycheck_test

import (
	"encoding/json"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// dashboards reads, as each person, every dashboard read model the web
// pages render (the overview, every active member's page, every
// referral as the CSV streams them, the admin page) and checks each
// whole, as JSON, as a reply only they see: whatever a page could show is
// in it, so nothing in it may be a client detail, note or private amount
// they may not see.
func (w *world) dashboards(people ...string) {
	w.t.Helper()
	for _, p := range people {
		c, err := w.svc.Join(w.ctx, identity(p))
		if err != nil {
			continue // removed: no page at all
		}
		w.load()
		pages := map[string]func() (any, error){
			"overview": func() (any, error) {
				o, err := w.bot.Overview(w.ctx, c, "all")
				if err == nil {
					withoutDerived(o.Stats)
				}
				return o, err
			},
			"referrals": func() (any, error) {
				var all collected
				err := w.bot.StreamReferrals(w.ctx, c, core.ReferralQuery{}, &all)
				return all, err
			},
			"admin page": func() (any, error) { return w.bot.AdminPage(w.ctx, c, "all") },
		}
		for id, m := range w.rows {
			if m.status == core.MemberActive {
				pages["member page of @"+m.person] = func() (any, error) {
					mp, err := w.bot.MemberPage(w.ctx, c, id, "all")
					if err == nil {
						withoutDerived(mp.Stats)
					}
					return mp, err
				}
			}
		}
		for name, read := range pages {
			w.begin(p, "dashboard "+name)
			v, err := read()
			if core.ErrorCode(err) == core.EFORBIDDEN {
				continue
			}
			if err != nil {
				w.t.Fatalf("step %d: @%s reads the %s: %v", w.step, p, name, err)
			}
			b, err := json.Marshal(v)
			if err != nil {
				w.t.Fatal(err)
			}
			actor := w.rowOf(p)
			w.check(output{step: w.step, what: "dashboard " + name, msg: bot.Message{Title: name, Text: string(b)},
				reply: true, actor: actor, viewers: []int64{actor}}, p)
		}
	}
}

// collected is every referral a stream handed over (the CSV's rows).
type collected []core.Referral

func (c *collected) Begin(core.Period) error { return nil }

func (c *collected) Page(rs []core.Referral) error {
	*c = append(*c, rs...)
	return nil
}

// withoutDerived drops the figures the renderings' check leaves out too
// (see derived): an average or a balance may equal an amount by chance.
func withoutDerived(st *core.Stats) {
	st.AvgDeal, st.Reciprocity = nil, nil
}
