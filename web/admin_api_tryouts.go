package web

import (
	"net/http"

	"basketball"
)

func (s *Server) adminCreateTryout(w http.ResponseWriter, r *http.Request) {
	var req basketball.TryoutRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	t, err := s.admin.CreateTryout(r.Context(), actor(r), r.PathValue("club"), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, t)
}

func (s *Server) adminUpdateTryout(w http.ResponseWriter, r *http.Request) {
	var p basketball.TryoutPatch
	if err := decodeJSON(r, &p); err != nil {
		s.writeError(w, r, err)
		return
	}
	t, err := s.admin.UpdateTryout(r.Context(), actor(r), r.PathValue("club"), r.PathValue("id"), p)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (s *Server) adminListPromos(w http.ResponseWriter, r *http.Request) {
	list, err := s.admin.PromoCodes(r.Context(), r.PathValue("club"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) adminCreatePromo(w http.ResponseWriter, r *http.Request) {
	var req basketball.PromoRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.admin.CreatePromo(r.Context(), actor(r), r.PathValue("club"), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

// adminUpdatePromo takes {"active": false} (disable) or true (enable).
func (s *Server) adminUpdatePromo(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Active *bool `json:"active"`
	}
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Active == nil {
		s.writeError(w, r, basketball.FieldErrors(map[string]string{"active": "is required: false disables the code, true enables it"}))
		return
	}
	p, err := s.admin.SetPromoActive(r.Context(), actor(r), r.PathValue("club"), r.PathValue("id"), *req.Active)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}
