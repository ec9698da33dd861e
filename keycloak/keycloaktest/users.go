package keycloaktest

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// userRepresentation is the subset of Keycloak's UserRepresentation the
// fake understands. Unknown fields are rejected, as Keycloak does, so a
// misspelt field in a client fails loudly instead of being dropped.
type userRepresentation struct {
	ID              string                     `json:"id,omitempty"`
	Username        string                     `json:"username,omitempty"`
	Email           string                     `json:"email,omitempty"`
	FirstName       string                     `json:"firstName,omitempty"`
	LastName        string                     `json:"lastName,omitempty"`
	Enabled         bool                       `json:"enabled"`
	EmailVerified   bool                       `json:"emailVerified"`
	Attributes      map[string][]string        `json:"attributes,omitempty"`
	Credentials     []credentialRepresentation `json:"credentials,omitempty"`
	RequiredActions []string                   `json:"requiredActions,omitempty"`
	Groups          []string                   `json:"groups,omitempty"`
}

type credentialRepresentation struct {
	Type      string `json:"type"`
	Value     string `json:"value"`
	Temporary bool   `json:"temporary"`
}

func representation(u User) userRepresentation {
	return userRepresentation{
		ID:              u.ID,
		Username:        u.Username,
		Email:           u.Email,
		FirstName:       u.FirstName,
		LastName:        u.LastName,
		Enabled:         u.Enabled,
		EmailVerified:   u.EmailVerified,
		Attributes:      u.Attributes,
		RequiredActions: u.RequiredActions,
	}
}

// handleSearchUsers implements GET /admin/realms/{realm}/users with the
// email and username filters: substring matches, or exact ones with
// exact=true, both case-insensitive because Keycloak stores them
// lower-cased. Without filters it lists every user.
func (s *Server) handleSearchUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	exact := q.Get("exact") == "true"
	match := func(value, filter string) bool {
		if filter == "" {
			return true
		}
		if exact {
			return value == strings.ToLower(filter)
		}
		return strings.Contains(value, strings.ToLower(filter))
	}
	out := []userRepresentation{}
	for _, u := range s.Users() {
		if match(u.Email, q.Get("email")) && match(u.Username, q.Get("username")) {
			out = append(out, representation(u))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// handleCreateUser implements POST /admin/realms/{realm}/users: 201 with
// the new user's URL in Location, 409 when the username or email is taken.
func (s *Server) handleCreateUser(w http.ResponseWriter, r *http.Request) {
	var in userRepresentation
	if !decodeJSON(w, r, &in) {
		return
	}
	if strings.TrimSpace(in.Username) == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{
			"field": "username", "errorMessage": "error-user-attribute-required", "params": []string{"username"},
		})
		return
	}
	rec := &record{User: User{
		ID:              uuid.NewString(),
		Username:        strings.ToLower(in.Username),
		Email:           strings.ToLower(in.Email),
		FirstName:       in.FirstName,
		LastName:        in.LastName,
		Enabled:         in.Enabled,
		EmailVerified:   in.EmailVerified,
		Attributes:      cloneAttributes(in.Attributes),
		RequiredActions: slices.Clone(in.RequiredActions),
	}}
	for _, c := range in.Credentials {
		if c.Type == "password" {
			rec.password, rec.temporary = c.Value, c.Temporary
		}
	}

	s.mu.Lock()
	conflict := s.conflictLocked(rec.Username, rec.Email)
	if conflict == "" {
		s.users[rec.ID] = rec
		s.order = append(s.order, rec.ID)
	}
	s.mu.Unlock()
	if conflict != "" {
		writeJSON(w, http.StatusConflict, map[string]string{"errorMessage": conflict})
		return
	}
	w.Header().Set("Location", "http://"+r.Host+"/admin/realms/"+s.realm+"/users/"+rec.ID)
	w.WriteHeader(http.StatusCreated)
}

// conflictLocked returns Keycloak's message when username or email already
// belongs to a user, or "". s.mu must be held.
func (s *Server) conflictLocked(username, email string) string {
	for _, id := range s.order {
		u := s.users[id]
		if u.Username == username {
			return "User exists with same username"
		}
		if email != "" && u.Email == email {
			return "User exists with same email"
		}
	}
	return ""
}

// handleGetUser implements GET /admin/realms/{realm}/users/{id}.
func (s *Server) handleGetUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	rec, ok := s.users[r.PathValue("id")]
	var u User
	if ok {
		u = rec.snapshot()
	}
	s.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "User not found"})
		return
	}
	writeJSON(w, http.StatusOK, representation(u))
}

// handleResetPassword implements PUT
// /admin/realms/{realm}/users/{id}/reset-password: 204 on success.
func (s *Server) handleResetPassword(w http.ResponseWriter, r *http.Request) {
	var c credentialRepresentation
	if !decodeJSON(w, r, &c) {
		return
	}
	if c.Value == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "errorMessage": "Password cannot be empty"})
		return
	}
	s.mu.Lock()
	rec, ok := s.users[r.PathValue("id")]
	if ok {
		rec.password, rec.temporary = c.Value, c.Temporary
	}
	s.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "User not found"})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// decodeJSON reads a JSON body the way Keycloak's JAX-RS layer does: 415
// without a JSON content type, 400 for malformed JSON or unknown fields.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeJSON(w, http.StatusUnsupportedMediaType, map[string]string{"error": "HTTP 415 Unsupported Media Type"})
		return false
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil || !knownFieldsOnly(raw, v) || json.Unmarshal(raw, v) != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unknown_error", "errorMessage": "Malformed JSON body"})
		return false
	}
	return true
}

// knownFieldsOnly reports whether raw is a JSON object whose keys are all
// json names of struct v's fields, compared with case as Keycloak's
// Jackson does (encoding/json alone would accept "firstname").
func knownFieldsOnly(raw []byte, v any) bool {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return false
	}
	known := map[string]bool{}
	t := reflect.TypeOf(v).Elem()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		known[name] = true
	}
	for k := range obj {
		if !known[k] {
			return false
		}
	}
	return true
}
