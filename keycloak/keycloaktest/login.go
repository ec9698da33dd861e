package keycloaktest

import (
	"bytes"
	"html/template"
	"net/http"
)

// loginPage is the fake's stand-in for Keycloak's login: a form that says
// whether an email and password would log in. It is marked TEST MODE: no
// session is made and nothing else can be done with the account.
var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>TEST MODE – Log in</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1b1f24}
main{max-width:28rem;margin:0 auto;padding:1rem}
.testmode{background:#b42318;color:#fff;text-align:center;font-weight:700;padding:.5rem}
label{display:block;margin:.6rem 0 .2rem}
input{width:100%;font-size:1rem;padding:.5rem;box-sizing:border-box}
button{margin-top:1rem;font-size:1rem;padding:.6rem 1rem}
.ok{background:#ecfdf3;border:1px solid #067647;padding:.6rem}
.bad{background:#fef3f2;border:1px solid #b42318;padding:.6rem}
</style>
</head>
<body>
<div class="testmode" role="status">TEST MODE — a stand-in for Keycloak, not a real login</div>
<main>
<h1>Log in to {{.Realm}}</h1>
<p>This page stands in for Keycloak's login in the offline demo. It checks that an email and the password from a
confirmation email would log in; a real Keycloak would then ask for a new password, since the emailed one is temporary.</p>
{{if .Checked}}{{if eq .Outcome "ok"}}<p class="ok" id="login-result">The password is valid: {{.Email}} can log in.</p>
{{else if eq .Outcome "verify_email"}}<p class="bad" id="login-result">The password is right, but this account must first confirm its
email address: Keycloak would now mail a link to {{.Email}} and let the user in only once it is followed (the account's password was shown
on the registration's answer, so only the mailbox's owner may use it).</p>
<form method="post" action="/test-login/verify-email"><input type="hidden" name="email" value="{{.Email}}">
<button type="submit" id="verify-email">Follow the link Keycloak would mail (TEST MODE)</button></form>
{{else if eq .Outcome "verified"}}<p class="ok" id="login-result">{{.Email}} is confirmed, as if its owner had followed Keycloak's link: log in again.</p>
{{else}}<p class="bad" id="login-result">That email and password would not log in.</p>{{end}}{{end}}
<form method="post" action="/test-login">
<label for="email">Email</label><input id="email" name="email" type="email" value="{{.Email}}" autocomplete="username">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit">Check the login</button>
</form>
</main>
</body>
</html>
`))

type loginData struct {
	Realm, Email string
	Checked      bool
	Outcome      string // Login's
}

// handleLoginPage shows the test login form. It answers both /test-login
// and the realm's account URL, which is the login link of emails.
func (s *Server) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	s.renderLogin(w, http.StatusOK, loginData{Realm: s.realm})
}

// handleVerifyEmail stands for following the verification link Keycloak
// mails to an account with VERIFY_EMAIL pending.
func (s *Server) handleVerifyEmail(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	email := r.PostForm.Get("email")
	outcome := LoginRefused
	if s.VerifyEmailAddress(email) {
		outcome = "verified"
	}
	s.renderLogin(w, http.StatusOK, loginData{Realm: s.realm, Email: email, Checked: true, Outcome: outcome})
}

// handleLoginCheck answers the test login form.
func (s *Server) handleLoginCheck(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	email := r.PostForm.Get("email")
	s.renderLogin(w, http.StatusOK, loginData{Realm: s.realm, Email: email, Checked: true,
		Outcome: s.Login(email, r.PostForm.Get("password"))})
}

func (s *Server) renderLogin(w http.ResponseWriter, status int, d loginData) {
	var buf bytes.Buffer
	if err := loginPage.Execute(&buf, d); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}
