package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"basketball/registration"
	"basketball/sqldb"
	"basketball/staff"
)

// adminArea builds staff sign-in and the staff flows: when an OIDC issuer
// and client are configured, or for the demo (demo links only, no
// issuer). Otherwise it returns nils and the admin area answers 404.
// writeError renders sign-in errors (the web server's, set once it
// exists).
func adminArea(cfg Config, db *sqldb.DB, svc *registration.Service, payments registration.Payments, demo bool,
	writeError func(w http.ResponseWriter, r *http.Request, err error), logger *slog.Logger) (*staff.Auth, *registration.Admin, error) {
	if !cfg.AdminEnabled() && !demo {
		if cfg.OIDCIssuerURL != "" && cfg.OIDCClientID == "" {
			logger.Info("the admin area is off: OIDC_CLIENT_ID is not set (see docs/staff-signin.md)")
		}
		return nil, nil, nil
	}
	sc := staff.Config{PublicURL: cfg.PublicURL, SessionStore: db.SessionStore(), WriteError: writeError, Logger: logger}
	if cfg.AdminEnabled() {
		sc.IssuerURL, sc.ClientID, sc.ClientSecret = cfg.OIDCIssuerURL, cfg.OIDCClientID, cfg.OIDCClientSecret
	}
	auth, err := staff.New(sc)
	if err != nil {
		return nil, nil, fmt.Errorf("OIDC_ISSUER_URL/OIDC_CLIENT_ID: %w", err)
	}
	if cfg.AdminEnabled() {
		// Only to say at start whether the issuer answers; requests retry.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := auth.Discover(ctx); err != nil {
			logger.Warn("staff sign-in: the OIDC issuer does not answer yet; the admin area answers 503 until it does", "issuer", cfg.OIDCIssuerURL)
		}
	}
	sp, _ := payments.(registration.StaffPayments)
	return auth, registration.NewAdmin(svc, registration.AdminConfig{}, registration.AdminDeps{Store: db, Payments: sp, Logger: logger}), nil
}
