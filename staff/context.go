package staff

import (
	"context"
	"net/http"

	"basketball"
)

type ctxKey struct{}

// NewContext returns ctx carrying st, as RequirePage and RequireAPI do.
// Tests of handlers behind them use it directly.
func NewContext(ctx context.Context, st basketball.Staff) context.Context {
	return context.WithValue(ctx, ctxKey{}, st)
}

// FromContext returns the signed-in staff that RequirePage or RequireAPI
// put in the request's context.
func FromContext(ctx context.Context) (basketball.Staff, bool) {
	st, ok := ctx.Value(ctxKey{}).(basketball.Staff)
	return st, ok && st.Subject != ""
}

// RequireClub returns the signed-in staff if they may manage the club,
// else 401 unauthenticated (nobody signed in) or 403 forbidden. The 403 is
// the same whether or not the club exists, so it reveals nothing: call it
// before looking the club up.
func RequireClub(ctx context.Context, slug string) (basketball.Staff, error) {
	st, ok := FromContext(ctx)
	if !ok {
		return basketball.Staff{}, basketball.Errorf(basketball.EUnauthenticated, "sign in as club staff first")
	}
	if !st.CanManage(slug) {
		return basketball.Staff{}, basketball.Errorf(basketball.EForbidden, "you may not manage this club")
	}
	return st, nil
}

// ClubOnly lets through only staff who may manage the club named by the
// {club} wildcard of the route. Put it inside RequirePage or RequireAPI:
//
//	mux.Handle("GET /api/v1/admin/clubs/{club}/registrations", a.RequireAPI(a.ClubOnly(h)))
func (a *Auth) ClubOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := RequireClub(r.Context(), r.PathValue("club")); err != nil {
			a.writeError(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}
