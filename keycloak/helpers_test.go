package keycloak

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"basketball/keycloak/keycloaktest"
)

const (
	testRealm    = "basketball"
	testClientID = "basketball-api"
	// The secret holds characters that form and JSON encoding change, so
	// that tests notice an echo of it in either form.
	testSecret = `Cl1ent+Secret/"x"&y`
)

// testBundle is a client wired to a fresh fake Keycloak.
type testBundle struct {
	kc     *keycloaktest.Server
	client *Client
}

func setup(t *testing.T) testBundle {
	t.Helper()
	kc := keycloaktest.NewServer(t, testRealm, testClientID, testSecret)
	return testBundle{kc: kc, client: mustNew(t, testConfig(kc.URL()))}
}

func testConfig(url string) Config {
	return Config{URL: url, Realm: testRealm, ClientID: testClientID, ClientSecret: testSecret, Timeout: 5 * time.Second}
}

func mustNew(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func mustCreateUser(t *testing.T, c *Client, email, password string) string {
	t.Helper()
	id, err := c.CreateUser(context.Background(), NewUser{Email: email, FirstName: "Ann", LastName: "Lee"}, password)
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return id
}

func mustGeneratePassword(t *testing.T) string {
	t.Helper()
	p, err := GeneratePassword()
	if err != nil {
		t.Fatalf("GeneratePassword: %v", err)
	}
	return p
}

// newStub serves admin with a handler of the test's own and the token
// endpoint with a fixed token, for answers the fake never gives.
func newStub(t *testing.T, admin http.HandlerFunc) *httptest.Server {
	t.Helper()
	return newStubWithToken(t, nil, admin)
}

// newStubWithToken is newStub with a token endpoint of the test's own too;
// a nil handler gets the default (fixed token, or 404 for the admin API).
func newStubWithToken(t *testing.T, token, admin http.HandlerFunc) *httptest.Server {
	t.Helper()
	if token == nil {
		token = func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"stub-token","token_type":"Bearer","expires_in":300}`))
		}
	}
	if admin == nil {
		admin = http.NotFound
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /realms/"+testRealm+"/protocol/openid-connect/token", token)
	mux.HandleFunc("/admin/", admin)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}
