package staff

import (
	"context"
	"errors"
	"slices"
	"strings"

	"basketball"
)

// accessClaims are the claims read from an access token: who, and the
// roles in Keycloak's places for them.
type accessClaims struct {
	Subject     string `json:"sub"`
	Email       string `json:"email"`
	AZP         string `json:"azp"`
	Typ         string `json:"typ"`
	RealmAccess struct {
		Roles []string `json:"roles"`
	} `json:"realm_access"`
	ResourceAccess map[string]struct {
		Roles []string `json:"roles"`
	} `json:"resource_access"`
}

// errBadToken is the one message every refused token gets: the client
// learns nothing about which check failed (the log does).
var errBadToken = basketball.Errorf(basketball.EUnauthenticated, "the access token is invalid or expired")

// verifyAccessToken checks an access token against the issuer's JWKS: a
// signature by one of its keys with an algorithm it announced (never
// "none" nor HMAC), iss, exp (and nbf), and the client in aud or azp. It
// returns the staff the token names, with the roles of realm_access and
// resource_access.{client}.
func (a *Auth) verifyAccessToken(ctx context.Context, iss *issuer, raw string) (basketball.Staff, error) {
	tok, err := iss.access.Verify(ctx, raw)
	if err != nil {
		return basketball.Staff{}, refused(err)
	}
	var c accessClaims
	if err := tok.Claims(&c); err != nil {
		return basketball.Staff{}, refused(err)
	}
	if !slices.Contains(tok.Audience, a.cfg.ClientID) && c.AZP != a.cfg.ClientID {
		return basketball.Staff{}, refused(errors.New("token is for another client (aud and azp)"))
	}
	// Keycloak marks its tokens: an ID token ("ID") or refresh token is not
	// an access token even when its audience is right.
	if c.Typ != "" && !strings.EqualFold(c.Typ, "Bearer") {
		return basketball.Staff{}, refused(errors.New("token type " + c.Typ + " is not an access token"))
	}
	if c.Subject == "" {
		return basketball.Staff{}, refused(errors.New("token has no subject"))
	}
	roles := slices.Clone(c.RealmAccess.Roles)
	roles = append(roles, c.ResourceAccess[a.cfg.ClientID].Roles...)
	return basketball.StaffFromRoles(c.Subject, c.Email, roles), nil
}

func refused(cause error) error {
	e := *errBadToken
	e.Err = cause
	return &e
}
