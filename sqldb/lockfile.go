package sqldb

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive flock on path, creating it, and returns the
// function that releases it. flock locks belong to the open file, so two
// handles in one process exclude each other as two processes do.
//
// Unlocking removes the file, so no lock file stays beside the database.
// That is only safe because every locker checks, once it holds the lock,
// that path still names the file it locked: a process that opened the old
// file and waited on it gets a lock on a removed file, which excludes
// nobody, so it sees the mismatch and starts over on the new file. The
// holder removes the file before it unlocks, while it still excludes
// everyone. (An older basketball-api that does not check would not be
// excluded by a newer one: upgrade all processes on one SQLite file
// together.)
func lockFile(path string) (unlock func(), err error) {
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			return nil, err
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			f.Close()
			return nil, err
		}
		held, herr := f.Stat()
		named, nerr := os.Stat(path)
		if herr == nil && nerr == nil && os.SameFile(held, named) {
			return func() {
				_ = os.Remove(path)
				_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				f.Close()
			}, nil
		}
		// The previous holder removed the file while we waited: retry.
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}
}
