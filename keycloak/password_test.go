package keycloak

import (
	"math"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var passwordShape = regexp.MustCompile(`^[a-z2-9]{4}(-[a-z2-9]{4}){5}$`)

func TestGeneratePassword(t *testing.T) {
	t.Parallel()
	const n = 5000
	seen := make(map[string]bool, n)
	counts := map[rune]int{}
	for range n {
		p := mustGeneratePassword(t)
		if len(p) != GeneratedPasswordLength || len(p) < 16 || !passwordShape.MatchString(p) {
			t.Fatalf("%q is not six groups of four", p)
		}
		chars := strings.ReplaceAll(p, PasswordSeparator, "")
		if strings.Trim(chars, PasswordAlphabet) != "" {
			t.Fatalf("%q has characters outside the alphabet", p)
		}
		if !strings.ContainsAny(chars, digitChars) || !strings.ContainsAny(chars, letterChars) {
			t.Fatalf("%q lacks a digit or a letter", p)
		}
		if seen[p] {
			t.Fatalf("%q generated twice", p)
		}
		seen[p] = true
		for _, r := range chars {
			counts[r]++
		}
	}
	// Every character of the alphabet is used, about equally: a draw from
	// a smaller set would lower the entropy claimed below. Each is
	// expected 120,000/31 ≈ 3,871 times (sd ≈ 61); ±20 % never fails by
	// chance.
	if len(counts) != len(PasswordAlphabet) {
		t.Fatalf("%d distinct characters used, want %d", len(counts), len(PasswordAlphabet))
	}
	want := float64(n*PasswordGroups*PasswordGroupSize) / float64(len(PasswordAlphabet))
	for r, c := range counts {
		if math.Abs(float64(c)-want) > 0.2*want {
			t.Errorf("%q drawn %d times, want about %.0f", r, c, want)
		}
	}
}

// TestPasswordEntropy: at least 100 bits, computed from the alphabet and
// the length, not stated.
func TestPasswordEntropy(t *testing.T) {
	t.Parallel()
	bits := PasswordEntropyBits()
	if bits < 100 {
		t.Errorf("entropy %.1f bits, want at least 100", bits)
	}
	naive := float64(PasswordGroups*PasswordGroupSize) * math.Log2(float64(len(PasswordAlphabet)))
	if bits > naive || naive-bits > 0.01 {
		t.Errorf("entropy %.2f bits, alphabet and length give %.2f", bits, naive)
	}
	t.Logf("%d characters from %d: %.1f bits", PasswordGroups*PasswordGroupSize, len(PasswordAlphabet), bits)
}

// TestPasswordAlphabetIsSafe: nothing that looks like another character,
// nothing a shell, a URL, HTML or a phone's second keyboard layer needs.
func TestPasswordAlphabetIsSafe(t *testing.T) {
	t.Parallel()
	for _, lookalike := range "Il1|O0oi" {
		if strings.ContainsRune(PasswordAlphabet, lookalike) {
			t.Errorf("alphabet holds look-alike %q", lookalike)
		}
	}
	if strings.ToLower(PasswordAlphabet) != PasswordAlphabet {
		t.Errorf("alphabet %q has upper-case letters (a shift on a phone)", PasswordAlphabet)
	}
	all := PasswordAlphabet + PasswordSeparator
	if url.QueryEscape(all) != all || url.PathEscape(all) != all {
		t.Errorf("alphabet %q needs URL escaping", all)
	}
	if strings.ContainsAny(all, "<>&\"' \\`$!#%*?[]{}()|;~=+@^") {
		t.Errorf("alphabet %q holds a shell or HTML special character", all)
	}
}
