package web

import (
	"net/http"
)

func (s *Server) listTryouts(w http.ResponseWriter, r *http.Request) {
	list, err := s.svc.Tryouts(r.Context(), r.PathValue("club"), false)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	now := s.svc.Now()
	for i := range list {
		// "open" tells a parent whether they can register now.
		list[i].Open = list[i].AcceptsRegistrations(now)
	}
	writeJSON(w, http.StatusOK, list)
}
