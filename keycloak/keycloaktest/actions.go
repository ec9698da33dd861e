package keycloaktest

import (
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// accountClients are the clients the fake realm has for
// execute-actions-email's client_id: Keycloak's built-in account clients,
// whose valid redirect URIs are the realm's account console.
var accountClients = map[string]bool{"account": true, "account-console": true}

// defaultActionsLifespan is Keycloak's default lifespan of an
// execute-actions link (12 hours) when the call names none.
const defaultActionsLifespan = 12 * time.Hour

// SetActionsEmailFailing makes execute-actions-email answer 500, as
// Keycloak does when the realm's SMTP server refuses the email.
func (s *Server) SetActionsEmailFailing(failing bool) {
	s.mu.Lock()
	s.actionsEmailFailing = failing
	s.mu.Unlock()
}

// handleExecuteActionsEmail implements PUT
// /admin/realms/{realm}/users/{id}/execute-actions-email: the body is a
// JSON array of required actions; lifespan (seconds), client_id and
// redirect_uri are query parameters. It answers as Keycloak does: 404 for
// an unknown user, 400 for a user without email or disabled, an unknown
// client or a redirect URI outside the client's, 500 when sending fails,
// else 204 (recording the call instead of sending).
func (s *Server) handleExecuteActionsEmail(w http.ResponseWriter, r *http.Request) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeJSON(w, http.StatusUnsupportedMediaType, map[string]string{"error": "HTTP 415 Unsupported Media Type"})
		return
	}
	var actions []string
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&actions); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unknown_error", "errorMessage": "Malformed JSON body"})
		return
	}
	q := r.URL.Query()
	lifespan := defaultActionsLifespan
	if v := q.Get("lifespan"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid lifespan"})
			return
		}
		lifespan = time.Duration(n) * time.Second
	}
	clientID, redirect := q.Get("client_id"), q.Get("redirect_uri")
	accountURL := "http://" + r.Host + "/realms/" + s.realm + "/account/"

	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.users[r.PathValue("id")]
	switch {
	case !ok:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "User not found"})
	case rec.Email == "":
		writeJSON(w, http.StatusBadRequest, map[string]string{"errorMessage": "User email missing"})
	case !rec.Enabled:
		writeJSON(w, http.StatusBadRequest, map[string]string{"errorMessage": "User is disabled"})
	case redirect != "" && clientID == "":
		writeJSON(w, http.StatusBadRequest, map[string]string{"errorMessage": "Client id missing"})
	case clientID != "" && !accountClients[clientID]:
		writeJSON(w, http.StatusBadRequest, map[string]string{"errorMessage": "Client doesn't exist"})
	case redirect != "" && !strings.HasPrefix(redirect, accountURL):
		writeJSON(w, http.StatusBadRequest, map[string]string{"errorMessage": "Invalid redirect uri."})
	case s.actionsEmailFailing:
		writeJSON(w, http.StatusInternalServerError, map[string]string{"errorMessage": "Failed to send execute actions email"})
	default:
		s.actionsEmails = append(s.actionsEmails, ActionsEmail{UserID: rec.ID, Email: rec.Email, Actions: actions,
			Lifespan: lifespan, ClientID: clientID, RedirectURI: redirect})
		w.WriteHeader(http.StatusNoContent)
	}
}
