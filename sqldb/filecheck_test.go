package sqldb_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"basketball"
	"basketball/sqldb"
	"basketball/sqldb/sqldbtest"
)

// syncBuffer collects log output written from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }

type fileBundle struct {
	db   *sqldb.DB
	path string
	log  *syncBuffer
	ctx  context.Context
}

// setupFile opens and migrates a store on a new SQLite file, with a club.
func setupFile(t *testing.T) fileBundle {
	t.Helper()
	path := filepath.Join(t.TempDir(), "club.db")
	b := fileBundle{path: path, log: &syncBuffer{}, ctx: context.Background()}
	db, err := sqldb.Open(b.ctx, "sqlite:"+path, sqldb.Options{Logger: slog.New(slog.NewTextHandler(b.log, nil)), MaxOpenConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(b.ctx); err != nil {
		t.Fatal(err)
	}
	if !db.Created() {
		t.Fatal("Created() = false for a new file")
	}
	b.db = db
	sqldbtest.MustClub(t, db, "tigers")
	if err := db.Ready(b.ctx); err != nil {
		t.Fatalf("Ready on a healthy file: %v", err)
	}
	return b
}

// mustRefuseWrites checks that writes and Ready answer EUnavailable, that
// the reason was logged at ERROR exactly once naming the path, and that no
// file was created where the database was.
func (b fileBundle) mustRefuseWrites(t *testing.T, problem string) {
	t.Helper()
	// Requests arrive together: still one ERROR line.
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = b.db.CreateClub(b.ctx, basketball.ClubInput{Slug: "lions" + string(rune('a'+i)), Name: "Lions"})
		})
	}
	wg.Wait()
	for _, err := range errs {
		wantCode(t, err, basketball.EUnavailable)
	}
	err := b.db.Ready(b.ctx)
	wantCode(t, err, basketball.EUnavailable)
	if !strings.Contains(err.Error(), problem) {
		t.Errorf("Ready error %q does not say %q", err, problem)
	}
	err = b.db.SetTryoutOpen(b.ctx, "try_x", true) // a write outside a transaction
	wantCode(t, err, basketball.EUnavailable)
	logged := b.log.String()
	if n := strings.Count(logged, "level=ERROR"); n != 1 {
		t.Errorf("%d ERROR lines, want exactly 1:\n%s", n, logged)
	}
	if !strings.Contains(logged, b.path) || !strings.Contains(logged, problem) {
		t.Errorf("the ERROR line does not name the path %s and %q:\n%s", b.path, problem, logged)
	}
}

func TestDeletedFileRefusesWritesAndIsNotRecreated(t *testing.T) {
	t.Parallel()
	b := setupFile(t)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(b.path + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	b.mustRefuseWrites(t, "was deleted")
	// New connections must not open (and so create) a file at the path.
	var conns []*sql.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	var refused error
	for range 4 {
		c, err := b.db.SQL().Conn(b.ctx)
		if err != nil {
			refused = err
			break
		}
		conns = append(conns, c)
	}
	wantCode(t, refused, basketball.EUnavailable)
	if _, err := os.Stat(b.path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a file appeared at %s after it was deleted (stat: %v)", b.path, err)
	}
}

func TestReplacedFileRefusesWrites(t *testing.T) {
	t.Parallel()
	b := setupFile(t)
	// A copy renamed over the path: the same bytes, another file.
	data, err := os.ReadFile(b.path)
	if err != nil {
		t.Fatal(err)
	}
	tmp := b.path + ".restored"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, b.path); err != nil {
		t.Fatal(err)
	}
	b.mustRefuseWrites(t, "was replaced")
}

func TestReadOnlyFileRefusesWritesButReads(t *testing.T) {
	t.Parallel()
	b := setupFile(t)
	if err := os.Chmod(b.path, 0o444); err != nil {
		t.Fatal(err)
	}
	b.mustRefuseWrites(t, "read-only")
	if _, err := b.db.ClubBySlug(b.ctx, "tigers"); err != nil {
		t.Fatalf("reading a read-only database: %v", err)
	}
	// Refusing is for good: making the file writable again needs a restart.
	if err := os.Chmod(b.path, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := b.db.CreateClub(b.ctx, basketball.ClubInput{Slug: "bears", Name: "Bears"})
	wantCode(t, err, basketball.EUnavailable)
}

func TestOpenCreatesOnlyAMissingFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "new.db")
	ctx := context.Background()
	db, err := sqldb.Open(ctx, "sqlite:"+path, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !db.Created() {
		t.Error("Created() = false for a new file")
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		t.Errorf("new database file mode %v is readable by others", perm)
	}
	db.Close()
	db, err = sqldb.Open(ctx, "sqlite:"+path, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Created() {
		t.Error("Created() = true for an existing file")
	}
}

func TestDSNNeverCreatesTheFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "missing.db")
	_, dsn, err := sqldb.ParseURL("sqlite:" + path)
	if err != nil {
		t.Fatal(err)
	}
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	if err := sdb.Ping(); err == nil {
		t.Error("a connection opened a missing file")
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the DSN created %s (stat: %v)", path, err)
	}
}

func TestReady(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		db := sqldbtest.Open(t, engine, nil)
		if err := db.Ready(context.Background()); err != nil {
			t.Fatalf("Ready: %v", err)
		}
	})
}
