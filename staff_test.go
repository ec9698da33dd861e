package basketball_test

import (
	"slices"
	"testing"

	"basketball"
)

func TestStaffFromRoles(t *testing.T) {
	for _, tc := range []struct {
		name      string
		roles     []string
		wantClubs []string
		wantAll   bool
	}{
		{"no roles", nil, nil, false},
		{"one club", []string{"club-admin:tigers"}, []string{"tigers"}, false},
		{"several, sorted and deduplicated", []string{"club-admin:tigers", "offline_access", "club-admin:bears", "club-admin:tigers"}, []string{"bears", "tigers"}, false},
		{"wildcard", []string{"club-admin:*"}, nil, true},
		{"malformed slugs and other roles ignored", []string{"club-admin:Tigers", "club-admin:", "club-admin:a", "club-admin:tigers/x", "club-admin", "admin:tigers", "uma_authorization"}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := basketball.StaffFromRoles("sub-1", "coach@example.com", tc.roles)
			if s.Subject != "sub-1" || s.Email != "coach@example.com" {
				t.Fatalf("identity = %q %q", s.Subject, s.Email)
			}
			if !slices.Equal(s.Clubs, tc.wantClubs) || s.AllClubs != tc.wantAll {
				t.Fatalf("clubs = %q all=%v, want %q all=%v", s.Clubs, s.AllClubs, tc.wantClubs, tc.wantAll)
			}
		})
	}
}

func TestStaffCanManage(t *testing.T) {
	one := basketball.StaffFromRoles("sub-1", "", []string{"club-admin:tigers"})
	all := basketball.StaffFromRoles("sub-2", "", []string{"club-admin:*"})
	for _, tc := range []struct {
		s    basketball.Staff
		slug string
		want bool
	}{
		{one, "tigers", true},
		{one, "bears", false},
		{one, "tiger", false},
		{one, "*", false},
		{all, "tigers", true},
		{all, "bears", true},
		{basketball.Staff{}, "tigers", false},
		{basketball.Staff{AllClubs: true}, "tigers", false}, // no subject: not signed in
	} {
		if got := tc.s.CanManage(tc.slug); got != tc.want {
			t.Errorf("%+v.CanManage(%q) = %v, want %v", tc.s, tc.slug, got, tc.want)
		}
	}
}
