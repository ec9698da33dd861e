package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"basketball/sqldb"
)

// waitLimit bounds every wait on the command in these tests; it is a hang
// guard, never a synchronisation device.
const waitLimit = 60 * time.Second

// lockedBuffer is a bytes.Buffer safe to write from the command's
// goroutines while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testMain builds a Main over a fake environment. Without a DATABASE_URL
// in env it points at a fresh SQLite file, so no test ever writes the
// default basketball.db into the package folder.
func testMain(t *testing.T, env map[string]string, stdout, stderr io.Writer) *Main {
	t.Helper()
	env = withDefaultDB(t, env)
	return &Main{Stdout: stdout, Stderr: stderr, Getenv: func(k string) string { return env[k] }}
}

func withDefaultDB(t *testing.T, env map[string]string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, v := range env {
		out[k] = v
	}
	if _, ok := out["DATABASE_URL"]; !ok {
		out["DATABASE_URL"] = "sqlite:" + filepath.Join(t.TempDir(), "default.db")
	}
	return out
}

// run runs one command to completion and returns its exit status and output.
func run(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut lockedBuffer
	m := testMain(t, env, &out, &errOut)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	code = m.Run(ctx, args)
	return code, out.String(), errOut.String()
}

// mustRun runs a command that must succeed.
func mustRun(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	code, stdout, stderr := run(t, env, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d, stderr:\n%s", args, code, stderr)
	}
	return stdout
}

// running is a serve or demo command running in the background.
type running struct {
	addr           string
	cancel         context.CancelFunc
	done           chan int
	stdout, stderr *lockedBuffer
}

// mustStart runs a long-lived command until it reports, through Ready,
// the address it listens on.
func mustStart(t *testing.T, env map[string]string, args ...string) *running {
	t.Helper()
	r := &running{done: make(chan int, 1), stdout: &lockedBuffer{}, stderr: &lockedBuffer{}}
	m := testMain(t, env, r.stdout, r.stderr)
	ready := make(chan string, 1)
	m.Ready = func(addr string) { ready <- addr }
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.done <- m.Run(ctx, args) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(waitLimit):
			t.Errorf("%v did not stop after its context ended", args)
		}
	})
	select {
	case r.addr = <-ready:
	case code := <-r.done:
		r.done <- code
		t.Fatalf("%v exited %d before listening; stderr:\n%s", args, code, r.stderr.String())
	case <-time.After(waitLimit):
		t.Fatalf("%v never became ready; stderr:\n%s", args, r.stderr.String())
	}
	return r
}

// url returns the address of path on the running server.
func (r *running) url(path string) string { return "http://" + r.addr + path }

// stop cancels the command's context and returns its exit status.
func (r *running) stop(t *testing.T) int {
	t.Helper()
	r.cancel()
	select {
	case code := <-r.done:
		r.done <- code // for the cleanup
		return code
	case <-time.After(waitLimit):
		t.Fatalf("command did not return after cancel; stderr:\n%s", r.stderr.String())
		return -1
	}
}

// mustGet fetches url and returns its status and body.
func mustGet(t *testing.T, url string) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: waitLimit}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", url, err)
	}
	return resp.StatusCode, string(b)
}

// mustTryouts fetches a club's tryout list from the public API.
func mustTryouts(t *testing.T, r *running, club string) []map[string]any {
	t.Helper()
	status, body := mustGet(t, r.url("/api/v1/clubs/"+club+"/tryouts"))
	if status != http.StatusOK {
		t.Fatalf("tryouts of %s: status %d: %s", club, status, body)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatalf("tryouts of %s: not a JSON array: %v\n%s", club, err, body)
	}
	return list
}

// mustNotAccept checks that nothing listens on addr any more.
func mustNotAccept(t *testing.T, addr string) {
	t.Helper()
	if c, err := net.DialTimeout("tcp", addr, 5*time.Second); err == nil {
		c.Close()
		t.Fatalf("%s still accepts connections after the command returned", addr)
	}
}

// mustOpen opens (without migrating) the database at dbURL.
func mustOpen(t *testing.T, dbURL string) *sqldb.DB {
	t.Helper()
	db, err := sqldb.Open(context.Background(), dbURL, sqldb.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", dbURL, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// countedTables are every table an admin command could write to.
var countedTables = []string{"clubs", "tryouts", "promo_codes", "parents", "players", "registrations"}

// mustCountRows returns the number of rows of each counted table.
func mustCountRows(t *testing.T, db *sqldb.DB) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for _, table := range countedTables {
		var n int
		if err := db.SQL().QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		counts[table] = n
	}
	return counts
}

// mustOneJSONObject decodes out, which must hold exactly one JSON object.
func mustOneJSONObject(t *testing.T, out string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, out)
	}
	if dec.More() {
		t.Fatalf("more than one JSON value in output:\n%s", out)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("trailing data after the JSON object:\n%s", out)
	}
	if id, _ := obj["id"].(string); id == "" {
		t.Fatalf(`JSON object without a string "id": %s`, out)
	}
	return obj
}

// mustOneLine checks that stderr is exactly one line, starting with the
// command's name and containing want.
func mustOneLine(t *testing.T, stderr, want string) {
	t.Helper()
	if strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
		t.Fatalf("stderr is not exactly one line:\n%s", stderr)
	}
	if !strings.HasPrefix(stderr, "basketball-api: ") {
		t.Errorf("stderr does not start with %q: %q", "basketball-api: ", stderr)
	}
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr %q does not mention %q", stderr, want)
	}
}

// lastLine returns the last line of out, with its newline.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	return lines[len(lines)-1] + "\n"
}
