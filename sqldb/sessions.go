package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SessionStore keeps staff sign-in sessions in the staff_sessions table. It
// implements the Store and CtxStore interfaces of
// github.com/alexedwards/scs/v2 on both engines, so several replicas on one
// PostgreSQL database share sessions, and a restart signs nobody out.
//
// It stores what scs gives it: the staff package turns on scs's
// HashTokenInStore, so the token column holds a hash, not the cookie. Rows
// past their expiry are never returned; DeleteExpiredSessions removes them.
// It does not implement scs's IterableStore: nothing here lists sessions,
// and with hashed tokens scs could not load them again anyway.
type SessionStore struct{ db *DB }

// SessionStore returns the store of staff sessions on this database.
func (db *DB) SessionStore() *SessionStore { return &SessionStore{db: db} }

// FindCtx returns the data of an unexpired session; found is false for an
// unknown or expired token.
func (s *SessionStore) FindCtx(ctx context.Context, token string) (data []byte, found bool, err error) {
	err = s.db.sql.QueryRowContext(ctx,
		`SELECT data FROM staff_sessions WHERE token = $1 AND expiry > $2`,
		token, s.db.ts(s.db.Now())).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("find session: %w", err)
	}
	return data, true, nil
}

// CommitCtx adds a session or replaces its data and expiry.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error {
	_, err := s.db.exec(ctx,
		`INSERT INTO staff_sessions (token, data, expiry) VALUES ($1, $2, $3)
		 ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
		token, data, s.db.ts(expiry))
	if err != nil {
		return fmt.Errorf("commit session: %w", err)
	}
	return nil
}

// DeleteCtx removes a session; an unknown token is not an error.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	if _, err := s.db.exec(ctx, `DELETE FROM staff_sessions WHERE token = $1`, token); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// Find is FindCtx without a context, for scs's Store interface.
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context, for scs's Store interface.
func (s *SessionStore) Commit(token string, data []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, data, expiry)
}

// Delete is DeleteCtx without a context, for scs's Store interface.
func (s *SessionStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// DeleteExpiredSessions removes the sessions whose expiry has passed by the
// store's clock and returns how many it removed. Expired rows are already
// invisible; this only reclaims space, so a periodic job may call it as
// rarely as it likes.
func (db *DB) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	res, err := db.exec(ctx, `DELETE FROM staff_sessions WHERE expiry <= $1`, db.ts(db.Now()))
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return n, nil
}
