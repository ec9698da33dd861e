package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"basketball"
	"basketball/registration"
	"basketball/staff"
)

// adminMe answers who is signed in and which clubs they may manage.
func (s *Server) adminMe(w http.ResponseWriter, r *http.Request) {
	st, _ := staff.FromContext(r.Context())
	var clubs any = st.Clubs
	if st.AllClubs {
		clubs = "*"
	} else if st.Clubs == nil {
		clubs = []string{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"subject": st.Subject, "email": st.Email, "clubs": clubs})
}

// registrationFilter reads the listing's query: status, tryout_id, q,
// limit and cursor.
func registrationFilter(q url.Values) (basketball.RegistrationFilter, error) {
	f := basketball.RegistrationFilter{Status: q.Get("status"), TryoutID: q.Get("tryout_id"), Q: q.Get("q"), Cursor: q.Get("cursor")}
	n, err := limitParam(q)
	f.Limit = n
	return f, err
}

func limitParam(q url.Values) (int, error) {
	v := q.Get("limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > basketball.MaxPageSize {
		return 0, &basketball.Error{Code: basketball.EInvalid, Message: "limit must be a whole number from 1 to 200",
			Fields: map[string]string{"limit": "must be a whole number from 1 to 200"}}
	}
	return n, nil
}

// adminRegistrationView is one registration of the admin API: the
// listing's row, and for one registration its timeline.
type adminRegistrationView struct {
	registration.Row
	Timeline []basketball.TimelineEntry `json:"timeline,omitempty"`
}

func (s *Server) adminListRegistrations(w http.ResponseWriter, r *http.Request) {
	f, err := registrationFilter(r.URL.Query())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	page, err := s.admin.Registrations(r.Context(), r.PathValue("club"), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rows := make([]registration.Row, len(page.Items))
	for i, reg := range page.Items {
		rows[i] = registration.RowOf(reg)
	}
	var next *string
	if page.Next != "" {
		next = &page.Next
	}
	writeJSON(w, http.StatusOK, map[string]any{"registrations": rows, "next_cursor": next})
}

func (s *Server) adminExportRegistrations(w http.ResponseWriter, r *http.Request) {
	f, err := registrationFilter(r.URL.Query())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	club := r.PathValue("club")
	regs, err := s.admin.ExportRegistrations(r.Context(), club, f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", `attachment; filename="`+club+`-registrations-`+s.admin.Now().Format("2006-01-02")+`.csv"`)
	if err := registration.WriteCSV(w, regs); err != nil {
		s.log(r).Warn("write CSV export", "err", err)
	}
}

func (s *Server) adminGetRegistration(w http.ResponseWriter, r *http.Request) {
	reg, timeline, err := s.admin.Registration(r.Context(), r.PathValue("club"), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if timeline == nil {
		timeline = []basketball.TimelineEntry{}
	}
	writeJSON(w, http.StatusOK, adminRegistrationView{Row: registration.RowOf(reg), Timeline: timeline})
}

// decodeOptionalJSON is decodeJSON for endpoints whose fields are all
// optional: no body at all means an empty object.
func decodeOptionalJSON(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	err := decodeJSON(r, v)
	if r.ContentLength < 0 && errors.Is(err, errEmptyBody) {
		return nil
	}
	return err
}

func (s *Server) adminCancel(w http.ResponseWriter, r *http.Request) {
	var req basketball.CancelRequest
	if err := decodeOptionalJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	reg, err := s.admin.Cancel(r.Context(), actor(r), r.PathValue("club"), r.PathValue("id"), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, registration.RowOf(reg))
}

func (s *Server) adminMarkPaid(w http.ResponseWriter, r *http.Request) {
	var req basketball.MarkPaidRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	reg, err := s.admin.MarkPaid(r.Context(), actor(r), r.PathValue("club"), r.PathValue("id"), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, registration.RowOf(reg))
}

func (s *Server) adminResend(w http.ResponseWriter, r *http.Request) {
	var none struct{}
	if err := decodeOptionalJSON(r, &none); err != nil {
		s.writeError(w, r, err)
		return
	}
	id := r.PathValue("id")
	nid, err := s.admin.ResendConfirmation(r.Context(), actor(r), r.PathValue("club"), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"registration_id": id, "notification_id": nid, "status": "queued"})
}

func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n, err := limitParam(q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	page, err := s.admin.Audit(r.Context(), r.PathValue("club"), n, q.Get("cursor"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// The body is the entries (SPEC); the next page is in the headers.
	if page.Next != "" {
		next := url.Values{"cursor": {page.Next}}
		if n != 0 {
			next.Set("limit", strconv.Itoa(n))
		}
		w.Header().Set("X-Next-Cursor", page.Next)
		w.Header().Set("Link", "<"+r.URL.Path+"?"+next.Encode()+`>; rel="next"`)
	}
	type entry struct {
		At     time.Time        `json:"at"`
		Actor  basketball.Actor `json:"actor"`
		Action string           `json:"action"`
		Target string           `json:"target"`
		Detail string           `json:"detail"`
	}
	out := make([]entry, len(page.Items))
	for i, e := range page.Items {
		out[i] = entry{At: e.At.UTC(), Actor: e.Actor, Action: e.Action, Target: e.Target, Detail: e.Detail}
	}
	writeJSON(w, http.StatusOK, out)
}
