package main

import (
	"context"
	"encoding/json"
	"fmt"

	"basketball"
	"basketball/registration"
	"basketball/stripe"
)

// cancelRegistration is `registrations cancel`: the admin area's cancel
// (registration.Admin.Cancel), from the server, with actor "cli" in the
// audit log. A pending registration's checkout session is expired and a
// paid one refunded (--refund) through Stripe (STRIPE_SECRET_KEY and
// STRIPE_API_URL as for serve). The parent's email is sent by the running
// service's job workers.
func (m *Main) cancelRegistration(ctx context.Context, args []string) error {
	fs := m.newFlags("registrations cancel", "registrations cancel --club S --id REGISTRATION_ID [--refund] [--reason R] [--json]")
	club := fs.String("club", "", "club slug (required)")
	id := fs.String("id", "", "registration id (required)")
	refund := fs.Bool("refund", false, "refund a paid card registration in full through Stripe (without it, a paid registration is canceled and the money kept)")
	reason := fs.String("reason", "", "why, for the audit log")
	asJSON := fs.Bool("json", false, "print the registration as JSON")
	dbURL := fs.String("database-url", "", "database (default: $DATABASE_URL)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if *club == "" || *id == "" {
		return usagef("--club and --id are required")
	}
	req := basketball.CancelRequest{Refund: *refund, Reason: *reason}
	if err := req.Validate(); err != nil {
		return usagef("--reason: %s", describe(err))
	}
	cfg, err := loadConfig(m.Getenv, nil, nil)
	if err != nil {
		return usageError{err.Error()}
	}
	db, err := m.openStore(ctx, *dbURL, false)
	if err != nil {
		return err
	}
	defer db.Close()
	var payments registration.StaffPayments
	if cfg.StripeSecretKey != "" {
		sc, err := stripe.New(stripe.Config{SecretKey: cfg.StripeSecretKey, APIURL: cfg.StripeAPIURL})
		if err != nil {
			return usagef("STRIPE_SECRET_KEY/STRIPE_API_URL: %v", err)
		}
		payments = sc
	}
	svc := registration.New(registration.Config{PublicURL: cfg.PublicURL}, registration.Deps{Store: db})
	admin := registration.NewAdmin(svc, registration.AdminConfig{}, registration.AdminDeps{Store: db, Payments: payments})
	reg, err := admin.Cancel(ctx, basketball.CLIActor, *club, *id, req)
	switch basketball.ErrorCode(err) {
	case "":
	case basketball.EInvalidState, basketball.EPaymentsNotConfigured:
		// Nothing was written: the registration named cannot be canceled so.
		return usageError{basketball.ErrorMessage(err)}
	case basketball.EPaymentUnavailable:
		return fmt.Errorf("%s (%v)", basketball.ErrorMessage(err), errorsCause(err))
	default:
		return err
	}
	if *asJSON {
		return json.NewEncoder(m.Stdout).Encode(registration.RowOf(reg))
	}
	what := "canceled"
	if reg.Status == basketball.StatusRefunded {
		what = "refunded in full and canceled"
	}
	fmt.Fprintf(m.Stdout, "registration %s %s; the parent's email is sent by the running service\n", reg.ID, what)
	return nil
}

// errorsCause is the cause behind a domain error, for the one line the
// operator reads.
func errorsCause(err error) error {
	if e, ok := asDomainError(err); ok && e.Err != nil {
		return e.Err
	}
	return err
}
