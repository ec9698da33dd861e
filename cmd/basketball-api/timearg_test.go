package main

import (
	"strings"
	"testing"
	"time"
)

// TestParseTimeArg: every command reads times the same way; wall-clock
// times that a zone skips or passes twice are refused with the offsets to
// give instead, never moved silently.
func TestParseTimeArg(t *testing.T) {
	t.Parallel()
	chicago, _ := time.LoadLocation("America/Chicago")
	lordHowe, _ := time.LoadLocation("Australia/Lord_Howe") // half-hour DST
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name     string
		in       string
		loc      *time.Location
		want     time.Time
		dateOnly bool
		err      []string // parts of the message; nil means no error
	}{
		{"RFC 3339", "2027-01-09T09:00:00-06:00", chicago, at("2027-01-09T15:00:00Z"), false, nil},
		{"RFC 3339 without seconds", "2027-01-09T09:00-06:00", chicago, at("2027-01-09T15:00:00Z"), false, nil},
		{"RFC 3339 UTC", "2027-01-09T15:00:00Z", nil, at("2027-01-09T15:00:00Z"), false, nil},
		{"wall clock, winter", "2027-01-09T09:00", chicago, at("2027-01-09T15:00:00Z"), false, nil},
		{"wall clock, summer", "2027-07-09T09:00", chicago, at("2027-07-09T14:00:00Z"), false, nil},
		{"wall clock with seconds", "2027-01-09T09:00:30", chicago, at("2027-01-09T15:00:30Z"), false, nil},
		{"wall clock with a space", "2027-01-09 09:00", chicago, at("2027-01-09T15:00:00Z"), false, nil},
		{"date", "2027-01-09", chicago, at("2027-01-09T06:00:00Z"), true, nil},
		{"date in UTC", "2027-01-09", time.UTC, at("2027-01-09T00:00:00Z"), true, nil},
		{"just before the gap", "2027-03-14T01:59", chicago, at("2027-03-14T07:59:00Z"), false, nil},
		{"just after the gap", "2027-03-14T03:00", chicago, at("2027-03-14T08:00:00Z"), false, nil},
		{"in the gap", "2027-03-14T02:30", chicago, time.Time{}, false,
			[]string{"2027-03-14T02:30 does not exist in America/Chicago", "skip ahead one hour", "2027-03-14T03:30", "2027-03-14T03:30:00-05:00"}},
		{"in the overlap", "2027-11-07T01:30", chicago, time.Time{}, false,
			[]string{"happens twice in America/Chicago", "go back one hour", "2027-11-07T01:30:00-05:00 for the first", "2027-11-07T01:30:00-06:00 for the second"}},
		{"overlap with an offset", "2027-11-07T01:30:00-06:00", chicago, at("2027-11-07T07:30:00Z"), false, nil},
		{"half-hour gap", "2027-10-03T02:15", lordHowe, time.Time{}, false, []string{"does not exist", "30 minutes"}},
		{"half-hour overlap", "2027-04-04T01:45", lordHowe, time.Time{}, false, []string{"happens twice", "30 minutes"}},
		{"not a time", "next friday", chicago, time.Time{}, false, []string{`"next friday" is not a time`, "RFC 3339"}},
		{"impossible date", "2027-02-30T09:00", chicago, time.Time{}, false, []string{"is not a time"}},
		{"empty", "", chicago, time.Time{}, false, []string{"is required"}},
		{"wall clock without a zone", "2027-01-09T09:00", nil, time.Time{}, false, []string{"no offset", "--timezone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zone := "UTC"
			if tt.loc != nil {
				zone = tt.loc.String()
			}
			got, err := parseTimeArg(tt.in, tt.loc, zone)
			if tt.err != nil {
				if err == nil {
					t.Fatalf("parseTimeArg(%q) = %v, want an error", tt.in, got.T)
				}
				for _, part := range tt.err {
					if !strings.Contains(err.Error(), part) {
						t.Errorf("error %q lacks %q", err, part)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("parseTimeArg(%q): %v", tt.in, err)
			}
			if !got.T.Equal(tt.want) || got.DateOnly != tt.dateOnly {
				t.Errorf("parseTimeArg(%q) = %v (date only %v), want %v (%v)", tt.in, got.T.UTC(), got.DateOnly, tt.want, tt.dateOnly)
			}
		})
	}
}
