package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"basketball"
	"basketball/sqldb/sqldbtest"
)

// mustCSV runs a list command with --format csv and returns its rows as
// maps keyed by the header.
func mustCSV(t *testing.T, env map[string]string, args ...string) []map[string]string {
	t.Helper()
	out := mustRun(t, env, append(args, "--format", "csv")...)
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(records) == 0 {
		t.Fatalf("%v: not CSV with a header (%v):\n%s", args, err, out)
	}
	var rows []map[string]string
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, h := range records[0] {
			row[h] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

// mustJSONArray runs a list command with extra args and decodes its array.
func mustJSONArray(t *testing.T, env map[string]string, args ...string) []map[string]any {
	t.Helper()
	out := mustRun(t, env, args...)
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil || list == nil {
		t.Fatalf("%v: not a JSON array (%v):\n%s", args, err, out)
	}
	return list
}

// TestListCommands: club list, tryout list and promo list show what the
// create commands made, as a table, a JSON array (--json or --format
// json) and CSV.
func TestListCommands(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		env := map[string]string{"DATABASE_URL": sqldbtest.URL(t, engine)}
		mustRun(t, env, "club", "create", "--slug", "tigers", "--name", "Tigers BC", "--email-from", "coach@tigers.example")
		mustRun(t, env, "club", "create", "--slug", "lions", "--name", "Lions")
		tr := mustOneJSONObject(t, mustRun(t, env, "tryout", "create", "--club", "tigers", "--name", "Winter", "--starts-at", "2099-01-09T09:00",
			"--ends-at", "2099-01-09T11:00", "--timezone", "America/Chicago", "--location", "Main Gym", "--fee-cents", "3000", "--capacity", "20", "--json"))
		mustRun(t, env, "promo", "create", "--club", "tigers", "--code", "FREE", "--percent-off", "100")
		mustRun(t, env, "promo", "create", "--club", "tigers", "--code", "five", "--amount-off-cents", "500", "--max-uses", "3",
			"--expires-at", "2099-06-30", "--timezone", "America/Chicago")

		clubs := mustJSONArray(t, env, "club", "list", "--json")
		if len(clubs) != 2 || clubs[0]["slug"] != "lions" || clubs[1]["slug"] != "tigers" || clubs[1]["name"] != "Tigers BC" {
			t.Errorf("club list --json = %v", clubs)
		}
		if rows := mustCSV(t, env, "club", "list"); len(rows) != 2 || rows[1]["email_from"] != "coach@tigers.example" {
			t.Errorf("club list csv = %v", rows)
		}
		if table := mustRun(t, env, "club", "list"); !strings.HasPrefix(table, "SLUG") || !strings.Contains(table, "Tigers BC") {
			t.Errorf("club list table:\n%s", table)
		}

		tryouts := mustJSONArray(t, env, "tryout", "list", "--club", "tigers", "--format", "json")
		if len(tryouts) != 1 || tryouts[0]["id"] != tr["id"] || tryouts[0]["seats_left"] != 20.0 || tryouts[0]["starts_at"] != "2099-01-09T15:00:00Z" {
			t.Errorf("tryout list json = %v", tryouts)
		}
		if rows := mustCSV(t, env, "tryout", "list", "--club", "tigers"); len(rows) != 1 || rows[0]["starts_at"] != "2099-01-09T09:00:00-06:00" ||
			rows[0]["fee_cents"] != "3000" || rows[0]["open"] != "true" {
			t.Errorf("tryout list csv = %v", rows)
		}
		if table := mustRun(t, env, "tryout", "list", "--club", "tigers"); !strings.Contains(table, "2099-01-09 09:00 CST") || !strings.Contains(table, "20 of 20") {
			t.Errorf("tryout list table:\n%s", table)
		}
		if list := mustJSONArray(t, env, "tryout", "list", "--club", "lions", "--json"); len(list) != 0 {
			t.Errorf("lions' tryouts = %v", list)
		}

		promos := mustJSONArray(t, env, "promo", "list", "--club", "tigers", "--json")
		if len(promos) != 2 || promos[0]["code"] != "five" || promos[1]["code"] != "FREE" {
			t.Fatalf("promo list = %v", promos)
		}
		// A date means through that day in --timezone: it expires when
		// July 1 starts in Chicago.
		if promos[0]["expires_at"] != "2099-07-01T05:00:00Z" || promos[0]["max_uses"] != 3.0 || promos[0]["uses"] != 0.0 {
			t.Errorf("promo five = %v", promos[0])
		}
		if rows := mustCSV(t, env, "promo", "list", "--club", "tigers"); len(rows) != 2 || rows[1]["percent_off"] != "100" || rows[0]["amount_off_cents"] != "500" {
			t.Errorf("promo list csv = %v", rows)
		}
		if table := mustRun(t, env, "promo", "list", "--club", "tigers"); !strings.Contains(table, "100% off") || !strings.Contains(table, "0 of 3") {
			t.Errorf("promo list table:\n%s", table)
		}
	})
}

// TestRegistrationsListForCheckIn: the CSV and JSON exports carry what a
// check-in sheet needs, times in the tryout's zone in the CSV, and flag
// the same child registered by two parents.
func TestRegistrationsListForCheckIn(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		env := map[string]string{"DATABASE_URL": sqldbtest.URL(t, engine)}
		mustRun(t, env, "club", "create", "--slug", "tigers", "--name", "Tigers")
		start := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Hour).UTC() // the players' age counts
		tr := mustOneJSONObject(t, mustRun(t, env, "tryout", "create", "--club", "tigers", "--name", "Winter", "--starts-at", start.Format(time.RFC3339),
			"--ends-at", start.Add(2*time.Hour).Format(time.RFC3339), "--timezone", "America/Chicago", "--location", "Gym", "--fee-cents", "3000", "--json"))
		mustRun(t, env, "promo", "create", "--club", "tigers", "--code", "Half", "--percent-off", "50")
		db := mustOpen(t, env["DATABASE_URL"])
		ctx := context.Background()
		mom := sqldbtest.Request(tr["id"].(string), 1)
		mom.PromoCode = "half"
		dad := sqldbtest.Request(tr["id"].(string), 1) // the same child, another parent
		dad.Parent.Email, dad.Parent.Phone, dad.Player.FirstName = "dad@example.com", "", "MAX1"
		other := sqldbtest.Request(tr["id"].(string), 2)
		var ids []string
		for _, req := range []basketball.RegistrationRequest{mom, dad, other} {
			reg, err := db.CreateRegistration(ctx, "tigers", req, basketball.CreateOptions{CardEnabled: true})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, reg.ID)
			time.Sleep(time.Millisecond) // the list is oldest first
		}
		if _, _, err := db.ApplyPaymentEvent(ctx, basketball.PaymentEvent{ID: "evt_cli_paid", Type: basketball.EventCheckoutCompleted,
			MetadataType: basketball.MetadataTypeRegistration, RegistrationRef: ids[0], SessionID: "cs_cli", PaymentStatus: "paid",
			PaymentIntentID: "pi_cli", AmountTotal: 1500}); err != nil {
			t.Fatal(err)
		}

		list := mustJSONArray(t, env, "registrations", "list", "--club", "tigers", "--json")
		rows := mustCSV(t, env, "registrations", "list", "--club", "tigers")
		if len(list) != 3 || len(rows) != 3 {
			t.Fatalf("listed %d (json) and %d (csv), want 3", len(list), len(rows))
		}
		for k, want := range map[string]any{"id": ids[0], "status": "paid", "parent_phone": "+1 555 0100", "player_birth_date": "2013-05-01",
			"player_grade": 7.0, "player_position": "guard", "player_height_inches": 60.0, "promo_code": "Half",
			"tryout_timezone": "America/Chicago", "possible_duplicate": true, "amount_cents": 1500.0} {
			if list[0][k] != want {
				t.Errorf("json %s = %#v, want %#v", k, list[0][k], want)
			}
		}
		for k, want := range map[string]string{"id": ids[0], "parent_phone": "'+1 555 0100", "player_birth_date": "2013-05-01",
			"player_grade": "7", "player_position": "guard", "player_height_inches": "60", "promo_code": "Half",
			"possible_duplicate": "true", "amount_paid_cents": "1500"} {
			if rows[0][k] != want {
				t.Errorf("csv %s = %q, want %q", k, rows[0][k], want)
			}
		}
		// paid_at: the same instant as the JSON's, written in the tryout's zone.
		paidJSON, _ := time.Parse(time.RFC3339, list[0]["paid_at"].(string))
		paidJSON = paidJSON.Truncate(time.Second) // the CSV is for people: whole seconds
		paidCSV, err := time.Parse(time.RFC3339, rows[0]["paid_at"])
		chicago, _ := time.LoadLocation("America/Chicago")
		if err != nil || !paidCSV.Equal(paidJSON) || rows[0]["paid_at"] != paidJSON.In(chicago).Format(time.RFC3339) {
			t.Errorf("csv paid_at = %q, json paid_at = %v; want the same instant in America/Chicago", rows[0]["paid_at"], list[0]["paid_at"])
		}
		// Dad's registration of the same child is flagged too (no phone
		// given: empty, not "null"); the other child's is not.
		if rows[1]["possible_duplicate"] != "true" || rows[1]["parent_phone"] != "" || list[1]["parent_phone"] != nil ||
			rows[2]["possible_duplicate"] != "false" || list[2]["possible_duplicate"] != false {
			t.Errorf("rows 2 and 3: %v %v", rows[1], rows[2])
		}
		if table := mustRun(t, env, "registrations", "list", "--club", "tigers"); strings.Count(table, "possible duplicate") != 2 {
			t.Errorf("table does not flag the two duplicates:\n%s", table)
		}
	})
}
