package sqldb

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// BenchmarkFileGuardCheck measures the check a write transaction pays on
// SQLite before it begins (a stat and an access); after its commit it pays
// BenchmarkFileGuardIdentity (a stat).
func BenchmarkFileGuardCheck(b *testing.B) {
	db := benchDB(b)
	for b.Loop() {
		if err := db.guard.check(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFileGuardIdentity(b *testing.B) {
	db := benchDB(b)
	for b.Loop() {
		if err := db.guard.checkFile(false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteTx is the smallest write transaction, for comparison.
func BenchmarkWriteTx(b *testing.B) {
	db := benchDB(b)
	ctx := context.Background()
	for b.Loop() {
		err := db.tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE clubs SET name = name WHERE id = 'none'`)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func benchDB(b *testing.B) *DB {
	b.Helper()
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "bench.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	return db
}
