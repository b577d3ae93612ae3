package web

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// referralsView is the referral list's body.
type referralsView struct {
	Label    string
	Total    int
	Stages   []stageChoice
	Partners []partnerChoice
	Tag      string
	Period   string
	List     table
	Pages    []pageLink
	Prev     string
	Next     string
	CSV      string
}

type stageChoice struct {
	Stage   string
	Checked bool
}

type partnerChoice struct {
	ID       int64
	Name     string
	Selected bool
}

// pageLink is one link of the pager; Current marks the page shown.
type pageLink struct {
	N       int
	Href    string
	Current bool
}

// referrals serves GET /dashboard/referrals: the referrals the viewer may
// see, filtered by stage, period, partner and tag, a page at a time.
func (s *Server) referrals(w http.ResponseWriter, r *http.Request, v *Viewer) {
	q, err := referralQuery(r.URL.Query())
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	rp, err := s.data.Referrals(r.Context(), v.Caller, q)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p := s.newPage(r, v, "Referrals — "+rp.Period.Label, "referrals")
	p.PeriodLabel = rp.Period.Label
	p.Keep = keepParams(r.URL.Query(), "period", "page")
	body := referralsView{Label: rp.Period.Label, Total: rp.Total, Tag: q.Tag, Period: q.Period,
		List: referralsTable(rp, s.location(v.Caller.Workspace), q.Period),
		CSV:  "/dashboard/referrals.csv" + encodeQuery(r.URL.Query(), "page")}
	for _, st := range core.AllStatuses {
		body.Stages = append(body.Stages, stageChoice{string(st), slices.Contains(q.Stages, st)})
	}
	body.Partners = partnerChoices(rp.Names, q.PartnerID)
	body.Pages, body.Prev, body.Next = pager(r.URL.Query(), q.Page, pageSize(q), rp.Total)
	p.Body = body
	s.render(w, http.StatusOK, "referrals", p)
}

// referralQuery reads the list's filters: ?stage= (repeated or comma
// separated), ?period=, ?partner= (a member id), ?tag=, ?page=.
func referralQuery(v url.Values) (core.ReferralQuery, error) {
	q := core.ReferralQuery{Period: v.Get("period"), Tag: strings.TrimPrefix(strings.TrimSpace(v.Get("tag")), "#"), Page: 1}
	for _, raw := range v["stage"] {
		for _, st := range strings.Split(raw, ",") {
			st = strings.ToLower(strings.TrimSpace(st))
			if st == "" {
				continue
			}
			if !slices.Contains(core.AllStatuses, core.Status(st)) {
				return q, badParam("the stage", st, "Stages are "+stageList()+".")
			}
			q.Stages = append(q.Stages, core.Status(st))
		}
	}
	if raw := v.Get("partner"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id < 0 {
			return q, badParam("the partner", raw, "Pick a partner from the list, or leave it at anyone.")
		}
		q.PartnerID = id
	}
	if raw := v.Get("page"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return q, badParam("the page", raw, "Pages are numbered from 1.")
		}
		q.Page = n
	}
	return q, nil
}

func stageList() string {
	names := make([]string, len(core.AllStatuses))
	for i, st := range core.AllStatuses {
		names[i] = string(st)
	}
	return strings.Join(names, ", ")
}

func pageSize(q core.ReferralQuery) int {
	if q.PageSize > 0 {
		return q.PageSize
	}
	return core.ReferralPageSize
}

// referralsTable lists a page of referrals; the client's name only where
// the read model kept it for this viewer.
func referralsTable(rp *core.ReferralPage, loc *time.Location, period string) table {
	t := table{ID: "referrals-table", Caption: fmt.Sprintf("Referrals — %s (%d)", rp.Period.Label, rp.Total),
		Head:  []string{"Code", "Created", "From", "To", "Client", "Need", "Tags", "Stage", "Value"},
		Empty: "No referral matches these filters."}
	for i := range rp.Referrals {
		r := &rp.Referrals[i]
		to := text("nobody yet")
		if r.ReceiverID != 0 {
			to = memberLink(r.ReceiverID, nameOf(rp.Names, r.ReceiverID, r.ReceiverName), period)
		}
		tags := ""
		if len(r.Tags) > 0 {
			tags = "#" + strings.Join(r.Tags, " #")
		}
		t.Rows = append(t.Rows, []cell{codeLink(r.Code), text(r.CreatedAt.In(loc).Format("2006-01-02")),
			memberLink(r.ReferrerID, nameOf(rp.Names, r.ReferrerID, r.ReferrerName), period), to, text(clientOr(r)),
			text(r.Need), text(tags), text(string(r.Status)), text(referralValue(r))})
	}
	return t
}

func nameOf(names map[int64]string, id int64, fallback string) string {
	if n, ok := names[id]; ok && n != "" {
		return n
	}
	return fallback
}

// partnerChoices are the partner filter's options: the members the page
// mentions, by name, with the chosen one selected.
func partnerChoices(names map[int64]string, chosen int64) []partnerChoice {
	var out []partnerChoice
	for id, name := range names {
		out = append(out, partnerChoice{ID: id, Name: name, Selected: id == chosen})
	}
	if _, named := names[chosen]; chosen != 0 && !named { // no referral of theirs on this page
		out = append(out, partnerChoice{ID: chosen, Name: "member " + strconv.FormatInt(chosen, 10), Selected: true})
	}
	slices.SortFunc(out, func(a, b partnerChoice) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return out
}

// pager links the pages around the current one, keeping the filters.
func pager(v url.Values, current, size, total int) (links []pageLink, prev, next string) {
	last := max(1, (total+size-1)/size)
	href := func(page int) string {
		w := url.Values{}
		for k, vs := range v {
			w[k] = vs
		}
		w.Set("page", strconv.Itoa(page))
		return "/dashboard/referrals?" + w.Encode()
	}
	for i := max(1, current-3); i <= min(last, current+3); i++ {
		links = append(links, pageLink{N: i, Href: href(i), Current: i == current})
	}
	if current > 1 {
		prev = href(min(current-1, last))
	}
	if current < last {
		next = href(current + 1)
	}
	return links, prev, next
}

// keepParams are the query's parameters but the named ones, for a form's
// hidden fields.
func keepParams(v url.Values, except ...string) []param {
	var out []param
	for _, k := range slices.Sorted(maps.Keys(v)) {
		if slices.Contains(except, k) {
			continue
		}
		for _, val := range v[k] {
			out = append(out, param{k, val})
		}
	}
	return out
}

// encodeQuery is "?"+the query without the named parameters ("" if none left).
func encodeQuery(v url.Values, except ...string) string {
	w := url.Values{}
	for k, vs := range v {
		if !slices.Contains(except, k) {
			w[k] = vs
		}
	}
	if len(w) == 0 {
		return ""
	}
	return "?" + w.Encode()
}

// referralView is a referral's page body: its card as chat shows it,
// and its timeline.
type referralView struct {
	Code     string
	Fields   []bot.Field
	Timeline []string
}

// referral serves GET /dashboard/referrals/{code}.
func (s *Server) referral(w http.ResponseWriter, r *http.Request, v *Viewer) {
	code, err := core.ParseCode(r.PathValue("code"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	d, err := s.data.Referral(r.Context(), v.Caller, code)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p := s.newPage(r, v, "Referral "+code.String(), "referrals")
	p.Action = "" // a referral has no period
	loc := s.location(v.Caller.Workspace)
	card := bot.DetailMessage(&core.Detail{Referral: d.Referral, Interested: d.Interested}, v.Caller.Member.ID, loc)
	body := referralView{Code: code.String()}
	for _, f := range card.Fields {
		if f.Name != "Timeline" {
			body.Fields = append(body.Fields, f)
		}
	}
	for _, e := range d.Events {
		body.Timeline = append(body.Timeline, eventLine(d.Referral, e, v.Caller.Member.ID, loc))
	}
	p.Body = body
	s.render(w, http.StatusOK, "referral", p)
}

// eventLine is one entry of a timeline in chat's words ("2 Jan 2026 10:00
// — @bob accepted"): bot.DetailMessage's timeline of that event alone.
func eventLine(r core.Referral, e core.Event, viewerID int64, loc *time.Location) string {
	m := bot.DetailMessage(&core.Detail{Referral: r, Events: []core.Event{e}}, viewerID, loc)
	for _, f := range m.Fields {
		if f.Name == "Timeline" {
			return f.Value
		}
	}
	return ""
}
