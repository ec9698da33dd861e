// Package stripe is basketball-api's only door to Stripe: it creates Checkout
// Sessions for tryout registrations, retrieves and expires them, refunds
// payments, reads Stripe's events list, and verifies and decodes the webhook
// events Stripe sends back.
//
// The rest of the application never imports stripe-go. It sees small value
// types ([CheckoutParams], [Session], [CheckoutSession], [Refund], [Event])
// and a few sentinel errors ([ErrUnavailable], [ErrInvalidRequest] and the
// refusals that refine it: [ErrNotFound], [ErrSessionNotOpen],
// [ErrAlreadyRefunded]; [ErrBadSignature], [ErrMalformed] for events), so the
// HTTP layer can map failures to statuses without knowing the SDK.
//
// An event is read by one function whichever way it arrives: signed, by the
// webhook ([ParseWebhook]); listed, by reconciliation ([Client.ListEvents],
// [ParseEvent]); and a retrieved session reads its fields with the same code
// ([CheckoutSession.CompletedEvent]), so the three paths that can mark a
// registration paid see the same values.
//
// Every [Client] carries its own stripe-go backends; the SDK's package-level
// globals (stripe.Key, default backends) are never read or written, so several
// clients pointing at different servers can live in one test process.
//
// The event builders in testevents.go are production code on purpose: the
// offline demo's local "test checkout" signs and posts Stripe-format events
// to the server itself, through the same webhook code path as real Stripe.
// Tests run the real client against stripe-mock (stripemock: Stripe's OpenAPI
// validation) and against a stateful fake (stripetest).
package stripe
