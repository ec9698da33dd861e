package keycloak

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Client calls Keycloak's admin REST API for one realm. It is safe for
// concurrent use.
type Client struct {
	cfg    *Config // a pointer, so %v of a Client prints an address, not the secret
	http   *http.Client
	tokens *tokenSource
}

// New checks cfg and returns a client. It makes no request: the first call
// fetches the token.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	transport := http.DefaultTransport
	if cfg.HTTPClient != nil && cfg.HTTPClient.Transport != nil {
		transport = cfg.HTTPClient.Transport
	}
	cc := &clientcredentials.Config{
		ClientID:     cfg.ClientID,
		ClientSecret: cfg.ClientSecret,
		TokenURL:     cfg.baseURL() + "/realms/" + url.PathEscape(cfg.Realm) + "/protocol/openid-connect/token",
		// Form parameters work on every Keycloak version; Basic auth needs
		// the secret form-encoded, which some versions did not decode.
		AuthStyle: oauth2.AuthStyleInParams,
	}
	tokens := newTokenSource(cc, &http.Client{Transport: transport, Timeout: cfg.Timeout}, cfg.Timeout)
	return &Client{
		cfg: &cfg,
		http: &http.Client{
			Transport: &oauth2.Transport{Source: tokens, Base: transport},
			Timeout:   cfg.Timeout,
		},
		tokens: tokens,
	}, nil
}

// String describes the client without its secret.
func (c *Client) String() string {
	return fmt.Sprintf("keycloak.Client{URL:%q Realm:%q ClientID:%q}", c.cfg.URL, c.cfg.Realm, c.cfg.ClientID)
}

// LoginURL is where a parent logs in: the realm's account console.
func (c *Client) LoginURL() string {
	return c.cfg.baseURL() + "/realms/" + url.PathEscape(c.cfg.Realm) + "/account"
}

// ResetPasswordURL is the login page's "forgot password" step for the
// realm, through its account console client: a parent who already has a
// login (or whose emailed password no longer works) sets one there.
func (c *Client) ResetPasswordURL() string {
	return c.cfg.baseURL() + "/realms/" + url.PathEscape(c.cfg.Realm) + "/login-actions/reset-credentials?client_id=account-console"
}

// adminPath is the path of an admin resource of the realm; segments are
// escaped.
func (c *Client) adminPath(segments ...string) string {
	var b strings.Builder
	b.WriteString("/admin/realms/")
	b.WriteString(url.PathEscape(c.cfg.Realm))
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// call describes one admin API request.
type call struct {
	method string
	path   string     // from adminPath
	query  url.Values // optional
	body   any        // JSON-encoded when non-nil; never quoted in errors
	// secrets are removed from any error text, besides the client secret
	// (the password being sent, typically).
	secrets []string
}

// do sends the call and, on 2xx, decodes a JSON answer into out (when
// non-nil) and returns the response headers. Any other status becomes an
// *APIError. A 401 is retried once with a fresh token, because a token can
// be revoked or expire before the time it announced.
func (c *Client) do(ctx context.Context, k call, out any) (http.Header, error) {
	red := redactor(append([]string{c.cfg.ClientSecret}, k.secrets...))
	var body []byte
	if k.body != nil {
		var err error
		if body, err = json.Marshal(k.body); err != nil {
			// json errors name types, not values.
			return nil, fmt.Errorf("keycloak: %s %s: encode body: %w", k.method, k.path, err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()

	resp, err := c.send(ctx, k, body)
	if err == nil && resp.StatusCode == http.StatusUnauthorized {
		c.tokens.invalidate(usedToken(resp))
		drain(resp)
		resp, err = c.send(ctx, k, body)
	}
	if err != nil {
		return nil, c.requestError(k, err, red)
	}
	defer drain(resp)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &APIError{Method: k.method, Path: k.path, Status: resp.StatusCode, Message: errorText(resp.Body, red)}
	}
	if out != nil {
		if err := json.NewDecoder(io.LimitReader(resp.Body, maxAnswer)).Decode(out); err != nil {
			return nil, c.requestError(k, fmt.Errorf("decode answer: %w", err), red)
		}
	}
	return resp.Header, nil
}

// maxAnswer bounds the JSON read from a successful answer; a search by
// exact email returns one user.
const maxAnswer = 1 << 20

func (c *Client) send(ctx context.Context, k call, body []byte) (*http.Response, error) {
	u := c.cfg.baseURL() + k.path
	if len(k.query) > 0 {
		u += "?" + k.query.Encode()
	}
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, k.method, u, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.http.Do(req)
}

// requestError turns a failed round trip into an error naming the call but
// not its URL (the query may hold an email) nor any secret.
func (c *Client) requestError(k call, err error, red redactor) error {
	cause := err
	var ue *url.Error
	if errors.As(err, &ue) {
		cause = ue.Err // its text repeats the full URL
	}
	text := cause.Error()
	var re *oauth2.RetrieveError
	if errors.As(cause, &re) {
		// RetrieveError's text quotes the whole token response body.
		text = "token request failed: " + tokenErrorText(re)
	}
	return &requestError{
		msg:   fmt.Sprintf("keycloak: %s %s: %s", k.method, k.path, red.apply(text)),
		cause: cause,
	}
}

func tokenErrorText(re *oauth2.RetrieveError) string {
	s := "no response"
	if re.Response != nil {
		s = re.Response.Status
	}
	if re.ErrorCode != "" {
		s += ": " + re.ErrorCode
	}
	if re.ErrorDescription != "" {
		s += " (" + truncate(re.ErrorDescription, maxErrorText) + ")"
	}
	return s
}

// usedToken is the access token a response was refused with, read from the
// request oauth2.Transport actually sent.
func usedToken(resp *http.Response) string {
	if resp.Request == nil {
		return ""
	}
	scheme, tok, ok := strings.Cut(resp.Request.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return tok
}

// errorText extracts Keycloak's explanation from an error body: the
// errorMessage, error and error_description fields when it is JSON, else
// the start of the body.
func errorText(body io.Reader, red redactor) string {
	raw, _ := io.ReadAll(io.LimitReader(body, 64<<10)) // a partial body still explains something
	var kc struct {
		ErrorMessage     string `json:"errorMessage"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	var parts []string
	if json.Unmarshal(raw, &kc) == nil {
		for _, p := range []string{kc.ErrorMessage, kc.Error, kc.ErrorDescription} {
			if p != "" {
				parts = append(parts, p)
			}
		}
	}
	text := strings.Join(parts, "; ")
	if text == "" {
		text = strings.TrimSpace(string(raw))
	}
	// Redact before truncating, so that no prefix of a secret survives.
	return truncate(red.apply(text), maxErrorText)
}

// drain reads a little of an unused body so the connection can be reused,
// then closes it.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}
