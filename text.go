package basketball

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Field error messages of the text rule.
const (
	MsgUnsafeText  = "contains control or invisible formatting characters"
	MsgInvalidUTF8 = "is not valid UTF-8 text"
)

// UnsafeRune reports whether r may not appear in text a person typed: the
// C0 and C1 controls and DEL (CR, LF, NUL, ESC… move a terminal's cursor,
// split email headers and log lines), the line and paragraph separators,
// and every Unicode format character (category Cf: the bidi embeddings,
// overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E,
// U+200F and U+061C, zero-width space U+200B, word joiner U+2060, BOM
// U+FEFF, soft hyphen…). Format characters are invisible: a name holding
// one looks like another name and is not equal to it (one player
// registered twice, a parent impersonated in the staff list), and the bidi
// ones reorder what a terminal or a list shows. The marks LRM and RLM
// cannot reorder letters, but they are as invisible as the rest and a name
// field needs none of them. The exceptions are ZWNJ and ZWJ (U+200C,
// U+200D), which Persian and Indic scripts need to spell names correctly.
func UnsafeRune(r rune) bool {
	switch {
	case r < 0x20 || (r >= 0x7f && r <= 0x9f):
		return true
	case r == 0x200c || r == 0x200d:
		return false
	case r == 0x2028 || r == 0x2029:
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// TextProblem returns why s may not be stored as typed text (a field
// error message), or "" when it may.
func TextProblem(s string) string {
	if !utf8.ValidString(s) {
		return MsgInvalidUTF8
	}
	if strings.ContainsFunc(s, UnsafeRune) {
		return MsgUnsafeText
	}
	return ""
}

// checkText records a field error when v is not safe text. It runs after a
// field's other checks and wins over them: it names the real problem.
func checkText(f map[string]string, field, v string) {
	if p := TextProblem(v); p != "" {
		f[field] = p
	}
}

// EscapeUnsafe returns s with each unsafe rune written as a Go escape
// (ESC as \x1b, U+202E as \u202e) and each byte that is not UTF-8 as \xNN,
// so stored text is shown on a terminal as it is, never run by it.
func EscapeUnsafe(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, UnsafeRune) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x80 && UnsafeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case UnsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// MaxEcho is how many characters of a client's input an error message
// repeats back.
const MaxEcho = 100

// Echo bounds client input quoted in an error message to MaxEcho
// characters, marking the cut with "…", so a 5,000-character slug is not
// sent back (and logged) in full.
func Echo(s string) string {
	n := 0
	for i := range s {
		if n == MaxEcho {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
