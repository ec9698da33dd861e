package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"basketball"
	"basketball/registration"
	"basketball/sqldb/sqldbtest"
	"basketball/stripe"
	"basketball/web"
)

// benchServer serves a club with an unlimited tryout on engine, with the
// recording fake checkout and no rate limit.
func benchServer(b *testing.B, engine string) (*httptest.Server, basketball.Tryout) {
	b.Helper()
	db := sqldbtest.Open(b, engine, nil)
	sqldbtest.MustClub(b, db, "tigers")
	tr := sqldbtest.MustTryout(b, db, "tigers", 3000, 0)
	svc := registration.New(registration.Config{PublicURL: "http://x"}, registration.Deps{Store: db, Payments: &fakeCheckout{}})
	srv := httptest.NewServer(web.NewServer(web.Config{WebhookSecret: webhookSecret}, web.Deps{Service: svc}))
	b.Cleanup(srv.Close)
	return srv, tr
}

// BenchmarkRegister measures card registrations end to end over HTTP:
// validation, the registration transaction and storing the session.
func BenchmarkRegister(b *testing.B) {
	for _, engine := range sqldbtest.Engines() {
		b.Run(engine, func(b *testing.B) {
			srv, tr := benchServer(b, engine)
			var n atomic.Int64
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					body, _ := json.Marshal(sqldbtest.Request(tr.ID, int(i)))
					res, err := http.Post(srv.URL+"/api/v1/clubs/tigers/registrations", "application/json", bytes.NewReader(body))
					if err != nil {
						b.Fatal(err)
					}
					res.Body.Close()
					if res.StatusCode != 201 {
						b.Fatalf("status %d", res.StatusCode)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "registrations/s")
		})
	}
}

// BenchmarkWebhook measures signed checkout.session.completed deliveries
// for distinct pending registrations: verification, the event record and
// the paid transaction.
func BenchmarkWebhook(b *testing.B) {
	for _, engine := range sqldbtest.Engines() {
		b.Run(engine, func(b *testing.B) {
			srv, tr := benchServer(b, engine)
			ids := make([]string, b.N)
			for i := range ids {
				body, _ := json.Marshal(sqldbtest.Request(tr.ID, i))
				res, err := http.Post(srv.URL+"/api/v1/clubs/tigers/registrations", "application/json", bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				var v map[string]any
				json.NewDecoder(res.Body).Decode(&v)
				res.Body.Close()
				ids[i] = fmt.Sprint(v["registration_id"])
			}
			var n atomic.Int64
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					id := ids[n.Add(1)-1]
					ev := stripe.BuildSessionEvent(stripe.SessionEventParams{PaymentStatus: "paid", PaymentIntentID: "pi_" + id, AmountTotal: 3000,
						Metadata: map[string]string{"type": "tryout_registration", "registration_id": id}})
					req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL+"/webhooks/stripe", bytes.NewReader(ev))
					req.Header.Set("Stripe-Signature", stripe.SignPayload(ev, webhookSecret, time.Now()))
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					res.Body.Close()
					if res.StatusCode != 200 {
						b.Fatalf("status %d", res.StatusCode)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
