package stripe

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	sgo "github.com/stripe/stripe-go/v85"
)

// DefaultTimeout is the budget of one API call, SDK retries included, when
// Config.Timeout is zero.
const DefaultTimeout = 20 * time.Second

// maxTimeout keeps a call, retries included, well inside the 30 s a client of
// basketball-api waits for its registration request to answer.
const maxTimeout = 25 * time.Second

// maxNetworkRetries is small on purpose: a parent is waiting on the request,
// and the registration stays pending with a retry endpoint if Stripe is down.
const maxNetworkRetries = 1

// Config configures a [Client].
type Config struct {
	// SecretKey is the Stripe API key (sk_… or rk_…). Required. Never printed.
	SecretKey string
	// APIURL is the base URL of the Stripe API; empty means Stripe's own.
	// Tests and the local demo point it at stripe-mock or an httptest server.
	APIURL string
	// Timeout bounds one API call including the SDK's retries and the pause
	// between them. Zero means DefaultTimeout; at most 25 s.
	Timeout time.Duration
	// RetrieveTimeout bounds RetrieveCheckoutSession, which a parent's
	// page waits on. Zero means DefaultRetrieveTimeout; at most Timeout.
	RetrieveTimeout time.Duration
}

// String redacts the secret key so a Config can be logged or printed.
func (c Config) String() string {
	return fmt.Sprintf("stripe.Config{SecretKey:%s APIURL:%q Timeout:%s RetrieveTimeout:%s}", redactedKey(c.SecretKey), c.APIURL, c.Timeout, c.RetrieveTimeout)
}

// GoString redacts the secret key for %#v as well.
func (c Config) GoString() string { return c.String() }

// LogValue redacts the secret key in slog output.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("secret_key", redactedKey(c.SecretKey)),
		slog.String("api_url", c.APIURL),
		slog.Duration("timeout", c.Timeout),
		slog.Duration("retrieve_timeout", c.RetrieveTimeout),
	)
}

func redactedKey(key string) string {
	if key == "" {
		return `""`
	}
	return "[redacted]"
}

// withDefaults returns a copy of c with zero values replaced by defaults.
func (c Config) withDefaults() Config {
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.RetrieveTimeout == 0 {
		c.RetrieveTimeout = min(DefaultRetrieveTimeout, c.Timeout)
	}
	return c
}

func (c Config) validate() error {
	if c.SecretKey == "" {
		return errors.New("stripe: SecretKey is required")
	}
	if c.Timeout < 0 || c.Timeout > maxTimeout {
		return fmt.Errorf("stripe: Timeout %s must be between 0 and %s", c.Timeout, maxTimeout)
	}
	if c.RetrieveTimeout < 0 || c.RetrieveTimeout > c.Timeout {
		return fmt.Errorf("stripe: RetrieveTimeout %s must be between 0 and Timeout (%s)", c.RetrieveTimeout, c.Timeout)
	}
	if c.APIURL != "" {
		u, err := url.Parse(c.APIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("stripe: APIURL %q must be an absolute http(s) URL", c.APIURL)
		}
	}
	return nil
}

// Client calls the Stripe API. It is safe for concurrent use.
type Client struct {
	sc              *sgo.Client
	key             string // kept only to scrub it from error messages
	timeout         time.Duration
	retrieveTimeout time.Duration
}

// String keeps the secret key out of fmt output of a *Client.
func (c *Client) String() string { return "stripe.Client" }

// GoString keeps the secret key out of %#v output of a *Client.
func (c *Client) GoString() string { return c.String() }

// New returns a Client for cfg. It makes no network call.
func New(cfg Config) (*Client, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}

	// The http.Client timeout is a backstop for a caller that passes a context
	// without deadline; the real bound is the per-call context deadline, which
	// also stops the SDK from starting a retry once the budget is spent.
	httpClient := &http.Client{Timeout: cfg.Timeout}
	// The SDK's default logger writes unstructured lines to stderr; errors
	// reach our caller, which logs them with slog.
	silent := &sgo.LeveledLogger{Level: sgo.LevelNull}
	backendCfg := func(u string) *sgo.BackendConfig {
		bc := &sgo.BackendConfig{
			HTTPClient:        httpClient,
			LeveledLogger:     silent,
			MaxNetworkRetries: sgo.Int64(maxNetworkRetries),
		}
		if u != "" {
			bc.URL = sgo.String(u)
		}
		return bc
	}
	backends := &sgo.Backends{
		API:         sgo.GetBackendWithConfig(sgo.APIBackend, backendCfg(cfg.APIURL)),
		Connect:     sgo.GetBackendWithConfig(sgo.ConnectBackend, backendCfg("")),
		Uploads:     sgo.GetBackendWithConfig(sgo.UploadsBackend, backendCfg("")),
		MeterEvents: sgo.GetBackendWithConfig(sgo.MeterEventsBackend, backendCfg("")),
	}
	return &Client{
		sc:              sgo.NewClient(cfg.SecretKey, sgo.WithBackends(backends)),
		key:             cfg.SecretKey,
		timeout:         cfg.Timeout,
		retrieveTimeout: cfg.RetrieveTimeout,
	}, nil
}
