package keycloak

import (
	"crypto/rand"
	"math"
	"math/big"
	"strings"
)

// Generated passwords are typed by parents from an email, often on a
// phone: lower-case letters and digits only (one keyboard layer, no
// shift), without the look-alikes i, l, o, 0 and 1, and without any
// character a shell, a URL or HTML would treat specially; in groups of
// four joined by hyphens, e.g. "kfmr-7q2x-hb4n-w9pe-ta3c-v8jd".
//
// Keycloak's realms have no password policy by default. Each password has
// at least one letter, one digit and (the hyphens) five special
// characters, and is 29 characters long, so the common policies length,
// digits, lowerCase, specialChars, notUsername and notEmail accept it. A
// policy requiring upper-case letters would refuse it: such a realm should
// use ACCOUNT_DELIVERY=invite, where parents choose their own password on
// Keycloak's page.
const (
	letterChars = "abcdefghjkmnpqrstuvwxyz"
	digitChars  = "23456789"
	// PasswordAlphabet is every character a group may hold.
	PasswordAlphabet = letterChars + digitChars
	// PasswordGroups and PasswordGroupSize shape a generated password.
	PasswordGroups    = 6
	PasswordGroupSize = 4
	// PasswordSeparator joins the groups.
	PasswordSeparator = "-"
)

// GeneratedPasswordLength is the length of GeneratePassword's passwords,
// separators included.
const GeneratedPasswordLength = PasswordGroups*PasswordGroupSize + PasswordGroups - 1

// PasswordEntropyBits is the entropy of a generated password: the base-2
// logarithm of how many passwords GeneratePassword chooses among
// uniformly (31^24 strings less those without a letter or without a
// digit), about 118.9 bits.
func PasswordEntropyBits() float64 {
	n := PasswordGroups * PasswordGroupSize
	all := math.Pow(float64(len(PasswordAlphabet)), float64(n))
	noDigit := math.Pow(float64(len(letterChars)), float64(n))
	noLetter := math.Pow(float64(len(digitChars)), float64(n))
	return math.Log2(all - noDigit - noLetter)
}

// GeneratePassword returns a random password of GeneratedPasswordLength
// characters: PasswordGroups groups of PasswordGroupSize characters of
// PasswordAlphabet, with at least one letter and one digit.
func GeneratePassword() (string, error) {
	size := big.NewInt(int64(len(PasswordAlphabet)))
	chars := make([]byte, PasswordGroups*PasswordGroupSize)
	for {
		for i := range chars {
			n, err := rand.Int(rand.Reader, size)
			if err != nil {
				return "", err
			}
			chars[i] = PasswordAlphabet[n.Int64()]
		}
		// Drawing again until both classes are present keeps the choice
		// uniform among acceptable passwords; about 1 draw in 1,300 is
		// redrawn.
		if hasEachClass(string(chars)) {
			break
		}
	}
	groups := make([]string, PasswordGroups)
	for i := range groups {
		groups[i] = string(chars[i*PasswordGroupSize : (i+1)*PasswordGroupSize])
	}
	return strings.Join(groups, PasswordSeparator), nil
}

func hasEachClass(p string) bool {
	return strings.ContainsAny(p, letterChars) && strings.ContainsAny(p, digitChars)
}
