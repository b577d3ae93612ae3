package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/referbot/referbot/core"
)

// Signing in, sessions, CSRF and the security headers of the dashboard.
//
// How a member gets in: `/refer dashboard` answers them privately with a
// one-time link, <REFERBOT_PUBLIC_URL>/dashboard/signin/<token>[?period=…].
// Visiting it (GET /dashboard/signin/{token}) uses the link up, sets the
// session cookie and redirects (303) to /dashboard/ (with the period, or
// the page they asked for before signing in). The token says nothing
// secret and is signed; core keeps the record that makes it single-use.
//
// The session is a signed cookie (referbot_session: workspace, member, a
// random id, expiry, HMAC-SHA256; HttpOnly, SameSite=Lax, Path=/dashboard/,
// Secure when REFERBOT_PUBLIC_URL is https, 12 hours) AND a row in the
// database that the id names. Every request checks the signature (a
// tampered or forged cookie, or one naming another workspace, goes no
// further), then reads the row and the member afresh: so signing out ends
// the session everywhere (a copied cookie dies with it), and a member
// removed since, or who left, is refused at their next click, not 12
// hours later. One small indexed read per page buys that.
//
// For the pages (pages.go and the rest):
//
//   - s.page(f): f serves a signed-in member; it gets a *Viewer with their
//     core.Caller and the session's CSRF token. No valid session: f is not
//     called, the member gets a page saying how to get a link (401; 403
//     when they are no longer a member), and no data.
//   - s.form(f): the same for a POST that changes something, which must
//     carry the session's CSRF token, as a form field named csrf
//     (CSRFField) — <input type="hidden" name="csrf" value="{{.CSRF}}"> —
//     or an X-CSRF-Token header; without it, or with another, 403 and f is
//     not called. Register every POST under /dashboard/ through it.
//   - secure(h) (ServeHTTP applies it to everything under /dashboard/):
//     Content-Security-Policy (nothing inline, nothing from elsewhere: no
//     script at all, styles and images from this site, forms post here
//     only, no framing), nosniff, Referrer-Policy no-referrer (so no
//     address, a sign-in link least of all, leaks to another site), and
//     Cache-Control no-store, which a handler of static assets may replace.
//
// Tokens and cookies are never logged.

const (
	sessionCookie = "referbot_session"
	// nextCookie remembers the page a signed-out member asked for (the
	// quarterly post's link to its quarter, say), so their sign-in link
	// takes them there.
	nextCookie = "referbot_next"
	cookiePath = "/dashboard/"
	// CSRFField is the form field that carries the CSRF token.
	CSRFField = "csrf"
	// CSRFHeader carries it for a request that is not a form.
	CSRFHeader = "X-CSRF-Token"
	// maxFormBytes bounds a form's body.
	maxFormBytes = 64 << 10
)

// contentSecurityPolicy allows nothing inline and nothing from elsewhere.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'"

func (s *Server) authRoutes() {
	s.mux.HandleFunc("GET /dashboard/signin/{token}", s.signIn)
	s.mux.HandleFunc("POST /dashboard/signout", s.form(s.signOut))
	s.mux.HandleFunc("GET /dashboard/signedout", s.signedOut)
}

// secure sets the security headers of every /dashboard/ response.
func (s *Server) secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY") // frame-ancestors, for browsers without CSP 2
		hd.Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// page serves f to the signed-in member, or refuses the request.
func (s *Server) page(f pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if v, ok := s.viewer(w, r); ok {
			f(w, r, v)
		}
	}
}

// form serves f, a POST that changes something, to the signed-in member
// when it carries their session's CSRF token; else 403.
func (s *Server) form(f pageFunc) http.HandlerFunc {
	return s.page(func(w http.ResponseWriter, r *http.Request, v *Viewer) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		token := r.Header.Get(CSRFHeader)
		if token == "" {
			token = r.PostFormValue(CSRFField)
		}
		if !sameToken(token, v.CSRF) {
			s.authPage(w, http.StatusForbidden, authView{Title: "This form can't be sent",
				Message: "It didn't come from your dashboard, or it was opened before you last signed in.",
				Hint:    "Go back, reload the page and try again."})
			return
		}
		f(w, r, v)
	})
}

// sameToken compares a CSRF token in constant time; an empty one never passes.
func sameToken(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// viewer is the signed-in member of the request, or (false) the request
// was refused.
func (s *Server) viewer(w http.ResponseWriter, r *http.Request) (*Viewer, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		s.remember(w, r)
		s.refuse(w, r, errSignedOut)
		return nil, false
	}
	sess, err := s.bot.Session(r.Context(), c.Value)
	if err != nil {
		if core.ErrorCode(err) != core.EINTERNAL {
			s.clearCookie(w, sessionCookie) // it will never work again
			s.remember(w, r)
		}
		s.refuse(w, r, err)
		return nil, false
	}
	return &Viewer{Caller: sess.Caller, CSRF: sess.CSRF, session: sess}, true
}

// errSignedOut is what a request without a session hears.
var errSignedOut = core.Errorf(core.EINVALID, "You're not signed in to the dashboard.").
	WithHint("Type /refer dashboard in Slack or Discord (or the console): referbot answers you, privately, with a link that signs you in.")

// signIn uses a sign-in link: the session cookie, then the page.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead || linkPreview(r.UserAgent()) {
		// A chat app fetching the link for a preview must not use it up.
		s.authPage(w, http.StatusOK, authView{Title: "Sign in to referbot",
			Message: "Open this link in your browser to sign in to the dashboard. It works once."})
		return
	}
	sess, err := s.bot.SignIn(r.Context(), r.PathValue("token"))
	if err != nil {
		s.refuse(w, r, err)
		return
	}
	s.log.Info("dashboard: signed in", "workspace", sess.Caller.Workspace.ID, "member", sess.Caller.Member.ID)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sess.Cookie, Path: cookiePath,
		MaxAge: int(core.SessionTTL / time.Second), Expires: sess.Until,
		HttpOnly: true, Secure: s.https(), SameSite: http.SameSiteLaxMode})
	target := "/dashboard/"
	if p := r.URL.Query().Get("period"); p != "" {
		target += "?period=" + url.QueryEscape(p)
	} else if c, err := r.Cookie(nextCookie); err == nil && safeNext(c.Value) {
		target = c.Value
	}
	s.clearCookie(w, nextCookie)
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// signOut ends the session and forgets its cookie.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if v.session == nil { // a Viewer made without a session (tests of the pages)
		s.refuse(w, r, errSignedOut)
		return
	}
	if err := s.bot.SignOut(r.Context(), v.session); err != nil {
		s.refuse(w, r, err)
		return
	}
	s.clearCookie(w, sessionCookie)
	http.Redirect(w, r, "/dashboard/signedout", http.StatusSeeOther)
}

func (s *Server) signedOut(w http.ResponseWriter, _ *http.Request) {
	s.authPage(w, http.StatusOK, authView{Title: "You're signed out",
		Message: "This browser is no longer signed in to the dashboard.",
		Hint:    "To come back, type /refer dashboard in Slack or Discord (or the console) for a new link."})
}

// refuse answers a request without a valid session or link: how to get a
// link, and nothing of the network. A member who left gets 403; a missing,
// used, expired or forged link or session 401; our own failure 500.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, err error) {
	v := authView{Title: "Sign in to referbot"}
	var ce *core.Error
	switch code := core.ErrorCode(err); {
	case code == core.EINTERNAL || !errors.As(err, &ce):
		s.log.Error("dashboard: signing in failed", "err", err) // the error, never the token or the path
		v.Message, v.Hint = core.ErrorMessage(err), "Try the link again in a moment."
		s.authPage(w, http.StatusInternalServerError, v)
	case code == core.EFORBIDDEN:
		v.Title, v.Message, v.Hint = "The dashboard is closed to you", ce.Message, ce.Hint
		s.authPage(w, http.StatusForbidden, v)
	default:
		v.Message, v.Hint = ce.Message, ce.Hint
		s.authPage(w, http.StatusUnauthorized, v)
	}
	if ce != nil {
		s.log.Debug("dashboard: refused", "method", r.Method, "reason", ce.Message)
	}
}

// remember keeps the page a signed-out member asked for, for 15 minutes.
func (s *Server) remember(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || !safeNext(r.URL.RequestURI()) {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: nextCookie, Value: r.URL.RequestURI(), Path: cookiePath,
		MaxAge: int(core.SignInLinkTTL / time.Second), HttpOnly: true, Secure: s.https(), SameSite: http.SameSiteLaxMode})
}

// safeNext holds for a page of the dashboard to send a member to: a path
// under /dashboard/ on this site, not a sign-in link.
func safeNext(u string) bool {
	return strings.HasPrefix(u, "/dashboard/") && !strings.HasPrefix(u, "/dashboard/signin/") &&
		!strings.ContainsAny(u, "\\\r\n\t ;,\"") && !strings.Contains(u, "//") && len(u) <= 1000
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: cookiePath, MaxAge: -1,
		HttpOnly: true, Secure: s.https(), SameSite: http.SameSiteLaxMode})
}

// https reports whether people reach the bot over https: cookies are then
// Secure (never sent over plain http). Over http://localhost they can't be.
func (s *Server) https() bool { return s.publicURL != nil && s.publicURL.Scheme == "https" }

// linkPreview recognises the crawlers chat apps send to preview a link.
func linkPreview(userAgent string) bool {
	for _, bot := range []string{"Slackbot", "Discordbot", "facebookexternalhit", "Twitterbot", "TelegramBot",
		"WhatsApp", "SkypeUriPreview", "LinkedInBot", "Googlebot", "bingbot"} {
		if strings.Contains(userAgent, bot) {
			return true
		}
	}
	return false
}
