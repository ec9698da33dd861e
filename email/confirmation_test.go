package email

import (
	"strings"
	"testing"
	"time"
)

// validConfirmation is a card payment by a parent whose account this
// registration created; tests change what they exercise.
func validConfirmation() Confirmation {
	return Confirmation{
		From:            "tryouts@hoops.example",
		To:              "alex.parent@example.com",
		ParentFirstName: "Alex",
		ClubName:        "Lakeside Hoops",
		PlayerFirstName: "Jordan",
		PlayerLastName:  "Rivera",
		TryoutName:      "U12 Winter Tryout",
		StartsAt:        time.Date(2027, 1, 9, 15, 0, 0, 0, time.UTC),
		EndsAt:          time.Date(2027, 1, 9, 17, 0, 0, 0, time.UTC),
		TimeZone:        "America/Chicago",
		Location:        "Lakeside Gym, 12 Court St",
		AmountCents:     3000,
		Currency:        "usd",
		Method:          MethodCard,
		RegistrationURL: "https://hoops.example/registrations/r_123?token=abc",
		Account: &Account{
			Email:    "alex.parent@example.com",
			Password: "Tmp-9f2Kq7xLp3Vz8Wn",
			LoginURL: "https://id.hoops.example/login",
		},
	}
}

func mustRender(t *testing.T, c Confirmation) Message {
	t.Helper()
	m, err := RenderConfirmation(c)
	if err != nil {
		t.Fatalf("RenderConfirmation: %v", err)
	}
	return m
}

func TestRenderConfirmationShowsTheTryout(t *testing.T) {
	t.Parallel()
	m := mustRender(t, validConfirmation())

	if want := "Tryout registration confirmed: Jordan Rivera – U12 Winter Tryout"; m.Subject != want {
		t.Errorf("Subject = %q, want %q", m.Subject, want)
	}
	if m.From != "tryouts@hoops.example" || m.To != "alex.parent@example.com" {
		t.Errorf("From/To = %q/%q", m.From, m.To)
	}
	// 15:00Z is 9:00 AM in Chicago in January (CST, UTC-6).
	want := []string{
		"Alex",
		"Lakeside Hoops",
		"Jordan Rivera",
		"U12 Winter Tryout",
		"Saturday, January 9, 2027, 9:00 AM – 11:00 AM CST",
		"Lakeside Gym, 12 Court St",
		"$30.00",
	}
	for part, body := range map[string]string{"text": m.Text, "html": m.HTML} {
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s part lacks %q:\n%s", part, w, body)
			}
		}
	}
	if !strings.Contains(m.Text, "https://hoops.example/registrations/r_123?token=abc") {
		t.Errorf("text part lacks the registration URL:\n%s", m.Text)
	}
	if !strings.Contains(m.HTML, `href="https://hoops.example/registrations/r_123?token=abc"`) {
		t.Errorf("HTML part lacks the registration link:\n%s", m.HTML)
	}
}

func TestRenderConfirmationAccountBlock(t *testing.T) {
	t.Parallel()
	const password = "Tmp-9f2Kq7xLp3Vz8Wn"

	tests := []struct {
		name        string
		edit        func(*Confirmation)
		wantAccount bool
		wantExist   bool
	}{
		{name: "new account", edit: func(*Confirmation) {}, wantAccount: true},
		{name: "existing account", edit: func(c *Confirmation) {
			c.Account = nil
			c.ExistingAccount = true
			c.LoginURL = "https://id.hoops.example/login"
			c.ResetURL = "https://id.hoops.example/reset-credentials"
		}, wantExist: true},
		{name: "no account (Keycloak off)", edit: func(c *Confirmation) { c.Account = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := validConfirmation()
			tt.edit(&c)
			m := mustRender(t, c)
			for part, body := range map[string]string{"text": m.Text, "html": m.HTML} {
				hasPassword := strings.Contains(body, password)
				if hasPassword != tt.wantAccount {
					t.Errorf("%s part: contains password = %t, want %t", part, hasPassword, tt.wantAccount)
				}
				hasChange := strings.Contains(body, "choose a new one the first")
				if hasChange != tt.wantAccount {
					t.Errorf("%s part: mentions password change = %t, want %t", part, hasChange, tt.wantAccount)
				}
				hasExisting := strings.Contains(body, "log in with your existing account at")
				if hasExisting != tt.wantExist {
					t.Errorf("%s part: existing-account wording = %t, want %t", part, hasExisting, tt.wantExist)
				}
				hasLogin := strings.Contains(body, "https://id.hoops.example/login")
				if hasLogin != (tt.wantAccount || tt.wantExist) {
					t.Errorf("%s part: contains login URL = %t", part, hasLogin)
				}
				// An existing account's email links to the password reset:
				// the parent may never have chosen a password (SPEC).
				if hasReset := strings.Contains(body, "https://id.hoops.example/reset-credentials"); hasReset != tt.wantExist {
					t.Errorf("%s part: contains the password reset link = %t, want %t", part, hasReset, tt.wantExist)
				}
			}
			if tt.wantAccount && !strings.Contains(m.Text, "Login:    alex.parent@example.com") {
				t.Errorf("text part lacks the login email:\n%s", m.Text)
			}
		})
	}
}

func TestRenderConfirmationEscapesHTML(t *testing.T) {
	t.Parallel()
	const attack = "<script>alert(1)</script>"
	c := validConfirmation()
	c.PlayerFirstName = attack
	c.ClubName = `Hoops "R" <b>Us</b> & Co`
	c.Location = `<img src=x onerror=alert(2)>`
	c.Account.Password = `p<a>&"'x`
	c.RegistrationURL = "javascript:alert(3)"
	m := mustRender(t, c)

	for _, raw := range []string{"<script", "<b>Us", "<img", `p<a>`, `href="javascript:`} {
		if strings.Contains(m.HTML, raw) {
			t.Errorf("HTML part contains raw %q:\n%s", raw, m.HTML)
		}
	}
	if !strings.Contains(m.HTML, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("HTML part lacks the escaped player name:\n%s", m.HTML)
	}
	// The plain-text part shows the value as typed.
	if !strings.Contains(m.Text, attack) {
		t.Errorf("text part lacks the literal player name:\n%s", m.Text)
	}
}

func TestRenderConfirmationAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		cents     int64
		currency  string
		method    string
		promo     string
		want      string
		wantPromo bool
	}{
		{"card usd", 3000, "usd", MethodCard, "", "Amount paid: $30.00", false},
		{"upper-case currency", 1999, "USD", MethodCard, "", "Amount paid: $19.99", false},
		{"free with promo", 0, "usd", MethodPromo, "FREE", "Amount paid: $0.00 (promo code)", true},
		{"discounted card", 1500, "usd", MethodCard, "HALF", "Amount paid: $15.00", true},
		{"euro", 2550, "eur", MethodCard, "", "Amount paid: €25.50", false},
		{"zero-decimal yen", 3000, "jpy", MethodCard, "", "Amount paid: ¥3000", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := validConfirmation()
			c.AmountCents, c.Currency, c.Method, c.PromoCode = tt.cents, tt.currency, tt.method, tt.promo
			m := mustRender(t, c)
			if !strings.Contains(m.Text, tt.want) {
				t.Errorf("text part lacks %q:\n%s", tt.want, m.Text)
			}
			if got := strings.Contains(m.Text, "Promo code:  "+tt.promo); got != tt.wantPromo {
				t.Errorf("promo code line shown = %t, want %t", got, tt.wantPromo)
			}
		})
	}
}

func TestRenderConfirmationRejectsIncompleteData(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*Confirmation)
		want string
	}{
		{"no recipient", func(c *Confirmation) { c.To = "" }, "To is required"},
		{"bad recipient", func(c *Confirmation) { c.To = "not an address" }, "the To address is not a valid"},
		{"no club", func(c *Confirmation) { c.ClubName = " " }, "ClubName is required"},
		{"no zone", func(c *Confirmation) { c.TimeZone = "" }, "TimeZone is required"},
		{"unknown zone", func(c *Confirmation) { c.TimeZone = "Mars/Olympus" }, "time zone"},
		{"bad currency", func(c *Confirmation) { c.Currency = "dollars" }, "ISO 4217"},
		{"ends before start", func(c *Confirmation) { c.EndsAt = c.StartsAt.Add(-time.Hour) }, "EndsAt is before"},
		{"unknown method", func(c *Confirmation) { c.Method = "cash" }, "the method must be"},
		{"both account kinds", func(c *Confirmation) {
			c.ExistingAccount, c.LoginURL, c.ResetURL = true, "https://id.example/login", "https://id.example/reset"
		}, "mutually exclusive"},
		{"account without password", func(c *Confirmation) { c.Account.Password = "" }, "Account needs"},
		{"existing without URL", func(c *Confirmation) { c.Account, c.ExistingAccount = nil, true }, "needs LoginURL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := validConfirmation()
			tt.edit(&c)
			_, err := RenderConfirmation(c)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestFormatWhen(t *testing.T) {
	t.Parallel()
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		start, end time.Time
		loc        *time.Location
		want       string
	}{
		{
			"same day, winter", time.Date(2027, 1, 9, 15, 0, 0, 0, time.UTC), time.Date(2027, 1, 9, 17, 0, 0, 0, time.UTC),
			chicago, "Saturday, January 9, 2027, 9:00 AM – 11:00 AM CST",
		},
		{
			"same day, summer", time.Date(2027, 7, 10, 23, 30, 0, 0, time.UTC), time.Date(2027, 7, 11, 1, 0, 0, 0, time.UTC),
			chicago, "Saturday, July 10, 2027, 6:30 PM – 8:00 PM CDT",
		},
		{
			"over midnight", time.Date(2027, 1, 10, 3, 0, 0, 0, time.UTC), time.Date(2027, 1, 10, 7, 0, 0, 0, time.UTC),
			chicago, "Saturday, January 9, 2027, 9:00 PM – Sunday, January 10, 2027, 1:00 AM CST",
		},
		{
			"over a DST change", time.Date(2027, 3, 14, 6, 0, 0, 0, time.UTC), time.Date(2027, 3, 14, 9, 0, 0, 0, time.UTC),
			chicago, "Sunday, March 14, 2027, 12:00 AM CST – 4:00 AM CDT",
		},
		{
			"other zone", time.Date(2027, 1, 9, 15, 0, 0, 0, time.UTC), time.Date(2027, 1, 9, 17, 0, 0, 0, time.UTC),
			berlin, "Saturday, January 9, 2027, 4:00 PM – 6:00 PM CET",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := formatWhen(tt.start, tt.end, tt.loc); got != tt.want {
				t.Errorf("formatWhen = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFormatAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		amount   int64
		currency string
		want     string
		wantErr  bool
	}{
		{3000, "usd", "$30.00", false},
		{5, "usd", "$0.05", false},
		{0, "usd", "$0.00", false},
		{-1250, "usd", "-$12.50", false},
		{123456, "cad", "CA$1234.56", false},
		{1250, "eur", "€12.50", false},
		{500, "jpy", "¥500", false},
		{500, "krw", "500 KRW", false},
		{5124, "kwd", "5.124 KWD", false},
		{100, "", "", true},
		{100, "us", "", true},
		{100, "u$d", "", true},
	}
	for _, tt := range tests {
		got, err := formatAmount(tt.amount, tt.currency)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("formatAmount(%d, %q) = %q, %v; want %q, error %t", tt.amount, tt.currency, got, err, tt.want, tt.wantErr)
		}
	}
}
