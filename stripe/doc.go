// Package stripe is basketball-api's only door to Stripe: it creates Checkout
// Sessions for tryout registrations and verifies and decodes the webhook
// events Stripe sends back.
//
// The rest of the application never imports stripe-go. It sees small value
// types ([CheckoutParams], [Session], [Event]) and a few sentinel errors
// ([ErrUnavailable], [ErrInvalidRequest], [ErrBadSignature], [ErrMalformed]),
// so the HTTP layer can map failures to statuses without knowing the SDK.
//
// Every [Client] carries its own stripe-go backends; the SDK's package-level
// globals (stripe.Key, default backends) are never read or written, so several
// clients pointing at different servers can live in one test process.
//
// The event builders in testevents.go are production code on purpose: the
// offline demo's local "test checkout" signs and posts Stripe-format events
// to the server itself, through the same webhook code path as real Stripe.
package stripe
