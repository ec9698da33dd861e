package basketball

import (
	"slices"
	"strings"
)

// Staff roles. A role names the club its holder may manage; the wildcard
// grants every club (the operator). Roles come from the identity provider
// (Keycloak realm or client roles); nothing else grants access.
const (
	RoleClubAdminPrefix = "club-admin:"
	RoleClubAdminAll    = RoleClubAdminPrefix + "*"
)

// Staff is a person signed in to the admin area: who they are (the
// identity provider's subject and email, for the audit log) and which clubs
// they may manage.
type Staff struct {
	Subject  string
	Email    string
	Clubs    []string // slugs, sorted, without duplicates
	AllClubs bool     // club-admin:*
}

// CanManage reports whether s may read and act on the club's data.
func (s Staff) CanManage(slug string) bool {
	if s.Subject == "" {
		return false
	}
	return s.AllClubs || slices.Contains(s.Clubs, slug)
}

// StaffFromRoles builds the Staff of a subject from its roles. Roles other
// than club-admin:{slug} and club-admin:* are ignored, as are roles naming
// a malformed slug (role names are case-sensitive: "club-admin:Tigers"
// grants nothing).
func StaffFromRoles(subject, email string, roles []string) Staff {
	s := Staff{Subject: subject, Email: email}
	for _, r := range roles {
		slug, ok := strings.CutPrefix(r, RoleClubAdminPrefix)
		switch {
		case !ok:
		case slug == "*":
			s.AllClubs = true
		case ValidSlug(slug):
			s.Clubs = append(s.Clubs, slug)
		}
	}
	slices.Sort(s.Clubs)
	s.Clubs = slices.Compact(s.Clubs)
	return s
}
