package basketball

import (
	"encoding/csv"
	"io"
	"strings"
)

// CSVSafe defuses a cell a spreadsheet would run as a formula (=, +, -, @,
// and | for DDE, or a tab or CR before one) by prefixing it with ':
// parents type names, and staff open exports in Excel. A negative number
// would be defused too, but no exported number is negative.
func CSVSafe(s string) string {
	if s != "" && strings.IndexByte("=+-@|\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// WriteCSV writes a header and rows as CSV, every data cell made safe
// with CSVSafe. Every CSV export (the command line's lists, the admin
// area's registrations) goes through here.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, row := range rows {
		safe := make([]string, len(row))
		for i, c := range row {
			safe[i] = CSVSafe(c)
		}
		if err := cw.Write(safe); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
