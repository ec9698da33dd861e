package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
)

// Config tunes the queue; zero values take the defaults.
type Config struct {
	// MaxAttempts of a job; default 25, about three weeks with River's
	// backoff.
	MaxAttempts int
	// RetryPolicy replaces River's backoff (tests retry fast).
	RetryPolicy river.ClientRetryPolicy
	// FetchPollInterval is how often workers look for jobs; default 1s.
	FetchPollInterval time.Duration
	// Workers is how many jobs run at once; default 4.
	Workers int
	// JobTimeout bounds one run; default 50s. A job whose process died is
	// run again once RescueAfter has passed since it started (River's
	// rescuer looks every 30 s), so after a crash a job waits at most
	// RescueAfter + 30 s: under 2 minutes with the defaults.
	JobTimeout time.Duration
	// RescueAfter is how long a running job may go without finishing
	// before it counts as stuck; default JobTimeout + 10s.
	RescueAfter time.Duration
	// SweepInterval is how often lapsed seat holds are released; default
	// 30s. One replica at a time runs it (River's leader).
	SweepInterval time.Duration
	// ReconcileInterval is how often Stripe's events are reconciled
	// (RECONCILE_INTERVAL); 0 turns it off. One replica at a time.
	ReconcileInterval time.Duration
	// ReminderBefore is REMINDER_BEFORE: how long before a tryout starts
	// its reminders go out; 0 turns reminders off.
	ReminderBefore time.Duration
	// ReminderInterval is how often due reminders are looked for; default
	// 15s, so a reminder goes out within about 20 s of its time. One
	// replica at a time runs it (River's leader).
	ReminderInterval time.Duration
	// Outcome is told the kind and "succeeded", "retried" or "discarded"
	// after each run.
	Outcome func(kind, outcome string)
	Logger  *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.MaxAttempts == 0 {
		c.MaxAttempts = 25
	}
	if c.FetchPollInterval == 0 {
		c.FetchPollInterval = time.Second
	}
	if c.Workers == 0 {
		c.Workers = 4
	}
	if c.JobTimeout == 0 {
		c.JobTimeout = 50 * time.Second
	}
	if c.RescueAfter == 0 {
		c.RescueAfter = c.JobTimeout + 10*time.Second
	}
	if c.SweepInterval == 0 {
		c.SweepInterval = 30 * time.Second
	}
	if c.ReminderInterval == 0 {
		c.ReminderInterval = 15 * time.Second
	}
	if c.Outcome == nil {
		c.Outcome = func(string, string) {}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Queue works every kind of job on River.
type Queue struct {
	client *river.Client[*sql.Tx]
}

// NewQueue makes the River client over driver, with a worker for every
// kind of job (see kinds.go) and the periodic jobs.
func NewQueue(driver riverdriver.Driver[*sql.Tx], h Handlers, cfg Config) (*Queue, error) {
	cfg = cfg.withDefaults()
	if cfg.RescueAfter < cfg.JobTimeout {
		return nil, errors.New("jobs: RescueAfter must not be shorter than JobTimeout")
	}
	workers := river.NewWorkers()
	if err := addWorkers(workers, h, cfg); err != nil {
		return nil, err
	}
	client, err := river.NewClient(driver, &river.Config{
		MaxAttempts:          cfg.MaxAttempts,
		RetryPolicy:          cfg.RetryPolicy,
		FetchPollInterval:    cfg.FetchPollInterval,
		FetchCooldown:        min(cfg.FetchPollInterval, 100*time.Millisecond),
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
		Logger:               cfg.Logger,
		Workers:              workers,
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		PeriodicJobs:         periodicJobs(h, cfg),
	})
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return &Queue{client: client}, nil
}

// Start starts working jobs.
func (q *Queue) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop waits for running jobs to finish, or for ctx to end, then stops.
func (q *Queue) Stop(ctx context.Context) error {
	err := q.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return q.client.StopAndCancel(context.Background())
	}
	return err
}
