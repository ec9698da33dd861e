package web_test

import (
	"fmt"
	"net/http"
	"testing"

	"basketball/sqldb/sqldbtest"
)

// TestPendingHoldsPerParent: one email may hold a family's worth (4) of
// unpaid seats at a tryout, whatever the letter case; the fifth is refused
// with 409 too_many_pending and nothing is written; paying one frees room.
func TestPendingHoldsPerParent(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		b := setup(t, engine) // capacity 5
		var ids []string
		for i := range 4 {
			body := b.registration(i, "")
			body["parent"].(map[string]any)["email"] = fmt.Sprintf("Family@%s", []string{"example.com", "EXAMPLE.com", "Example.Com", "example.COM"}[i])
			res := b.postJSON(t, "/api/v1/clubs/tigers/registrations", body)
			if res.status != http.StatusCreated {
				t.Fatalf("registration %d: %d %s", i, res.status, res.body)
			}
			id, _ := res.json(t)["registration_id"].(string)
			ids = append(ids, id)
		}
		fifth := b.registration(4, "")
		fifth["parent"].(map[string]any)["email"] = "family@example.com"
		res := b.postJSON(t, "/api/v1/clubs/tigers/registrations", fifth)
		if res.status != http.StatusConflict || res.errCode(t) != "too_many_pending" {
			t.Fatalf("fifth unpaid registration: %d %s, want 409 too_many_pending", res.status, res.body)
		}
		if left := *mustTryout(t, b).SeatsLeft; left != 1 {
			t.Fatalf("seats left %d after the refused one, want 1", left)
		}
		b.mustEvent(t, b.completed(ids[0], nil), "paid")
		if res := b.postJSON(t, "/api/v1/clubs/tigers/registrations", fifth); res.status != http.StatusCreated {
			t.Fatalf("after paying one: %d %s", res.status, res.body)
		}
	})
}
