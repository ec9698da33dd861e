// Package staff signs club staff in to the admin area and tells the admin
// handlers who they are and which clubs they may manage.
//
// Browsers sign in through any OpenID Connect issuer (Keycloak by
// default) with the authorization code flow, PKCE (S256), state and nonce
// (github.com/coreos/go-oidc/v3, golang.org/x/oauth2). The session lives
// server-side (github.com/alexedwards/scs/v2) in a store on our own
// database (sqldb.SessionStore), keyed by a hash of the cookie; the cookie
// basketball_admin is HttpOnly, SameSite=Lax, Secure when PUBLIC_URL is
// https, renewed at sign-in and removed at sign-out; a session ends after
// IdleTimeout unused (2 h) or Lifetime after sign-in (12 h). Scripts call
// the admin API with "Authorization: Bearer <access token>" from the same
// issuer, checked on each request against its JWKS (signature, iss, exp,
// and the client in aud or azp).
//
// Roles come from the access token, in realm_access.roles and
// resource_access.{client}.roles: club-admin:{slug} for one club,
// club-admin:* for all (basketball.StaffFromRoles). A session keeps the
// roles it was signed in with; a change in Keycloak applies at the next
// sign-in.
//
// The issuer is discovered lazily: New never contacts it, so the service
// starts while the issuer is down; the admin area then answers 503
// unavailable (a failed discovery is retried after RetryAfter, 10 s) and
// works as soon as the issuer answers. Sign-out never waits for it.
//
// Wiring (web mounts these; nothing here is global):
//
//	a, err := staff.New(staff.Config{IssuerURL: …, ClientID: …, ClientSecret: …,
//		PublicURL: …, SessionStore: db.SessionStore(), WriteError: …})
//	a.Mount(mux)     // GET /admin/login, GET /admin/callback, POST /admin/logout
//	mux.Handle("GET /admin/clubs/{club}", a.RequirePage(a.ClubOnly(page)))
//	mux.Handle("GET /api/v1/admin/clubs/{club}/registrations", a.RequireAPI(a.ClubOnly(api)))
//	st, _ := staff.FromContext(r.Context()) // in the handler
//
// The demo alone calls DemoLink and MountDemo: a one-time link, valid 24 h,
// that signs in as staff of one club without any issuer.
//
// Setting up Keycloak for staff, step by step, is in docs/staff-signin.md.
package staff
