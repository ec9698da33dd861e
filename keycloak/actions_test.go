package keycloak

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"slices"
	"testing"
	"time"

	"basketball/keycloak/keycloaktest"
)

// TestUserWithoutPasswordGetsKeycloaksEmail: a user made without a
// password has no credential; execute-actions-email asks for
// UPDATE_PASSWORD with the lifespan, returning to the account console.
func TestUserWithoutPasswordGetsKeycloaksEmail(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	id, err := b.client.CreateUser(ctx, NewUser{Email: "Ann@Example.org", FirstName: "Ann"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := b.kc.Password(id); ok {
		t.Error("a user made without a password holds one")
	}
	if err := b.client.ExecuteActionsEmail(ctx, id, []string{ActionUpdatePassword}, 72*time.Hour); err != nil {
		t.Fatal(err)
	}
	got := b.kc.ActionsEmails()
	want := []keycloaktest.ActionsEmail{{UserID: id, Email: "ann@example.org", Actions: []string{"UPDATE_PASSWORD"},
		Lifespan: 72 * time.Hour, ClientID: "account-console", RedirectURI: b.client.LoginURL() + "/"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("calls = %+v\nwant    %+v", got, want)
	}

	err = b.client.ExecuteActionsEmail(ctx, "no-such-user", []string{ActionUpdatePassword}, time.Hour)
	if !errors.Is(err, ErrNotFound) || !NotSent(err) {
		t.Errorf("unknown user: %v (not sent: %v)", err, NotSent(err))
	}
	b.kc.SetActionsEmailFailing(true)
	err = b.client.ExecuteActionsEmail(ctx, id, []string{ActionUpdatePassword}, time.Hour)
	var api *APIError
	if !errors.As(err, &api) || api.Status != http.StatusInternalServerError || !NotSent(err) {
		t.Errorf("failing realm SMTP: %v", err)
	}
	if n := len(b.kc.ActionsEmails()); n != 1 {
		t.Errorf("%d calls recorded, want 1", n)
	}
}

// TestExecuteActionsEmailRequest checks the request as Keycloak's API
// names it: PUT, query lifespan (seconds), client_id, redirect_uri, body a
// JSON array of actions.
func TestExecuteActionsEmailRequest(t *testing.T) {
	t.Parallel()
	var method, path string
	var query map[string][]string
	var body []string
	srv := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		method, path, query = r.Method, r.URL.Path, r.URL.Query()
		_ = json.NewDecoder(r.Body).Decode(&body)
		w.WriteHeader(http.StatusNoContent)
	})
	c := mustNew(t, testConfig(srv.URL))
	if err := c.ExecuteActionsEmail(context.Background(), "u 1", []string{ActionUpdatePassword}, 259200*time.Second); err != nil {
		t.Fatal(err)
	}
	wantQuery := map[string][]string{"lifespan": {"259200"}, "client_id": {"account-console"},
		"redirect_uri": {srv.URL + "/realms/" + testRealm + "/account/"}}
	if method != http.MethodPut || path != "/admin/realms/"+testRealm+"/users/u 1/execute-actions-email" ||
		!reflect.DeepEqual(query, wantQuery) || !slices.Equal(body, []string{"UPDATE_PASSWORD"}) {
		t.Errorf("%s %s %v %v", method, path, query, body)
	}
}

// TestNotSent: only failures before the request left, or answers with an
// error status, say "not sent"; a timeout may have reached Keycloak.
func TestNotSent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Nothing listens on port 1 of loopback: the dial fails.
	c := mustNew(t, testConfig("http://127.0.0.1:1"))
	if err := c.ExecuteActionsEmail(ctx, "u", []string{ActionUpdatePassword}, time.Hour); err == nil || !NotSent(err) {
		t.Errorf("unreachable Keycloak: %v, not sent: %v", err, NotSent(err))
	}
	refused := newStubWithToken(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"unauthorized_client"}`))
	}, nil)
	if err := mustNew(t, testConfig(refused.URL)).ExecuteActionsEmail(ctx, "u", []string{ActionUpdatePassword}, time.Hour); err == nil || !NotSent(err) {
		t.Errorf("token refused: %v, not sent: %v", err, NotSent(err))
	}
	release := make(chan struct{})
	slow := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // the request arrived whole
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(release) }) // before the server's Close
	cfg := testConfig(slow.URL)
	cfg.Timeout = 200 * time.Millisecond
	if err := mustNew(t, cfg).ExecuteActionsEmail(ctx, "u", []string{ActionUpdatePassword}, time.Hour); err == nil || NotSent(err) {
		t.Errorf("timed out after sending: %v, not sent: %v (it may have been carried out)", err, NotSent(err))
	}
}

// TestUnverifiedUserCannotLogIn: the stand-in refuses a login while
// VERIFY_EMAIL is pending, as Keycloak does, and lets the user in once the
// address is verified.
func TestUnverifiedUserCannotLogIn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pw := mustGeneratePassword(t)
	id, err := b.client.CreateUser(context.Background(), NewUser{Email: "x@example.org",
		RequiredActions: []string{ActionVerifyEmail, ActionUpdatePassword}}, pw)
	if err != nil {
		t.Fatal(err)
	}
	u, err := b.client.FindUserByEmail(context.Background(), "x@example.org")
	if err != nil || u.EmailVerified || !slices.Equal(u.RequiredActions, []string{"VERIFY_EMAIL", "UPDATE_PASSWORD"}) {
		t.Fatalf("user = %+v, %v", u, err)
	}
	if b.kc.CheckPassword("x@example.org", pw) || b.kc.Login("x@example.org", pw) != keycloaktest.LoginVerifyEmail {
		t.Error("an unverified user logs in")
	}
	b.kc.VerifyEmail(id)
	if !b.kc.CheckPassword("x@example.org", pw) {
		t.Error("the verified user cannot log in")
	}
}
