package registration

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"basketball"
	"basketball/stripe"
)

// This file is the staff side of the service: the club's admin area (its
// JSON API and its pages) and the command line call these flows, always
// with the club of the request and the actor doing it. Every query is
// scoped to that club: another club's registration, tryout or promo code
// is not found. Every action that changes something is written to the
// audit log in the transaction of the change.

// AdminStore is what the staff flows need of the database.
type AdminStore interface {
	ClubBySlug(ctx context.Context, slug string) (basketball.Club, error)
	ListClubs(ctx context.Context) ([]basketball.Club, error)
	Tryout(ctx context.Context, clubSlug, tryoutID string) (basketball.Tryout, error)
	TryoutStats(ctx context.Context, clubSlug string) ([]basketball.TryoutStats, error)
	ListRegistrationsPage(ctx context.Context, clubSlug string, f basketball.RegistrationFilter) (basketball.Page[basketball.Registration], error)
	ExportRegistrations(ctx context.Context, clubSlug string, f basketball.RegistrationFilter) ([]basketball.Registration, error)
	ClubRegistration(ctx context.Context, clubSlug, id string) (basketball.Registration, error)
	RegistrationTimeline(ctx context.Context, clubSlug, id string) (basketball.Registration, []basketball.TimelineEntry, error)
	BeginStaffAction(ctx context.Context, clubSlug, id string, refund bool) (basketball.Registration, basketball.StaffLease, error)
	EndStaffAction(ctx context.Context, lease basketball.StaffLease) error
	FinishCancel(ctx context.Context, clubSlug string, c basketball.Cancellation, audit basketball.AuditEntry) (basketball.Registration, error)
	MarkPaidOffline(ctx context.Context, clubSlug, id, from string, audit basketball.AuditEntry) (basketball.Registration, error)
	ResendConfirmation(ctx context.Context, clubSlug, id string, audit basketball.AuditEntry) (string, error)
	CreateTryoutAudited(ctx context.Context, clubSlug string, in basketball.TryoutInput, audit basketball.AuditEntry) (basketball.Tryout, error)
	UpdateTryout(ctx context.Context, clubSlug, id string, p basketball.TryoutPatch, audit basketball.AuditEntry) (basketball.Tryout, error)
	ListPromos(ctx context.Context, clubSlug string) ([]basketball.PromoCode, error)
	CreatePromoAudited(ctx context.Context, clubSlug string, in basketball.PromoInput, audit basketball.AuditEntry) (basketball.PromoCode, error)
	SetPromoActive(ctx context.Context, clubSlug, id string, active bool, audit basketball.AuditEntry) (basketball.PromoCode, error)
	ListAudit(ctx context.Context, clubSlug string, limit int, cursor string) (basketball.Page[basketball.AuditEntry], error)
}

// StaffPayments is what staff actions need of Stripe (stripe.Client, or
// the demo's test checkout): closing a parent's checkout and refunding.
type StaffPayments interface {
	ExpireCheckoutSession(ctx context.Context, id, idempotencyKey string) (stripe.CheckoutSession, error)
	RefundPaymentIntent(ctx context.Context, paymentIntentID, idempotencyKey string, metadata map[string]string) (stripe.Refund, error)
}

// AdminConfig tunes the staff flows; zero values take the defaults.
type AdminConfig struct {
	// BusyWait is how long an action waits for another staff action on
	// the same registration (a double click) to finish; default 30s.
	BusyWait time.Duration
	// BusyPoll is how often it looks; default 100ms.
	BusyPoll time.Duration
}

// AdminDeps are the staff flows' collaborators. Store is required;
// Payments nil means no Checkout Session is expired and no refund made at
// Stripe (card payment is not configured).
type AdminDeps struct {
	Store    AdminStore
	Payments StaffPayments
	Logger   *slog.Logger
}

// Admin runs the staff flows on top of the registration service. It is
// safe for concurrent use.
type Admin struct {
	svc      *Service
	cfg      AdminConfig
	store    AdminStore
	payments StaffPayments
	logger   *slog.Logger
}

// NewAdmin returns the staff flows of svc.
func NewAdmin(svc *Service, cfg AdminConfig, d AdminDeps) *Admin {
	if cfg.BusyWait == 0 {
		cfg.BusyWait = 30 * time.Second
	}
	if cfg.BusyPoll == 0 {
		cfg.BusyPoll = 100 * time.Millisecond
	}
	a := &Admin{svc: svc, cfg: cfg, store: d.Store, payments: d.Payments, logger: d.Logger}
	if a.logger == nil {
		a.logger = slog.New(slog.DiscardHandler)
	}
	return a
}

// Now is the store's clock.
func (a *Admin) Now() time.Time { return a.svc.Now() }

// Clubs returns the clubs staff may manage, in slug order: every club for
// club-admin:*, else those of their roles that exist.
func (a *Admin) Clubs(ctx context.Context, st basketball.Staff) ([]basketball.Club, error) {
	all, err := a.store.ListClubs(ctx)
	if err != nil {
		return nil, err
	}
	out := []basketball.Club{}
	for _, c := range all {
		if st.CanManage(c.Slug) {
			out = append(out, c)
		}
	}
	return out, nil
}

// Club returns a club by slug, or EClubNotFound.
func (a *Admin) Club(ctx context.Context, club string) (basketball.Club, error) {
	return a.store.ClubBySlug(ctx, club)
}

// Dashboard lists the club's tryouts with their paid and pending
// registrations, seats left and revenue.
func (a *Admin) Dashboard(ctx context.Context, club string) ([]basketball.TryoutStats, error) {
	return a.store.TryoutStats(ctx, club)
}

// Tryout returns one tryout of the club.
func (a *Admin) Tryout(ctx context.Context, club, id string) (basketball.Tryout, error) {
	return a.store.Tryout(ctx, club, id)
}

// Registrations returns a page of the club's registrations, newest first.
func (a *Admin) Registrations(ctx context.Context, club string, f basketball.RegistrationFilter) (basketball.Page[basketball.Registration], error) {
	if err := a.checkFilter(ctx, club, &f); err != nil {
		return basketball.Page[basketball.Registration]{}, err
	}
	return a.store.ListRegistrationsPage(ctx, club, f)
}

// checkFilter validates a listing's filter; a tryout that is not the
// club's is ETryoutNotFound, like any other id of another club.
func (a *Admin) checkFilter(ctx context.Context, club string, f *basketball.RegistrationFilter) error {
	if err := f.Validate(); err != nil {
		return err
	}
	if f.TryoutID != "" {
		_, err := a.store.Tryout(ctx, club, f.TryoutID)
		return err
	}
	_, err := a.store.ClubBySlug(ctx, club)
	return err
}

// ExportRegistrations returns every registration the filter selects (its
// page size and cursor are ignored), newest first.
func (a *Admin) ExportRegistrations(ctx context.Context, club string, f basketball.RegistrationFilter) ([]basketball.Registration, error) {
	f.Limit, f.Cursor = 0, ""
	if err := a.checkFilter(ctx, club, &f); err != nil {
		return nil, err
	}
	return a.store.ExportRegistrations(ctx, club, f)
}

// Registration returns one registration of the club with its timeline.
func (a *Admin) Registration(ctx context.Context, club, id string) (basketball.Registration, []basketball.TimelineEntry, error) {
	return a.store.RegistrationTimeline(ctx, club, id)
}

// Audit returns a page of the club's audit log, newest first.
func (a *Admin) Audit(ctx context.Context, club string, limit int, cursor string) (basketball.Page[basketball.AuditEntry], error) {
	n, err := basketball.PageSize(limit)
	if err != nil {
		return basketball.Page[basketball.AuditEntry]{}, err
	}
	return a.store.ListAudit(ctx, club, n, cursor)
}

// begin takes the staff lease of a registration, waiting (BusyWait) for
// another staff action on it to finish; waited reports that one did.
func (a *Admin) begin(ctx context.Context, club, id string, refund bool) (reg basketball.Registration, lease basketball.StaffLease, waited bool, err error) {
	deadline := time.Now().Add(a.cfg.BusyWait)
	for {
		reg, lease, err = a.store.BeginStaffAction(ctx, club, id, refund)
		if !errors.Is(err, basketball.ErrStaffBusy) {
			return reg, lease, waited, err
		}
		waited = true
		if time.Now().After(deadline) {
			return reg, lease, waited, basketball.Errorf(basketball.EConflict,
				"another action on this registration (or a parent's payment page) is under way; try again in a minute")
		}
		select {
		case <-ctx.Done():
			return reg, lease, waited, ctx.Err()
		case <-time.After(a.cfg.BusyPoll):
		}
	}
}

// end gives a lease back after an action that changed nothing.
func (a *Admin) end(ctx context.Context, lease basketball.StaffLease) {
	if err := a.store.EndStaffAction(context.WithoutCancel(ctx), lease); err != nil {
		a.logger.Warn("end staff action", "registration_id", lease.RegistrationID, "err", err)
	}
}
