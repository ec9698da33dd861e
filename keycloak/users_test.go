package keycloak

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func TestFindUserByEmail(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	id := mustCreateUser(t, b.client, "Ann.Lee@Example.org", mustGeneratePassword(t))
	mustCreateUser(t, b.client, "joann.lee@example.org", mustGeneratePassword(t))

	tests := []struct {
		name, email string
		wantID      string // "" means ErrNotFound
	}{
		{"same case as created", "Ann.Lee@Example.org", id},
		{"lower case", "ann.lee@example.org", id},
		{"upper case", "ANN.LEE@EXAMPLE.ORG", id},
		{"unknown", "bob@example.org", ""},
		{"substring of another user", "lee@example.org", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u, err := b.client.FindUserByEmail(ctx, tt.email)
			if tt.wantID == "" {
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("FindUserByEmail(%s) = %+v, %v; want ErrNotFound", tt.email, u, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("FindUserByEmail(%s): %v", tt.email, err)
			}
			want := User{ID: tt.wantID, Username: "ann.lee@example.org", Email: "ann.lee@example.org", FirstName: "Ann", LastName: "Lee", Enabled: true}
			if !reflect.DeepEqual(u, want) {
				t.Fatalf("FindUserByEmail(%s) = %+v, want %+v", tt.email, u, want)
			}
		})
	}
}

// A Keycloak that ignores exact=true answers substring matches; the client
// must still pick only the exact one.
func TestFindUserByEmailFiltersClientSide(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, answer string
		wantID       string // "" means ErrNotFound
	}{
		{"exact among substrings", `[{"id":"1","email":"joann@example.org"},{"id":"2","email":"ANN@example.org"}]`, "2"},
		{"only substrings", `[{"id":"1","email":"joann@example.org"}]`, ""},
		{"empty", `[]`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var gotQuery, gotAuth string
			srv := newStub(t, func(w http.ResponseWriter, r *http.Request) {
				gotQuery, gotAuth = r.URL.RawQuery, r.Header.Get("Authorization")
				_, _ = io.WriteString(w, tt.answer)
			})
			u, err := mustNew(t, testConfig(srv.URL)).FindUserByEmail(context.Background(), "ann@example.org")
			if gotQuery != "email=ann%40example.org&exact=true" || gotAuth != "Bearer stub-token" {
				t.Errorf("request query %q, auth %q", gotQuery, gotAuth)
			}
			if tt.wantID == "" {
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("got %+v, %v; want ErrNotFound", u, err)
				}
				return
			}
			if err != nil || u.ID != tt.wantID {
				t.Fatalf("got %+v, %v; want id %s", u, err, tt.wantID)
			}
		})
	}
}

func TestFindUserByEmailRequiresEmail(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if _, err := b.client.FindUserByEmail(context.Background(), " "); err == nil || errors.Is(err, ErrNotFound) {
		t.Fatalf("empty email: got %v, want a validation error", err)
	}
	if n := b.kc.AdminRequests(); n != 0 {
		t.Fatalf("empty email sent %d requests; it would list the whole realm", n)
	}
}

func TestCreateUser(t *testing.T) {
	t.Parallel()
	b := setup(t)
	password := mustGeneratePassword(t)
	attrs := map[string][]string{"club": {"demo"}}
	id, err := b.client.CreateUser(context.Background(),
		NewUser{Email: "Parent@Example.org", FirstName: "Pat", LastName: "Doe", Attributes: attrs, EmailVerified: true}, password)
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}

	users := b.kc.Users()
	if len(users) != 1 || users[0].ID != id {
		t.Fatalf("fake holds %+v, want one user with id %q", users, id)
	}
	u := users[0]
	if u.Username != "parent@example.org" || u.Email != "parent@example.org" || u.FirstName != "Pat" || u.LastName != "Doe" ||
		!u.Enabled || !u.EmailVerified || !reflect.DeepEqual(u.Attributes, attrs) {
		t.Errorf("stored user = %+v", u)
	}
	if got, temporary, ok := b.kc.Password(id); !ok || got != password || !temporary {
		t.Errorf("stored password matches: %v, temporary: %v, ok: %v", got == password, temporary, ok)
	}
	if !b.kc.CheckPassword("parent@example.org", password) {
		t.Errorf("the password does not log the parent in")
	}
}

// The body is checked as JSON because the fake accepts what it needs but
// Keycloak's field names are the contract.
func TestCreateUserSendsRepresentation(t *testing.T) {
	t.Parallel()
	var got map[string]any
	srv := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/admin/realms/"+testRealm+"/users" || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("request %s %s %s", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
		}
		_ = json.NewDecoder(r.Body).Decode(&got)
		w.Header().Set("Location", "/admin/realms/"+testRealm+"/users/abc")
		w.WriteHeader(http.StatusCreated)
	})
	_, err := mustNew(t, testConfig(srv.URL)).CreateUser(context.Background(),
		NewUser{Email: "p@example.org", FirstName: "Pat", LastName: "Doe", Attributes: map[string][]string{"k": {"v"}}, EmailVerified: true}, "pw-123456789")
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	want := map[string]any{
		"username": "p@example.org", "email": "p@example.org", "firstName": "Pat", "lastName": "Doe",
		"enabled": true, "emailVerified": true,
		"attributes":  map[string]any{"k": []any{"v"}},
		"credentials": []any{map[string]any{"type": "password", "value": "pw-123456789", "temporary": true}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("body = %v\nwant   %v", got, want)
	}
}

func TestCreateUserIDFromLocation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, location string
		wantID         string // "" means an error
	}{
		{"absolute", "http://kc.example/admin/realms/basketball/users/5b1c-42", "5b1c-42"},
		{"relative", "/auth/admin/realms/basketball/users/abc", "abc"},
		{"trailing slash", "http://kc.example/admin/realms/basketball/users/abc/", "abc"},
		{"missing", "", ""},
		{"not a user", "http://kc.example/admin/realms/basketball/groups/abc", ""},
		{"no id", "http://kc.example/admin/realms/basketball/users/", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newStub(t, func(w http.ResponseWriter, _ *http.Request) {
				if tt.location != "" {
					w.Header().Set("Location", tt.location)
				}
				w.WriteHeader(http.StatusCreated)
			})
			id, err := mustNew(t, testConfig(srv.URL)).CreateUser(context.Background(), NewUser{Email: "p@example.org"}, "pw-123456789")
			if tt.wantID == "" {
				if err == nil {
					t.Fatalf("got id %q, want an error", id)
				}
				return
			}
			if err != nil || id != tt.wantID {
				t.Fatalf("got %q, %v; want %q", id, err, tt.wantID)
			}
		})
	}
}

func TestCreateUserExists(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	first := mustCreateUser(t, b.client, "ann@example.org", mustGeneratePassword(t))

	for _, email := range []string{"ann@example.org", "ANN@example.org"} {
		_, err := b.client.CreateUser(ctx, NewUser{Email: email}, mustGeneratePassword(t))
		var apiErr *APIError
		if !errors.Is(err, ErrUserExists) || !errors.As(err, &apiErr) || apiErr.Status != http.StatusConflict {
			t.Fatalf("CreateUser(%s) again: %v; want ErrUserExists from a 409", email, err)
		}
		if !strings.Contains(err.Error(), "User exists with same") {
			t.Errorf("error %q lacks Keycloak's errorMessage", err)
		}
	}
	if users := b.kc.Users(); len(users) != 1 || users[0].ID != first {
		t.Fatalf("fake holds %+v, want only %s", users, first)
	}
}

// Siblings' jobs for the same parent may run at once: one account, and
// every other job learns that it exists.
func TestCreateUserConcurrentSameEmail(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const n = 12
	var (
		wg                sync.WaitGroup
		mu                sync.Mutex
		created, existing int
		others            []error
	)
	passwords := make([]string, n)
	for i := range passwords {
		passwords[i] = mustGeneratePassword(t)
	}
	for i := range n {
		wg.Go(func() {
			email := "family@example.org"
			if i%2 == 1 {
				email = "Family@Example.org"
			}
			_, err := b.client.CreateUser(context.Background(), NewUser{Email: email}, passwords[i])
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				created++
			case errors.Is(err, ErrUserExists):
				existing++
			default:
				others = append(others, err)
			}
		})
	}
	wg.Wait()
	if created != 1 || existing != n-1 || len(others) != 0 {
		t.Fatalf("created %d, exists %d, other errors %v; want 1, %d, none", created, existing, others, n-1)
	}
	if got := len(b.kc.Users()); got != 1 {
		t.Fatalf("fake holds %d users, want 1", got)
	}
}

func TestResetPassword(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	old := mustGeneratePassword(t)
	id := mustCreateUser(t, b.client, "ann@example.org", old)
	fresh := mustGeneratePassword(t)

	if err := b.client.ResetPassword(ctx, id, fresh); err != nil {
		t.Fatalf("ResetPassword: %v", err)
	}
	if got, temporary, ok := b.kc.Password(id); !ok || got != fresh || !temporary {
		t.Errorf("after reset: new password stored %v, temporary %v, ok %v", got == fresh, temporary, ok)
	}
	if b.kc.CheckPassword("ann@example.org", old) || !b.kc.CheckPassword("ann@example.org", fresh) {
		t.Errorf("old password still works or new one does not")
	}

	err := b.client.ResetPassword(ctx, "no-such-user", fresh)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("ResetPassword(unknown): %v, want ErrNotFound", err)
	}
}
