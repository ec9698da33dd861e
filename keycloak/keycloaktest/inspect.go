package keycloaktest

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// Users returns a snapshot of every user, in creation order.
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, s.users[id].snapshot())
	}
	return out
}

// AddUser stores u as if an administrator had created it, with password as
// its temporary credential when non-empty, and returns it as stored (ID
// assigned when empty, username and email lower-cased). Username defaults
// to the email. It lets tests start from "the parent already has an
// account".
func (s *Server) AddUser(u User, password string) User {
	if u.ID == "" {
		u.ID = uuid.NewString()
	}
	if u.Username == "" {
		u.Username = u.Email
	}
	u.Username, u.Email = strings.ToLower(u.Username), strings.ToLower(u.Email)
	u.Attributes = cloneAttributes(u.Attributes)
	u.RequiredActions = slices.Clone(u.RequiredActions)
	rec := &record{User: u, password: password, temporary: password != ""}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[u.ID]; !ok {
		s.order = append(s.order, u.ID)
	}
	s.users[u.ID] = rec
	return rec.snapshot()
}

// Password returns the password credential of a user and whether it is
// temporary; ok is false when the user is unknown or has no password.
func (s *Server) Password(userID string) (value string, temporary bool, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, found := s.users[userID]
	if !found || rec.password == "" {
		return "", false, false
	}
	return rec.password, rec.temporary, true
}

// CheckPassword reports whether password would log the user with this
// email (any case) in: the user exists, is enabled, holds that password,
// temporary or not, and has no VERIFY_EMAIL pending (Keycloak lets nobody
// in before the address is confirmed).
func (s *Server) CheckPassword(email, password string) bool {
	return s.Login(email, password) == LoginOK
}

// Outcomes of Login.
const (
	LoginOK = "ok"
	// LoginVerifyEmail: the password is right, but Keycloak would first
	// mail a link to the address and let the user in only once it is
	// followed.
	LoginVerifyEmail = "verify_email"
	LoginRefused     = "refused"
)

// Login says what Keycloak would do with this email and password.
func (s *Server) Login(email, password string) string {
	email = strings.ToLower(email)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rec := range s.users {
		if rec.Email != email {
			continue
		}
		if !rec.Enabled || rec.password == "" || subtle.ConstantTimeCompare([]byte(rec.password), []byte(password)) != 1 {
			return LoginRefused
		}
		if slices.Contains(rec.RequiredActions, "VERIFY_EMAIL") {
			return LoginVerifyEmail
		}
		return LoginOK
	}
	return LoginRefused
}

// VerifyEmail does what following Keycloak's verification link does: the
// address is verified and VERIFY_EMAIL is no longer required. It reports
// whether the user exists.
func (s *Server) VerifyEmail(userID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.users[userID]
	if ok {
		rec.EmailVerified = true
		rec.RequiredActions = slices.DeleteFunc(rec.RequiredActions, func(a string) bool { return a == "VERIFY_EMAIL" })
	}
	return ok
}

// VerifyEmailAddress is VerifyEmail for the user with this email (any
// case).
func (s *Server) VerifyEmailAddress(email string) bool {
	email = strings.ToLower(email)
	s.mu.Lock()
	id := ""
	for _, rec := range s.users {
		if rec.Email == email {
			id = rec.ID
		}
	}
	s.mu.Unlock()
	return id != "" && s.VerifyEmail(id)
}

// ActionsEmails returns every execute-actions-email call accepted so far,
// oldest first.
func (s *Server) ActionsEmails() []ActionsEmail {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ActionsEmail, len(s.actionsEmails))
	for i, a := range s.actionsEmails {
		a.Actions = slices.Clone(a.Actions)
		out[i] = a
	}
	return out
}

// SetDown makes every endpoint answer 503 while down is true.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	s.down = down
	s.mu.Unlock()
}

// ExpireTokens invalidates every token issued so far: the admin API answers
// 401 to them, as after a revocation or an early expiry.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	clear(s.tokens)
	s.mu.Unlock()
}

// TokensIssued counts the access tokens granted since the start.
func (s *Server) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokensIssued
}

// AdminRequests counts the requests that reached the admin API, including
// those refused with 401.
func (s *Server) AdminRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.adminRequests
}

func (r *record) snapshot() User {
	u := r.User
	u.Attributes = cloneAttributes(u.Attributes)
	u.RequiredActions = slices.Clone(u.RequiredActions)
	return u
}

func cloneAttributes(a map[string][]string) map[string][]string {
	if a == nil {
		return nil
	}
	out := make(map[string][]string, len(a))
	for k, v := range a {
		out[k] = slices.Clone(v)
	}
	return out
}

// testUser is what GET /_test/users shows: never the password itself.
type testUser struct {
	userRepresentation
	HasPassword       bool `json:"hasPassword"`
	TemporaryPassword bool `json:"temporaryPassword"`
}

// handleTestUsers lists users for a person inspecting the fake by hand.
func (s *Server) handleTestUsers(w http.ResponseWriter, _ *http.Request) {
	out := []testUser{}
	for _, u := range s.Users() {
		_, temporary, ok := s.Password(u.ID)
		out = append(out, testUser{userRepresentation: representation(u), HasPassword: ok, TemporaryPassword: temporary})
	}
	writeJSON(w, http.StatusOK, out)
}

// handleTestCheckPassword answers {"ok": bool, "outcome": …} to
// {"email","password"}, so that someone can check that the password in an
// email really logs in; outcome "verify_email" means it is right but the
// address must be confirmed first.
func (s *Server) handleTestCheckPassword(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body must be {\"email\",\"password\"}"})
		return
	}
	outcome := s.Login(in.Email, in.Password)
	writeJSON(w, http.StatusOK, map[string]any{"ok": outcome == LoginOK, "outcome": outcome})
}
