package web

import (
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// Server serves the dashboard. Build it with New and mount it with Routes.
type Server struct {
	bot       *bot.Bot
	log       *slog.Logger
	publicURL *url.URL // where people reach the bot; decides Secure cookies
	mux       *http.ServeMux
	data      dashboardData  // the bot's read models; nil until the bot has them
	loc       *time.Location // the default time zone (REFERBOT_TZ)
}

// Options configure a Server.
type Options struct {
	PublicURL *url.URL // REFERBOT_PUBLIC_URL
	Log       *slog.Logger
	Location  *time.Location // REFERBOT_TZ: dates of workspaces without a time zone of their own
}

// New returns a dashboard server over the bot.
func New(b *bot.Bot, o Options) *Server {
	s := newServer(o)
	s.bot, s.data = b, b
	s.routes()
	return s
}

// newServer is a Server without its bot or routes yet.
func newServer(o Options) *Server {
	s := &Server{log: o.Log, publicURL: o.PublicURL, loc: o.Location, mux: http.NewServeMux()}
	if s.log == nil {
		s.log = slog.Default()
	}
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
	s.pageRoutes(s.page)
}

// pageRoutes lists the pages, the CSV reports and the assets; signedIn
// wraps each page (s.page; tests sign in directly).
func (s *Server) pageRoutes(signedIn func(pageFunc) http.HandlerFunc) {
	s.mux.HandleFunc("GET /dashboard/assets/{file}", serveAsset)
	for path, f := range map[string]pageFunc{
		"/dashboard/{$}":                       s.overview,
		"/dashboard/":                          s.notFound,
		"/dashboard/me":                        s.me,
		"/dashboard/members/{id}":              s.member,
		"/dashboard/referrals":                 s.referrals,
		"/dashboard/referrals/{code}":          s.referral,
		"/dashboard/admin":                     s.admin,
		"/dashboard/referrals.csv":             s.referralsCSV,
		"/dashboard/overview.csv":              s.fromOverview(overviewReport),
		"/dashboard/trend.csv":                 s.fromOverview(trendReport),
		"/dashboard/funnel.csv":                s.fromOverview(funnelReport),
		"/dashboard/network.csv":               s.fromOverview(networkReport),
		"/dashboard/leaderboard.csv":           s.fromOverview(leaderboardReport),
		"/dashboard/members.csv":               s.fromOverview(membersReport),
		"/dashboard/members/{id}/partners.csv": s.partnersCSV,
		"/dashboard/flags.csv":                 fromPeriod(s, s.data.AdminFlags, flagsReport),
		"/dashboard/fees.csv":                  fromPeriod(s, s.data.AdminFees, feesReport),
	} {
		s.mux.HandleFunc("GET "+path, signedIn(f))
	}
}
