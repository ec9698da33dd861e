package keycloak

import (
	"context"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// tokenSource caches the service account's access token like
// oauth2.ReuseTokenSource (a new one shortly before expiry), and can also
// drop it when Keycloak refuses it early (revoked session, restarted
// server), which ReuseTokenSource cannot.
type tokenSource struct {
	conf    *clientcredentials.Config
	client  *http.Client // for token requests, with the per-request timeout
	timeout time.Duration

	mu  sync.Mutex // held during a fetch so that concurrent callers share it
	tok *oauth2.Token
}

func newTokenSource(conf *clientcredentials.Config, client *http.Client, timeout time.Duration) *tokenSource {
	return &tokenSource{conf: conf, client: client, timeout: timeout}
}

// Token implements oauth2.TokenSource.
func (s *tokenSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok.Valid() {
		return s.tok, nil
	}
	// oauth2.Transport gives Token no context, so the fetch gets its own
	// deadline rather than being unbounded.
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	tok, err := s.conf.Token(context.WithValue(ctx, oauth2.HTTPClient, s.client))
	if err != nil {
		return nil, err
	}
	s.tok = tok
	return tok, nil
}

// invalidate forgets the cached token if it is still the one Keycloak
// refused (accessToken), so that of many requests refused at once only the
// first causes a new fetch. An empty accessToken always forgets.
func (s *tokenSource) invalidate(accessToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != nil && (accessToken == "" || s.tok.AccessToken == accessToken) {
		s.tok = nil
	}
}
