package sqldb

import (
	"context"
	"database/sql/driver"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"syscall"

	"basketball"
)

// fileGuard notices when the SQLite file at the store's path is no longer
// the one the store opened: deleted (open connections would go on writing
// into the unlinked file, lost at the next restart), replaced by another
// file, or made read-only. From the first time it notices, the store
// refuses every write with EUnavailable until the process restarts, and
// one ERROR line says what happened to which path. Restarting on a
// restored file is the operator's decision, never the store's.
type fileGuard struct {
	path   string
	opened os.FileInfo // device and inode of the file at open
	logger *slog.Logger

	broken atomic.Pointer[basketball.Error]
	once   sync.Once
}

func newFileGuard(path string, logger *slog.Logger) (*fileGuard, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	return &fileGuard{path: path, opened: st, logger: logger}, nil
}

// check returns an EUnavailable error when the file can no longer take the
// store's writes. It costs a stat and an access(2) per call; see
// BenchmarkFileGuardCheck.
func (g *fileGuard) check() error { return g.checkFile(true) }

// checkFile is check; with writable false it only asks that the file be
// the one opened (a new connection to a read-only file is harmless).
func (g *fileGuard) checkFile(writable bool) error {
	if g == nil {
		return nil
	}
	if e := g.broken.Load(); e != nil {
		return e
	}
	problem := g.inspect(writable)
	if problem == "" {
		return nil
	}
	return g.trip(problem)
}

// inspect says what is wrong with the file at the path, or "".
func (g *fileGuard) inspect(writable bool) string {
	st, err := os.Stat(g.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "was deleted"
	case err != nil:
		return "cannot be checked: " + err.Error()
	case !os.SameFile(g.opened, st):
		return "was replaced by another file"
	case !writable:
		return ""
	case st.Mode().Perm()&0o222 == 0:
		// Root may still write a file nobody has write permission on; an
		// operator who took the permission away meant "stop writing".
		return "was made read-only"
	}
	const wOK = 2 // W_OK: a read-only mount, or a file of another user
	if err := syscall.Access(g.path, wOK); err != nil {
		return "is not writable: " + err.Error()
	}
	return ""
}

// trip makes the guard refuse from now on and logs why, once.
func (g *fileGuard) trip(problem string) error {
	e := &basketball.Error{Code: basketball.EUnavailable,
		Message: "the service cannot record changes right now; please try again later",
		Err:     errors.New("the SQLite file " + problem)}
	g.broken.CompareAndSwap(nil, e)
	g.once.Do(func() {
		g.logger.Error("the SQLite database file "+problem+"; refusing all writes until the service is restarted on the right file",
			"path", g.path, "problem", problem)
	})
	return g.broken.Load()
}

// guardedConnector opens the pool's SQLite connections, refusing once the
// guard has tripped: a new connection would open whatever file now sits at
// the path. The DSN's mode=rw already keeps it from creating one.
type guardedConnector struct {
	driver.Connector
	guard *fileGuard
}

func (c guardedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	if err := c.guard.checkFile(false); err != nil {
		return nil, err
	}
	return c.Connector.Connect(ctx)
}
