package sqldb

import (
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLockFileExcludesAndCleansUp: many lockers taking turns on one path
// never hold the lock together, although each holder removes the file when
// it unlocks; and no file is left behind.
func TestLockFileExcludesAndCleansUp(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "db.sqlite.migrate-lock")
	var inside, maxInside atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 40 {
				unlock, err := lockFile(path)
				if err != nil {
					t.Error(err)
					return
				}
				n := inside.Add(1)
				for {
					m := maxInside.Load()
					if n <= m || maxInside.CompareAndSwap(m, n) {
						break
					}
				}
				time.Sleep(100 * time.Microsecond)
				inside.Add(-1)
				unlock()
			}
		}()
	}
	wg.Wait()
	if m := maxInside.Load(); m != 1 {
		t.Fatalf("%d lockers held the lock at once", m)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("lock file left behind: %v", err)
	}
}
