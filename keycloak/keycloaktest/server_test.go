package keycloaktest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const (
	realm  = "basketball"
	client = "basketball-api"
	secret = "s3cret+/=&x" // changes under form encoding
)

func setup(t *testing.T) *Server {
	t.Helper()
	return NewServer(t, realm, client, secret)
}

// send makes a request and returns the status and body.
func send(t *testing.T, method, u, contentType, body string, header map[string]string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func tokenURL(s *Server) string {
	return s.URL() + "/realms/" + realm + "/protocol/openid-connect/token"
}
func usersURL(s *Server) string { return s.URL() + "/admin/realms/" + realm + "/users" }

func mustToken(t *testing.T, s *Server) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {client}, "client_secret": {secret}}
	status, _, body := send(t, "POST", tokenURL(s), "application/x-www-form-urlencoded", form.Encode(), nil)
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if status != 200 || json.Unmarshal([]byte(body), &tok) != nil || tok.AccessToken == "" || tok.TokenType != "Bearer" || tok.ExpiresIn <= 0 {
		t.Fatalf("token: %d %s", status, body)
	}
	return tok.AccessToken
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

func mustCreate(t *testing.T, s *Server, tok, body string) string {
	t.Helper()
	status, h, resp := send(t, "POST", usersURL(s), "application/json", body, bearer(tok))
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, resp)
	}
	loc := h.Get("Location")
	prefix := usersURL(s) + "/"
	if !strings.HasPrefix(loc, prefix) || len(loc) == len(prefix) {
		t.Fatalf("Location %q, want %s{id}", loc, prefix)
	}
	return strings.TrimPrefix(loc, prefix)
}

func TestToken(t *testing.T) {
	t.Parallel()
	s := setup(t)
	form := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	basic := func(id, pw string) map[string]string {
		r, _ := http.NewRequest("GET", "/", nil)
		r.SetBasicAuth(id, pw)
		return map[string]string{"Authorization": r.Header.Get("Authorization")}
	}
	tests := []struct {
		name       string
		url        string
		body       string
		header     map[string]string
		wantStatus int
		wantError  string
	}{
		{"form credentials", tokenURL(s), form("grant_type", "client_credentials", "client_id", client, "client_secret", secret), nil, 200, ""},
		{"basic, form-encoded per RFC 6749", tokenURL(s), form("grant_type", "client_credentials"), basic(url.QueryEscape(client), url.QueryEscape(secret)), 200, ""},
		{"basic, raw", tokenURL(s), form("grant_type", "client_credentials"), basic(client, secret), 200, ""},
		{"wrong secret", tokenURL(s), form("grant_type", "client_credentials", "client_id", client, "client_secret", "nope"), nil, 401, "invalid_client"},
		{"wrong basic secret", tokenURL(s), form("grant_type", "client_credentials"), basic(client, "nope"), 401, "invalid_client"},
		{"wrong client", tokenURL(s), form("grant_type", "client_credentials", "client_id", "other", "client_secret", secret), nil, 401, "invalid_client"},
		{"no credentials", tokenURL(s), form("grant_type", "client_credentials"), nil, 401, "invalid_client"},
		{"no grant", tokenURL(s), form("client_id", client, "client_secret", secret), nil, 400, "invalid_request"},
		{"password grant", tokenURL(s), form("grant_type", "password", "client_id", client, "client_secret", secret), nil, 400, "unsupported_grant_type"},
		{"other realm", s.URL() + "/realms/master/protocol/openid-connect/token", form("grant_type", "client_credentials", "client_id", client, "client_secret", secret), nil, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, _, body := send(t, "POST", tt.url, "application/x-www-form-urlencoded", tt.body, tt.header)
			if status != tt.wantStatus || !strings.Contains(body, tt.wantError) {
				t.Fatalf("got %d %s, want %d with %q", status, body, tt.wantStatus, tt.wantError)
			}
			if status == 200 && !strings.Contains(body, `"access_token"`) {
				t.Fatalf("no access_token in %s", body)
			}
		})
	}
}

func TestAdminRequiresValidToken(t *testing.T) {
	t.Parallel()
	s := setup(t)
	tok := mustToken(t, s)
	if status, _, _ := send(t, "GET", usersURL(s), "", "", bearer(tok)); status != 200 {
		t.Fatalf("valid token: %d", status)
	}
	tests := []struct {
		name   string
		header map[string]string
	}{
		{"no header", nil},
		{"unknown token", bearer("forged")},
		{"basic instead of bearer", map[string]string{"Authorization": "Basic " + tok}},
	}
	for _, tt := range tests {
		if status, _, _ := send(t, "GET", usersURL(s), "", "", tt.header); status != 401 {
			t.Errorf("%s: %d, want 401", tt.name, status)
		}
	}
	s.ExpireTokens()
	if status, _, _ := send(t, "GET", usersURL(s), "", "", bearer(tok)); status != 401 {
		t.Errorf("after ExpireTokens: %d, want 401", status)
	}
	if status, _, _ := send(t, "GET", s.URL()+"/admin/realms/master/users", "", "", bearer(mustToken(t, s))); status != 404 {
		t.Errorf("other realm: %d, want 404", status)
	}
	if got := s.TokensIssued(); got != 2 {
		t.Errorf("TokensIssued = %d, want 2", got)
	}
}

func TestCreateUser(t *testing.T) {
	t.Parallel()
	s := setup(t)
	tok := mustToken(t, s)
	id := mustCreate(t, s, tok, `{"username":"Ann@Example.org","email":"Ann@Example.org","firstName":"Ann","lastName":"Lee",
		"enabled":true,"emailVerified":true,"attributes":{"club":["demo"]},
		"credentials":[{"type":"password","value":"Secret-1","temporary":true}]}`)

	users := s.Users()
	if len(users) != 1 {
		t.Fatalf("users = %+v", users)
	}
	u := users[0]
	if u.ID != id || u.Username != "ann@example.org" || u.Email != "ann@example.org" || u.FirstName != "Ann" ||
		u.LastName != "Lee" || !u.Enabled || !u.EmailVerified || u.Attributes["club"][0] != "demo" {
		t.Errorf("stored %+v", u)
	}
	if pw, temporary, ok := s.Password(id); pw != "Secret-1" || !temporary || !ok {
		t.Errorf("Password = %q %v %v", pw, temporary, ok)
	}
	users[0].Attributes["club"][0] = "changed"
	if s.Users()[0].Attributes["club"][0] != "demo" {
		t.Errorf("Users returned shared state, not a snapshot")
	}

	tests := []struct {
		name, contentType, body string
		wantStatus              int
		wantBody                string
	}{
		{"same username other case", "application/json", `{"username":"ANN@example.org","email":"other@example.org"}`, 409, "User exists with same username"},
		{"same email other case", "application/json", `{"username":"ann2","email":"ANN@EXAMPLE.ORG"}`, 409, "User exists with same email"},
		{"malformed JSON", "application/json", `{"username":`, 400, "error"},
		{"trailing garbage", "application/json", `{"username":"x"} x`, 400, "error"},
		{"unknown field", "application/json", `{"username":"bob","firstname":"Bob"}`, 400, "error"},
		{"no username", "application/json", `{"email":"bob@example.org"}`, 400, "username"},
		{"not JSON", "text/plain", `{"username":"bob"}`, 415, ""},
	}
	for _, tt := range tests {
		status, _, body := send(t, "POST", usersURL(s), tt.contentType, tt.body, bearer(tok))
		if status != tt.wantStatus || !strings.Contains(body, tt.wantBody) {
			t.Errorf("%s: got %d %s, want %d with %q", tt.name, status, body, tt.wantStatus, tt.wantBody)
		}
	}
	if n := len(s.Users()); n != 1 {
		t.Errorf("refused creations stored users: %d", n)
	}
}

func TestSearchAndGetUser(t *testing.T) {
	t.Parallel()
	s := setup(t)
	tok := mustToken(t, s)
	ann := mustCreate(t, s, tok, `{"username":"ann@example.org","email":"ann@example.org","enabled":true}`)
	joann := mustCreate(t, s, tok, `{"username":"joann@example.org","email":"joann@example.org","enabled":true}`)

	tests := []struct {
		query   string
		wantIDs []string
	}{
		{"email=ANN%40example.org&exact=true", []string{ann}},
		{"email=ann%40example.org", []string{ann, joann}}, // substring without exact
		{"email=nobody%40example.org&exact=true", nil},
		{"username=joann%40example.org&exact=true", []string{joann}},
		{"", []string{ann, joann}},
	}
	for _, tt := range tests {
		status, _, body := send(t, "GET", usersURL(s)+"?"+tt.query, "", "", bearer(tok))
		var got []struct{ ID string }
		if status != 200 || json.Unmarshal([]byte(body), &got) != nil {
			t.Fatalf("%s: %d %s", tt.query, status, body)
		}
		var ids []string
		for _, u := range got {
			ids = append(ids, u.ID)
		}
		if strings.Join(ids, ",") != strings.Join(tt.wantIDs, ",") {
			t.Errorf("%s: ids %v, want %v", tt.query, ids, tt.wantIDs)
		}
	}
	if status, _, body := send(t, "GET", usersURL(s)+"/"+ann, "", "", bearer(tok)); status != 200 || !strings.Contains(body, `"email":"ann@example.org"`) {
		t.Errorf("get user: %d %s", status, body)
	}
	if status, _, _ := send(t, "GET", usersURL(s)+"/nope", "", "", bearer(tok)); status != 404 {
		t.Errorf("get unknown user: %d, want 404", status)
	}
}

func TestResetPassword(t *testing.T) {
	t.Parallel()
	s := setup(t)
	tok := mustToken(t, s)
	id := mustCreate(t, s, tok, `{"username":"ann@example.org","email":"ann@example.org","enabled":true,
		"credentials":[{"type":"password","value":"first-pw","temporary":false}]}`)

	tests := []struct {
		name, id, body string
		wantStatus     int
	}{
		{"unknown user", "nope", `{"type":"password","value":"x","temporary":true}`, 404},
		{"malformed", id, `{"type":`, 400},
		{"empty value", id, `{"type":"password","value":"","temporary":true}`, 400},
		{"ok", id, `{"type":"password","value":"second-pw","temporary":true}`, 204},
	}
	for _, tt := range tests {
		status, _, body := send(t, "PUT", usersURL(s)+"/"+tt.id+"/reset-password", "application/json", tt.body, bearer(tok))
		if status != tt.wantStatus {
			t.Errorf("%s: %d %s, want %d", tt.name, status, body, tt.wantStatus)
		}
	}
	if pw, temporary, _ := s.Password(id); pw != "second-pw" || !temporary {
		t.Errorf("Password = %q temporary %v", pw, temporary)
	}
	if s.CheckPassword("ann@example.org", "first-pw") || !s.CheckPassword("ANN@example.org", "second-pw") {
		t.Errorf("CheckPassword does not follow the reset")
	}
}

func TestDown(t *testing.T) {
	t.Parallel()
	s := setup(t)
	tok := mustToken(t, s)
	s.SetDown(true)
	for _, u := range []string{tokenURL(s), usersURL(s), s.URL() + "/_test/users"} {
		method := "GET"
		if u == tokenURL(s) {
			method = "POST"
		}
		if status, _, _ := send(t, method, u, "", "", bearer(tok)); status != 503 {
			t.Errorf("%s %s while down: %d, want 503", method, u, status)
		}
	}
	s.SetDown(false)
	if status, _, _ := send(t, "GET", usersURL(s), "", "", bearer(tok)); status != 200 {
		t.Errorf("back up: %d, want 200 with the old token", status)
	}
}

func TestInspectionEndpoints(t *testing.T) {
	t.Parallel()
	s := setup(t)
	added := s.AddUser(User{Email: "Ann@Example.org", Enabled: true}, "the-Password-1")
	if added.ID == "" || added.Username != "ann@example.org" {
		t.Fatalf("AddUser = %+v", added)
	}

	status, _, body := send(t, "GET", s.URL()+"/_test/users", "", "", nil)
	if status != 200 || !strings.Contains(body, `"email":"ann@example.org"`) || !strings.Contains(body, `"temporaryPassword":true`) {
		t.Fatalf("/_test/users: %d %s", status, body)
	}
	if strings.Contains(body, "the-Password-1") {
		t.Fatalf("/_test/users shows the password: %s", body)
	}

	tests := []struct {
		body string
		want string
	}{
		{`{"email":"ANN@example.org","password":"the-Password-1"}`, `{"ok":true,"outcome":"ok"}`},
		{`{"email":"ann@example.org","password":"wrong"}`, `{"ok":false,"outcome":"refused"}`},
		{`{"email":"bob@example.org","password":"the-Password-1"}`, `{"ok":false,"outcome":"refused"}`},
	}
	for _, tt := range tests {
		status, _, body := send(t, "POST", s.URL()+"/_test/check-password", "application/json", tt.body, nil)
		if status != 200 || strings.TrimSpace(body) != tt.want {
			t.Errorf("check-password %s: %d %s, want %s", tt.body, status, body, tt.want)
		}
	}
	if status, _, _ := send(t, "POST", s.URL()+"/_test/check-password", "application/json", "{", nil); status != 400 {
		t.Errorf("malformed check-password: %d, want 400", status)
	}
}

func TestStart(t *testing.T) {
	t.Parallel()
	if _, err := Start("127.0.0.1:0", realm, client, ""); err == nil {
		t.Fatal("Start without a secret succeeded")
	}
	s, err := Start("127.0.0.1:0", realm, client, secret)
	if err != nil {
		t.Fatal(err)
	}
	mustToken(t, s)
	s.Close()
	s.Close() // a second Close is harmless
	if _, err := http.Get(s.URL() + "/_test/users"); err == nil {
		t.Fatal("server still answers after Close")
	}
}

// TestLoginPage: the test login form, also served at the realm's account
// URL (the login link of emails), says whether a password logs in.
func TestLoginPage(t *testing.T) {
	t.Parallel()
	s := setup(t)
	s.AddUser(User{Email: "ann@example.org", Enabled: true}, "the-Password-1")
	for _, path := range []string{"/test-login", "/realms/" + realm + "/account"} {
		status, _, body := send(t, "GET", s.URL()+path, "", "", nil)
		if status != 200 || !strings.Contains(body, "TEST MODE") || !strings.Contains(body, `action="/test-login"`) {
			t.Errorf("GET %s: %d\n%s", path, status, body)
		}
	}
	for pw, want := range map[string]string{"the-Password-1": "The password is valid", "wrong": "would not log in"} {
		status, _, body := send(t, "POST", s.URL()+"/test-login", "application/x-www-form-urlencoded",
			"email=ANN%40example.org&password="+pw, nil)
		if status != 200 || !strings.Contains(body, want) || strings.Contains(body, pw) {
			t.Errorf("check %q: %d\n%s", pw, status, body)
		}
	}
	// An account with VERIFY_EMAIL pending does not get in, and is told why.
	s.AddUser(User{Email: "bob@example.org", Enabled: true, RequiredActions: []string{"VERIFY_EMAIL"}}, "the-Password-2")
	status, _, body := send(t, "POST", s.URL()+"/test-login", "application/x-www-form-urlencoded", "email=bob%40example.org&password=the-Password-2", nil)
	if status != 200 || !strings.Contains(body, "must first confirm its") || strings.Contains(body, "The password is valid") {
		t.Errorf("unverified login: %d\n%s", status, body)
	}
	status, _, body = send(t, "POST", s.URL()+"/_test/check-password", "application/json", `{"email":"bob@example.org","password":"the-Password-2"}`, nil)
	if status != 200 || strings.TrimSpace(body) != `{"ok":false,"outcome":"verify_email"}` {
		t.Errorf("unverified check-password: %d %s", status, body)
	}
	// Following the link (the page's button) lets the password in.
	status, _, body = send(t, "POST", s.URL()+"/test-login/verify-email", "application/x-www-form-urlencoded", "email=BOB%40example.org", nil)
	if status != 200 || !strings.Contains(body, "is confirmed") || !s.CheckPassword("bob@example.org", "the-Password-2") {
		t.Errorf("verify email: %d\n%s", status, body)
	}
}
