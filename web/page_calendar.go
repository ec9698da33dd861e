package web

import (
	"net/http"

	"basketball/calendar"
)

// calendarICS serves a registration's tryout as a calendar event, to
// download or open in a calendar app.
func (s *Server) calendarICS(w http.ResponseWriter, r *http.Request) {
	b, err := s.svc.CalendarEvent(r.Context(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", calendar.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+calendar.FileName+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(b)
}
