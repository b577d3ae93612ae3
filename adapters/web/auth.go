package web

import "net/http"

// SKELETON: the sign-in helper replaces this file (links, sessions, CSRF,
// Content-Security-Policy). Until then every page is refused.

func (s *Server) authRoutes() {}

func (s *Server) secure(h http.Handler) http.Handler { return h }

func (s *Server) page(f pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Sign in through the link `/refer dashboard` gives you.", http.StatusUnauthorized)
	}
}
