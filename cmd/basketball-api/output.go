package main

import (
	"basketball"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
)

// listFlags are the flags every list command shares: --format (table,
// json or csv), --json as a short form of --format json, and the database.
type listFlags struct {
	format *string
	asJSON *bool
	dbURL  *string
}

func addListFlags(fs *flag.FlagSet) listFlags {
	return listFlags{
		format: fs.String("format", "table", "table, json (a JSON array) or csv"),
		asJSON: fs.Bool("json", false, "same as --format json"),
		dbURL:  fs.String("database-url", "", "database (default: $DATABASE_URL)"),
	}
}

// check returns the chosen format, or a usage error.
func (l listFlags) check() (string, error) {
	f := *l.format
	if f != "table" && f != "json" && f != "csv" {
		return "", usagef("--format: want table, json or csv, got %q", f)
	}
	if *l.asJSON {
		if f != "table" && f != "json" {
			return "", usagef("--json and --format %s disagree; give one of them", f)
		}
		f = "json"
	}
	return f, nil
}

// listing is what a list command prints: all of it as JSON, the columns
// as CSV, and the people-sized columns as a table.
type listing struct {
	json      any
	csvHeader []string
	csv       [][]string
	table     [][]string // header first
}

func (m *Main) print(format string, l listing) error {
	switch format {
	case "json":
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(l.json)
	case "csv":
		return basketball.WriteCSV(m.Stdout, l.csvHeader, l.csv)
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	for _, row := range l.table {
		cells := make([]string, len(row))
		for i, c := range row {
			cells[i] = termSafe(c)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// termSafe shows a stored value on a terminal as it is, never runs it:
// control and bidi characters stored before they were refused (an ESC
// that would recolour or clear the admin's screen, a U+202E that reverses
// what follows) come out escaped, as \x1b or \u202e. A tab, escaped too,
// cannot shift the columns.
func termSafe(s string) string { return basketball.EscapeUnsafe(s) }

func intOrEmpty(n *int) string {
	if n == nil {
		return ""
	}
	return fmt.Sprint(*n)
}

// timeIn formats t in loc as RFC 3339 with loc's offset, or "" for nil.
func timeIn(t *time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	return t.In(loc).Format(time.RFC3339)
}
