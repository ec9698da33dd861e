package registration_test

import (
	"encoding/json"
	"testing"
	"time"

	"basketball"
	"basketball/sqldb/sqldbtest"
)

// TestCreateTryout takes the command line's fields as a request, checks
// them whole, and audits the creation.
func TestCreateTryout(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		start := b.clock.Now().AddDate(0, 1, 0).In(time.UTC).Format("2006-01-02") + "T09:00"
		end := start[:len(start)-5] + "11:00"
		_, err := b.admin.CreateTryout(b.ctx, coach, "tigers", basketball.TryoutRequest{Name: "Spring", StartsAt: "2001-01-01T09:00",
			EndsAt: "2001-01-01T08:00", TimeZone: "Mars/Olympus", Location: "Gym"})
		e, _ := err.(*basketball.Error)
		if e == nil || e.Code != basketball.EInvalid || e.Fields["timezone"] == "" || e.Fields["fee_cents"] == "" {
			t.Fatalf("bad request: %v %+v", err, e)
		}
		got, err := b.admin.CreateTryout(b.ctx, coach, "tigers", basketball.TryoutRequest{Name: "Spring", StartsAt: start, EndsAt: end,
			TimeZone: "America/Chicago", Location: "Gym", FeeCents: ptr(int64(2500)), Capacity: ptr(12), MinAge: ptr(10), MaxAge: ptr(12)})
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Spring" || !got.Open || *got.Capacity != 12 || *got.MinAge != 10 || got.StartsAt.In(got.Loc()).Hour() != 9 {
			t.Fatalf("created %+v", got)
		}
		if a := b.audit(t, "tigers"); len(a) != 1 || a[0].Action != basketball.ActionTryoutCreate || a[0].Target != got.ID {
			t.Fatalf("audit %+v", a)
		}
		_, err = b.admin.CreateTryout(b.ctx, coach, "nope", basketball.TryoutRequest{})
		wantCode(t, err, basketball.EClubNotFound)
	})
}

// TestUpdateTryoutCapacity: more capacity frees seats at once; less than
// the seats taken is refused.
func TestUpdateTryoutCapacity(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		for n := 1; n <= 5; n++ {
			b.mustRegister(t, n)
		}
		_, err := b.svc.Register(b.ctx, "tigers", sqldbtest.Request(b.tryout.ID, 6))
		wantCode(t, err, basketball.ETryoutFull)
		_, err = b.admin.UpdateTryout(b.ctx, coach, "tigers", b.tryout.ID, basketball.TryoutPatch{Capacity: basketball.To(4)})
		wantCode(t, err, basketball.EInvalid)
		b.clock.Advance(time.Second)
		got, err := b.admin.UpdateTryout(b.ctx, coach, "tigers", b.tryout.ID, basketball.TryoutPatch{Capacity: basketball.To(6)})
		if err != nil {
			t.Fatal(err)
		}
		if *got.Capacity != 6 || *got.SeatsLeft != 1 {
			t.Fatalf("capacity %d, seats left %d", *got.Capacity, *got.SeatsLeft)
		}
		if _, err := b.svc.Register(b.ctx, "tigers", sqldbtest.Request(b.tryout.ID, 6)); err != nil {
			t.Fatalf("register after the raise: %v", err)
		}
		mustCountersAgree(t, b.db)
		// No limit at all.
		b.clock.Advance(time.Second)
		if got, err = b.admin.UpdateTryout(b.ctx, coach, "tigers", b.tryout.ID, basketball.TryoutPatch{Capacity: basketball.Change[int]{Set: true, Null: true}}); err != nil || got.Capacity != nil {
			t.Fatalf("no limit: %v %v", err, got.Capacity)
		}
		a := b.audit(t, "tigers")
		if len(a) != 2 || a[1].Detail != "capacity 5 → 6" || a[0].Detail != "capacity 6 → none" {
			t.Fatalf("audit %+v", a)
		}
		mustCountersAgree(t, b.db)
	})
}

// TestUpdateTryoutTellsPaidParents: moving a tryout or changing its place
// records one tryout_changed email per paid registration and change, with
// the old and new time and place; other changes tell nobody.
func TestUpdateTryoutTellsPaidParents(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		paid := b.mustPay(t, b.mustRegister(t, 1))
		pending := b.mustRegister(t, 2)
		if _, err := b.admin.UpdateTryout(b.ctx, coach, "tigers", b.tryout.ID, basketball.TryoutPatch{Name: basketball.To("Fall tryout 2"), FeeCents: basketball.To(int64(3500))}); err != nil {
			t.Fatal(err)
		}
		if n := len(b.notifications(t, paid.ID, basketball.NotifyTryoutChanged)); n != 0 {
			t.Fatalf("a rename told %d parents", n)
		}
		if r := b.mustReg(t, pending.ID); r.AmountCents != 3000 {
			t.Fatalf("a new fee changed what a registration owes: %d", r.AmountCents)
		}
		newStart := b.tryout.StartsAt.Add(24 * time.Hour).In(b.tryout.Loc())
		got, err := b.admin.UpdateTryout(b.ctx, coach, "tigers", b.tryout.ID, basketball.TryoutPatch{
			StartsAt: basketball.To(newStart.Format("2006-01-02T15:04")), EndsAt: basketball.To(newStart.Add(2 * time.Hour).Format(time.RFC3339)),
			Location: basketball.To("Annex Gym")})
		if err != nil {
			t.Fatal(err)
		}
		if !got.StartsAt.Equal(newStart) || got.Location != "Annex Gym" {
			t.Fatalf("moved to %v at %q", got.StartsAt, got.Location)
		}
		b.clock.Advance(time.Second)
		if _, err := b.admin.UpdateTryout(b.ctx, coach, "tigers", b.tryout.ID, basketball.TryoutPatch{Location: basketball.To("Main Gym, 1 Court St")}); err != nil {
			t.Fatal(err)
		}
		notes := b.notifications(t, paid.ID, basketball.NotifyTryoutChanged)
		if len(notes) != 2 || notes[0].DedupeKey != "1" || notes[1].DedupeKey != "2" {
			t.Fatalf("paid parent's change emails %+v", notes)
		}
		var d map[string]any
		if err := json.Unmarshal([]byte(notes[0].Data), &d); err != nil {
			t.Fatal(err)
		}
		for k, want := range map[string]string{
			"old_starts_at": b.tryout.StartsAt.UTC().Format(time.RFC3339), "new_starts_at": newStart.UTC().Format(time.RFC3339),
			"old_location": "Main Gym, 1 Court St", "new_location": "Annex Gym",
			"old_ends_at": b.tryout.EndsAt.UTC().Format(time.RFC3339), "new_ends_at": newStart.Add(2 * time.Hour).UTC().Format(time.RFC3339),
		} {
			if d[k] != want {
				t.Errorf("data %s = %v, want %s", k, d[k], want)
			}
		}
		if n := len(b.notifications(t, pending.ID, basketball.NotifyTryoutChanged)); n != 0 {
			t.Fatalf("a pending registration was told %d times", n)
		}
		// The past, and another club's tryout, are refused.
		_, err = b.admin.UpdateTryout(b.ctx, coach, "tigers", b.tryout.ID, basketball.TryoutPatch{StartsAt: basketball.To("2001-01-01T09:00")})
		wantCode(t, err, basketball.EInvalid)
		_, err = b.admin.UpdateTryout(b.ctx, coach, "tigers", b.other.ID, basketball.TryoutPatch{Name: basketball.To("mine now")})
		wantCode(t, err, basketball.ETryoutNotFound)
		if o, _ := b.db.Tryout(b.ctx, "lions", b.other.ID); o.Name != b.other.Name {
			t.Fatalf("another club's tryout renamed to %q", o.Name)
		}
	})
}

// TestPromoCodes: create, disable (registration refuses it with
// invalid_promo_code), enable again; uses shown; another club's code is
// not found.
func TestPromoCodes(t *testing.T) {
	t.Parallel()
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		p, err := b.admin.CreatePromo(b.ctx, coach, "tigers", basketball.PromoRequest{Code: "HALF", PercentOff: ptr(50), MaxUses: ptr(3), ExpiresAt: "2099-01-31", TimeZone: "America/Chicago"})
		if err != nil {
			t.Fatal(err)
		}
		if !p.Active || p.ExpiresAt == nil || !p.ExpiresAt.Equal(time.Date(2099, 2, 1, 6, 0, 0, 0, time.UTC)) {
			t.Fatalf("created %+v (expires %v)", p, p.ExpiresAt)
		}
		req := sqldbtest.Request(b.tryout.ID, 1)
		req.PromoCode = "half"
		if _, err := b.svc.Register(b.ctx, "tigers", req); err != nil {
			t.Fatal(err)
		}
		b.clock.Advance(time.Second)
		if _, err := b.admin.SetPromoActive(b.ctx, coach, "tigers", p.ID, false); err != nil {
			t.Fatal(err)
		}
		req = sqldbtest.Request(b.tryout.ID, 2)
		req.PromoCode = "HALF"
		_, err = b.svc.Register(b.ctx, "tigers", req)
		wantCode(t, err, basketball.EInvalidPromo)
		list, err := b.admin.PromoCodes(b.ctx, "tigers")
		if err != nil || len(list) != 1 || list[0].Uses != 1 || list[0].Active {
			t.Fatalf("list %+v, %v", list, err)
		}
		_, err = b.admin.SetPromoActive(b.ctx, coach, "lions", p.ID, true)
		wantCode(t, err, basketball.ENotFound)
		b.clock.Advance(time.Second)
		if _, err := b.admin.SetPromoActive(b.ctx, coach, "tigers", p.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.Register(b.ctx, "tigers", req); err != nil {
			t.Fatalf("enabled again: %v", err)
		}
		a := b.audit(t, "tigers")
		if len(a) != 3 || a[0].Detail != "HALF enabled again" || a[1].Detail != "HALF disabled" || a[2].Action != basketball.ActionPromoCreate {
			t.Fatalf("audit %+v", a)
		}
		_, err = b.admin.CreatePromo(b.ctx, coach, "tigers", basketball.PromoRequest{Code: "half", AmountOffCents: ptr(int64(100))})
		wantCode(t, err, basketball.EConflict)
		mustCountersAgree(t, b.db)
	})
}
