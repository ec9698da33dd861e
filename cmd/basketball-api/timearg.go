package main

import (
	"time"

	"basketball"
)

// timeFormatsHelp says, for --help, which times the commands take; every
// command reads times with parseTimeArg, so they all take the same.
const timeFormatsHelp = "RFC 3339 with an offset (2027-01-09T09:00:00-06:00), or a wall-clock time (2027-01-09T09:00) read in --timezone"

// timeArg is a time read from the command line.
type timeArg struct {
	T        time.Time
	DateOnly bool // given as YYYY-MM-DD, with no time of day
}

// parseTimeArg reads a time as every command does (basketball.ParseTime):
// RFC 3339, a wall-clock time in loc (the --timezone), or a date.
func parseTimeArg(s string, loc *time.Location, zone string) (timeArg, error) {
	t, dateOnly, err := basketball.ParseTime(s, loc, zone, "--timezone")
	return timeArg{T: t, DateOnly: dateOnly}, err
}

// zoneArg loads a --timezone value, or says why it cannot.
func zoneArg(name string) (*time.Location, error) { return basketball.LoadZone(name) }
