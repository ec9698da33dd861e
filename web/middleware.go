package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"basketball"
)

type requestIDKey struct{}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives each request an id, logs it, counts it by route pattern
// and recovers a panic into a 500 JSON error.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				s.writeError(rec, r, fmt.Errorf("panic: %v", p))
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			elapsed := time.Since(start)
			s.metrics.Requests.WithLabelValues(route, metricMethod(r.Method), strconv.Itoa(status)).Inc()
			s.metrics.Latency.WithLabelValues(route).Observe(elapsed.Seconds())
			s.log(r).Info("request", "method", logField(r.Method), "path", logField(r.URL.Path), "route", route,
				"status", status, "duration_ms", elapsed.Milliseconds(), "remote", clientIP(r, s.cfg.TrustProxy))
		}()
		next.ServeHTTP(rec, r)
	})
}

// limitBody caps request bodies; reading past the cap fails, and the
// handlers turn that into 413.
func limitBody(n int64, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > n {
			writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{Error: errorDetail{
				Code: basketball.EBodyTooLarge, Message: fmt.Sprintf("the request body is larger than %d bytes", n)}})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next(w, r)
	}
}

// limitPageBody is limitBody for forms: the 413 is a page. (A body that
// lies about its length is caught by the form's ParseForm, also a page.)
func (s *Server) limitPageBody(n int64, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > n {
			s.renderMessage(w, r, http.StatusRequestEntityTooLarge, "Too large", "The form was too large to accept.")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next(w, r)
	}
}

// rateLimiter keeps a token bucket per client IP.
type rateLimiter struct {
	mu      sync.Mutex
	perMin  int
	buckets map[string]*bucket
	sweep   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newRateLimiter(perMinute int) *rateLimiter {
	return &rateLimiter{perMin: perMinute, buckets: map[string]*bucket{}}
}

func (l *rateLimiter) allow(ip string, now time.Time) bool {
	if l == nil || l.perMin <= 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > time.Minute {
		// Forget idle clients so the map does not grow without bound.
		for k, b := range l.buckets {
			if now.Sub(b.seen) > 10*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.sweep = now
	}
	b, ok := l.buckets[ip]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Limit(float64(l.perMin)/60), l.perMin)}
		l.buckets[ip] = b
	}
	b.seen = now
	return b.lim.AllowN(now, 1)
}

// limited answers 429 when the client (an IPv4 address or an IPv6 /64)
// has used up its budget.
func (s *Server) limited(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.limiter.allow(rateKey(clientIP(r, s.cfg.TrustProxy)), time.Now()) {
			w.Header().Set("Retry-After", "60")
			s.writeError(w, r, basketball.Errorf(basketball.ERateLimited, "too many requests; try again in a minute"))
			return
		}
		next(w, r)
	}
}

// limitedPage is limited for form posts: the 429 is a page.
func (s *Server) limitedPage(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.limiter.allow(rateKey(clientIP(r, s.cfg.TrustProxy)), time.Now()) {
			w.Header().Set("Retry-After", "60")
			s.renderMessage(w, r, http.StatusTooManyRequests, "Too many requests", "Too many forms were sent from your network. Please try again in a minute.")
			return
		}
		next(w, r)
	}
}

// clientIP is the peer's address, or the last X-Forwarded-For hop when the
// service runs behind a proxy it trusts.
func clientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			for i := len(last) - 1; i >= 0; i-- {
				if last[i] == ',' {
					last = last[i+1:]
					break
				}
			}
			if ip := net.ParseIP(strings.TrimSpace(last)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
