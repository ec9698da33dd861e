package staff

import (
	"crypto/rand"
	"crypto/sha256"
	"net/http"
	"net/url"
	"sync"
	"time"

	"basketball"
)

// DemoLinkLifetime is how long a demo sign-in link stays usable.
const DemoLinkLifetime = 24 * time.Hour

// DemoSubject and DemoEmail name the staff a demo link signs in, in the
// audit log as everywhere else.
const (
	DemoSubject = "demo-staff"
	DemoEmail   = "staff@demo.localhost"
)

// demoLinks are the unused demo links of this process, by the SHA-256 of
// their token. They live in memory: the demo is one process, and a link
// must not outlive it.
type demoLinks struct {
	mu    sync.Mutex
	links map[[32]byte]demoGrant
}

type demoGrant struct {
	club    string
	expires time.Time
}

// DemoLink mints a one-time sign-in link, valid DemoLinkLifetime, that
// signs its first user in as staff of club (club-admin:{club}) without the
// issuer. Only the demo calls it and mounts DemoLogin; serve never does.
func (a *Auth) DemoLink(club string) (string, error) {
	if !basketball.ValidSlug(club) {
		return "", basketball.Errorf(basketball.EInvalid, "club slug %q is malformed", club)
	}
	token := rand.Text() + rand.Text()
	now := a.cfg.Now()
	a.demo.mu.Lock()
	defer a.demo.mu.Unlock()
	for k, g := range a.demo.links {
		if !now.Before(g.expires) {
			delete(a.demo.links, k)
		}
	}
	a.demo.links[sha256.Sum256([]byte(token))] = demoGrant{club: club, expires: now.Add(DemoLinkLifetime)}
	return a.cfg.PublicURL + DemoLoginPath + "?" + url.Values{"token": {token}}.Encode(), nil
}

// MountDemo registers GET /admin/demo-login. Demo only.
func (a *Auth) MountDemo(mux *http.ServeMux) {
	mux.Handle("GET "+DemoLoginPath, a.DemoLogin())
}

// DemoLogin returns the handler of GET /admin/demo-login?token=…: it
// consumes the link's token and starts a session (new token) as staff of
// the link's club, then shows the club's dashboard.
func (a *Auth) DemoLogin() http.Handler {
	return a.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		key := sha256.Sum256([]byte(r.URL.Query().Get("token")))
		a.demo.mu.Lock()
		g, ok := a.demo.links[key]
		delete(a.demo.links, key)
		a.demo.mu.Unlock()
		if !ok || !a.cfg.Now().Before(g.expires) {
			a.writeError(w, r, basketball.Errorf(basketball.EUnauthenticated, "this sign-in link is invalid, used or expired; run the demo again for a new one"))
			return
		}
		st := basketball.StaffFromRoles(DemoSubject, DemoEmail, []string{basketball.RoleClubAdminPrefix + g.club})
		if err := a.signIn(r.Context(), st, ""); err != nil {
			a.writeError(w, r, err)
			return
		}
		http.Redirect(w, r, "/admin/clubs/"+g.club, http.StatusSeeOther)
	}))
}
