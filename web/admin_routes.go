package web

import (
	"net/http"
	"strings"

	"basketball"
	"basketball/staff"
)

// The club's admin area: a JSON API under /api/v1/admin and pages under
// /admin, for staff signed in through staff.Auth. Every route of a club is
// behind ClubOnly (the staff's roles name the club in the path), and every
// handler passes that club to the service, which scopes every query to it:
// another club's registration, tryout or promo code id is not found, and
// nothing changes. Handlers decode, call registration.Admin, render.

// adminRoutes mounts the sign-in routes, the admin API and the admin
// pages.
func (s *Server) adminRoutes(mux *routeMux) {
	a := s.staff
	a.Mount(mux.ServeMux)
	if s.cfg.DemoStaff {
		a.MountDemo(mux.ServeMux)
	}
	api := func(pattern string, h http.HandlerFunc) {
		mux.api(pattern, a.RequireAPI(a.ClubOnly(limitBody(MaxBodyBytes, h))).ServeHTTP)
	}
	mux.api("GET /api/v1/admin/me", a.RequireAPI(http.HandlerFunc(s.adminMe)).ServeHTTP)
	api("GET /api/v1/admin/clubs/{club}/registrations", s.adminListRegistrations)
	api("GET /api/v1/admin/clubs/{club}/registrations.csv", s.adminExportRegistrations)
	api("GET /api/v1/admin/clubs/{club}/registrations/{id}", s.adminGetRegistration)
	api("POST /api/v1/admin/clubs/{club}/registrations/{id}/cancel", s.adminCancel)
	api("POST /api/v1/admin/clubs/{club}/registrations/{id}/mark-paid", s.adminMarkPaid)
	api("POST /api/v1/admin/clubs/{club}/registrations/{id}/resend-confirmation", s.adminResend)
	api("POST /api/v1/admin/clubs/{club}/tryouts", s.adminCreateTryout)
	api("PATCH /api/v1/admin/clubs/{club}/tryouts/{id}", s.adminUpdateTryout)
	api("GET /api/v1/admin/clubs/{club}/promo-codes", s.adminListPromos)
	api("POST /api/v1/admin/clubs/{club}/promo-codes", s.adminCreatePromo)
	api("PATCH /api/v1/admin/clubs/{club}/promo-codes/{id}", s.adminUpdatePromo)
	api("GET /api/v1/admin/clubs/{club}/audit", s.adminAudit)
	// The waitlist's admin endpoints go here (the waitlist work):
	// GET /api/v1/admin/clubs/{club}/tryouts/{id}/waitlist,
	// POST …/waitlist/{entry}/offer, DELETE …/waitlist/{entry}.

	page := func(pattern string, h http.HandlerFunc) {
		mux.page(pattern, a.RequirePage(a.ClubOnly(s.limitPageBody(MaxBodyBytes, h))))
	}
	mux.page("GET /admin", a.RequirePage(http.HandlerFunc(s.adminHome)))
	page("GET /admin/clubs/{club}", s.adminDashboard)
	page("GET /admin/clubs/{club}/registrations", s.adminRegistrationsPage)
	page("GET /admin/clubs/{club}/registrations/{id}", s.adminRegistrationPage)
	page("GET /admin/clubs/{club}/registrations/{id}/cancel", s.adminCancelPage)
	page("POST /admin/clubs/{club}/registrations/{id}/cancel", s.adminCancelSubmit)
	page("GET /admin/clubs/{club}/registrations/{id}/mark-paid", s.adminMarkPaidPage)
	page("POST /admin/clubs/{club}/registrations/{id}/mark-paid", s.adminMarkPaidSubmit)
	page("POST /admin/clubs/{club}/registrations/{id}/resend-confirmation", s.adminResendSubmit)
	page("GET /admin/clubs/{club}/tryouts", s.adminNewTryoutPage)
	page("POST /admin/clubs/{club}/tryouts", s.adminCreateTryoutSubmit)
	page("GET /admin/clubs/{club}/tryouts/{id}", s.adminEditTryoutPage)
	page("POST /admin/clubs/{club}/tryouts/{id}", s.adminUpdateTryoutSubmit)
	page("GET /admin/clubs/{club}/promo-codes", s.adminPromosPage)
	page("POST /admin/clubs/{club}/promo-codes", s.adminCreatePromoSubmit)
	page("POST /admin/clubs/{club}/promo-codes/{id}/active", s.adminPromoActiveSubmit)
	page("GET /admin/clubs/{club}/audit", s.adminAuditPage)
	// The waitlist page goes here (the waitlist work).
	mux.HandleFunc("GET /static/admin.css", s.adminCSS)
}

// actor is who is acting: the signed-in staff of the request.
func actor(r *http.Request) basketball.Actor {
	st, _ := staff.FromContext(r.Context())
	return basketball.ActorOf(st)
}

// WriteStaffError renders the errors of staff sign-in and authorization
// (401, 403, 503): in the JSON shape for the API, as a page otherwise.
// Give it to staff.Config.WriteError.
func (s *Server) WriteStaffError(w http.ResponseWriter, r *http.Request, err error) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.writeError(w, r, err)
		return
	}
	s.renderError(w, r, err)
}
