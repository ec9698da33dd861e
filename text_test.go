package basketball_test

import (
	"strings"
	"testing"
	"time"

	"basketball"
)

// unsafeSamples are characters no typed field may hold, each inside a name.
var unsafeSamples = map[string]string{
	"NUL": "\x00", "TAB": "\t", "LF": "\n", "CR": "\r", "ESC": "\x1b", "DEL": "\x7f",
	"C1 NEL": "\u0085", "C1 CSI": "\u009b", "LRM": "\u200e", "RLM": "\u200f", "ALM": "\u061c",
	"LRE": "\u202a", "RLE": "\u202b", "PDF": "\u202c", "LRO": "\u202d", "RLO": "\u202e",
	"LRI": "\u2066", "RLI": "\u2067", "FSI": "\u2068", "PDI": "\u2069",
	"ZWSP": "\u200b", "word joiner": "\u2060", "BOM": "\ufeff", "line separator": "\u2028",
	"paragraph separator": "\u2029",
}

func TestUnsafeRunes(t *testing.T) {
	for name, c := range unsafeSamples {
		if p := basketball.TextProblem("Ma" + c + "x"); p != basketball.MsgUnsafeText {
			t.Errorf("%s (%q): problem = %q, want %q", name, c, p, basketball.MsgUnsafeText)
		}
	}
	for _, ok := range []string{"Max", "José-María O'Neil", "Zoë", "李小龍", "محمد", "אביגיל", "می\u200cخواهم", "क्\u200dष", "👨\u200d👩\u200d👧", "+1 (555) 010-0100"} {
		if p := basketball.TextProblem(ok); p != "" {
			t.Errorf("%q refused: %s", ok, p)
		}
	}
	if p := basketball.TextProblem("Ma\xffx"); p != basketball.MsgInvalidUTF8 {
		t.Errorf("invalid UTF-8: problem = %q", p)
	}
}

func TestEveryRegistrationFieldRefusesControlCharacters(t *testing.T) {
	valid := func() basketball.RegistrationRequest {
		return basketball.RegistrationRequest{TryoutID: "try_1", PromoCode: "TEN",
			Parent: basketball.ParentInput{FirstName: "Ann", LastName: "Lee", Email: "ann@example.com", Phone: "+1 555 0100"},
			Player: basketball.PlayerInput{FirstName: "Max", LastName: "Lee", BirthDate: "2012-05-01", Position: "guard"}}
	}
	fields := map[string]func(r *basketball.RegistrationRequest, bad string){
		"tryout_id":         func(r *basketball.RegistrationRequest, bad string) { r.TryoutID = "try" + bad + "1" },
		"promo_code":        func(r *basketball.RegistrationRequest, bad string) { r.PromoCode = "TE" + bad + "N" },
		"parent.first_name": func(r *basketball.RegistrationRequest, bad string) { r.Parent.FirstName = "An" + bad + "n" },
		"parent.last_name":  func(r *basketball.RegistrationRequest, bad string) { r.Parent.LastName = "Le" + bad + "e" },
		"parent.email":      func(r *basketball.RegistrationRequest, bad string) { r.Parent.Email = "ann" + bad + "@example.com" },
		"parent.phone":      func(r *basketball.RegistrationRequest, bad string) { r.Parent.Phone = "+1 555" + bad + "0100" },
		"player.first_name": func(r *basketball.RegistrationRequest, bad string) { r.Player.FirstName = "Ma" + bad + "x" },
		"player.last_name":  func(r *basketball.RegistrationRequest, bad string) { r.Player.LastName = "Le" + bad + "e" },
		"player.birth_date": func(r *basketball.RegistrationRequest, bad string) { r.Player.BirthDate = "2012-05" + bad + "-01" },
		"player.position":   func(r *basketball.RegistrationRequest, bad string) { r.Player.Position = "gu" + bad + "ard" },
	}
	r := valid()
	r.Normalize()
	if err := r.Validate(); err != nil {
		t.Fatalf("valid request refused: %v", err)
	}
	for field, set := range fields {
		for name, c := range unsafeSamples {
			r := valid()
			set(&r, c)
			r.Normalize()
			err := r.Validate()
			var e *basketball.Error
			if !asError(err, &e) || e.Fields[field] != basketball.MsgUnsafeText {
				t.Errorf("%s with %s: got %v", field, name, err)
			}
		}
	}
}

func TestAdminInputsRefuseControlCharacters(t *testing.T) {
	start := time.Date(2027, 1, 9, 15, 0, 0, 0, time.UTC)
	pct := 10
	for _, tc := range []struct {
		field string
		input interface {
			Validate() error
		}
	}{
		{"name", basketball.ClubInput{Slug: "tigers", Name: "Tigers\x1b[2J"}},
		{"slug", basketball.ClubInput{Slug: "tig\u202eers", Name: "Tigers"}},
		{"email_from", basketball.ClubInput{Slug: "tigers", Name: "Tigers", EmailFrom: "a\r\nBcc: x@y.z"}},
		{"name", basketball.TryoutInput{Name: "U12\u202e", StartsAt: start, EndsAt: start.Add(time.Hour), TimeZone: "UTC", Location: "Gym", Currency: "usd"}},
		{"location", basketball.TryoutInput{Name: "U12", StartsAt: start, EndsAt: start.Add(time.Hour), TimeZone: "UTC", Location: "Gym\nB", Currency: "usd"}},
		{"timezone", basketball.TryoutInput{Name: "U12", StartsAt: start, EndsAt: start.Add(time.Hour), TimeZone: "UTC\x00", Location: "Gym", Currency: "usd"}},
		{"currency", basketball.TryoutInput{Name: "U12", StartsAt: start, EndsAt: start.Add(time.Hour), TimeZone: "UTC", Location: "Gym", Currency: "us\u200bd"}},
		{"code", basketball.PromoInput{Code: "TEN\x7f", PercentOff: &pct}},
	} {
		err := tc.input.Validate()
		var e *basketball.Error
		if !asError(err, &e) || e.Fields[tc.field] != basketball.MsgUnsafeText {
			t.Errorf("%T.%s: got %v", tc.input, tc.field, err)
		}
	}
}

func TestEscapeUnsafe(t *testing.T) {
	for in, want := range map[string]string{
		"Max":                     "Max",
		"Zoë 李":                   "Zoë 李",
		"\x1b[31mRed\x1b[0m":      `\x1b[31mRed\x1b[0m`,
		"a\r\nb\tc\x00":           `a\x0d\x0ab\x09c\x00`,
		"evil\u202eexe.txt":       `evil\u202eexe.txt`,
		"\u0085\u2066x\u2028\xff": `\u0085\u2066x\u2028\xff`,
	} {
		if got := basketball.EscapeUnsafe(in); got != want {
			t.Errorf("EscapeUnsafe(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEchoIsBounded(t *testing.T) {
	long := strings.Repeat("é", 5000)
	got := basketball.Echo(long)
	if n := len([]rune(got)); n != basketball.MaxEcho+1 || !strings.HasSuffix(got, "…") {
		t.Fatalf("Echo of 5000 characters has %d: %q…", n, got[:20])
	}
	if got := basketball.Echo("tigers"); got != "tigers" {
		t.Fatalf("Echo(tigers) = %q", got)
	}
	exact := strings.Repeat("a", basketball.MaxEcho)
	if got := basketball.Echo(exact); got != exact {
		t.Fatalf("Echo cut a string of exactly MaxEcho characters")
	}
}
