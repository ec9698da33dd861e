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
	"github.com/riverqueue/river/rivertype"
)

// PostPaymentArgs are the job's arguments: only the registration id. No
// password or personal data is ever put in a job.
type PostPaymentArgs struct {
	RegistrationID string `json:"registration_id"`
}

// Kind implements river.JobArgs.
func (PostPaymentArgs) Kind() string { return "post_payment" }

// InsertOpts makes the job unique per registration, in every state: a
// duplicate webhook or a retried promo request never queues a second one.
func (PostPaymentArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStateCompleted, rivertype.JobStatePending,
		rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled,
		rivertype.JobStateDiscarded,
	}}}
}

type postPaymentWorker struct {
	river.WorkerDefaults[PostPaymentArgs]
	step    *PostPayment
	outcome func(string)
	timeout time.Duration
}

func (w *postPaymentWorker) Timeout(*river.Job[PostPaymentArgs]) time.Duration { return w.timeout }

func (w *postPaymentWorker) Work(ctx context.Context, job *river.Job[PostPaymentArgs]) error {
	_, err := w.step.Run(ctx, job.Args.RegistrationID)
	switch {
	case err == nil:
		w.outcome("succeeded")
	case job.Attempt >= job.MaxAttempts:
		w.outcome("discarded")
	default:
		w.outcome("retried")
	}
	if err != nil {
		// The error text is stored by River: it never holds secrets, since
		// the Keycloak and email packages redact theirs.
		return fmt.Errorf("post-payment for %s (attempt %d): %w", job.Args.RegistrationID, job.Attempt, err)
	}
	return nil
}

// Config tunes the queue.
type Config struct {
	// MaxAttempts of the post-payment job; default 25, about three weeks
	// with River's backoff.
	MaxAttempts int
	// RetryPolicy replaces River's backoff (tests retry fast).
	RetryPolicy river.ClientRetryPolicy
	// FetchPollInterval is how often workers look for jobs; default 1s.
	FetchPollInterval time.Duration
	// Workers is how many jobs run at once; default 4.
	Workers int
	// JobTimeout bounds one run; default 2m.
	JobTimeout time.Duration
	// Outcome is told "succeeded", "retried" or "discarded" after each run.
	Outcome func(string)
	Logger  *slog.Logger
}

// Queue enqueues and works the post-payment jobs.
type Queue struct {
	client *river.Client[*sql.Tx]
}

// NewQueue makes the River client over driver. The step may be nil for a
// queue that only inserts (the admin commands).
func NewQueue(driver riverdriver.Driver[*sql.Tx], step *PostPayment, cfg Config) (*Queue, error) {
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = 25
	}
	if cfg.FetchPollInterval == 0 {
		cfg.FetchPollInterval = time.Second
	}
	if cfg.Workers == 0 {
		cfg.Workers = 4
	}
	if cfg.JobTimeout == 0 {
		cfg.JobTimeout = 2 * time.Minute
	}
	if cfg.Outcome == nil {
		cfg.Outcome = func(string) {}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	rc := &river.Config{
		MaxAttempts:       cfg.MaxAttempts,
		RetryPolicy:       cfg.RetryPolicy,
		FetchPollInterval: cfg.FetchPollInterval,
		FetchCooldown:     min(cfg.FetchPollInterval, 100*time.Millisecond),
		Logger:            cfg.Logger,
	}
	if step != nil {
		workers := river.NewWorkers()
		if err := river.AddWorkerSafely(workers, &postPaymentWorker{step: step, outcome: cfg.Outcome, timeout: cfg.JobTimeout}); err != nil {
			return nil, err
		}
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}}
	}
	client, err := river.NewClient(driver, rc)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return &Queue{client: client}, nil
}

// EnqueuePostPayment implements sqldb.Enqueuer: it inserts the job with
// the transaction that made the registration paid.
func (q *Queue) EnqueuePostPayment(ctx context.Context, tx *sql.Tx, registrationID string, delay time.Duration) error {
	opts := &river.InsertOpts{}
	if delay > 0 {
		opts.ScheduledAt = time.Now().Add(delay)
	}
	_, err := q.client.InsertTx(ctx, tx, PostPaymentArgs{RegistrationID: registrationID}, opts)
	return err
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
