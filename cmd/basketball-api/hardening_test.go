package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"basketball"
	"basketball/sqldb"
	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
)

const hardeningWebhookSecret = "whsec_hardening_test"

// mustRequest sends one request and returns its status and body.
func mustRequest(t *testing.T, method, url string, body []byte, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Client{Timeout: waitLimit}).Do(req)
	if err != nil {
		t.Fatalf("%.20s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// errorCode is error.code of a JSON error body, or "".
func errorCode(body string) string {
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.Unmarshal([]byte(body), &e)
	return e.Error.Code
}

// freeRegistration is the JSON of a registration paid by the 100% code.
func freeRegistration(t *testing.T, tryoutID string, n int) []byte {
	t.Helper()
	req := sqldbtest.Request(tryoutID, n)
	req.PromoCode = "FREE"
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestServeStopsWritingWhenItsFileIsDeleted is issue 9's attack: with
// serve running, the SQLite file and its -wal and -shm are deleted. Every
// write must then answer 503 unavailable (the webhook too, so Stripe
// retries), /readyz 503, one ERROR line must name the file, and no new
// database may appear at the path.
func TestServeStopsWritingWhenItsFileIsDeleted(t *testing.T) {
	t.Parallel()
	env := serveEnv(t, sqldb.SQLite)
	env["STRIPE_WEBHOOK_SECRET"] = hardeningWebhookSecret
	path := sqldb.SQLitePath(env["DATABASE_URL"])
	mustRun(t, env, "migrate") // serve opens an existing file: no warning
	db := mustOpen(t, env["DATABASE_URL"])
	sqldbtest.MustClub(t, db, "tigers")
	tr := sqldbtest.MustTryout(t, db, "tigers", 3000, 0)
	pct := 100
	if _, err := db.CreatePromo(context.Background(), "tigers", basketball.PromoInput{Code: "FREE", PercentOff: &pct}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	srv := mustStart(t, env, "serve")
	if strings.Contains(srv.stderr.String(), "created a new") {
		t.Errorf("serve warned about creating an existing file:\n%s", srv.stderr.String())
	}
	api := srv.url("/api/v1/clubs/tigers/registrations")
	jsonHeader := map[string]string{"Content-Type": "application/json"}
	if status, body := mustRequest(t, http.MethodPost, api, freeRegistration(t, tr.ID, 1), jsonHeader); status != http.StatusCreated {
		t.Fatalf("registration before the deletion: %d %s", status, body)
	}

	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}

	for i := 2; i <= 6; i++ {
		status, body := mustRequest(t, http.MethodPost, api, freeRegistration(t, tr.ID, i), jsonHeader)
		if status != http.StatusServiceUnavailable || errorCode(body) != basketball.EUnavailable {
			t.Errorf("registration %d after the deletion: %d %s", i, status, body)
		}
	}
	payload := stripe.BuildSessionEvent(stripe.SessionEventParams{
		Type: stripe.EventCheckoutCompleted, PaymentStatus: "paid", PaymentIntentID: "pi_x", AmountTotal: 3000, Currency: "usd",
		Metadata: map[string]string{"type": "tryout_registration", "registration_id": "reg_x", "club": "tigers"},
	})
	sig := stripe.SignPayload(payload, hardeningWebhookSecret, time.Now())
	if status, body := mustRequest(t, http.MethodPost, srv.url("/webhooks/stripe"), payload, map[string]string{"Stripe-Signature": sig}); status != http.StatusServiceUnavailable {
		t.Errorf("signed webhook after the deletion: %d %s (Stripe must retry)", status, body)
	}
	status, body := mustGet(t, srv.url("/readyz"))
	if status != http.StatusServiceUnavailable || errorCode(body) != basketball.EUnavailable || !strings.Contains(body, "deleted") {
		t.Errorf("readyz after the deletion: %d %s", status, body)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s exists after the deletion (stat: %v)", path+suffix, err)
		}
	}
	srv.stop(t)
	var errorLines []string
	for _, line := range strings.Split(srv.stderr.String(), "\n") {
		if strings.Contains(line, "level=ERROR") && strings.Contains(line, "SQLite database file") {
			errorLines = append(errorLines, line)
		}
	}
	if len(errorLines) != 1 || !strings.Contains(errorLines[0], path) || !strings.Contains(errorLines[0], "was deleted") {
		t.Errorf("want one ERROR line naming %s and the deletion, got %q; stderr:\n%s", path, errorLines, srv.stderr.String())
	}
}

// TestServeWarnsWhenItCreatesTheDatabase: a new, empty database where one
// was expected must not go unnoticed.
func TestServeWarnsWhenItCreatesTheDatabase(t *testing.T) {
	t.Parallel()
	env := serveEnv(t, sqldb.SQLite)
	srv := mustStart(t, env, "serve")
	path := sqldb.SQLitePath(env["DATABASE_URL"])
	warned := false
	for _, line := range strings.Split(srv.stderr.String(), "\n") {
		if strings.Contains(line, "level=WARN") && strings.Contains(line, "created a new") && strings.Contains(line, path) {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no WARN line naming %s:\n%s", path, srv.stderr.String())
	}
}

var metricsListening = regexp.MustCompile(`msg="metrics listening" addr=(\S+)`)

// TestMetricsAddr serves /metrics on its own address only, and odd method
// names do not grow its series.
func TestMetricsAddr(t *testing.T) {
	t.Parallel()
	env := serveEnv(t, sqldb.SQLite)
	env["METRICS_ADDR"] = "127.0.0.1:0"
	srv := mustStart(t, env, "serve")
	m := metricsListening.FindStringSubmatch(srv.stderr.String())
	if m == nil {
		t.Fatalf("serve did not log where metrics listen:\n%s", srv.stderr.String())
	}
	metricsURL := "http://" + m[1] + "/metrics"
	if status, _ := mustGet(t, srv.url("/metrics")); status != http.StatusNotFound {
		t.Errorf("GET /metrics on LISTEN_ADDR with METRICS_ADDR set: %d, want 404", status)
	}
	for i := range 300 {
		method := fmt.Sprintf("ODD%d%s", i, strings.Repeat("Z", 3000))
		mustRequest(t, method, srv.url("/healthz"), nil, nil)
	}
	status, body := mustGet(t, metricsURL)
	if status != http.StatusOK || !strings.Contains(body, "basketball_http_requests_total") {
		t.Fatalf("GET %s: %d\n%.500s", metricsURL, status, body)
	}
	series := 0
	for line := range strings.SplitSeq(body, "\n") {
		if strings.HasPrefix(line, "basketball_http_requests_total{") {
			series++
		}
	}
	if series > 5 {
		t.Errorf("%d basketball_http_requests_total series after 300 odd methods:\n%s", series, body)
	}
	for line := range strings.SplitSeq(srv.stderr.String(), "\n") {
		if len(line) > 1000 {
			t.Fatalf("a log line of %d bytes: %.200s…", len(line), line)
		}
	}
}

func TestMetricsAddrConfiguration(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, listen, metrics string }{
		{"no port", "127.0.0.1:0", "localhost"},
		{"same as LISTEN_ADDR", "127.0.0.1:8089", "127.0.0.1:8089"},
	} {
		code, _, stderr := run(t, map[string]string{"LISTEN_ADDR": tc.listen, "METRICS_ADDR": tc.metrics, "MAIL_DIR": t.TempDir()}, "serve")
		if code == 0 {
			t.Errorf("%s: serve exited 0", tc.name)
		}
		mustOneLine(t, stderr, "METRICS_ADDR")
	}
}

// TestListIsTerminalSafe: a name stored before control characters were
// refused comes out of the table escaped, and a CSV cell starting with |
// is defused.
func TestListIsTerminalSafe(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		env := map[string]string{"DATABASE_URL": sqldbtest.URL(t, engine)}
		mustRun(t, env, "migrate")
		db := mustOpen(t, env["DATABASE_URL"])
		sqldbtest.MustClub(t, db, "tigers")
		tr := sqldbtest.MustTryout(t, db, "tigers", 3000, 0)
		mustPendingRegistration(t, env["DATABASE_URL"], tr.ID)
		// Written past the validation, as older versions stored it.
		raw := "U14 \x1b[31mRED\x1b[0m\u202eevil\ttab"
		if _, err := db.SQL().Exec(`UPDATE tryouts SET name = $1 WHERE id = $2`, raw, tr.ID); err != nil {
			t.Fatal(err)
		}
		table := mustRun(t, env, "registrations", "list", "--club", "tigers")
		if strings.ContainsAny(table, "\x1b\u202e\t") {
			t.Errorf("table holds raw control characters: %q", table)
		}
		if !strings.Contains(table, `U14 \x1b[31mRED\x1b[0m\u202eevil\x09tab`) {
			t.Errorf("table does not show the stored name escaped:\n%s", table)
		}
		if _, err := db.SQL().Exec(`UPDATE tryouts SET name = $1 WHERE id = $2`, "|calc", tr.ID); err != nil {
			t.Fatal(err)
		}
		records, err := csv.NewReader(strings.NewReader(mustRun(t, env, "registrations", "list", "--club", "tigers", "--format", "csv"))).ReadAll()
		if err != nil || len(records) != 2 {
			t.Fatalf("csv: %v %v", records, err)
		}
		for i, h := range records[0] {
			if h == "tryout_name" && records[1][i] != "'|calc" {
				t.Errorf("csv tryout_name = %q, want '|calc", records[1][i])
			}
		}
	})
}

// TestAdminCommandsRefuseControlCharacters: the CLI's inputs follow the
// same text rule as the API's.
func TestAdminCommandsRefuseControlCharacters(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "cli.db")}
	mustRun(t, env, "club", "create", "--slug", "tigers", "--name", "Tigers")
	start := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	end := time.Now().Add(50 * time.Hour).UTC().Format(time.RFC3339)
	for _, args := range [][]string{
		{"club", "create", "--slug", "lions", "--name", "Lions\x1b[2J"},
		{"tryout", "create", "--club", "tigers", "--name", "U12\u202e", "--starts-at", start, "--ends-at", end,
			"--timezone", "UTC", "--location", "Gym", "--fee-cents", "3000"},
		{"tryout", "create", "--club", "tigers", "--name", "U12", "--starts-at", start, "--ends-at", end,
			"--timezone", "UTC", "--location", "Gym\r\nB", "--fee-cents", "3000"},
		{"promo", "create", "--club", "tigers", "--code", "TEN\x00", "--percent-off", "10"},
	} {
		code, _, stderr := run(t, env, args...)
		if code != 2 || !strings.Contains(stderr, basketball.MsgUnsafeText) {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
	}
	db := mustOpen(t, env["DATABASE_URL"])
	for table, want := range map[string]int{"clubs": 1, "tryouts": 0, "promo_codes": 0} {
		if got := mustCountRows(t, db)[table]; got != want {
			t.Errorf("%s has %d rows, want %d", table, got, want)
		}
	}
}
