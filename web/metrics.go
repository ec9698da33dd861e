package web

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"basketball"
)

// Metrics are the service's Prometheus series. Each Server has its own
// registry so tests can run many servers in one process.
type Metrics struct {
	Registry       *prometheus.Registry
	Requests       *prometheus.CounterVec
	Latency        *prometheus.HistogramVec
	WebhookEvents  *prometheus.CounterVec
	Jobs           *prometheus.CounterVec
	StripeRequests *prometheus.CounterVec
	PaymentEvents  *prometheus.CounterVec
	// PaidButPending counts registrations Stripe lists as paid that are
	// still pending after the last reconciliation (should stay 0).
	PaidButPending prometheus.Gauge

	reconcileCursor atomic.Int64 // unix seconds; 0 before the first pass
}

// NewMetrics registers the series, with Go and process collectors.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "basketball_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		Latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "basketball_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route"}),
		WebhookEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "basketball_webhook_events_total", Help: "Stripe webhook events by type and outcome.",
		}, []string{"type", "outcome"}),
		Jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "basketball_jobs_total", Help: "Job runs by kind and outcome.",
		}, []string{"kind", "outcome"}),
		StripeRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "basketball_checkout_sessions_total", Help: "Checkout session creations by result.",
		}, []string{"result"}),
		PaymentEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "basketball_payment_events_total", Help: "Stripe events applied by path (webhook, return, reconcile) and outcome.",
		}, []string{"path", "outcome"}),
	}
	m.PaidButPending = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "basketball_reconcile_paid_but_pending",
		Help: "Registrations Stripe lists as paid that were still pending after the last reconciliation (should stay 0).",
	})
	cursorAge := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "basketball_reconcile_cursor_age_seconds",
		Help: "Age of the reconciliation cursor (the newest Stripe event reconciled); 0 until the first pass.",
	}, func() float64 {
		c := m.reconcileCursor.Load()
		if c == 0 {
			return 0
		}
		return time.Since(time.Unix(c, 0)).Seconds()
	})
	reg.MustRegister(m.Requests, m.Latency, m.WebhookEvents, m.Jobs, m.StripeRequests, m.PaymentEvents, m.PaidButPending, cursorAge,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// CheckoutSession counts a Checkout Session creation by result; it makes
// Metrics a registration.Observer.
func (m *Metrics) CheckoutSession(result string) { m.StripeRequests.WithLabelValues(result).Inc() }

// PaymentEvent counts a Stripe event by path, type and outcome.
func (m *Metrics) PaymentEvent(path, eventType, outcome string) {
	m.WebhookEvents.WithLabelValues(metricType(eventType), outcome).Inc()
	m.PaymentEvents.WithLabelValues(path, outcome).Inc()
}

// Reconciled records where reconciliation stands.
func (m *Metrics) Reconciled(cursor time.Time, paidButPending int) {
	if !cursor.IsZero() {
		m.reconcileCursor.Store(cursor.Unix())
	}
	m.PaidButPending.Set(float64(paidButPending))
}

// metricType keeps the label set small: unknown types share one label.
func metricType(t string) string {
	switch t {
	case basketball.EventCheckoutCompleted, basketball.EventAsyncPaymentSucceeded, basketball.EventAsyncPaymentFailed,
		basketball.EventCheckoutExpired, basketball.EventChargeRefunded, basketball.EventChargeDisputeCreated,
		basketball.EventChargeDisputeClosed, "unverified", "unknown":
		return t
	}
	return "other"
}
