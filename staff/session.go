package staff

import (
	"context"
	"time"

	"basketball"
)

// Session keys. Values are strings, booleans, int64 and []string, which
// scs's gob codec encodes without registration.
const (
	keySubject  = "staff.subject"
	keyEmail    = "staff.email"
	keyClubs    = "staff.clubs"
	keyAll      = "staff.all_clubs"
	keySince    = "staff.signed_in_at" // unix ns, by cfg.Now
	keySeen     = "staff.seen_at"      // unix ns, by cfg.Now
	keyIDToken  = "staff.id_token"     // for id_token_hint at sign-out
	keyState    = "login.state"
	keyNonce    = "login.nonce"
	keyVerifier = "login.verifier"
	keyNext     = "login.next"
	keyStarted  = "login.started_at" // unix ns
)

// loginTimeout bounds the time between /admin/login and the callback.
const loginTimeout = 15 * time.Minute

// signIn starts a fresh session for st: a new token (no fixation through a
// cookie planted before sign-in) carrying only the staff's fields.
func (a *Auth) signIn(ctx context.Context, st basketball.Staff, idToken string) error {
	if err := a.sessions.Clear(ctx); err != nil {
		return err
	}
	if err := a.sessions.RenewToken(ctx); err != nil {
		return err
	}
	now := a.cfg.Now().UnixNano()
	a.sessions.Put(ctx, keySubject, st.Subject)
	a.sessions.Put(ctx, keyEmail, st.Email)
	a.sessions.Put(ctx, keyClubs, st.Clubs)
	a.sessions.Put(ctx, keyAll, st.AllClubs)
	a.sessions.Put(ctx, keySince, now)
	a.sessions.Put(ctx, keySeen, now)
	if idToken != "" {
		a.sessions.Put(ctx, keyIDToken, idToken)
	}
	return nil
}

// sessionStaff returns the staff signed in to the loaded session. A
// session past its idle or absolute timeout by cfg.Now is destroyed. (scs
// enforces both timeouts too, through the store's expiry, but by the wall
// clock; checking here as well keeps the rule in one testable place.)
func (a *Auth) sessionStaff(ctx context.Context) (basketball.Staff, bool, error) {
	sub := a.sessions.GetString(ctx, keySubject)
	if sub == "" {
		return basketball.Staff{}, false, nil
	}
	now := a.cfg.Now()
	since := time.Unix(0, a.sessions.GetInt64(ctx, keySince))
	seen := time.Unix(0, a.sessions.GetInt64(ctx, keySeen))
	if now.Sub(since) >= a.cfg.Lifetime || now.Sub(seen) >= a.cfg.IdleTimeout {
		return basketball.Staff{}, false, a.sessions.Destroy(ctx)
	}
	a.sessions.Put(ctx, keySeen, now.UnixNano())
	clubs, _ := a.sessions.Get(ctx, keyClubs).([]string)
	return basketball.Staff{
		Subject:  sub,
		Email:    a.sessions.GetString(ctx, keyEmail),
		Clubs:    clubs,
		AllClubs: a.sessions.GetBool(ctx, keyAll),
	}, true, nil
}
