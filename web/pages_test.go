package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"basketball/sqldb/sqldbtest"
)

func formValues(b testBundle, email, promo string) url.Values {
	return url.Values{
		"tryout_id": {b.tryout.ID}, "parent_first_name": {"Ann"}, "parent_last_name": {"Lee"},
		"parent_email": {email}, "parent_phone": {""}, "player_first_name": {"Max"}, "player_last_name": {"Lee"},
		"player_birth_date": {"2013-05-01"}, "player_grade": {"7"}, "player_position": {"guard"},
		"player_height_inches": {"60"}, "promo_code": {promo},
	}
}

func TestRegisterFormRoundTrip(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		page := b.do(t, http.MethodGet, "/clubs/tigers/register", nil, nil)
		body := string(page.body)
		if page.status != 200 || !strings.Contains(page.header.Get("Content-Type"), "text/html") {
			t.Fatalf("form: %d %s", page.status, page.header)
		}
		for _, want := range []string{`<label for="parent_email">`, `name="player_birth_date"`, "Fall tryout", "$30.00", "5 seats left",
			"Main Gym, 1 Court St", `name="viewport"`, "CST"} {
			if !strings.Contains(body, want) {
				t.Errorf("form lacks %q", want)
			}
		}

		// A bad field re-renders the form with the message beside it and
		// the parent's input kept; nothing is stored.
		bad := formValues(b, "ann@@example", "")
		bad.Set("player_first_name", `<b>Max</b>`)
		res := b.postForm(t, "/clubs/tigers/register", bad, nil)
		body = string(res.body)
		if res.status != 422 || !strings.Contains(body, `id="parent_email-error"`) || !strings.Contains(body, `value="ann@@example"`) ||
			!strings.Contains(body, `value="&lt;b&gt;Max&lt;/b&gt;"`) || !strings.Contains(body, `aria-invalid="true"`) {
			t.Fatalf("bad field: %d\n%s", res.status, body)
		}
		if regs, _ := b.db.ListRegistrations(t.Context(), "tigers", ""); len(regs) != 0 {
			t.Fatalf("a bad form stored %d registrations", len(regs))
		}
		if res := b.postForm(t, "/clubs/tigers/register", formValues(b, "ann@example.com", "NOPE"), nil); res.status != 422 ||
			!strings.Contains(string(res.body), `id="promo_code-error"`) {
			t.Fatalf("bad promo: %d %s", res.status, res.body)
		}

		// A good submit goes to the checkout.
		res = b.postForm(t, "/clubs/tigers/register", formValues(b, "ann@example.com", ""), nil)
		if res.status != 303 || !strings.HasPrefix(res.header.Get("Location"), "https://checkout.stripe.test/") {
			t.Fatalf("good submit: %d %s", res.status, res.header.Get("Location"))
		}
		// The same player again, not yet paid: on to that registration's page.
		if res := b.postForm(t, "/clubs/tigers/register", formValues(b, "ann@example.com", ""), nil); res.status != 303 ||
			!strings.Contains(res.header.Get("Location"), "?already=1") {
			t.Fatalf("again: %d %s", res.status, res.header.Get("Location"))
		}
		// A free registration goes straight to its page.
		free := formValues(b, "bo@example.com", "free")
		free.Set("player_first_name", "Jun")
		res = b.postForm(t, "/clubs/tigers/register", free, nil)
		loc := res.header.Get("Location")
		if res.status != 303 || !strings.HasPrefix(loc, "/registrations/reg_") {
			t.Fatalf("free submit: %d %s", res.status, loc)
		}
		page = b.do(t, http.MethodGet, loc, nil, nil)
		if page.status != 200 || !strings.Contains(string(page.body), "Paid") || !strings.Contains(string(page.body), "Jun") ||
			strings.Contains(string(page.body), "bo@example.com") {
			t.Fatalf("registration page: %d %s", page.status, page.body)
		}
	})
}

func TestFormRejectsCrossSiteSubmission(t *testing.T) {
	b := setup(t, "sqlite")
	res := b.postForm(t, "/clubs/tigers/register", formValues(b, "ann@example.com", ""), map[string]string{"Sec-Fetch-Site": "cross-site"})
	if res.status != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", res.status)
	}
	if regs, _ := b.db.ListRegistrations(t.Context(), "tigers", ""); len(regs) != 0 {
		t.Fatal("a cross-site post stored a registration")
	}
}

func TestFormStripeDownAndPayAgain(t *testing.T) {
	b := setup(t, "sqlite")
	b.checkout.setFail(errStripeDown)
	res := b.postForm(t, "/clubs/tigers/register", formValues(b, "ann@example.com", ""), nil)
	loc := res.header.Get("Location")
	if res.status != 303 || !strings.Contains(loc, "?payment=unavailable") {
		t.Fatalf("stripe down: %d %s", res.status, loc)
	}
	page := b.do(t, http.MethodGet, loc, nil, nil)
	if !strings.Contains(string(page.body), "did not answer") || !strings.Contains(string(page.body), "Pay now") {
		t.Fatalf("registration page after outage:\n%s", page.body)
	}
	b.checkout.setFail(nil)
	id := strings.TrimPrefix(strings.Split(loc, "?")[0], "/registrations/")
	res = b.postForm(t, "/registrations/"+id+"/pay", url.Values{}, nil)
	if res.status != 303 || !strings.HasPrefix(res.header.Get("Location"), "https://checkout.stripe.test/") {
		t.Fatalf("pay again: %d %s", res.status, res.header.Get("Location"))
	}
	canceled := b.do(t, http.MethodGet, "/registrations/"+id+"/canceled", nil, nil)
	if canceled.status != 200 || !strings.Contains(string(canceled.body), "Pay again") {
		t.Fatalf("cancel page: %d %s", canceled.status, canceled.body)
	}
	if res := b.do(t, http.MethodGet, "/registrations/reg_nope", nil, nil); res.status != 404 {
		t.Fatalf("unknown registration page: %d", res.status)
	}
}

func TestCancelPageOfAPaidRegistration(t *testing.T) {
	b := setup(t, "sqlite")
	id := b.register(t, 1, "free").json(t)["registration_id"].(string)
	page := b.do(t, http.MethodGet, "/registrations/"+id+"/canceled", nil, nil)
	if page.status != 200 || !strings.Contains(string(page.body), "Already paid") || strings.Contains(string(page.body), "No payment was taken") {
		t.Fatalf("cancel page of a paid registration:\n%s", page.body)
	}
}
