package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	jose "github.com/go-jose/go-jose/v4"
)

// Claims are a token's payload. Tests change them freely before signing.
type Claims map[string]any

// clone copies c one level deep, enough for tests that replace claims.
func (c Claims) clone() Claims {
	d := make(Claims, len(c))
	for k, v := range c {
		d[k] = v
	}
	return d
}

// AccessTokenClaims returns the claims the token endpoint would put in an
// access token for u now: Keycloak's shape, with aud "account", azp the
// client, typ "Bearer" and the roles in realm_access and
// resource_access.{client}.
func (s *Server) AccessTokenClaims(u User) Claims {
	now := s.opts.Now()
	realm := append([]string{"offline_access", "uma_authorization"}, u.RealmRoles...)
	resource := map[string]any{"account": map[string]any{"roles": []string{"manage-account", "view-profile"}}}
	if len(u.ClientRoles) > 0 {
		resource[s.opts.ClientID] = map[string]any{"roles": append([]string(nil), u.ClientRoles...)}
	}
	c := Claims{
		"iss":             s.URL(),
		"sub":             u.Subject,
		"aud":             "account",
		"azp":             s.opts.ClientID,
		"typ":             "Bearer",
		"iat":             now.Unix(),
		"exp":             now.Add(s.opts.TokenLifetime).Unix(),
		"jti":             rand.Text(),
		"scope":           "openid email profile",
		"realm_access":    map[string]any{"roles": realm},
		"resource_access": resource,
	}
	if u.Email != "" {
		c["email"] = u.Email
		c["email_verified"] = true
	}
	return c
}

// AccessToken returns a valid access token for u, signed by the issuer.
func (s *Server) AccessToken(u User) string { return s.Sign(s.AccessTokenClaims(u)) }

// Sign signs claims with the issuer's key (RS256, the key id in the JWKS).
func (s *Server) Sign(c Claims) string { return sign(c, s.key, s.kid) }

// SignWithForeignKey signs claims RS256 with a key that is not the
// issuer's but carries the issuer's key id, as a forger would.
func (s *Server) SignWithForeignKey(c Claims) string { return sign(c, foreignKey(), s.kid) }

// Unsigned returns the claims as a JWT with "alg": "none" and no signature.
func Unsigned(c Claims) string {
	h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	return h + "." + base64.RawURLEncoding.EncodeToString(mustJSON(c)) + "."
}

// SignHS256 signs claims with a shared secret (HS256), an algorithm the
// issuer never uses.
func (s *Server) SignHS256(c Claims, secret []byte) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: secret},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", s.kid))
	if err != nil {
		panic(err)
	}
	return serialize(signer, c)
}

var foreignKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func sign(c Claims, key *rsa.PrivateKey, kid string) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		panic(err) // a fixed algorithm and a valid key: cannot fail
	}
	return serialize(signer, c)
}

func serialize(signer jose.Signer, c Claims) string {
	jws, err := signer.Sign(mustJSON(c))
	if err != nil {
		panic(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		panic(err)
	}
	return out
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("oidctest: claims: %v", err))
	}
	return b
}

func (s *Server) handleJWKS(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &s.key.PublicKey, KeyID: s.kid, Algorithm: string(jose.RS256), Use: "sig"},
	}})
}

// verifyOwn checks a token the issuer signed (id_token_hint) and returns
// its claims; expiry is not checked, as Keycloak accepts an expired hint.
func (s *Server) verifyOwn(token string) (Claims, error) {
	jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return nil, err
	}
	payload, err := jws.Verify(&s.key.PublicKey)
	if err != nil {
		return nil, err
	}
	var c Claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, err
	}
	return c, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
