package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// These helpers run the real binary as a child process, for what only a
// separate process can show: a kill -9 in the middle of a job.

var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
)

// mustBinary builds basketball-api once per test run and returns its path.
func mustBinary(t *testing.T) string {
	t.Helper()
	binaryOnce.Do(func() {
		dir, err := os.MkdirTemp("", "basketball-api-bin-")
		if err != nil {
			binaryErr = err
			return
		}
		binaryPath = filepath.Join(dir, "basketball-api")
		out, err := exec.Command("go", "build", "-o", binaryPath, ".").CombinedOutput()
		if err != nil {
			binaryErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binaryErr != nil {
		t.Fatal(binaryErr)
	}
	return binaryPath
}

// child is a running basketball-api process.
type child struct {
	cmd  *exec.Cmd
	addr string
	logs *lockedBuffer
	done chan struct{}
}

var listeningRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

// mustStartChild runs `basketball-api args…` with env (and nothing else of
// the test's environment but PATH and HOME) and waits until it listens.
func mustStartChild(t *testing.T, env map[string]string, args ...string) *child {
	t.Helper()
	cmd := exec.Command(mustBinary(t), args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, logs: &lockedBuffer{}, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(c.logs, line)
			if m := listeningRE.FindStringSubmatch(line); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	go func() { _ = cmd.Wait(); close(c.done) }()
	t.Cleanup(func() { c.kill(t) })
	select {
	case c.addr = <-addr:
	case <-c.done:
		t.Fatalf("basketball-api %s exited before listening:\n%s", strings.Join(args, " "), c.logs.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("basketball-api %s did not listen within 60 s:\n%s", strings.Join(args, " "), c.logs.String())
	}
	return c
}

func (c *child) url(path string) string { return "http://" + c.addr + path }

// kill sends SIGKILL: no shutdown code runs, as on a power loss.
func (c *child) kill(t *testing.T) {
	t.Helper()
	select {
	case <-c.done:
		return
	default:
	}
	_ = c.cmd.Process.Kill()
	<-c.done
}

// waitLog waits until the child has logged a line containing s.
func (c *child) waitLog(t *testing.T, ctx context.Context, s string) {
	t.Helper()
	for !strings.Contains(c.logs.String(), s) {
		select {
		case <-ctx.Done():
			t.Fatalf("the child never logged %q:\n%s", s, c.logs.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
