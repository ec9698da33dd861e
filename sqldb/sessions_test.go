package sqldb_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"basketball/sqldb"
	"basketball/sqldb/sqldbtest"
)

var _ scs.CtxStore = (*sqldb.SessionStore)(nil)

func TestSessionStore(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		st := b.db.SessionStore()

		// Binary data (gob) survives the round trip byte for byte.
		data := []byte{0, 1, 2, 0xff, 0xfe, 'x', 0}
		if err := st.CommitCtx(b.ctx, "tok-a", data, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, found, err := st.FindCtx(b.ctx, "tok-a")
		if err != nil || !found || !bytes.Equal(got, data) {
			t.Fatalf("Find = %v, %v, %v; want %v", got, found, err, data)
		}

		// Commit again replaces data and expiry.
		if err := st.Commit("tok-a", []byte("v2"), t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		b.clock.Advance(90 * time.Minute)
		got, found, err = st.Find("tok-a")
		if err != nil || !found || string(got) != "v2" {
			t.Fatalf("after recommit: Find = %q, %v, %v", got, found, err)
		}

		// Unknown tokens are not found, without an error.
		if _, found, err := st.Find("nope"); found || err != nil {
			t.Fatalf("unknown token: found=%v err=%v", found, err)
		}

		// Expired sessions are not found, even before the cleanup.
		b.clock.Advance(30 * time.Minute) // exactly at expiry
		if _, found, err := st.Find("tok-a"); found || err != nil {
			t.Fatalf("expired token: found=%v err=%v", found, err)
		}

		// Delete removes; deleting again is a no-op.
		if err := st.Commit("tok-b", []byte("b"), b.db.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := st.Delete("tok-b"); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteCtx(b.ctx, "tok-b"); err != nil {
			t.Fatalf("second delete: %v", err)
		}
		if _, found, _ := st.Find("tok-b"); found {
			t.Fatal("deleted session still found")
		}
	})
}

func TestDeleteExpiredSessions(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine)
		st := b.db.SessionStore()
		for tok, d := range map[string]time.Duration{"past": -time.Second, "now": 0, "soon": time.Minute, "later": time.Hour} {
			if err := st.Commit(tok, []byte(tok), t0.Add(d)); err != nil {
				t.Fatal(err)
			}
		}
		n, err := b.db.DeleteExpiredSessions(b.ctx)
		if err != nil || n != 2 {
			t.Fatalf("DeleteExpiredSessions = %d, %v; want 2", n, err)
		}
		if c := count(t, b.db, "SELECT count(*) FROM staff_sessions"); c != 2 {
			t.Fatalf("rows left = %d, want 2", c)
		}
		for _, tok := range []string{"soon", "later"} {
			if _, found, _ := st.Find(tok); !found {
				t.Errorf("%s: removed or hidden before its expiry", tok)
			}
		}
		b.clock.Advance(time.Minute)
		if n, err := b.db.DeleteExpiredSessions(b.ctx); err != nil || n != 1 {
			t.Fatalf("second cleanup = %d, %v; want 1", n, err)
		}
	})
}
