package web_test

import (
	"net/http"
	"testing"

	"basketball"
	"basketball/web"
)

func TestStaffErrorStatuses(t *testing.T) {
	for code, want := range map[string]int{
		basketball.EUnauthenticated: http.StatusUnauthorized,
		basketball.EForbidden:       http.StatusForbidden,
		basketball.EUnavailable:     http.StatusServiceUnavailable,
	} {
		if got := web.HTTPStatus(basketball.Errorf(code, "x")); got != want {
			t.Errorf("HTTPStatus(%s) = %d, want %d", code, got, want)
		}
	}
}
