package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"basketball"
)

// This file is the one place where every kind of job meets the code that
// runs it. Adding a kind is a job type (the domain's, when the store
// enqueues it), a line in addWorkers, and, for periodic upkeep, a line in
// periodicJobs.

// Handlers run the jobs. Sweeper may be nil (no periodic hold sweep),
// Sessions too (no periodic removal of expired staff sessions), Reminders
// (no reminders, as with Config.ReminderBefore 0) and Reconcile (no
// periodic reconciliation with Stripe).
type Handlers struct {
	PostPayment *PostPayment
	Sweeper     Sweeper
	Sessions    SessionSweeper
	Reminders   Reminders
	// Reconcile does one pass of reconciliation with Stripe's events.
	Reconcile func(ctx context.Context) error
}

// Reminders records the reminders that are due (the store).
type Reminders interface {
	RecordDueReminders(ctx context.Context, before time.Duration) (int, error)
}

// RemindersArgs is the periodic job that records due reminders; each is
// then sent by its own NotifyJob.
type RemindersArgs struct{}

// Kind implements river.JobArgs.
func (RemindersArgs) Kind() string { return "record_reminders" }

// Sweeper releases lapsed seat holds (the registration service).
type Sweeper interface {
	SweepHolds(ctx context.Context) (int, error)
}

// ReconcileArgs is the periodic job that applies Stripe events whose
// webhook never arrived.
type ReconcileArgs struct{}

// Kind implements river.JobArgs.
func (ReconcileArgs) Kind() string { return "reconcile" }

// SweepHoldsArgs is the periodic job that releases lapsed seat holds.
type SweepHoldsArgs struct{}

// Kind implements river.JobArgs.
func (SweepHoldsArgs) Kind() string { return "sweep_holds" }

func addWorkers(w *river.Workers, h Handlers, cfg Config) error {
	p := h.PostPayment
	add := []error{
		river.AddWorkerSafely(w, newWorker(cfg, func(ctx context.Context, a basketball.PostPaymentJob) error {
			_, err := p.Run(ctx, a.RegistrationID)
			return err
		})),
		river.AddWorkerSafely(w, newWorker(cfg, func(ctx context.Context, a basketball.NotifyJob) error {
			return p.SendNotification(ctx, a.NotificationID)
		})),
	}
	if h.Sweeper != nil {
		add = append(add, river.AddWorkerSafely(w, newPeriodicWorker(cfg, func(ctx context.Context, _ SweepHoldsArgs) error {
			_, err := h.Sweeper.SweepHolds(ctx)
			return err
		})))
	}
	if h.Reconcile != nil && cfg.ReconcileInterval > 0 {
		add = append(add, river.AddWorkerSafely(w, newPeriodicWorker(cfg, func(ctx context.Context, _ ReconcileArgs) error {
			return h.Reconcile(ctx)
		})))
	}
	if h.Sessions != nil {
		add = append(add, river.AddWorkerSafely(w, newPeriodicWorker(cfg, func(ctx context.Context, _ DeleteExpiredSessionsArgs) error {
			_, err := h.Sessions.DeleteExpiredSessions(ctx)
			return err
		})))
	}
	if remindersOn(h, cfg) {
		add = append(add, river.AddWorkerSafely(w, newPeriodicWorker(cfg, func(ctx context.Context, _ RemindersArgs) error {
			n, err := h.Reminders.RecordDueReminders(ctx, cfg.ReminderBefore)
			if n > 0 {
				cfg.Logger.Info("reminders due", "count", n)
			}
			return err
		})))
	}
	for _, err := range add {
		if err != nil {
			return fmt.Errorf("job workers: %w", err)
		}
	}
	return nil
}

// periodicJobs are inserted by River's elected leader only, so each runs
// once per interval however many replicas run.
func periodicJobs(h Handlers, cfg Config) []*river.PeriodicJob {
	var out []*river.PeriodicJob
	every := func(id string, interval time.Duration, args river.JobArgs) {
		out = append(out, river.NewPeriodicJob(river.PeriodicInterval(interval), func() (river.JobArgs, *river.InsertOpts) {
			return args, &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByPeriod: interval}}
		}, &river.PeriodicJobOpts{ID: id, RunOnStart: true}))
	}
	if h.Sweeper != nil {
		every("sweep_holds", cfg.SweepInterval, SweepHoldsArgs{})
	}
	if h.Reconcile != nil && cfg.ReconcileInterval > 0 {
		every("reconcile", cfg.ReconcileInterval, ReconcileArgs{})
	}
	if h.Sessions != nil {
		every("delete_expired_sessions", sessionSweepInterval, DeleteExpiredSessionsArgs{})
	}
	if remindersOn(h, cfg) {
		every("record_reminders", cfg.ReminderInterval, RemindersArgs{})
	}
	return out
}

func remindersOn(h Handlers, cfg Config) bool { return h.Reminders != nil && cfg.ReminderBefore > 0 }

// worker runs one kind of job, counts its outcomes and logs failures: WARN
// while it will be retried, ERROR when River gives up on it.
type worker[T river.JobArgs] struct {
	river.WorkerDefaults[T]
	cfg      Config
	run      func(ctx context.Context, args T) error
	periodic bool
}

func newWorker[T river.JobArgs](cfg Config, run func(ctx context.Context, args T) error) *worker[T] {
	return &worker[T]{cfg: cfg, run: run}
}

// newPeriodicWorker runs a periodic job: a failure waits for the next
// interval instead of being retried.
func newPeriodicWorker[T river.JobArgs](cfg Config, run func(ctx context.Context, args T) error) *worker[T] {
	return &worker[T]{cfg: cfg, run: run, periodic: true}
}

func (w *worker[T]) Work(ctx context.Context, job *river.Job[T]) error {
	err := w.run(ctx, job.Args)
	kind := job.Kind
	switch {
	case err == nil:
		w.cfg.Outcome(kind, "succeeded")
		return nil
	case w.periodic:
		// The next interval runs it again.
		w.cfg.Outcome(kind, "failed")
		w.cfg.Logger.Warn("periodic job failed; it runs again at its next interval", "kind", kind, "job_id", job.ID, "err", err)
	case job.Attempt >= job.MaxAttempts:
		w.cfg.Outcome(kind, "discarded")
		w.cfg.Logger.Error("job failed for the last time; it is discarded", "kind", kind, "job_id", job.ID,
			"attempt", job.Attempt, "args", string(job.EncodedArgs), "err", err)
	default:
		w.cfg.Outcome(kind, "retried")
		w.cfg.Logger.Warn("job failed; it will be retried", "kind", kind, "job_id", job.ID,
			"attempt", job.Attempt, "args", string(job.EncodedArgs), "err", err)
	}
	// River stores the error text: it never holds secrets, since the
	// Keycloak and email packages redact theirs.
	return fmt.Errorf("%s (attempt %d): %w", kind, job.Attempt, err)
}

// NextRetry runs a job whose process died (River's rescuer found it
// running long past its timeout) again at once: the crash, not the job,
// failed. Other failures follow the retry policy.
func (w *worker[T]) NextRetry(job *river.Job[T]) time.Time {
	if job.AttemptedAt != nil && time.Since(*job.AttemptedAt) >= w.cfg.RescueAfter {
		return time.Now()
	}
	return time.Time{}
}
