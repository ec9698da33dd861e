package staff

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"basketball"
)

// Login returns the handler of GET /admin/login: it sends the browser to
// the issuer (authorization code flow, PKCE S256, fresh state and nonce kept
// in the session). ?next= names the /admin page to return to. Someone
// already signed in goes straight there.
func (a *Auth) Login() http.Handler {
	return a.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		next := safeNext(r.URL.Query().Get("next"))
		if _, ok, err := a.sessionStaff(ctx); err != nil {
			a.writeError(w, r, err)
			return
		} else if ok {
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
		iss, err := a.discover(ctx)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
		a.sessions.Put(ctx, keyState, state)
		a.sessions.Put(ctx, keyNonce, nonce)
		a.sessions.Put(ctx, keyVerifier, verifier)
		a.sessions.Put(ctx, keyNext, next)
		a.sessions.Put(ctx, keyStarted, a.cfg.Now().UnixNano())
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, iss.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusFound)
	}))
}

// Callback returns the handler of GET /admin/callback, where the issuer
// sends the browser back. It checks the state against the session,
// exchanges the code with the PKCE verifier, verifies the ID token (and its
// nonce) and the access token, reads the roles from the access token,
// starts a new session (new token) and returns to the page asked for.
func (a *Auth) Callback() http.Handler {
	return a.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		st, next, err := a.completeSignIn(r)
		if err != nil {
			if basketball.ErrorCode(err) == basketball.EUnauthenticated {
				a.cfg.Logger.Warn("staff sign-in refused", "err", err)
			}
			a.writeError(w, r, err)
			return
		}
		a.cfg.Logger.Info("staff signed in", "subject", st.Subject, "clubs", st.Clubs, "all_clubs", st.AllClubs)
		http.Redirect(w, r, next, http.StatusSeeOther)
	}))
}

// errSignIn is what the browser sees for a sign-in that cannot complete:
// a stale tab, a replayed callback, a forged one. Details go to the log.
var errSignIn = basketball.Errorf(basketball.EUnauthenticated, "the sign-in could not be completed; start again at "+LoginPath)

func signInFailed(cause error) error {
	e := *errSignIn
	e.Err = cause
	return &e
}

func (a *Auth) completeSignIn(r *http.Request) (basketball.Staff, string, error) {
	ctx := r.Context()
	q := r.URL.Query()
	// The pending login is used once, whatever happens next.
	state := a.sessions.PopString(ctx, keyState)
	nonce := a.sessions.PopString(ctx, keyNonce)
	verifier := a.sessions.PopString(ctx, keyVerifier)
	next := safeNext(a.sessions.PopString(ctx, keyNext))
	started := time.Unix(0, a.sessions.GetInt64(ctx, keyStarted))
	a.sessions.Remove(ctx, keyStarted)

	switch {
	case state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(q.Get("state"))) != 1:
		return basketball.Staff{}, "", signInFailed(errors.New("state does not match the session's"))
	case a.cfg.Now().Sub(started) > loginTimeout:
		return basketball.Staff{}, "", signInFailed(errors.New("sign-in started too long ago"))
	case q.Get("error") != "":
		return basketball.Staff{}, "", signInFailed(errors.New("issuer answered " + q.Get("error") + ": " + q.Get("error_description")))
	case q.Get("code") == "":
		return basketball.Staff{}, "", signInFailed(errors.New("no code"))
	}
	iss, err := a.discover(ctx)
	if err != nil {
		return basketball.Staff{}, "", err
	}
	tok, err := iss.oauth.Exchange(a.clientContext(ctx), q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500 {
			return basketball.Staff{}, "", signInFailed(err)
		}
		return basketball.Staff{}, "", &basketball.Error{Code: basketball.EUnavailable, Message: "staff sign-in is unavailable: the identity provider cannot be reached", Err: err}
	}
	rawID, _ := tok.Extra("id_token").(string)
	idTok, err := iss.idTokens.Verify(ctx, rawID)
	if err != nil {
		return basketball.Staff{}, "", signInFailed(err)
	}
	if subtle.ConstantTimeCompare([]byte(idTok.Nonce), []byte(nonce)) != 1 {
		return basketball.Staff{}, "", signInFailed(errors.New("nonce does not match the session's"))
	}
	if idTok.AccessTokenHash != "" {
		if err := idTok.VerifyAccessToken(tok.AccessToken); err != nil {
			return basketball.Staff{}, "", signInFailed(err)
		}
	}
	st, err := a.verifyAccessToken(ctx, iss, tok.AccessToken)
	if err != nil {
		return basketball.Staff{}, "", signInFailed(err)
	}
	if st.Subject != idTok.Subject {
		return basketball.Staff{}, "", signInFailed(errors.New("access and ID tokens name different subjects"))
	}
	var idClaims struct {
		Email string `json:"email"`
	}
	if err := idTok.Claims(&idClaims); err == nil && idClaims.Email != "" {
		st.Email = idClaims.Email
	}
	if err := a.signIn(ctx, st, rawID); err != nil {
		return basketball.Staff{}, "", err
	}
	return st, next, nil
}

// safeNext keeps a return path only if it is a path of the admin area on
// this site; anything else (another host, //host, a scheme, ../ tricks,
// the sign-in routes themselves) becomes /admin.
func safeNext(next string) string {
	const home = "/admin"
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\x00\r\n\t") {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return home
	}
	p := path.Clean(u.Path)
	if p != u.Path && p+"/" != u.Path {
		return home
	}
	if p != home && !strings.HasPrefix(p, home+"/") {
		return home
	}
	switch p {
	case LoginPath, CallbackPath, LogoutPath, DemoLoginPath:
		return home
	}
	return u.RequestURI()
}
