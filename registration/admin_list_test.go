package registration_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"basketball"
	"basketball/registration"
	"basketball/sqldb/sqldbtest"
)

// TestListingPagesAreStable: newest first, page by page with the cursor;
// registrations made between two pages neither repeat nor hide a row of
// the next page; another club's never appear.
func TestListingPagesAreStable(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		if _, err := b.admin.UpdateTryout(b.ctx, coach, "tigers", b.tryout.ID, basketball.TryoutPatch{Capacity: basketball.Change[int]{Set: true, Null: true}}); err != nil {
			t.Fatal(err)
		}
		var want []string
		for n := 1; n <= 7; n++ {
			want = append(want, b.mustRegister(t, n).ID)
			b.clock.Advance(time.Second)
		}
		if _, err := b.svc.Register(b.ctx, "lions", sqldbtest.Request(b.other.ID, 99)); err != nil {
			t.Fatal(err)
		}
		slices.Reverse(want) // newest first
		var got []string
		cursor := ""
		for page := 0; ; page++ {
			p, err := b.admin.Registrations(b.ctx, "tigers", basketball.RegistrationFilter{Limit: 3, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range p.Items {
				got = append(got, r.ID)
			}
			if page == 0 {
				// Two parents register while staff read the first page.
				b.clock.Advance(time.Second)
				b.mustRegister(t, 20)
				b.mustRegister(t, 21)
			}
			if p.Next == "" {
				break
			}
			cursor = p.Next
		}
		if !slices.Equal(got, want) {
			t.Fatalf("pages gave\n%v\nwant\n%v", got, want)
		}
		_, err := b.admin.Registrations(b.ctx, "tigers", basketball.RegistrationFilter{Cursor: "not-a-cursor"})
		wantCode(t, err, basketball.EInvalid)
		_, err = b.admin.Registrations(b.ctx, "tigers", basketball.RegistrationFilter{Limit: 201})
		wantCode(t, err, basketball.EInvalid)
	})
}

// TestListingFilters: status, tryout, and a search in the parent's email
// and the names, in any letter case, taking % and _ as themselves.
func TestListingFilters(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		req := sqldbtest.Request(b.tryout.ID, 1)
		req.Parent.FirstName, req.Parent.LastName, req.Parent.Email = "Zoë", "O'Hara", "z.ohara@example.com"
		req.Player.FirstName, req.Player.LastName = "Quinn", "Smith_Jones"
		res, err := b.svc.Register(b.ctx, "tigers", req)
		if err != nil {
			t.Fatal(err)
		}
		paid := b.mustPay(t, b.mustRegister(t, 2))
		b.mustRegister(t, 3)
		ids := func(f basketball.RegistrationFilter) []string {
			t.Helper()
			p, err := b.admin.Registrations(b.ctx, "tigers", f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range p.Items {
				out = append(out, r.ID)
			}
			return out
		}
		for _, tc := range []struct {
			name string
			f    basketball.RegistrationFilter
			want []string
		}{
			{"email, another case", basketball.RegistrationFilter{Q: "Z.OHARA@"}, []string{res.Registration.ID}},
			{"parent last name", basketball.RegistrationFilter{Q: "o'hara"}, []string{res.Registration.ID}},
			{"player name", basketball.RegistrationFilter{Q: "QUINN"}, []string{res.Registration.ID}},
			{"underscore is itself", basketball.RegistrationFilter{Q: "h_j"}, []string{res.Registration.ID}},
			{"percent matches nothing", basketball.RegistrationFilter{Q: "%"}, nil},
			{"status", basketball.RegistrationFilter{Status: "paid"}, []string{paid.ID}},
		} {
			if got := ids(tc.f); !slices.Equal(got, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
			}
		}
		_, err = b.admin.Registrations(b.ctx, "tigers", basketball.RegistrationFilter{Status: "lost"})
		wantCode(t, err, basketball.EInvalid)
		_, err = b.admin.Registrations(b.ctx, "tigers", basketball.RegistrationFilter{TryoutID: b.other.ID})
		wantCode(t, err, basketball.ETryoutNotFound)
	})
}

// TestExportCSV: the same rows as the listing, all of them, formula-safe.
func TestExportCSV(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		req := sqldbtest.Request(b.tryout.ID, 1)
		req.Parent.FirstName = "=HYPERLINK(\"http://evil\")"
		evil, err := b.svc.Register(b.ctx, "tigers", req)
		if err != nil {
			t.Fatal(err)
		}
		b.mustRegister(t, 2)
		regs, err := b.admin.ExportRegistrations(b.ctx, "tigers", basketball.RegistrationFilter{Limit: 1})
		if err != nil || len(regs) != 2 {
			t.Fatalf("export %d rows, %v", len(regs), err)
		}
		var buf bytes.Buffer
		if err := registration.WriteCSV(&buf, regs); err != nil {
			t.Fatal(err)
		}
		records, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(records) != 3 {
			t.Fatalf("csv %v %v", records, err)
		}
		col := slices.Index(records[0], "parent_first_name")
		for _, rec := range records[1:] {
			if rec[0] == evil.Registration.ID && rec[col] != `'=HYPERLINK("http://evil")` {
				t.Fatalf("formula cell exported as %q", rec[col])
			}
		}
	})
}

// TestTimelineAndAudit: a registration's timeline tells its story in
// order; the club's audit log pages newest first.
func TestTimelineAndAudit(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		reg := b.mustRegister(t, 1)
		b.clock.Advance(time.Second)
		reg = b.mustPay(t, reg)
		b.clock.Advance(time.Second)
		if _, err := b.admin.ResendConfirmation(b.ctx, coach, "tigers", reg.ID); err != nil {
			t.Fatal(err)
		}
		b.clock.Advance(time.Second)
		if _, err := b.admin.Cancel(b.ctx, coach, "tigers", reg.ID, basketball.CancelRequest{Refund: true, Reason: "moved away"}); err != nil {
			t.Fatal(err)
		}
		_, timeline, err := b.admin.Registration(b.ctx, "tigers", reg.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for i, e := range timeline {
			kinds = append(kinds, e.Kind)
			if i > 0 && e.At.Before(timeline[i-1].At) {
				t.Errorf("timeline out of order at %d", i)
			}
		}
		joined := strings.Join(kinds, ",")
		for _, k := range []string{"created", "checkout_session", "stripe_event", "email", "staff_action"} {
			if !strings.Contains(joined, k) {
				t.Errorf("timeline lacks %s: %v", k, kinds)
			}
		}
		if kinds[0] != basketball.TimelineCreated || !strings.Contains(timeline[len(timeline)-1].Detail+timeline[len(timeline)-2].Detail, "cancellation email") {
			t.Errorf("timeline %+v", timeline)
		}
		_, _, err = b.admin.Registration(b.ctx, "lions", reg.ID)
		wantCode(t, err, basketball.ERegistrationNotFound)

		for n := 2; n <= 4; n++ {
			b.clock.Advance(time.Second)
			if _, err := b.admin.Cancel(b.ctx, coach, "tigers", b.mustRegister(t, n).ID, basketball.CancelRequest{}); err != nil {
				t.Fatal(err)
			}
		}
		all := b.audit(t, "tigers") // 1 resend, 1 refund, 3 cancels
		if len(all) != 5 {
			t.Fatalf("%d audit entries", len(all))
		}
		var paged []basketball.AuditEntry
		cursor := ""
		for {
			p, err := b.admin.Audit(b.ctx, "tigers", 2, cursor)
			if err != nil {
				t.Fatal(err)
			}
			paged = append(paged, p.Items...)
			if cursor = p.Next; cursor == "" {
				break
			}
		}
		if len(paged) != 5 || paged[0].ID != all[0].ID || paged[4].Action != basketball.ActionResend {
			t.Fatalf("paged audit %+v", paged)
		}
		if p, err := b.admin.Audit(b.ctx, "lions", 0, ""); err != nil || len(p.Items) != 0 {
			t.Fatalf("lions' audit %+v, %v", p.Items, err)
		}
	})
}
