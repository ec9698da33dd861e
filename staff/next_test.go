package staff

import "testing"

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                             "/admin",
		"/admin":                       "/admin",
		"/admin/":                      "/admin/",
		"/admin/clubs/tigers":          "/admin/clubs/tigers",
		"/admin/clubs/tigers?status=x": "/admin/clubs/tigers?status=x",
		"/admin/clubs/tigers#top":      "/admin/clubs/tigers",
		"admin/clubs":                  "/admin",
		"/":                            "/admin",
		"/administrator":               "/admin",
		"/api/v1/admin/me":             "/admin",
		"https://evil.example/admin":   "/admin",
		"//evil.example/admin":         "/admin",
		"/\\evil.example/admin":        "/admin",
		"/admin/../registrations/x":    "/admin",
		"/admin/%2e%2e/x":              "/admin",
		"/admin//evil":                 "/admin",
		"/admin/x\r\nSet-Cookie: a=b":  "/admin",
		"/admin/login":                 "/admin",
		"/admin/callback?code=x":       "/admin",
		"/admin/logout":                "/admin",
		"/admin/demo-login?token=x":    "/admin",
		"javascript:alert(1)":          "/admin",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
