// Package stripemock runs stripe-mock, Stripe's official fake of its API, for
// tests in any package: stripemock.Start(t) returns a base URL to give to
// stripe.Config.APIURL.
//
// stripe-mock validates every request against Stripe's OpenAPI spec but keeps
// no state and sends no webhooks; build webhook events with
// stripe.BuildSessionEvent and friends instead.
package stripemock

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Binary is the executable's name.
const Binary = "stripe-mock"

// startTimeout bounds how long stripe-mock may take to answer after launch;
// it loads and indexes Stripe's whole OpenAPI spec first.
const startTimeout = 30 * time.Second

// Start launches stripe-mock on free loopback ports, waits until it answers
// and returns its HTTP base URL ("http://127.0.0.1:PORT"). The process is
// killed when the test ends.
//
// When the binary is not installed the test is skipped, pointing at
// scripts/install-stripe-mock.sh; it fails instead when $CI or
// $REQUIRE_STRIPE_MOCK is set, so CI cannot silently skip integration tests.
func Start(t testing.TB) (apiURL string) {
	t.Helper()
	bin, err := find()
	if err != nil {
		msg := fmt.Sprintf("stripemock: %v; run scripts/install-stripe-mock.sh", err)
		if os.Getenv("CI") != "" || os.Getenv("REQUIRE_STRIPE_MOCK") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}

	// Ports are picked by binding :0 and releasing them, so another process
	// may grab one before stripe-mock does; a few attempts cover that race.
	var lastErr error
	for range 3 {
		url, err := launch(t, bin)
		if err == nil {
			return url
		}
		lastErr = err
	}
	t.Fatalf("stripemock: %v", lastErr)
	return ""
}

// find looks for the binary on PATH, then where `go install` puts it.
func find() (string, error) {
	if p, err := exec.LookPath(Binary); err == nil {
		return p, nil
	}
	for _, dir := range goBinDirs() {
		p := filepath.Join(dir, Binary)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", errors.New(Binary + " not found on PATH or in the Go bin directory")
}

var goBinDirs = sync.OnceValue(func() []string {
	var dirs []string
	for _, v := range []string{"GOBIN", "GOPATH"} {
		out, err := exec.Command("go", "env", v).Output()
		dir := strings.TrimSpace(string(out))
		if err != nil || dir == "" {
			continue
		}
		if v == "GOPATH" {
			// GOPATH may be a list; go install uses the first entry.
			dir = filepath.Join(filepath.SplitList(dir)[0], "bin")
		}
		dirs = append(dirs, dir)
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "bin"))
	}
	return dirs
})

// launch starts one stripe-mock and waits for it; on failure the process is
// already gone.
func launch(t testing.TB, bin string) (string, error) {
	httpPort, err := freePort()
	if err != nil {
		return "", err
	}
	httpsPort, err := freePort()
	if err != nil {
		return "", err
	}
	httpAddr := net.JoinHostPort("127.0.0.1", strconv.Itoa(httpPort))
	// Both addresses are given: with -http-addr alone stripe-mock also opens
	// HTTPS on [::]:12112, and exits when a parallel test holds that port.
	cmd := exec.Command(bin,
		"-http-addr", httpAddr,
		"-https-addr", net.JoinHostPort("127.0.0.1", strconv.Itoa(httpsPort)),
	)
	var output lockedBuffer
	cmd.Stdout = &output
	cmd.Stderr = &output
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("start %s: %w", bin, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
	}

	url := "http://" + httpAddr
	if err := waitReady(url, exited); err != nil {
		stop()
		return "", fmt.Errorf("%w; output:\n%s", err, output.String())
	}
	t.Cleanup(stop)
	return url, nil
}

// waitReady polls until stripe-mock answers, with any status.
func waitReady(url string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case <-exited:
			return errors.New("stripe-mock exited before answering")
		default:
		}
		req, err := http.NewRequest(http.MethodGet, url+"/v1/customers", nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer sk_test_123")
		if resp, err := client.Do(req); err == nil {
			_ = resp.Body.Close()
			// Another server may have taken the port after freePort let it go.
			if resp.Header.Get("Stripe-Mock-Version") == "" {
				return errors.New("a server other than stripe-mock answered")
			}
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("stripe-mock did not answer within %s", startTimeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// lockedBuffer collects the process output written from exec's goroutines.
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
