package web

import "net/http"

// SKELETON: the pages helper replaces this file.

func (s *Server) overview(w http.ResponseWriter, r *http.Request, v *Viewer) {
	http.Error(w, "not built yet", http.StatusNotImplemented)
}

func (s *Server) referralsCSV(w http.ResponseWriter, r *http.Request, v *Viewer) {
	http.Error(w, "not built yet", http.StatusNotImplemented)
}
