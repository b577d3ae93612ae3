package web

import (
	"errors"
	"net/http"

	"github.com/referbot/referbot/core"
)

// statusOf maps the read models' error codes to HTTP statuses; anything
// that is not a core error is our fault (500), and says no more.
var statusOf = map[string]int{
	core.EINVALID:   http.StatusBadRequest,
	core.ENOTFOUND:  http.StatusNotFound,
	core.EFORBIDDEN: http.StatusForbidden,
	core.ECONFLICT:  http.StatusConflict,
	core.ECONFIRM:   http.StatusConflict,
}

// errorView is the error page's body: the message and what to do instead.
type errorView struct {
	Status        int
	Message, Hint string
}

// fail answers a request whose read model refused it: a page with the
// error's message and hint and the status its code calls for, never a
// stack or SQL (those go to the log).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, v *Viewer, err error) {
	status, ok := statusOf[core.ErrorCode(err)]
	ev := errorView{Message: core.ErrorMessage(err)}
	var ce *core.Error
	if ok && errors.As(err, &ce) {
		ev.Message, ev.Hint = ce.Message, ce.Hint
	} else if !errors.Is(err, errNoData) {
		status = http.StatusInternalServerError
		s.log.Error("dashboard: a page failed", "path", r.URL.Path, "err", err)
	}
	if errors.Is(err, errNoData) {
		status, ev.Message, ev.Hint = http.StatusServiceUnavailable, "The dashboard's figures are not available in this build.", "Use /refer stats in chat meanwhile."
	}
	ev.Status = status
	p := s.newPage(r, v, http.StatusText(status), "")
	p.Body = ev
	s.render(w, status, "error", p)
}

// errNoData is what every page answers while the bot has no read models.
var errNoData = errors.New("dashboard: no read models")

// badParam refuses a query parameter the page can't read.
func badParam(name, got, hint string) error {
	return core.Errorf(core.EINVALID, "I can't read %s %q.", name, got).WithHint("%s", hint)
}

// notFound answers a path under /dashboard/ that is no page.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request, v *Viewer) {
	s.fail(w, r, v, core.Errorf(core.ENOTFOUND, "There is no page %s.", r.URL.Path).
		WithHint("The overview, your page, the referrals and (for admins) the admin page are in the menu above."))
}
