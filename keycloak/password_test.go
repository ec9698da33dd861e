package keycloak

import (
	"strings"
	"testing"
)

func TestGeneratePassword(t *testing.T) {
	t.Parallel()
	const n = 2000
	seen := make(map[string]bool, n)
	for range n {
		p := mustGeneratePassword(t)
		if len(p) != GeneratedPasswordLength || len(p) < 16 {
			t.Fatalf("%q has length %d", p, len(p))
		}
		if strings.Trim(p, allChars) != "" {
			t.Fatalf("%q has characters outside the set", p)
		}
		for _, class := range []string{upperChars, lowerChars, digitChars, symbolChars} {
			if !strings.ContainsAny(p, class) {
				t.Fatalf("%q has none of %q", p, class)
			}
		}
		if seen[p] {
			t.Fatalf("%q generated twice", p)
		}
		seen[p] = true
	}
}

// The symbols must survive an HTML email and a form without escaping.
func TestPasswordAlphabetIsSafe(t *testing.T) {
	t.Parallel()
	if strings.ContainsAny(allChars, `<>&"' \`+"`") {
		t.Fatalf("alphabet %q holds characters that need escaping", allChars)
	}
	for _, lookalike := range "Il1O0" {
		if strings.ContainsRune(allChars, lookalike) {
			t.Errorf("alphabet holds look-alike %q", lookalike)
		}
	}
}
