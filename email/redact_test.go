package email

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// Secrets must not reach logs through fmt or slog, whatever the verb.
func TestPrintingNeverShowsSecrets(t *testing.T) {
	t.Parallel()
	const password = "Tmp-9f2Kq7xLp3Vz8Wn"
	const smtpPassword = "smtp-s3cret-pw"

	c := validConfirmation()
	msg := mustRender(t, c)
	settings, err := ParseSMTPURL("smtps://mailer:" + smtpPassword + "@mail.example:465")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{SMTPURL: "smtp://mailer:" + smtpPassword + "@mail.example:587", MailDir: "outbox"}

	values := map[string]any{
		"Confirmation":  c,
		"*Confirmation": &c,
		"Account":       *c.Account,
		"*Account":      c.Account,
		"Message":       msg,
		"*Message":      &msg,
		"SMTPSettings":  settings,
		"Config":        cfg,
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			out := fmt.Sprintf(verb, v)
			if strings.Contains(out, password) || strings.Contains(out, smtpPassword) {
				t.Errorf("fmt %s of %s shows a secret: %s", verb, name, out)
			}
		}
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", v)
		if out := buf.String(); strings.Contains(out, password) || strings.Contains(out, smtpPassword) {
			t.Errorf("slog of %s shows a secret: %s", name, out)
		}
	}
	if out, err := json.Marshal(c); err != nil || strings.Contains(string(out), password) {
		t.Errorf("json.Marshal(Confirmation) = %s, %v; want no password", out, err)
	}
	// The non-secret parts are still there, so the output stays useful.
	if out := fmt.Sprint(cfg); !strings.Contains(out, "mail.example:587") {
		t.Errorf("Config prints as %s, want the server address", out)
	}
	if out := fmt.Sprint(msg); !strings.Contains(out, msg.Subject) {
		t.Errorf("Message prints as %s, want the subject", out)
	}
}
