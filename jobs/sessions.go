package jobs

import (
	"context"
	"time"
)

// SessionSweeper removes staff sign-in sessions past their expiry (the
// store). Expired sessions are never used; this only reclaims their rows.
type SessionSweeper interface {
	DeleteExpiredSessions(ctx context.Context) (int64, error)
}

// DeleteExpiredSessionsArgs is the periodic job that removes expired staff
// sessions.
type DeleteExpiredSessionsArgs struct{}

// Kind implements river.JobArgs.
func (DeleteExpiredSessionsArgs) Kind() string { return "delete_expired_sessions" }

// sessionSweepInterval is how often expired staff sessions are removed.
const sessionSweepInterval = time.Hour
