package sqldb

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"basketball"
)

// Listings for staff page newest first by keyset, (created_at, id) going
// down: a page starts after the last row of the one before, so rows added
// meanwhile (newer, at the top) never shift a row into the next page
// twice or out of it. The cursor is that last row's time and id, opaque
// to clients.

// cursorAfter is a decoded cursor: list rows strictly before (At, ID).
type cursorAfter struct {
	At time.Time
	ID string
}

func encodeCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + id))
}

// decodeCursor reads a cursor; "" is the first page (nil).
func decodeCursor(s string) (*cursorAfter, error) {
	if s == "" {
		return nil, nil
	}
	bad := &basketball.Error{Code: basketball.EInvalid, Message: "cursor is not one this listing gave out",
		Fields: map[string]string{"cursor": "is not one this listing gave out; start again without it"}}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	at, id, ok := strings.Cut(string(raw), "|")
	t, err := time.Parse(time.RFC3339Nano, at)
	if !ok || err != nil || id == "" {
		return nil, bad
	}
	return &cursorAfter{At: t, ID: id}, nil
}

// keysetBefore is the WHERE condition "row before the cursor" for a time
// column and an id column, with the cursor's values as parameters $n and
// $n+1.
func keysetBefore(timeCol, idCol string, n int) string {
	a, b := "$"+strconv.Itoa(n), "$"+strconv.Itoa(n+1)
	return "(" + timeCol + " < " + a + " OR (" + timeCol + " = " + a + " AND " + idCol + " < " + b + "))"
}
