package sqldb

import (
	"fmt"
	"time"
)

// timeLayout is how SQLite stores times: UTC, fixed width, so that text
// comparison in SQL orders them correctly.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// ts converts a time for a query parameter of this engine.
func (db *DB) ts(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if db.engine == SQLite {
		return t.Format(timeLayout)
	}
	return t
}

// tsp converts an optional time; nil stays NULL.
func (db *DB) tsp(t *time.Time) any {
	if t == nil {
		return nil
	}
	return db.ts(*t)
}

// timeCol scans a timestamp column of either engine into a UTC time.
type timeCol struct {
	T     time.Time
	Valid bool
}

func (c *timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		c.T, c.Valid = time.Time{}, false
		return nil
	case time.Time:
		c.T, c.Valid = v.UTC(), true
		return nil
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	}
	return fmt.Errorf("sqldb: cannot scan %T into a time", src)
}

func (c *timeCol) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("sqldb: bad time %q: %w", s, err)
	}
	c.T, c.Valid = t.UTC(), true
	return nil
}

// Ptr returns the time or nil when NULL.
func (c timeCol) Ptr() *time.Time {
	if !c.Valid {
		return nil
	}
	t := c.T
	return &t
}

// forUpdateOf locks only the rows of the named table in a join, on
// PostgreSQL; SQLite's write transactions are serialised already.
func (db *DB) forUpdateOf(table string) string {
	if db.engine == Postgres {
		return " FOR UPDATE OF " + table
	}
	return ""
}
