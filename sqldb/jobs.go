package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"basketball"
)

// riverInserter stores jobs in River's tables with an insert-only River
// client: the store enqueues in every process (serve, the CLI, tests) and
// the workers of whichever process runs them pick them up.
type riverInserter struct {
	client *river.Client[*sql.Tx]
}

func newRiverInserter(driver riverdriver.Driver[*sql.Tx]) (*riverInserter, error) {
	c, err := river.NewClient(driver, &river.Config{})
	if err != nil {
		return nil, fmt.Errorf("job inserter: %w", err)
	}
	return &riverInserter{client: c}, nil
}

// everyState makes a job unique by its arguments for ever: a duplicate
// webhook or a retried request never queues a second post-payment job for
// one registration, nor a second send of one notification.
var everyState = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStateCompleted, rivertype.JobStatePending,
	rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled,
	rivertype.JobStateDiscarded, rivertype.JobStateCancelled,
}

func (r *riverInserter) InsertJob(ctx context.Context, tx *sql.Tx, job basketball.Job, runAt time.Time) error {
	opts := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: everyState}}
	if !runAt.IsZero() {
		opts.ScheduledAt = runAt
	}
	if _, err := r.client.InsertTx(ctx, tx, job, opts); err != nil {
		return fmt.Errorf("insert %s job: %w", job.Kind(), err)
	}
	return nil
}

// insertJob stores a job in tx, to run at runAt (zero: at once).
func (db *DB) insertJob(ctx context.Context, tx *sql.Tx, job basketball.Job, runAt time.Time) error {
	return db.jobs.InsertJob(ctx, tx, job, runAt)
}
