package web

import (
	"net/http"
	"strconv"
	"strings"

	"basketball"
)

// tryoutForm is the tryout form's values, as typed.
type tryoutForm struct {
	Name, StartsAt, EndsAt, TimeZone, Location, FeeCents, Currency, Capacity, MinAge, MaxAge, AgeOn string
	Open                                                                                            bool
}

func readTryoutForm(r *http.Request) tryoutForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return tryoutForm{Name: v("name"), StartsAt: v("starts_at"), EndsAt: v("ends_at"), TimeZone: v("timezone"), Location: v("location"),
		FeeCents: v("fee_cents"), Currency: v("currency"), Capacity: v("capacity"), MinAge: v("min_age"), MaxAge: v("max_age"),
		AgeOn: v("age_on"), Open: r.PostFormValue("open") == "1"}
}

func formOf(t basketball.Tryout) tryoutForm {
	loc := t.Loc()
	opt := func(n *int) string {
		if n == nil {
			return ""
		}
		return strconv.Itoa(*n)
	}
	f := tryoutForm{Name: t.Name, StartsAt: inZone(t.StartsAt, loc), EndsAt: inZone(t.EndsAt, loc), TimeZone: t.TimeZone,
		Location: t.Location, FeeCents: strconv.FormatInt(t.FeeCents, 10), Currency: t.Currency, Capacity: opt(t.Capacity),
		MinAge: opt(t.MinAge), MaxAge: opt(t.MaxAge), Open: t.Open}
	if t.AgeOn != nil {
		f.AgeOn = *t.AgeOn
	}
	return f
}

// numbers parses the form's optional whole numbers into errs by field.
func (f tryoutForm) numbers(errs map[string]string) (fee *int64, capacity, minAge, maxAge *int) {
	for field, p := range map[string]struct {
		s   string
		dst **int
	}{"capacity": {f.Capacity, &capacity}, "min_age": {f.MinAge, &minAge}, "max_age": {f.MaxAge, &maxAge}} {
		if p.s == "" {
			continue
		}
		n, err := strconv.Atoi(p.s)
		if err != nil {
			errs[field] = "must be a whole number"
			continue
		}
		*p.dst = &n
	}
	if f.FeeCents != "" {
		n, err := strconv.ParseInt(f.FeeCents, 10, 64)
		if err != nil {
			errs["fee_cents"] = "must be a whole number of cents (3000 for $30.00)"
		} else {
			fee = &n
		}
	}
	return fee, capacity, minAge, maxAge
}

type tryoutPageData struct {
	adminPage
	Tryout basketball.Tryout // zero for a new one
	Form   tryoutForm
	Errors map[string]string
}

func (s *Server) adminNewTryoutPage(w http.ResponseWriter, r *http.Request) {
	club, ok := s.adminClub(w, r)
	if !ok {
		return
	}
	form := tryoutForm{TimeZone: "America/Chicago", Currency: "usd", Open: true}
	if list, err := s.admin.Dashboard(r.Context(), club.Slug); err == nil && len(list) > 0 {
		form.TimeZone = list[len(list)-1].TimeZone
	}
	s.renderAdmin(w, r, "admin_tryout", http.StatusOK, tryoutPageData{adminPage: s.adminPageOf(r, "New tryout – "+club.Name, "dashboard", club), Form: form})
}

func (s *Server) adminCreateTryoutSubmit(w http.ResponseWriter, r *http.Request) {
	club, ok := s.adminClub(w, r)
	if !ok || !s.parseAdminForm(w, r, club) {
		return
	}
	form := readTryoutForm(r)
	errs := map[string]string{}
	fee, capacity, minAge, maxAge := form.numbers(errs)
	open := form.Open
	req := basketball.TryoutRequest{Name: form.Name, StartsAt: form.StartsAt, EndsAt: form.EndsAt, TimeZone: form.TimeZone,
		Location: form.Location, FeeCents: fee, Currency: form.Currency, Capacity: capacity, Open: &open, MinAge: minAge, MaxAge: maxAge}
	if form.AgeOn != "" {
		req.AgeOn = &form.AgeOn
	}
	var err error
	if len(errs) == 0 {
		_, err = s.admin.CreateTryout(r.Context(), actor(r), club.Slug, req)
	}
	if len(errs) > 0 || err != nil {
		s.tryoutFormFailed(w, r, tryoutPageData{adminPage: s.adminPageOf(r, "New tryout – "+club.Name, "dashboard", club), Form: form, Errors: errs}, err)
		return
	}
	http.Redirect(w, r, clubPath(club.Slug)+"?done=tryout_created", http.StatusSeeOther)
}

// tryoutFormFailed shows the form again with every problem beside its
// field.
func (s *Server) tryoutFormFailed(w http.ResponseWriter, r *http.Request, d tryoutPageData, err error) {
	status := http.StatusUnprocessableEntity
	if err != nil {
		e, _ := asError(err)
		if basketball.ErrorCode(err) != basketball.EInvalid || e == nil {
			s.adminError(w, r, d.Club, err, clubPath(d.Club.Slug))
			return
		}
		for k, v := range e.Fields {
			if _, taken := d.Errors[k]; !taken {
				d.Errors[k] = v
			}
		}
	}
	d.Error = "Please correct the fields marked below."
	s.renderAdmin(w, r, "admin_tryout", status, d)
}

func (s *Server) adminEditTryoutPage(w http.ResponseWriter, r *http.Request) {
	club, ok := s.adminClub(w, r)
	if !ok {
		return
	}
	t, err := s.admin.Tryout(r.Context(), club.Slug, r.PathValue("id"))
	if err != nil {
		s.adminError(w, r, club, err, clubPath(club.Slug))
		return
	}
	s.renderAdmin(w, r, "admin_tryout", http.StatusOK, tryoutPageData{adminPage: s.adminPageOf(r, t.Name+" – "+club.Name, "dashboard", club),
		Tryout: t, Form: formOf(t)})
}

// adminUpdateTryoutSubmit patches what the form changed, and only that:
// a time shown and sent back unchanged is not a change.
func (s *Server) adminUpdateTryoutSubmit(w http.ResponseWriter, r *http.Request) {
	club, ok := s.adminClub(w, r)
	if !ok || !s.parseAdminForm(w, r, club) {
		return
	}
	t, err := s.admin.Tryout(r.Context(), club.Slug, r.PathValue("id"))
	if err != nil {
		s.adminError(w, r, club, err, clubPath(club.Slug))
		return
	}
	was, form := formOf(t), readTryoutForm(r)
	errs := map[string]string{}
	fee, capacity, minAge, maxAge := form.numbers(errs)
	var p basketball.TryoutPatch
	text := func(c *basketball.Change[string], now, before string) {
		if now != before {
			*c = basketball.To(now)
		}
	}
	text(&p.Name, form.Name, was.Name)
	text(&p.StartsAt, form.StartsAt, was.StartsAt)
	text(&p.EndsAt, form.EndsAt, was.EndsAt)
	text(&p.Location, form.Location, was.Location)
	if form.FeeCents != was.FeeCents && fee != nil {
		p.FeeCents = basketball.To(*fee)
	}
	optional := func(c *basketball.Change[int], now, before string, v *int) {
		switch {
		case now == before:
		case v == nil:
			*c = basketball.Change[int]{Set: true, Null: true}
		default:
			*c = basketball.To(*v)
		}
	}
	optional(&p.Capacity, form.Capacity, was.Capacity, capacity)
	optional(&p.MinAge, form.MinAge, was.MinAge, minAge)
	optional(&p.MaxAge, form.MaxAge, was.MaxAge, maxAge)
	if form.AgeOn != was.AgeOn {
		p.AgeOn = basketball.Change[string]{Set: true, Null: form.AgeOn == "", Value: form.AgeOn}
	}
	if form.Open != was.Open {
		p.Open = basketball.To(form.Open)
	}
	d := tryoutPageData{adminPage: s.adminPageOf(r, t.Name+" – "+club.Name, "dashboard", club), Tryout: t, Form: form, Errors: errs}
	d.Form.TimeZone = t.TimeZone
	if len(errs) > 0 {
		s.tryoutFormFailed(w, r, d, nil)
		return
	}
	if !p.Empty() {
		if _, err := s.admin.UpdateTryout(r.Context(), actor(r), club.Slug, t.ID, p); err != nil {
			s.tryoutFormFailed(w, r, d, err)
			return
		}
	}
	http.Redirect(w, r, clubPath(club.Slug)+"?done=tryout_updated", http.StatusSeeOther)
}
