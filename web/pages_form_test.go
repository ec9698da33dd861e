package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"basketball/sqldb/sqldbtest"
)

// TestFormReportsEveryErrorAtOnce: one submit with numbers that do not
// parse, a bad email and a player born after the tryout gets every
// message beside its field in one answer, and writes nothing.
func TestFormReportsEveryErrorAtOnce(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		// The setup's tryout has no age rule; a birth date after its day is
		// refused by every tryout.
		tooYoung := b.tryout.StartsAt.AddDate(0, 0, 2).Format(time.DateOnly)
		tests := []struct {
			name   string
			set    map[string]string
			errors []string // fields with a message
		}{
			{"numbers, email and age", map[string]string{"player_grade": "seventh", "player_height_inches": "abc",
				"parent_email": "ann@@example", "player_birth_date": tooYoung},
				[]string{"player_grade", "player_height_inches", "parent_email", "player_birth_date"}},
			{"a number and a missing name", map[string]string{"player_height_inches": "abc", "player_first_name": ""},
				[]string{"player_height_inches", "player_first_name"}},
			{"age and phone", map[string]string{"player_birth_date": tooYoung, "parent_phone": "call me"},
				[]string{"player_birth_date", "parent_phone"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				form := formValues(b, "ann@example.com", "")
				for k, v := range tt.set {
					form.Set(k, v)
				}
				res := b.postForm(t, "/clubs/tigers/register", form, nil)
				body := string(res.body)
				if res.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422:\n%s", res.status, body)
				}
				for _, f := range tt.errors {
					if !strings.Contains(body, `id="`+f+`-error"`) {
						t.Errorf("no message beside %s:\n%s", f, body)
					}
				}
				if n := strings.Count(body, `class="error"`); n != len(tt.errors) {
					t.Errorf("%d messages, want %d", n, len(tt.errors))
				}
			})
		}
		if regs, _ := b.db.ListRegistrations(t.Context(), "tigers", ""); len(regs) != 0 {
			t.Fatalf("bad forms stored %d registrations", len(regs))
		}
	})
}

// TestFormFullTryout: a full tryout is shown as full and cannot be chosen;
// when every tryout is full, or none is open, the page says so and shows
// no fields.
func TestFormFullTryout(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		for n := range 5 {
			if res := b.register(t, n, "FREE"); res.status != http.StatusCreated {
				t.Fatalf("register %d: %d %s", n, res.status, res.body)
			}
		}
		page := string(b.do(t, http.MethodGet, "/clubs/tigers/register", nil, nil).body)
		for _, want := range []string{`id="all-full"`, "The tryout is full", "Fall tryout", "full: no seats left"} {
			if !strings.Contains(page, want) {
				t.Errorf("page of a full tryout lacks %q:\n%s", want, page)
			}
		}
		for _, unwanted := range []string{`name="parent_email"`, "Register and pay", "<form"} {
			if strings.Contains(page, unwanted) {
				t.Errorf("page of a full tryout has %q", unwanted)
			}
		}

		// With a second tryout that has seats, the form is back; the full
		// one is listed but disabled and never pre-selected.
		other := sqldbtest.MustTryout(t, b.db, "tigers", 2000, 0)
		page = string(b.do(t, http.MethodGet, "/clubs/tigers/register", nil, nil).body)
		full := radio(t, page, b.tryout.ID)
		if !strings.Contains(full, "disabled") || strings.Contains(full, "checked") {
			t.Errorf("full tryout's radio: %s", full)
		}
		if r := radio(t, page, other.ID); !strings.Contains(r, "checked") || strings.Contains(r, "disabled") {
			t.Errorf("the only tryout with seats is not chosen: %s", r)
		}
		if !strings.Contains(page, `name="parent_email"`) {
			t.Error("form without fields although a tryout has seats")
		}

		// A club without open tryouts: no fields, and it says so.
		sqldbtest.MustClub(t, b.db, "lions")
		page = string(b.do(t, http.MethodGet, "/clubs/lions/register", nil, nil).body)
		if !strings.Contains(page, `id="no-tryouts"`) || strings.Contains(page, `name="parent_email"`) {
			t.Errorf("club without tryouts:\n%s", page)
		}
	})
}

// radio returns the <input> of the tryout's radio button.
func radio(t *testing.T, page, id string) string {
	t.Helper()
	i := strings.Index(page, `value="`+id+`"`)
	if i < 0 {
		t.Fatalf("no radio for %s", id)
	}
	start := strings.LastIndex(page[:i], "<input")
	end := i + strings.Index(page[i:], ">")
	return page[start : end+1]
}

// TestFormWithoutCardPayment: without a Stripe key the form says card
// payment is unavailable before the parent fills it in; a promo code that
// covers the fee still registers, and a free tryout too.
func TestFormWithoutCardPayment(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine, noCheckout())
		page := string(b.do(t, http.MethodGet, "/clubs/tigers/register", nil, nil).body)
		if !strings.Contains(page, `id="card-off"`) || !strings.Contains(page, "Card payment is not available") ||
			strings.Contains(page, "Register and pay") {
			t.Errorf("form without card payment:\n%s", page)
		}
		res := b.postForm(t, "/clubs/tigers/register", formValues(b, "ann@example.com", ""), nil)
		if res.status != http.StatusServiceUnavailable || !strings.Contains(string(res.body), "promo code") {
			t.Errorf("paid tryout without card payment: %d\n%s", res.status, res.body)
		}
		if res := b.postForm(t, "/clubs/tigers/register", formValues(b, "ann@example.com", "FREE"), nil); res.status != http.StatusSeeOther {
			t.Errorf("promo code without card payment: %d %s", res.status, res.body)
		}
		free := sqldbtest.MustTryout(t, b.db, "tigers", 0, 0)
		form := formValues(b, "bo@example.com", "")
		form.Set("tryout_id", free.ID)
		if res := b.postForm(t, "/clubs/tigers/register", form, nil); res.status != http.StatusSeeOther {
			t.Errorf("free tryout without card payment: %d %s", res.status, res.body)
		}
		// With card payment the notice is not there.
		if page := string(setup(t, engine).do(t, http.MethodGet, "/clubs/tigers/register", nil, nil).body); strings.Contains(page, "card-off") {
			t.Error("the card notice shows although card payment works")
		}
	})
}

// TestHomePageLinksTheHomeClub: the root page links the configured club's
// form (the demo's), and stays generic otherwise.
func TestHomePageLinksTheHomeClub(t *testing.T) {
	b := setup(t, "sqlite", func(s *settings) { s.web.HomeClub = "tigers" })
	page := string(b.do(t, http.MethodGet, "/", nil, nil).body)
	if !strings.Contains(page, `href="/clubs/tigers/register"`) || !strings.Contains(page, "Club tigers") {
		t.Errorf("home page with a home club:\n%s", page)
	}
	plain := string(setup(t, "sqlite").do(t, http.MethodGet, "/", nil, nil).body)
	if strings.Contains(plain, `href="/clubs/`) || !strings.Contains(plain, "/clubs/&lt;club&gt;/register") {
		t.Errorf("home page without a home club:\n%s", plain)
	}
}
