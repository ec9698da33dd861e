// Package basketball is the domain of basketball-api: clubs, their tryouts,
// parents, players, registrations and promo codes, the validation rules
// that keep them consistent, and the one error type every layer speaks.
//
// The package depends on nothing but the standard library. Storage lives in
// sqldb, HTTP in web, and each vendor (Stripe, Keycloak, email) in a package
// of its own; cmd/basketball-api wires them together.
package basketball
