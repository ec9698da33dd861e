package sqldb_test

import (
	"testing"
	"time"

	"basketball"
	"basketball/sqldb/sqldbtest"
)

// TestPossibleDuplicates: the same child (name in any letter case, birth
// date) registered for one tryout by two parents is accepted, and both
// registrations are flagged while pending or paid; other near-misses are
// not.
func TestPossibleDuplicates(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		sqldbtest.MustClub(t, b.db, "tigers")
		tr := sqldbtest.MustTryout(t, b.db, "tigers", 3000, 0)
		other := sqldbtest.MustTryout(t, b.db, "tigers", 3000, 0)
		register := func(email, first, last, born, tryoutID string) string {
			t.Helper()
			req := sqldbtest.Request(tryoutID, 1)
			req.Parent.Email, req.Player.FirstName, req.Player.LastName, req.Player.BirthDate = email, first, last, born
			r, err := b.db.CreateRegistration(b.ctx, "tigers", req, basketball.CreateOptions{CardEnabled: true})
			if err != nil {
				t.Fatalf("register %s's %s %s: %v", email, first, last, err)
			}
			return r.ID
		}
		mom := register("mom@example.com", "Max", "Lee", "2013-05-01", tr.ID)
		dad := register("dad@example.com", "max", "LEE", "2013-05-01", tr.ID)
		register("dad@example.com", "Max", "Lee", "2013-05-02", tr.ID)     // another birth date
		register("aunt@example.com", "Maxine", "Lee", "2013-05-01", tr.ID) // another name
		register("aunt@example.com", "Max", "Lee", "2013-05-01", other.ID) // another tryout
		flagged := func() map[string]bool {
			t.Helper()
			regs, err := b.db.ListRegistrations(b.ctx, "tigers", "")
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]bool{}
			for _, r := range regs {
				if r.PossibleDuplicate {
					out[r.ID] = true
				}
			}
			return out
		}
		if got := flagged(); len(got) != 2 || !got[mom] || !got[dad] {
			t.Fatalf("flagged %v, want exactly %s and %s", got, mom, dad)
		}
		// One of the two expires: no longer a duplicate of the other.
		if _, _, err := b.db.ApplyPaymentEvent(b.ctx, basketball.PaymentEvent{ID: "evt_dup_expired", Type: basketball.EventCheckoutExpired,
			MetadataType: basketball.MetadataTypeRegistration, RegistrationRef: dad}); err != nil {
			t.Fatal(err)
		}
		if st := mustRegistration(t, b, dad).Status; st != basketball.StatusExpired {
			t.Fatalf("dad's registration is %s, want expired", st)
		}
		if got := flagged(); len(got) != 0 {
			t.Fatalf("flagged %v after one of the pair expired", got)
		}
	})
}

func mustRegistration(t *testing.T, b testBundle, id string) basketball.Registration {
	t.Helper()
	r, err := b.db.Registration(b.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRegistrationReadsWhatACheckInSheetNeeds: a registration read
// carries the parent's phone, the player's details, the promo code as
// the club wrote it and the tryout's time zone.
func TestRegistrationReadsWhatACheckInSheetNeeds(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		sqldbtest.MustClub(t, b.db, "tigers")
		tr := sqldbtest.MustTryout(t, b.db, "tigers", 3000, 0)
		pct := 50
		if _, err := b.db.CreatePromo(b.ctx, "tigers", basketball.PromoInput{Code: "Half", PercentOff: &pct}); err != nil {
			t.Fatal(err)
		}
		req := sqldbtest.Request(tr.ID, 1)
		req.PromoCode = "HALF"
		r, err := b.db.CreateRegistration(b.ctx, "tigers", req, basketball.CreateOptions{CardEnabled: true})
		if err != nil {
			t.Fatal(err)
		}
		b.clock.Advance(time.Second) // the list is oldest first
		plain, err := b.db.CreateRegistration(b.ctx, "tigers", sqldbtest.Request(tr.ID, 2), basketball.CreateOptions{CardEnabled: true})
		if err != nil {
			t.Fatal(err)
		}
		regs, err := b.db.ListRegistrations(b.ctx, "tigers", "")
		if err != nil || len(regs) != 2 {
			t.Fatalf("list: %v %v", regs, err)
		}
		for _, got := range []basketball.Registration{mustRegistration(t, b, r.ID), regs[0]} {
			if got.ID != r.ID || got.ParentPhone != "+1 555 0100" || got.PlayerBirthDate != "2013-05-01" || got.PlayerGrade == nil ||
				*got.PlayerGrade != 7 || got.PlayerPosition != "guard" || got.PlayerHeightInches == nil || *got.PlayerHeightInches != 60 ||
				got.PromoCode != "Half" || got.TryoutTimeZone != "America/Chicago" || got.AmountCents != 1500 {
				t.Errorf("registration read = %+v", got)
			}
		}
		if got := mustRegistration(t, b, plain.ID); got.PromoCode != "" {
			t.Errorf("registration without a code has promo code %q", got.PromoCode)
		}
	})
}
