package web

import (
	"errors"
	"net/http"
	"strings"

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
	ev := errorView{Status: http.StatusInternalServerError, Message: core.ErrorMessage(err)}
	var ce *core.Error
	switch status, known := statusOf[core.ErrorCode(err)]; {
	case errors.Is(err, errNoData):
		ev.Status, ev.Message, ev.Hint = http.StatusServiceUnavailable,
			"The dashboard's figures are not available in this build.", "Use /refer stats in chat meanwhile."
	case known && errors.As(err, &ce):
		ev.Status, ev.Message, ev.Hint = status, ce.Message, ce.Hint
	default:
		s.log.Error("dashboard: a page failed", "path", r.URL.Path, "err", err)
	}
	p := s.newPage(r, v, http.StatusText(ev.Status), "")
	if strings.HasSuffix(r.URL.Path, ".csv") {
		p.Action = "" // a period form here would download the file, not show a page
	}
	p.Body = ev
	s.render(w, ev.Status, "error", p)
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
