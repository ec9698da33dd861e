package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"maps"
	"regexp"
	"strings"
	"testing"
	"time"

	"basketball"
	"basketball/sqldb/sqldbtest"
)

// TestAdminCommands walks the admin flow of SPEC "Running it": migrate,
// create a club, a tryout and promo codes, then list registrations in
// every format.
func TestAdminCommands(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		env := map[string]string{"DATABASE_URL": sqldbtest.URL(t, engine)}
		if out := mustRun(t, env, "migrate"); !strings.Contains(out, "migrations applied") {
			t.Errorf("migrate printed %q", out)
		}
		// Migrating an up-to-date database is a no-op, not an error.
		mustRun(t, env, "migrate")

		club := mustOneJSONObject(t, mustRun(t, env, "club", "create", "--slug", "tigers", "--name", "Tigers", "--json"))
		if club["slug"] != "tigers" || club["name"] != "Tigers" {
			t.Errorf("club = %v", club)
		}

		start := time.Now().Add(14 * 24 * time.Hour).Truncate(time.Hour).UTC()
		tryout := mustOneJSONObject(t, mustRun(t, env, "tryout", "create", "--club", "tigers", "--name", "U14 Fall",
			"--starts-at", start.Format(time.RFC3339), "--ends-at", start.Add(2*time.Hour).Format(time.RFC3339),
			"--timezone", "America/Chicago", "--location", "Main Gym", "--fee-cents", "3000", "--capacity", "10", "--json"))
		for k, want := range map[string]any{"fee_cents": 3000.0, "timezone": "America/Chicago", "currency": "usd",
			"capacity": 10.0, "name": "U14 Fall", "location": "Main Gym", "open": true} {
			if tryout[k] != want {
				t.Errorf("tryout %s = %v, want %v", k, tryout[k], want)
			}
		}
		if got, _ := time.Parse(time.RFC3339, tryout["starts_at"].(string)); !got.Equal(start) {
			t.Errorf("tryout starts_at = %v, want %v", tryout["starts_at"], start)
		}
		tryoutID := tryout["id"].(string)

		free := mustOneJSONObject(t, mustRun(t, env, "promo", "create", "--club", "tigers", "--code", "FREE", "--percent-off", "100", "--json"))
		if free["percent_off"] != 100.0 || free["amount_off_cents"] != nil || free["code"] != "FREE" {
			t.Errorf("percent promo = %v", free)
		}
		five := mustOneJSONObject(t, mustRun(t, env, "promo", "create", "--club", "tigers", "--code", "FIVE", "--amount-off-cents", "500", "--json"))
		if five["amount_off_cents"] != 500.0 || five["percent_off"] != nil {
			t.Errorf("amount promo = %v", five)
		}
		// Without --json a create command prints a line for people.
		if out := mustRun(t, env, "club", "create", "--slug", "lions", "--name", "Lions"); !strings.Contains(out, "lions") || strings.HasPrefix(out, "{") {
			t.Errorf("club create without --json printed %q", out)
		}

		if out := mustRun(t, env, "registrations", "list", "--club", "tigers", "--format", "json"); strings.TrimSpace(out) != "[]" {
			t.Errorf("empty list = %q, want []", out)
		}

		regID := mustPendingRegistration(t, env["DATABASE_URL"], tryoutID)

		list := mustListJSON(t, env, "--club", "tigers", "--format", "json")
		if len(list) != 1 {
			t.Fatalf("list has %d elements, want 1: %v", len(list), list)
		}
		got := list[0]
		for _, k := range []string{"id", "status", "method", "tryout_id", "amount_cents", "currency", "parent_email",
			"player_first_name", "player_last_name", "stripe_checkout_session_id", "stripe_payment_intent_id",
			"created_at", "paid_at"} {
			if _, ok := got[k]; !ok {
				t.Errorf("list element has no %q: %v", k, got)
			}
		}
		for k, want := range map[string]any{"id": regID, "status": "pending", "method": "card", "tryout_id": tryoutID,
			"amount_cents": 3000.0, "currency": "usd", "parent_email": "parent1@example.com",
			"player_first_name": "Max1", "player_last_name": "Lee",
			"stripe_checkout_session_id": "cs_test_cli", "stripe_payment_intent_id": nil, "paid_at": nil} {
			if got[k] != want {
				t.Errorf("list element %s = %#v, want %#v", k, got[k], want)
			}
		}
		if s, _ := got["created_at"].(string); s == "" {
			t.Errorf("created_at = %#v, want an RFC 3339 time", got["created_at"])
		} else if _, err := time.Parse(time.RFC3339, s); err != nil {
			t.Errorf("created_at: %v", err)
		}

		// --status filters.
		if n := len(mustListJSON(t, env, "--club", "tigers", "--status", "pending", "--format", "json")); n != 1 {
			t.Errorf("--status pending lists %d, want 1", n)
		}
		if n := len(mustListJSON(t, env, "--club", "tigers", "--status", "paid", "--format", "json")); n != 0 {
			t.Errorf("--status paid lists %d, want 0", n)
		}
		// Another club's list does not show this club's registrations.
		if n := len(mustListJSON(t, env, "--club", "lions", "--format", "json")); n != 0 {
			t.Errorf("lions list %d registrations of tigers", n)
		}

		records, err := csv.NewReader(strings.NewReader(mustRun(t, env, "registrations", "list", "--club", "tigers", "--format", "csv"))).ReadAll()
		if err != nil {
			t.Fatalf("csv: %v", err)
		}
		if len(records) != 2 {
			t.Fatalf("csv has %d records, want header and one row: %v", len(records), records)
		}
		col := map[string]int{}
		for i, h := range records[0] {
			col[h] = i
		}
		for k, want := range map[string]string{"id": regID, "status": "pending", "amount_cents": "3000",
			"parent_email": "parent1@example.com", "stripe_checkout_session_id": "cs_test_cli", "paid_at": ""} {
			i, ok := col[k]
			if !ok {
				t.Errorf("csv header has no %q: %v", k, records[0])
				continue
			}
			if records[1][i] != want {
				t.Errorf("csv %s = %q, want %q", k, records[1][i], want)
			}
		}

		table := strings.Split(strings.TrimRight(mustRun(t, env, "registrations", "list", "--club", "tigers"), "\n"), "\n")
		if len(table) != 2 || !strings.HasPrefix(table[0], "ID") || !strings.Contains(table[0], "STATUS") {
			t.Fatalf("table (the default format) = %q, want a header and one row", table)
		}
		if !strings.HasPrefix(table[1], regID) || !strings.Contains(table[1], "$30.00") {
			t.Errorf("table row = %q", table[1])
		}
		if explicit := mustRun(t, env, "registrations", "list", "--club", "tigers", "--format", "table"); strings.Split(explicit, "\n")[0] != table[0] {
			t.Errorf("--format table header = %q", explicit)
		}
	})
}

// mustPendingRegistration registers a player through the store, as the
// HTTP API would, and gives it a checkout session.
func mustPendingRegistration(t *testing.T, dbURL, tryoutID string) string {
	t.Helper()
	ctx := context.Background()
	db := mustOpen(t, dbURL)
	reg, err := db.CreateRegistration(ctx, "tigers", sqldbtest.Request(tryoutID, 1), basketball.CreateOptions{CardEnabled: true})
	if err != nil {
		t.Fatalf("create registration: %v", err)
	}
	if err := db.AttachCheckout(ctx, reg.ID, reg.CheckoutAttempts, "cs_test_cli", "https://checkout.stripe.com/c/pay/cs_test_cli",
		db.Now().Add(time.Hour)); err != nil {
		t.Fatalf("attach checkout: %v", err)
	}
	db.Close()
	return reg.ID
}

// mustListJSON runs registrations list with args and decodes its array.
func mustListJSON(t *testing.T, env map[string]string, args ...string) []map[string]any {
	t.Helper()
	out := mustRun(t, env, append([]string{"registrations", "list"}, args...)...)
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil || list == nil {
		t.Fatalf("registrations list %v: not a JSON array (%v):\n%s", args, err, out)
	}
	return list
}

// cliJargon is what a command-line message must not show: the JSON API's
// field names, regular expressions and internal error codes.
var cliJargon = regexp.MustCompile(`\b(starts_at|ends_at|email_from|fee_cents|percent_off|amount_off_cents|max_uses|expires_at|` +
	`invalid_request|invalid_promo_code|[a-z]+_not_found)\b|\^\[|\{1,`)

// TestBadArguments checks that every kind of bad command line exits 2 with
// a message on stderr and writes nothing.
func TestBadArguments(t *testing.T) {
	t.Parallel()
	start := time.Now().Add(14 * 24 * time.Hour).Truncate(time.Hour).UTC()
	at := func(d time.Duration) string { return start.Add(d).Format(time.RFC3339) }
	tryout := func(override ...string) []string {
		flags := map[string]string{"--club": "tigers", "--name": "Fall", "--starts-at": at(0), "--ends-at": at(2 * time.Hour),
			"--timezone": "America/Chicago", "--location": "Gym", "--fee-cents": "3000"}
		for i := 0; i+1 < len(override); i += 2 {
			flags[override[i]] = override[i+1]
		}
		args := []string{"tryout", "create"}
		for k, v := range flags {
			if v != "<omit>" {
				args = append(args, k, v)
			}
		}
		return args
	}
	tests := []struct {
		name string
		args []string
		want string // part of the message
		// usage says the command may print its usage before the message,
		// as flag parsing conventionally does.
		usage bool
	}{
		{"bad slug", []string{"club", "create", "--slug", "Bad Slug", "--name", "Bad"}, "--slug: must be 2 to 63 lower-case letters, digits or dashes, starting with a letter or digit", false},
		{"club without name", []string{"club", "create", "--slug", "lions"}, "name", false},
		{"club without slug", []string{"club", "create", "--name", "Lions"}, "slug", false},
		{"club bad email-from", []string{"club", "create", "--slug", "lions", "--name", "Lions", "--email-from", "nope"}, "--email-from: must be an email address", false},
		{"duplicate club slug", []string{"club", "create", "--slug", "tigers", "--name", "Other Tigers"}, "tigers", false},
		{"stray argument", []string{"club", "create", "--slug", "lions", "--name", "Lions", "extra"}, "extra", false},
		{"tryout ends before it starts", tryout("--ends-at", at(-time.Hour)), "--ends-at: must be after --starts-at", false},
		{"tryout ends when it starts", tryout("--ends-at", at(0)), "--ends-at", false},
		{"negative fee", tryout("--fee-cents", "-5"), "--fee-cents: must not be negative", false},
		{"fee not a number", tryout("--fee-cents", "ten"), "fee-cents", true},
		{"unknown time zone", tryout("--timezone", "Mars/Olympus_Mons"), "--timezone", false},
		{"unknown currency", tryout("--currency", "xyz"), "--currency", false},
		{"bad start time", tryout("--starts-at", "next friday"), "--starts-at", false},
		{"start in the past", tryout("--starts-at", "2020-01-09T09:00", "--ends-at", "2020-01-09T11:00"), "--starts-at: 2020-01-09T09:00 is in the past", false},
		{"start in a DST gap", tryout("--starts-at", "2099-03-08T02:30", "--ends-at", "2099-03-08T04:00"), "2099-03-08T02:30 does not exist in America/Chicago", false},
		{"start in a DST overlap", tryout("--starts-at", "2099-11-01T01:30", "--ends-at", "2099-11-01T04:00"), "2099-11-01T01:30:00-05:00 for the first", false},
		{"start without a time of day", tryout("--starts-at", "2099-01-09", "--ends-at", "2099-01-09T11:00"), "give the time of day too", false},
		{"zero capacity", tryout("--capacity", "0"), "--capacity", false},
		{"tryout without club", tryout("--club", "<omit>"), "--club", false},
		{"tryout without fee", tryout("--fee-cents", "<omit>"), "--fee-cents", false},
		{"tryout without name", tryout("--name", "<omit>"), "--name: is required", false},
		{"tryout without location", tryout("--location", "<omit>"), "--location: is required", false},
		{"tryout without timezone", tryout("--timezone", "<omit>"), "--timezone: is required", false},
		{"tryout of unknown club", tryout("--club", "nobody"), "nobody", false},
		{"promo with both discounts", []string{"promo", "create", "--club", "tigers", "--code", "BOTH", "--percent-off", "10", "--amount-off-cents", "500"}, "give either --percent-off or --amount-off-cents, not both", false},
		{"promo with no discount", []string{"promo", "create", "--club", "tigers", "--code", "NONE"}, "give --percent-off or --amount-off-cents", false},
		{"promo over 100%", []string{"promo", "create", "--club", "tigers", "--code", "MORE", "--percent-off", "101"}, "--percent-off: must be between 1 and 100", false},
		{"promo zero amount", []string{"promo", "create", "--club", "tigers", "--code", "ZERO", "--amount-off-cents", "0"}, "--amount-off-cents: must be positive", false},
		{"promo bad expiry", []string{"promo", "create", "--club", "tigers", "--code", "LATER", "--percent-off", "10", "--expires-at", "soon"}, "--expires-at", false},
		{"promo expiry in the past", []string{"promo", "create", "--club", "tigers", "--code", "OLD", "--percent-off", "10", "--expires-at", "2020-01-01"}, "--expires-at: 2020-01-01 is in the past", false},
		{"promo expiry in a DST gap", []string{"promo", "create", "--club", "tigers", "--code", "GAP", "--percent-off", "10", "--expires-at", "2099-03-08T02:30", "--timezone", "America/Chicago"}, "does not exist in America/Chicago", false},
		{"promo bad timezone", []string{"promo", "create", "--club", "tigers", "--code", "TZ", "--percent-off", "10", "--expires-at", "2099-01-01", "--timezone", "Chicago"}, "--timezone", false},
		{"promo without code", []string{"promo", "create", "--club", "tigers", "--percent-off", "10"}, "--code", false},
		{"promo without club", []string{"promo", "create", "--code", "X", "--percent-off", "10"}, "--club", false},
		{"duplicate promo code in other case", []string{"promo", "create", "--club", "tigers", "--code", "summer", "--amount-off-cents", "100"}, "summer", false},
		{"unknown flag", []string{"club", "create", "--slug", "lions", "--name", "Lions", "--colour", "red"}, "colour", true},
		{"unknown command", []string{"team", "create", "--slug", "lions"}, "team", true},
		{"unknown subcommand", []string{"club", "delete", "--slug", "tigers"}, `"delete" is not a subcommand of club; use one of: club create, club list`, false},
		{"missing subcommand", []string{"tryout"}, "tryout needs a subcommand; use one of: tryout close, tryout create, tryout list, tryout open", false},
		{"subcommand of registrations", []string{"registrations", "show"}, "registrations list", false},
		{"tryout list of unknown club", []string{"tryout", "list", "--club", "nobody"}, `there is no club "nobody"; "basketball-api club list" shows the clubs`, false},
		{"promo list of unknown club", []string{"promo", "list", "--club", "nobody"}, `no club "nobody"`, false},
		{"promo list without club", []string{"promo", "list"}, "--club", false},
		{"club list bad format", []string{"club", "list", "--format", "xml"}, "--format", false},
		{"list --json and csv", []string{"club", "list", "--json", "--format", "csv"}, "--json", false},
		{"mail preview of unknown registration", []string{"mail", "preview", "--registration", "reg_nope"}, `there is no registration "reg_nope"`, false},
		{"open an unknown tryout", []string{"tryout", "open", "--club", "tigers", "--id", "try_nope"}, `there is no tryout "try_nope"`, false},
		{"no command", nil, "no command", true},
		{"list bad format", []string{"registrations", "list", "--club", "tigers", "--format", "xml"}, "--format", false},
		{"list bad status", []string{"registrations", "list", "--club", "tigers", "--status", "done"}, "--status", false},
		{"list without club", []string{"registrations", "list"}, "--club", false},
		{"list of unknown club", []string{"registrations", "list", "--club", "nobody"}, "nobody", false},
	}
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		env := map[string]string{"DATABASE_URL": sqldbtest.URL(t, engine)}
		mustRun(t, env, "club", "create", "--slug", "tigers", "--name", "Tigers")
		mustRun(t, env, append(tryout(), "--capacity", "10")...)
		mustRun(t, env, "promo", "create", "--club", "tigers", "--code", "SUMMER", "--percent-off", "20")
		db := mustOpen(t, env["DATABASE_URL"])
		before := mustCountRows(t, db)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				code, stdout, stderr := run(t, env, tt.args...)
				if code != 2 {
					t.Errorf("exit %d, want 2; stderr:\n%s", code, stderr)
				}
				if stdout != "" {
					t.Errorf("stdout = %q, want nothing", stdout)
				}
				if tt.usage {
					// The message proper is the last line.
					stderr = lastLine(stderr)
				}
				mustOneLine(t, stderr, tt.want)
				// Flags by their names, rules in words: no JSON field
				// names, no regular expressions, no internal codes.
				if m := cliJargon.FindString(stderr); m != "" && !tt.usage {
					t.Errorf("stderr %q shows %q", stderr, m)
				}
				if after := mustCountRows(t, db); !maps.Equal(after, before) {
					t.Errorf("rows changed: before %v, after %v", before, after)
				}
			})
		}
	})
}

// TestHelp checks that asking for help is not an error.
func TestHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help"}, {"--help"}, {"club", "create", "--help"}, {"registrations", "list", "-h"}} {
		code, stdout, stderr := run(t, nil, args...)
		if code != 0 {
			t.Errorf("%v: exit %d, stderr:\n%s", args, code, stderr)
		}
		if !strings.Contains(stdout+stderr, "usage") && !strings.Contains(stdout+stderr, "Commands:") {
			t.Errorf("%v printed no usage:\n%s%s", args, stdout, stderr)
		}
	}
}
