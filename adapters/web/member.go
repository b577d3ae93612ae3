package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/referbot/referbot/core"
)

// memberView is a member's page body.
type memberView struct {
	Name, Label string
	Self        bool
	Services    string
	KPIs        []kpi
	Footer      string
	Thanks      []kpi
	Partners    table
	PartnersCSV string
	ByPartner   table
}

// me serves GET /dashboard/me: the viewer's own page.
func (s *Server) me(w http.ResponseWriter, r *http.Request, v *Viewer) {
	s.memberPage(w, r, v, v.Caller.Member.ID, "me")
}

// member serves GET /dashboard/members/{id}.
func (s *Server) member(w http.ResponseWriter, r *http.Request, v *Viewer) {
	id, err := memberID(r)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	navName := ""
	if id == v.Caller.Member.ID {
		navName = "me"
	}
	s.memberPage(w, r, v, id, navName)
}

// memberID reads {id} of a member's path.
func memberID(r *http.Request) (int64, error) {
	raw := r.PathValue("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, badParam("the member", raw, "Member pages are /dashboard/members/<number>; follow a name on the overview.")
	}
	return id, nil
}

func (s *Server) memberPage(w http.ResponseWriter, r *http.Request, v *Viewer, id int64, navName string) {
	period := r.URL.Query().Get("period")
	mp, err := s.data.MemberPage(r.Context(), v.Caller, id, period)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	name := mp.Member.DisplayName
	p := s.newPage(r, v, "@"+name, navName)
	body := memberView{Name: name, Self: mp.Self, Services: mp.Profile.Services,
		PartnersCSV: withPeriod("/dashboard/members/"+strconv.FormatInt(mp.Member.ID, 10)+"/partners.csv", period),
		Thanks: []kpi{
			{ID: "thanks-given", Label: "Thank-yous given", Lines: []string{strconv.Itoa(mp.ThanksGiven)}},
			{ID: "thanks-received", Label: "Thank-yous received", Lines: []string{strconv.Itoa(mp.ThanksReceived)}},
		},
		Partners: partnersTable(mp, s.location(v.Caller.Workspace), period)}
	if st := mp.Stats; st != nil {
		p.PeriodLabel, body.Label = st.Period.Label, st.Period.Label
		body.KPIs, body.Footer = statsKPIs(st), privateNote(st)
		body.ByPartner = breakdownTable(st, period)
	}
	p.Body = body
	s.render(w, http.StatusOK, "member", p)
}

// partnersTable lists a member's partnerships and the next touchpoint due.
func partnersTable(mp *core.MemberPage, loc *time.Location, period string) table {
	t := table{ID: "partners-table", Caption: "Partners of @" + mp.Member.DisplayName + ", with the next touchpoint due", Empty: "No partnerships yet.",
		Head: []string{"Partner", "Type", "Trust", "Gave them", "Received from them", "Last touchpoint", "Next due"}}
	for _, pv := range mp.Partners {
		next := cell{Text: "not scheduled"}
		if !pv.NextDue.IsZero() {
			next.Text = pv.NextDue.In(loc).Format("2006-01-02")
			if pv.Overdue {
				next.Text, next.Class = next.Text+" (overdue)", "overdue"
			}
		}
		last := "never"
		if !pv.LastTouch.IsZero() {
			last = pv.LastTouch.In(loc).Format("2006-01-02")
		}
		trust := "—"
		if pv.Partnership.Trust > 0 {
			trust = strconv.Itoa(pv.Partnership.Trust) + " / 5"
		}
		t.Rows = append(t.Rows, []cell{memberLink(pv.Partner.ID, pv.Partner.DisplayName, period),
			text(string(pv.Partnership.Type)), text(trust), num(pv.Given), num(pv.Received), text(last), next})
	}
	return t
}
