// Package sqldb stores basketball-api's data in SQLite (embedded, the
// default) or PostgreSQL (several replicas share one database).
//
// Both engines run the same hand-written SQL: $n placeholders, RETURNING and
// ON CONFLICT behave alike on modernc.org/sqlite and pgx's database/sql
// driver, so one set of queries serves both. The differences are few and
// live in dialect: how a timestamp is written and read (TEXT in SQLite,
// TIMESTAMPTZ in PostgreSQL), and row locks (FOR UPDATE, which SQLite does
// not need because its write transactions are serialised). That costs far
// less than two generated query packages would. Each engine has its own
// numbered migrations, embedded and applied by goose, followed by River's.
//
// Migrations hold a lock: a PostgreSQL advisory lock, or on SQLite an
// flock on a file named like the database plus ".migrate-lock", which
// exists only while a migration runs (see lockFile for why removing it is
// safe).
package sqldb

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"basketball"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"modernc.org/sqlite"
)

//go:embed migrations
var migrations embed.FS

// Engine names.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DB is the store. It is safe for concurrent use.
type DB struct {
	sql     *sql.DB
	listen  *pgxpool.Pool // PostgreSQL: River's LISTEN connection comes from here
	engine  string
	path    string     // the SQLite file
	guard   *fileGuard // nil on PostgreSQL
	created bool       // Open created the SQLite file
	now     func() time.Time
	jobs    Enqueuer
}

// Enqueuer stores a job inside the transaction that made it necessary, so
// the job exists if and only if that change was committed.
type Enqueuer interface {
	InsertJob(ctx context.Context, tx *sql.Tx, job basketball.Job, runAt time.Time) error
}

// Options tune Open.
type Options struct {
	// Now is the clock; nil means time.Now. Tests stub it.
	Now func() time.Time
	// MaxOpenConns bounds the pool; zero picks a default per engine.
	MaxOpenConns int
	// Jobs stores jobs; nil inserts them into River's tables, where the
	// job workers of any process find them. Tests record them instead.
	Jobs Enqueuer
	// Logger receives the one ERROR line written when the SQLite file is
	// found deleted, replaced or read-only; nil is slog.Default().
	Logger *slog.Logger
}

// SQLitePath returns the file of a sqlite: DATABASE_URL, or "" for any
// other URL.
func SQLitePath(raw string) string {
	if !strings.HasPrefix(raw, "sqlite:") {
		return ""
	}
	return strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite:"), "//")
}

// ParseURL checks a DATABASE_URL and returns its engine and the DSN to give
// database/sql. It never touches the file system or the network. A SQLite
// DSN opens the file read-write without creating it (mode=rw): Open
// creates a missing file once, and no later connection may make a new,
// empty database where the real one was deleted.
func ParseURL(raw string) (engine, dsn string, err error) {
	switch {
	case strings.HasPrefix(raw, "sqlite:"):
		path := SQLitePath(raw)
		if path == "" || strings.ContainsAny(path, "?#") {
			return "", "", fmt.Errorf("want sqlite:PATH, got %q", raw)
		}
		q := "mode=rw&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		return SQLite, "file:" + path + "?" + q, nil
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return "", "", fmt.Errorf("not a valid postgres:// URL")
		}
		return Postgres, raw, nil
	}
	scheme, _, _ := strings.Cut(raw, ":")
	return "", "", fmt.Errorf("unknown scheme %q (want sqlite:PATH or postgres://…)", scheme)
}

// Open connects to the database named by a DATABASE_URL and checks that it
// answers. A missing SQLite file is created (Created reports it). It does
// not migrate; call Migrate.
func Open(ctx context.Context, rawURL string, opts Options) (_ *DB, err error) {
	engine, dsn, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	db := &DB{engine: engine, path: SQLitePath(rawURL), now: opts.Now}
	if db.now == nil {
		db.now = time.Now
	}
	defer func() {
		if err != nil && db.created {
			// Leave no empty file behind a failed start.
			for _, suffix := range []string{"", "-wal", "-shm"} {
				_ = os.Remove(db.path + suffix)
			}
		}
	}()
	var sdb *sql.DB
	if engine == SQLite {
		if sdb, err = db.openSQLite(dsn, logger); err != nil {
			return nil, err
		}
	} else if sdb, err = sql.Open("pgx", dsn); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.sql = sdb
	n := opts.MaxOpenConns
	if n == 0 {
		n = 16
		if engine == SQLite {
			n = 8
		}
	}
	sdb.SetMaxOpenConns(n)
	sdb.SetMaxIdleConns(n)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sdb.PingContext(pctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("database unreachable: %w", redact(err, rawURL))
	}
	if engine == SQLite {
		// A file that is not a database only fails at its first query.
		var v int
		if err := sdb.QueryRowContext(pctx, "SELECT count(*) FROM sqlite_master").Scan(&v); err != nil {
			sdb.Close()
			return nil, fmt.Errorf("database unreadable: %w", err)
		}
	}
	if engine == Postgres {
		// River's workers LISTEN for new jobs on a connection of their own
		// (database/sql cannot hold one); the pool connects only when a
		// queue starts.
		pc, err := pgxpool.ParseConfig(rawURL)
		if err != nil {
			sdb.Close()
			return nil, fmt.Errorf("database URL: %w", redact(err, rawURL))
		}
		pc.MinConns, pc.MaxConns = 0, 1
		if db.listen, err = pgxpool.NewWithConfig(ctx, pc); err != nil {
			sdb.Close()
			return nil, fmt.Errorf("listener pool: %w", redact(err, rawURL))
		}
	}
	db.jobs = opts.Jobs
	if db.jobs == nil {
		if db.jobs, err = newRiverInserter(db.RiverDriver()); err != nil {
			sdb.Close()
			return nil, err
		}
	}
	return db, nil
}

// openSQLite creates the file when it is missing (O_EXCL: of two processes
// starting at once, one creates it), starts watching it, and returns a
// pool whose connections open that file read-write and never create one.
func (db *DB) openSQLite(dsn string, logger *slog.Logger) (*sql.DB, error) {
	if dir := filepath.Dir(db.path); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("folder %q of the SQLite file does not exist", dir)
		}
	}
	// 0600: the file holds parents' and children's personal data.
	f, err := os.OpenFile(db.path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		f.Close()
		db.created = true
	case !errors.Is(err, fs.ErrExist):
		return nil, fmt.Errorf("create the SQLite file: %w", err)
	}
	if db.guard, err = newFileGuard(db.path, logger); err != nil {
		return nil, fmt.Errorf("SQLite file: %w", err)
	}
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return sql.OpenDB(guardedConnector{Connector: c, guard: db.guard}), nil
}

// Created reports whether Open created the SQLite file (serve warns: a
// new, empty database where one was expected may mean a wrong path).
func (db *DB) Created() bool { return db.created }

// Ready reports whether the store can take writes now: the database
// answers and, on SQLite, the file at the path is still the one opened and
// is writable; on PostgreSQL, the session is not read-only (a standby).
// The error is EUnavailable when the store refuses writes.
func (db *DB) Ready(ctx context.Context) error {
	if err := db.guard.check(); err != nil {
		return err
	}
	if err := db.sql.PingContext(ctx); err != nil {
		return err
	}
	if db.engine == Postgres {
		var ro string
		if err := db.sql.QueryRowContext(ctx, `SELECT current_setting('transaction_read_only')`).Scan(&ro); err != nil {
			return err
		}
		if ro == "on" {
			return &basketball.Error{Code: basketball.EUnavailable, Message: "the database is read-only",
				Err: errors.New("PostgreSQL session is read-only (a standby, or default_transaction_read_only)")}
		}
	}
	return nil
}

// redact removes a password that a driver error might echo from the URL.
func redact(err error, rawURL string) error {
	u, perr := url.Parse(rawURL)
	if perr != nil || u.User == nil {
		return err
	}
	if p, ok := u.User.Password(); ok && p != "" && strings.Contains(err.Error(), p) {
		return errors.New(strings.ReplaceAll(err.Error(), p, "xxxxx"))
	}
	return err
}

// Close closes the pools.
func (db *DB) Close() error {
	err := db.sql.Close()
	if db.listen != nil {
		db.listen.Close()
	}
	return err
}

// Engine returns SQLite or Postgres.
func (db *DB) Engine() string { return db.engine }

// SQL returns the pool, for River and for tests.
func (db *DB) SQL() *sql.DB { return db.sql }

// Now returns the store's clock reading.
func (db *DB) Now() time.Time { return db.now().UTC() }

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

// RiverDriver returns River's driver for this database; both work jobs and
// insert them with the same *sql.Tx the store uses. On PostgreSQL, workers
// are woken by LISTEN/NOTIFY (through a pgx connection) instead of polling
// only; SQLite has no notifications, and River polls it.
func (db *DB) RiverDriver() riverdriver.Driver[*sql.Tx] {
	if db.engine == SQLite {
		return riversqlite.New(db.sql)
	}
	return riverdatabasesql.NewWithPgxListener(db.sql, db.listen)
}

// migrationLock is the PostgreSQL advisory lock key held while migrating.
const migrationLock = 0x6b62616c6c // "kball"

// Migrate applies the store's migrations and then River's. It holds a lock
// throughout (an advisory lock on PostgreSQL, a file lock beside the
// SQLite file), so replicas or commands starting together migrate one
// after the other.
func (db *DB) Migrate(ctx context.Context) error {
	if db.engine == SQLite {
		// Two commands on one file (serve starting while an admin command
		// runs) must not migrate at once either: a file lock beside it.
		unlock, err := lockFile(db.path + ".migrate-lock")
		if err != nil {
			return fmt.Errorf("migration lock: %w", err)
		}
		defer unlock()
	}
	if db.engine == Postgres {
		conn, err := db.sql.Conn(ctx)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
			return fmt.Errorf("migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock)
	}
	dir, err := fs.Sub(migrations, "migrations/"+db.engine)
	if err != nil {
		return err
	}
	dialect := goose.DialectSQLite3
	if db.engine == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db.sql, dir)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	m, err := rivermigrate.New(db.RiverDriver(), nil)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrate: %w", err)
	}
	return nil
}

// tx runs fn in a write transaction, committing when fn returns nil. On
// SQLite it refuses (EUnavailable) when the file is no longer the one
// opened or is read-only, and checks again after the commit: a commit that
// went into a deleted file is lost, so it must not be acknowledged (Stripe
// retries). That costs a few microseconds (BenchmarkFileGuardCheck).
func (db *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if err := db.guard.check(); err != nil {
		return err
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return db.guard.checkFile(false)
}

// exec runs one write statement outside a transaction, under the same
// file check as tx.
func (db *DB) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := db.guard.check(); err != nil {
		return nil, err
	}
	res, err := db.sql.ExecContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return res, db.guard.checkFile(false)
}
