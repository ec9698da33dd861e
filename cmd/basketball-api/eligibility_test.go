package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"basketball/sqldb/sqldbtest"
)

// TestEligibility is SPEC "Eligibility" end to end: a tryout created with
// --min-age 10 --max-age 12 --age-on 2027-08-01 refuses a 9- and a
// 13-year-old with 422 naming the range and the date, and takes a 10- and
// a 12-year-old; a tryout without eligibility takes a 25-year-old.
func TestEligibility(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		env := serveEnv(t, engine)
		env["RATE_LIMIT_PER_MINUTE"] = "0"
		mustRun(t, env, "club", "create", "--slug", "tigers", "--name", "Tigers")
		start := time.Date(2027, 3, 6, 15, 0, 0, 0, time.UTC)
		create := func(name string, extra ...string) string {
			args := append([]string{"tryout", "create", "--club", "tigers", "--name", name,
				"--starts-at", start.Format(time.RFC3339), "--ends-at", start.Add(2 * time.Hour).Format(time.RFC3339),
				"--timezone", "America/Chicago", "--location", "Gym", "--fee-cents", "0", "--json"}, extra...)
			return mustOneJSONObject(t, mustRun(t, env, args...))["id"].(string)
		}
		u12 := create("U12", "--min-age", "10", "--max-age", "12", "--age-on", "2027-08-01")
		open := create("Open")
		srv := mustStart(t, env, "serve")

		byID := map[string]map[string]any{}
		for _, tr := range mustTryouts(t, srv, "tigers") {
			byID[tr["id"].(string)] = tr
		}
		if got := byID[u12]; got["min_age"] != 10.0 || got["max_age"] != 12.0 || got["age_on"] != "2027-08-01" {
			t.Errorf("U12 in the tryouts API: min_age %v, max_age %v, age_on %v", got["min_age"], got["max_age"], got["age_on"])
		}
		if got := byID[open]; got["min_age"] != nil || got["max_age"] != nil || got["age_on"] != nil {
			t.Errorf("a tryout without eligibility shows min_age %v, max_age %v, age_on %v; want null", got["min_age"], got["max_age"], got["age_on"])
		}

		for i, tc := range []struct {
			tryout, born string
			status       int
		}{
			{u12, "2018-08-02", 422},  // 8 on August 1, 2027
			{u12, "2017-08-02", 422},  // 9
			{u12, "2014-07-31", 422},  // 13
			{u12, "2017-08-01", 201},  // 10
			{u12, "2015-08-01", 201},  // 12
			{u12, "2014-08-01", 422},  // 13 that very day
			{open, "2002-01-01", 201}, // 25
		} {
			req := sqldbtest.Request(tc.tryout, i)
			req.Player.BirthDate = tc.born
			body, _ := json.Marshal(req)
			res, err := http.Post(srv.url("/api/v1/clubs/tigers/registrations"), "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			out, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.status {
				t.Errorf("born %s: %d %s, want %d", tc.born, res.StatusCode, out, tc.status)
				continue
			}
			if tc.status == 422 {
				var e struct {
					Error struct {
						Code   string            `json:"code"`
						Fields map[string]string `json:"fields"`
					} `json:"error"`
				}
				_ = json.Unmarshal(out, &e)
				msg := e.Error.Fields["player.birth_date"]
				if e.Error.Code != "invalid_request" || !strings.Contains(msg, "10 to 12") || !strings.Contains(msg, "August 1, 2027") {
					t.Errorf("born %s: %s; want invalid_request naming 10 to 12 and August 1, 2027", tc.born, out)
				}
			}
		}
	})
}
