package basketball

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
)

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)

// Club is a tenant of the deployment, addressed by its slug.
type Club struct {
	ID        string    `json:"id"`
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	EmailFrom string    `json:"email_from,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// ClubInput is what an admin gives to create a club.
type ClubInput struct {
	Slug      string
	Name      string
	EmailFrom string
}

// SlugRule says in words what ValidSlug accepts.
const SlugRule = "must be 2 to 63 lower-case letters, digits or dashes, starting with a letter or digit"

// ValidSlug reports whether s is a well-formed club slug.
func ValidSlug(s string) bool { return slugRE.MatchString(s) }

// Normalize trims the input's text fields.
func (in *ClubInput) Normalize() {
	in.Slug = strings.TrimSpace(in.Slug)
	in.Name = strings.TrimSpace(in.Name)
	in.EmailFrom = strings.TrimSpace(in.EmailFrom)
}

// Validate reports every problem of the input as an EInvalid error.
func (in ClubInput) Validate() error {
	f := map[string]string{}
	if !ValidSlug(in.Slug) {
		f["slug"] = SlugRule
	}
	checkName(f, "name", in.Name, 200)
	if in.EmailFrom != "" && !ValidEmail(in.EmailFrom) {
		f["email_from"] = "must be an email address"
	}
	checkText(f, "slug", in.Slug)
	checkText(f, "name", in.Name)
	checkText(f, "email_from", in.EmailFrom)
	return fieldErrors(f)
}

// ValidEmail reports whether s is a single bare email address such as
// ann@example.com (no display name, a dot in the domain).
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " \t\r\n<>") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	return at > 0 && strings.Contains(domain, ".") && !strings.HasSuffix(domain, ".") && !strings.HasPrefix(domain, ".")
}

func checkName(f map[string]string, field, v string, max int) {
	switch n := len([]rune(v)); {
	case n == 0:
		f[field] = "is required"
	case n > max:
		f[field] = "is too long"
	}
}

func fieldErrors(f map[string]string) error {
	if len(f) == 0 {
		return nil
	}
	return FieldErrors(f)
}
