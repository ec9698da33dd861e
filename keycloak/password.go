package keycloak

import (
	"crypto/rand"
	"math/big"
	"strings"
)

// Characters of generated passwords. Look-alikes (I, l, 1, O, 0) are left
// out because parents type the password from an email. The symbols need no
// escaping in HTML or plain text and satisfy Keycloak's "special
// characters" policy.
const (
	upperChars  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	lowerChars  = "abcdefghijkmnopqrstuvwxyz"
	digitChars  = "23456789"
	symbolChars = "!#%+-=?@"
	allChars    = upperChars + lowerChars + digitChars + symbolChars
)

// GeneratedPasswordLength is the length of GeneratePassword's passwords:
// about 120 bits of entropy, above SPEC's minimum of 16 characters.
const GeneratedPasswordLength = 20

// GeneratePassword returns a random password of GeneratedPasswordLength
// characters with at least one upper-case letter, lower-case letter, digit
// and symbol, so that common realm password policies accept it.
func GeneratePassword() (string, error) {
	size := big.NewInt(int64(len(allChars)))
	b := make([]byte, GeneratedPasswordLength)
	for {
		for i := range b {
			n, err := rand.Int(rand.Reader, size)
			if err != nil {
				return "", err
			}
			b[i] = allChars[n.Int64()]
		}
		// Drawing again until every class is present keeps the choice
		// uniform among acceptable passwords; about 1 draw in 7 is redrawn.
		if p := string(b); hasEachClass(p) {
			return p, nil
		}
	}
}

func hasEachClass(p string) bool {
	for _, class := range []string{upperChars, lowerChars, digitChars, symbolChars} {
		if !strings.ContainsAny(p, class) {
			return false
		}
	}
	return true
}
