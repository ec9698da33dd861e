package main

import (
	"strings"
	"testing"

	"basketball/sqldb/sqldbtest"
)

func TestTryoutOpenClose(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		env := map[string]string{"DATABASE_URL": sqldbtest.URL(t, engine)}
		mustRun(t, env, "club", "create", "--slug", "tigers", "--name", "Tigers")
		mustRun(t, env, "club", "create", "--slug", "lions", "--name", "Lions")
		tr := mustOneJSONObject(t, mustRun(t, env, "tryout", "create", "--club", "tigers", "--name", "Winter",
			"--starts-at", "2099-01-09T09:00", "--ends-at", "2099-01-09T11:00", "--timezone", "America/Chicago",
			"--location", "Gym", "--fee-cents", "3000", "--json"))
		id := tr["id"].(string)
		isOpen := func() bool {
			db := mustOpen(t, env["DATABASE_URL"])
			got, err := db.Tryout(t.Context(), "tigers", id)
			if err != nil {
				t.Fatal(err)
			}
			return got.Open
		}
		mustRun(t, env, "tryout", "close", "--club", "tigers", "--id", id)
		if isOpen() {
			t.Fatal("tryout still open after close")
		}
		// Another club cannot reopen it.
		if code, _, stderr := run(t, env, "tryout", "open", "--club", "lions", "--id", id); code != 2 || !strings.Contains(stderr, "no tryout") {
			t.Fatalf("open through another club: %d %s", code, stderr)
		}
		if isOpen() {
			t.Fatal("another club reopened the tryout")
		}
		mustRun(t, env, "tryout", "open", "--club", "tigers", "--id", id)
		if !isOpen() {
			t.Fatal("tryout still closed after open")
		}
	})
}
