package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"basketball"
)

type promoRow struct {
	ID, Code, Discount, Uses, Expires string
	Active                            bool
}

type promoPageData struct {
	adminPage
	Promos []promoRow
	Form   map[string]string
	Errors map[string]string
}

func (s *Server) adminPromosPage(w http.ResponseWriter, r *http.Request) {
	club, ok := s.adminClub(w, r)
	if !ok {
		return
	}
	s.showPromos(w, r, club, http.StatusOK, map[string]string{"timezone": "UTC"}, nil)
}

func (s *Server) showPromos(w http.ResponseWriter, r *http.Request, club basketball.Club, status int, form, errs map[string]string) {
	list, err := s.admin.PromoCodes(r.Context(), club.Slug)
	if err != nil {
		s.adminError(w, r, club, err, clubPath(club.Slug))
		return
	}
	d := promoPageData{adminPage: s.adminPageOf(r, "Promo codes – "+club.Name, "promos", club), Form: form, Errors: errs}
	if len(errs) > 0 {
		d.Error = "Please correct the fields marked below."
	}
	for _, p := range list {
		row := promoRow{ID: p.ID, Code: p.Code, Active: p.Active, Uses: strconv.Itoa(p.Uses), Expires: "never"}
		switch {
		case p.PercentOff != nil:
			row.Discount = fmt.Sprintf("%d%% off", *p.PercentOff)
		case p.AmountOffCents != nil:
			row.Discount = fmt.Sprintf("%d cents off", *p.AmountOffCents)
		}
		if p.MaxUses != nil {
			row.Uses += fmt.Sprintf(" of %d", *p.MaxUses)
		}
		if p.ExpiresAt != nil {
			row.Expires = p.ExpiresAt.UTC().Format("2006-01-02 15:04 UTC")
		}
		d.Promos = append(d.Promos, row)
	}
	s.renderAdmin(w, r, "admin_promos", status, d)
}

func (s *Server) adminCreatePromoSubmit(w http.ResponseWriter, r *http.Request) {
	club, ok := s.adminClub(w, r)
	if !ok || !s.parseAdminForm(w, r, club) {
		return
	}
	form := map[string]string{}
	for _, k := range []string{"code", "percent_off", "amount_off_cents", "max_uses", "expires_at", "timezone"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	errs := map[string]string{}
	num := func(k string) *int64 {
		if form[k] == "" {
			return nil
		}
		n, err := strconv.ParseInt(form[k], 10, 64)
		if err != nil {
			errs[k] = "must be a whole number"
			return nil
		}
		return &n
	}
	small := func(v *int64) *int {
		if v == nil {
			return nil
		}
		n := int(*v)
		return &n
	}
	req := basketball.PromoRequest{Code: form["code"], PercentOff: small(num("percent_off")), AmountOffCents: num("amount_off_cents"),
		MaxUses: small(num("max_uses")), ExpiresAt: form["expires_at"], TimeZone: form["timezone"]}
	if len(errs) == 0 {
		_, err := s.admin.CreatePromo(r.Context(), actor(r), club.Slug, req)
		switch e, _ := asError(err); {
		case err == nil:
			http.Redirect(w, r, clubPath(club.Slug, "promo-codes")+"?done=promo_created", http.StatusSeeOther)
			return
		case basketball.ErrorCode(err) == basketball.EInvalid:
			for k, v := range e.Fields {
				errs[k] = v
			}
		case basketball.ErrorCode(err) == basketball.EConflict:
			errs["code"] = e.Message
		default:
			s.adminError(w, r, club, err, clubPath(club.Slug, "promo-codes"))
			return
		}
	}
	s.showPromos(w, r, club, http.StatusUnprocessableEntity, form, errs)
}

func (s *Server) adminPromoActiveSubmit(w http.ResponseWriter, r *http.Request) {
	club, ok := s.adminClub(w, r)
	if !ok || !s.parseAdminForm(w, r, club) {
		return
	}
	active := r.PostFormValue("active") == "1"
	if _, err := s.admin.SetPromoActive(r.Context(), actor(r), club.Slug, r.PathValue("id"), active); err != nil {
		s.adminError(w, r, club, err, clubPath(club.Slug, "promo-codes"))
		return
	}
	done := "promo_disabled"
	if active {
		done = "promo_enabled"
	}
	http.Redirect(w, r, clubPath(club.Slug, "promo-codes")+"?done="+done, http.StatusSeeOther)
}

type auditRow struct {
	At, Actor, Action, Target, Detail, Link string
}

func (s *Server) adminAuditPage(w http.ResponseWriter, r *http.Request) {
	club, ok := s.adminClub(w, r)
	if !ok {
		return
	}
	page, err := s.admin.Audit(r.Context(), club.Slug, 0, r.URL.Query().Get("cursor"))
	if err != nil {
		s.adminError(w, r, club, err, clubPath(club.Slug, "audit"))
		return
	}
	d := struct {
		adminPage
		Entries []auditRow
		NextURL string
		First   bool
	}{adminPage: s.adminPageOf(r, "Audit log – "+club.Name, "audit", club), First: r.URL.Query().Get("cursor") == ""}
	for _, e := range page.Items {
		row := auditRow{At: e.At.UTC().Format(time.DateTime + " UTC"), Actor: e.Actor.String(), Action: e.Action, Target: e.Target, Detail: e.Detail}
		if strings.HasPrefix(e.Target, "reg_") {
			row.Link = clubPath(club.Slug, "registrations", e.Target)
		} else if strings.HasPrefix(e.Target, "try_") {
			row.Link = clubPath(club.Slug, "tryouts", e.Target)
		}
		d.Entries = append(d.Entries, row)
	}
	if page.Next != "" {
		d.NextURL = clubPath(club.Slug, "audit") + "?" + url.Values{"cursor": {page.Next}}.Encode()
	}
	s.renderAdmin(w, r, "admin_audit", http.StatusOK, d)
}
