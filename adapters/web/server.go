package web

import (
	"log/slog"
	"net/http"
	"net/url"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// Server serves the dashboard. Build it with New and mount it with Routes.
type Server struct {
	bot       *bot.Bot
	log       *slog.Logger
	publicURL *url.URL // where people reach the bot; decides Secure cookies
	mux       *http.ServeMux
}

// Options configure a Server.
type Options struct {
	PublicURL *url.URL // REFERBOT_PUBLIC_URL
	Log       *slog.Logger
}

// New returns a dashboard server over the bot.
func New(b *bot.Bot, o Options) *Server {
	s := &Server{bot: b, log: o.Log, publicURL: o.PublicURL, mux: http.NewServeMux()}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.routes()
	return s
}

// Routes mounts the dashboard on mux under /dashboard/.
func (s *Server) Routes(mux *http.ServeMux) {
	mux.Handle("/dashboard/", s)
}

// ServeHTTP serves every /dashboard/ request with the security headers.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.secure(s.mux).ServeHTTP(w, r)
}

// pageFunc serves a page to a signed-in member.
type pageFunc func(w http.ResponseWriter, r *http.Request, v *Viewer)

// Viewer is the signed-in member a page is rendered for.
type Viewer struct {
	Caller core.Caller
	CSRF   string // the token every form that changes something must carry

	session *core.Session // what signing out ends (auth.go)
}

// routes lists every dashboard route. Sign-in routes are auth.go's; every
// page goes through s.page, which refuses a request without a valid
// session before the page sees it.
func (s *Server) routes() {
	s.authRoutes()
	s.mux.HandleFunc("GET /dashboard/{$}", s.page(s.overview))
	s.mux.HandleFunc("GET /dashboard/referrals.csv", s.page(s.referralsCSV))
}
