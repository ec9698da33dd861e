package jobs_test

import (
	"basketball"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"

	"basketball/email/emailtest"
	"basketball/jobs"
	"basketball/sqldb"
)

// audit checks, when a test ends, SPEC's rule that no password or secret
// is ever stored or logged: not in the log output, not in any table (River's
// included), and that each job's arguments hold the registration id alone.
func (b *testBundle) audit(t *testing.T) {
	t.Helper()
	logs := b.logs.String()
	dump := b.dumpTables(t)
	secrets := map[string]string{
		"the Stripe webhook secret":  b.webhookSecret,
		"the Keycloak client secret": b.kcSecret,
		"the Stripe secret key":      b.stripeKey,
	}
	for i, pw := range b.pw.list() {
		secrets[fmt.Sprintf("generated password #%d", i+1)] = pw
	}
	for name, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("the logs contain %s", name)
		}
		if strings.Contains(dump, s) {
			t.Errorf("the database contains %s", name)
		}
	}
	for _, j := range b.jobs(t) {
		// Periodic jobs carry no arguments at all.
		if j.Kind == (jobs.ReconcileArgs{}).Kind() || j.Kind == (jobs.SweepHoldsArgs{}).Kind() {
			if j.Args != "{}" {
				t.Errorf("periodic job %s has arguments %s", j.Kind, j.Args)
			}
			continue
		}
		// Each kind's arguments are one id, never personal data.
		want := map[string][2]string{
			(basketball.PostPaymentJob{}).Kind(): {"registration_id", "reg_"},
			(basketball.NotifyJob{}).Kind():      {"notification_id", "ntf_"},
		}[j.Kind]
		key, prefix := want[0], want[1]
		if key == "" {
			t.Errorf("unexpected job kind %q", j.Kind)
			continue
		}
		var args map[string]any
		if err := json.Unmarshal([]byte(j.Args), &args); err != nil {
			t.Errorf("job %d args %q: %v", j.ID, j.Args, err)
			continue
		}
		id, _ := args[key].(string)
		if len(args) != 1 || !strings.HasPrefix(id, prefix) {
			t.Errorf("job %d args %s: want only the %s", j.ID, j.Args, key)
		}
	}
	if t.Failed() {
		const keep = 8000
		if len(logs) > keep {
			logs = "…" + logs[len(logs)-keep:]
		}
		t.Logf("service logs (tail):\n%s", logs)
	}
}

// dumpTables returns every row of every table as text.
func (b *testBundle) dumpTables(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if b.engine == sqldb.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := b.db.SQL().QueryContext(ctx, q)
	if err != nil {
		t.Errorf("list tables: %v", err)
		return ""
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Errorf("list tables: %v", err)
		}
		tables = append(tables, name)
	}
	rows.Close()

	var sb strings.Builder
	for _, table := range tables {
		q := `SELECT * FROM "` + table + `"`
		if b.engine == sqldb.Postgres {
			q = `SELECT row_to_json(x)::text FROM "` + table + `" x`
		}
		rows, err := b.db.SQL().QueryContext(ctx, q)
		if err != nil {
			t.Errorf("dump %s: %v", table, err)
			continue
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Errorf("dump %s: %v", table, err)
				break
			}
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&sb, "%v\t", v)
			}
			sb.WriteByte('\n')
		}
		rows.Close()
	}
	return sb.String()
}

var htmlPasswordRE = regexp.MustCompile(`<code[^>]*>([^<]*)</code>`)

// passwordInText returns the password an email's text part carries.
func passwordInText(text string) (string, bool) { return emailtest.PasswordInText(text) }

// passwordInHTML returns the password an email's HTML part carries.
func passwordInHTML(h string) (string, bool) {
	m := htmlPasswordRE.FindStringSubmatch(h)
	if m == nil {
		return "", false
	}
	return html.UnescapeString(m[1]), true
}
