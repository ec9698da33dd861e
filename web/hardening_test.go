package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"basketball"
	"basketball/web"
)

// logBuffer collects the server's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b.buf.Bytes()))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

func logTo(w *logBuffer) option {
	return func(s *settings) { s.logger = slog.New(slog.NewTextHandler(w, nil)) }
}

func trustProxy() option { return func(s *settings) { s.web.TrustProxy = true } }

// metricSeries counts the series of a metric in a /metrics page.
func metricSeries(body []byte, name string) int {
	n := 0
	for line := range strings.SplitSeq(string(body), "\n") {
		if strings.HasPrefix(line, name+"{") {
			n++
		}
	}
	return n
}

func TestOddMethodsDoNotGrowMetricsOrLog(t *testing.T) {
	t.Parallel()
	logs := &logBuffer{}
	b := setup(t, "sqlite", logTo(logs))
	b.do(t, http.MethodGet, "/healthz", nil, nil)
	before := metricSeries(b.do(t, http.MethodGet, "/metrics", nil, nil).body, "basketball_http_requests_total")
	long := strings.Repeat("M", 4000)
	for i := range 300 {
		method := fmt.Sprintf("X%d%s", i, long)
		if res := b.do(t, method, "/healthz", nil, nil); res.status != http.StatusMethodNotAllowed {
			t.Fatalf("%.10s… /healthz: %d", method, res.status)
		}
	}
	metrics := b.do(t, http.MethodGet, "/metrics", nil, nil).body
	after := metricSeries(metrics, "basketball_http_requests_total")
	// The odd methods add one series (method "other"), the /metrics reads
	// one more at most.
	if after > before+2 {
		t.Fatalf("300 odd methods took basketball_http_requests_total from %d to %d series", before, after)
	}
	if !strings.Contains(string(metrics), `method="other"`) {
		t.Fatalf("no method=\"other\" series:\n%s", metrics)
	}
	if bytes.Contains(metrics, []byte(long[:300])) {
		t.Fatal("/metrics holds a method name")
	}
	var requestLines int
	for _, line := range logs.lines() {
		if len(line) > 1000 {
			t.Fatalf("a log line of %d bytes: %.300s…", len(line), line)
		}
		if strings.Contains(line, "msg=request ") && strings.Contains(line, "truncated") {
			requestLines++
		}
	}
	if requestLines != 300 {
		t.Fatalf("%d truncated request lines, want 300", requestLines)
	}
}

func TestRateLimitCountsAnIPv6NetworkAsOneClient(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite", rateLimit(3), trustProxy())
	from := func(n int, ip string) response {
		body, _ := json.Marshal(b.registration(n, ""))
		return b.do(t, http.MethodPost, "/api/v1/clubs/tigers/registrations", bytes.NewReader(body),
			map[string]string{"Content-Type": "application/json", "X-Forwarded-For": ip})
	}
	for i := range 3 {
		if res := from(i, fmt.Sprintf("2001:db8:1:2::%x", i+1)); res.status != http.StatusCreated {
			t.Fatalf("request %d: %d %s", i, res.status, res.body)
		}
	}
	// Another address of the same /64 is the same client.
	if res := from(3, "2001:db8:1:2:ffff::9"); res.status != http.StatusTooManyRequests {
		t.Fatalf("fourth request from the same /64: %d %s", res.status, res.body)
	}
	// The next /64 is someone else.
	if res := from(4, "2001:db8:1:3::1"); res.status != http.StatusCreated {
		t.Fatalf("request from another /64: %d %s", res.status, res.body)
	}
}

func TestControlCharactersAreRefusedInEveryField(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite")
	set := map[string]func(body map[string]any, bad string){
		"tryout_id":         func(m map[string]any, bad string) { m["tryout_id"] = b.tryout.ID[:4] + bad + b.tryout.ID[4:] },
		"promo_code":        func(m map[string]any, bad string) { m["promo_code"] = "TE" + bad + "N" },
		"parent.first_name": func(m map[string]any, bad string) { m["parent"].(map[string]any)["first_name"] = "An" + bad + "n" },
		"parent.last_name":  func(m map[string]any, bad string) { m["parent"].(map[string]any)["last_name"] = "Le" + bad + "e" },
		"parent.email": func(m map[string]any, bad string) {
			m["parent"].(map[string]any)["email"] = "an" + bad + "n@example.com"
		},
		"parent.phone":      func(m map[string]any, bad string) { m["parent"].(map[string]any)["phone"] = "+1 555" + bad + "0100" },
		"player.first_name": func(m map[string]any, bad string) { m["player"].(map[string]any)["first_name"] = "Ma" + bad + "x" },
		"player.last_name":  func(m map[string]any, bad string) { m["player"].(map[string]any)["last_name"] = "Le" + bad + "e" },
		"player.birth_date": func(m map[string]any, bad string) {
			m["player"].(map[string]any)["birth_date"] = "2013-05" + bad + "-01"
		},
		"player.position": func(m map[string]any, bad string) { m["player"].(map[string]any)["position"] = "gu" + bad + "ard" },
	}
	bads := []string{"\r\n", "\x00", "\x1b[2J", "\x7f", "\u0085", "\u202e", "\u2066", "\u200f"}
	i := 0
	for field, mod := range set {
		for _, bad := range bads {
			i++
			body := b.registration(i, "")
			mod(body, bad)
			res := b.postJSON(t, "/api/v1/clubs/tigers/registrations", body)
			e, _ := res.json(t)["error"].(map[string]any)
			fields, _ := e["fields"].(map[string]any)
			if res.status != 422 || fields[field] != basketball.MsgUnsafeText {
				t.Errorf("%s with %q: %d %s", field, bad, res.status, res.body)
			}
		}
	}
	// The form says the same beside the field.
	form := formValues(b, "ann@example.com", "")
	form.Set("player_first_name", "Max\u202eevil")
	res := b.postForm(t, "/clubs/tigers/register", form, nil)
	if res.status != 422 || !strings.Contains(string(res.body), `id="player_first_name-error"`) ||
		!strings.Contains(string(res.body), basketball.MsgUnsafeText) {
		t.Errorf("form with U+202E: %d\n%s", res.status, res.body)
	}
	if regs, _ := b.db.ListRegistrations(t.Context(), "tigers", ""); len(regs) != 0 {
		t.Fatalf("%d registrations stored from refused requests", len(regs))
	}
}

func TestEchoedInputIsBounded(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite")
	long := strings.Repeat("a", 5000)
	for _, tc := range []struct{ method, path, code string }{
		{http.MethodGet, "/" + long, "not_found"},
		{http.MethodGet, "/api/v1/clubs/" + long + "/tryouts", "club_not_found"},
		{http.MethodGet, "/api/v1/registrations/" + long, "registration_not_found"},
		{http.MethodPut, "/api/v1/registrations/" + long, "method_not_allowed"},
	} {
		res := b.do(t, tc.method, tc.path, nil, nil)
		if res.errCode(t) != tc.code {
			t.Errorf("%s %.40s…: %d %.200s", tc.method, tc.path, res.status, res.body)
		}
		if strings.Contains(string(res.body), strings.Repeat("a", basketball.MaxEcho+1)) || len(res.body) > 600 {
			t.Errorf("%s %.40s… echoes %d bytes: %.300s…", tc.method, tc.path, len(res.body), res.body)
		}
	}
	body := b.registration(1, "")
	body["player"].(map[string]any)[long] = 1
	res := b.postJSON(t, "/api/v1/clubs/tigers/registrations", body)
	if res.status != 422 || len(res.body) > 600 {
		t.Errorf("unknown 5000-character field: %d, %d bytes: %.300s", res.status, len(res.body), res.body)
	}
	page := b.do(t, http.MethodGet, "/clubs/"+long+"/register", nil, nil)
	if page.status != 404 || strings.Contains(string(page.body), strings.Repeat("a", basketball.MaxEcho+1)) {
		t.Errorf("register page of a 5000-character club: %d, %d bytes", page.status, len(page.body))
	}
}

func TestPagesAnswerHTMLAndTheAPIJSON(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite")
	isHTML := func(r response) bool { return strings.HasPrefix(r.header.Get("Content-Type"), "text/html") }
	isJSON := func(r response) bool { return strings.HasPrefix(r.header.Get("Content-Type"), "application/json") }

	res := b.postForm(t, "/clubs/tigers/register", formValues(b, "ann@example.com", ""), map[string]string{"Sec-Fetch-Site": "cross-site"})
	if res.status != http.StatusForbidden || !isHTML(res) || !strings.Contains(string(res.body), "another site") {
		t.Errorf("cross-site form post: %d %s\n%s", res.status, res.header.Get("Content-Type"), res.body)
	}
	res = b.postForm(t, "/registrations/reg_x/pay", nil, map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
	if res.status != http.StatusForbidden || !isHTML(res) {
		t.Errorf("cross-site pay: %d %s", res.status, res.header.Get("Content-Type"))
	}
	big := formValues(b, "ann@example.com", "")
	big.Set("player_last_name", strings.Repeat("x", web.MaxBodyBytes))
	res = b.postForm(t, "/clubs/tigers/register", big, nil)
	if res.status != http.StatusRequestEntityTooLarge || !isHTML(res) {
		t.Errorf("oversized form: %d %s", res.status, res.header.Get("Content-Type"))
	}
	res = b.postJSON(t, "/api/v1/clubs/tigers/registrations", `{"x":"`+strings.Repeat("x", web.MaxBodyBytes)+`"}`)
	if res.status != http.StatusRequestEntityTooLarge || !isJSON(res) || res.errCode(t) != basketball.EBodyTooLarge {
		t.Errorf("oversized API body: %d %s", res.status, res.header.Get("Content-Type"))
	}
	res = b.do(t, http.MethodPut, "/clubs/tigers/register", nil, nil)
	if res.status != http.StatusMethodNotAllowed || !isHTML(res) {
		t.Errorf("PUT on a page: %d %s", res.status, res.header.Get("Content-Type"))
	}
	res = b.do(t, http.MethodPut, "/api/v1/clubs/tigers/registrations", nil, nil)
	if res.status != http.StatusMethodNotAllowed || !isJSON(res) {
		t.Errorf("PUT on the API: %d %s", res.status, res.header.Get("Content-Type"))
	}
}

func TestFormRateLimitIsAPage(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite", rateLimit(1))
	b.postForm(t, "/clubs/tigers/register", formValues(b, "ann@example.com", ""), nil)
	res := b.postForm(t, "/clubs/tigers/register", formValues(b, "bo@example.com", ""), nil)
	if res.status != http.StatusTooManyRequests || !strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
		t.Fatalf("rate-limited form: %d %s", res.status, res.header.Get("Content-Type"))
	}
}

func TestMetricsCanBeServedElsewhere(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite", func(s *settings) { s.web.NoMetrics = true })
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		if res := b.do(t, m, "/metrics", nil, nil); res.status != http.StatusNotFound {
			t.Errorf("%s /metrics with NoMetrics: %d", m, res.status)
		}
	}
}

// sqlitePath is the file of a store opened on SQLite.
func sqlitePath(t *testing.T, b testBundle) string {
	t.Helper()
	var path string
	if err := b.db.SQL().QueryRow(`SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&path); err != nil || path == "" {
		t.Fatalf("database file: %q, %v", path, err)
	}
	return path
}

func TestAReadOnlyDatabaseTakesNoWrites(t *testing.T) {
	t.Parallel()
	logs := &logBuffer{}
	b := setup(t, "sqlite", logTo(logs))
	paid := b.register(t, 1, "")
	if paid.status != http.StatusCreated {
		t.Fatalf("register: %d %s", paid.status, paid.body)
	}
	if err := os.Chmod(sqlitePath(t, b), 0o444); err != nil {
		t.Fatal(err)
	}
	if res := b.register(t, 2, ""); res.status != http.StatusServiceUnavailable || res.errCode(t) != basketball.EUnavailable {
		t.Errorf("register on a read-only database: %d %s", res.status, res.body)
	}
	regID := paid.json(t)["registration_id"].(string)
	if res := b.postEvent(t, b.completed(regID, nil)); res.status != http.StatusServiceUnavailable {
		t.Errorf("webhook on a read-only database: %d %s (Stripe must retry)", res.status, res.body)
	}
	res := b.do(t, http.MethodGet, "/readyz", nil, nil)
	if res.status != http.StatusServiceUnavailable || res.errCode(t) != basketball.EUnavailable ||
		!strings.Contains(string(res.body), "read-only") {
		t.Errorf("readyz on a read-only database: %d %s", res.status, res.body)
	}
	if r := mustReg(t, b.db, regID); r.Status != basketball.StatusPending {
		t.Errorf("registration is %s after a refused webhook", r.Status)
	}
	// Reads still work: the parent can see the registration.
	if res := b.do(t, http.MethodGet, "/api/v1/registrations/"+regID, nil, nil); res.status != http.StatusOK {
		t.Errorf("read on a read-only database: %d %s", res.status, res.body)
	}
	for _, l := range logs.lines() {
		if strings.Contains(l, "level=ERROR") {
			t.Errorf("a refused write is logged as a failure of the request: %s", l)
		}
	}
}

// Deleting the file is tested through a real serve process in
// cmd/basketball-api; here, that nothing new appears at the path.
func TestADeletedDatabaseIsNotRecreated(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite")
	path := sqlitePath(t, b)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		if res := b.register(t, i, ""); res.status != http.StatusServiceUnavailable {
			t.Errorf("register after deletion: %d %s", res.status, res.body)
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_ = b.db.Ready(ctx)
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a new file appeared at %s: %v", path, err)
	}
}
