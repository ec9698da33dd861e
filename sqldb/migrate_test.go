package sqldb_test

import (
	"context"
	"os"
	"sync"
	"testing"

	"basketball/sqldb"
	"basketball/sqldb/sqldbtest"
)

// TestConcurrentMigrations: replicas starting together on one empty
// database all migrate without error, and migrating again is a no-op.
func TestConcurrentMigrations(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		url := sqldbtest.URL(t, engine)
		ctx := context.Background()
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db, err := sqldb.Open(ctx, url, sqldb.Options{})
				if err != nil {
					t.Error(err)
					return
				}
				defer db.Close()
				if err := db.Migrate(ctx); err != nil {
					t.Errorf("migrate: %v", err)
				}
			}()
		}
		wg.Wait()
		db, err := sqldb.Open(ctx, url, sqldb.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("migrate again: %v", err)
		}
		sqldbtest.MustClub(t, db, "tigers")
		// The migration lock is a file beside the SQLite file only while
		// a migration runs.
		if path := sqldb.SQLitePath(url); path != "" {
			if _, err := os.Stat(path + ".migrate-lock"); !os.IsNotExist(err) {
				t.Errorf("%s.migrate-lock is left behind (%v)", path, err)
			}
		}
	})
}
