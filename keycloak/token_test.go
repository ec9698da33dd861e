package keycloak

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

func TestTokenObtainedOnceAndReused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	if got := b.kc.TokensIssued(); got != 0 {
		t.Fatalf("New fetched %d tokens; it should make no request", got)
	}
	id := mustCreateUser(t, b.client, "ann@example.org", mustGeneratePassword(t))
	for range 3 {
		if _, err := b.client.FindUserByEmail(ctx, "ann@example.org"); err != nil {
			t.Fatalf("FindUserByEmail: %v", err)
		}
	}
	if err := b.client.ResetPassword(ctx, id, mustGeneratePassword(t)); err != nil {
		t.Fatalf("ResetPassword: %v", err)
	}
	if got := b.kc.TokensIssued(); got != 1 {
		t.Fatalf("tokens issued = %d for 5 calls, want 1", got)
	}
}

func TestTokenRenewedAfter401(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	mustCreateUser(t, b.client, "ann@example.org", mustGeneratePassword(t))
	b.kc.ExpireTokens()

	if _, err := b.client.FindUserByEmail(ctx, "ann@example.org"); err != nil {
		t.Fatalf("FindUserByEmail after ExpireTokens: %v", err)
	}
	if tokens, calls := b.kc.TokensIssued(), b.kc.AdminRequests(); tokens != 2 || calls != 3 {
		t.Fatalf("tokens issued %d, admin requests %d; want 2 and 3 (create, refused find, retried find)", tokens, calls)
	}
}

// Many requests refused with the same revoked token share one new token.
func TestTokenRenewedOnceForConcurrent401s(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mustCreateUser(t, b.client, "ann@example.org", mustGeneratePassword(t))
	b.kc.ExpireTokens()

	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = b.client.FindUserByEmail(context.Background(), "ann@example.org")
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("FindUserByEmail: %v", err)
	}
	if got := b.kc.TokensIssued(); got != 2 {
		t.Fatalf("tokens issued = %d, want 2", got)
	}
}

// A 401 that persists (client lost its role, say) is retried once, not
// forever.
func TestToken401RetriedOnce(t *testing.T) {
	t.Parallel()
	var tokenCalls, adminCalls atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("POST /realms/"+testRealm+"/protocol/openid-connect/token", func(w http.ResponseWriter, _ *http.Request) {
		tokenCalls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"t","token_type":"Bearer","expires_in":300}`)
	})
	mux.HandleFunc("/admin/", func(w http.ResponseWriter, _ *http.Request) {
		adminCalls.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	_, err := mustNew(t, testConfig(srv.URL)).FindUserByEmail(context.Background(), "ann@example.org")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusUnauthorized {
		t.Fatalf("got %v, want a 401 APIError", err)
	}
	if tokenCalls.Load() != 2 || adminCalls.Load() != 2 {
		t.Fatalf("token calls %d, admin calls %d; want 2 and 2", tokenCalls.Load(), adminCalls.Load())
	}
}

func TestTokenWrongSecret(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cfg := testConfig(b.kc.URL())
	cfg.ClientSecret = "wrong-secret-value"
	_, err := mustNew(t, cfg).FindUserByEmail(context.Background(), "ann@example.org")
	if err == nil {
		t.Fatal("FindUserByEmail with a wrong secret succeeded")
	}
	var re *requestError
	if !errors.As(err, &re) || b.kc.AdminRequests() != 0 {
		t.Fatalf("got %v after %d admin requests; want a token error before any", err, b.kc.AdminRequests())
	}
	assertNoSecret(t, err, "wrong-secret-value")
}
