package sqlstore

import (
	"context"
	"fmt"
	"time"

	"parley"
)

// CreateUser stores a new user; a taken name is ECONFLICT.
func (t *Tx) CreateUser(ctx context.Context, u *parley.User) error {
	_, err := t.exec(ctx, `INSERT INTO users (id, name, display_name, admin, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		u.ID, u.Name, u.DisplayName, boolInt(u.Admin), u.PasswordHash, fmtTime(u.CreatedAt))
	return t.conflict(err, "create user", fmt.Sprintf("user name %q is taken", u.Name))
}

const userCols = `id, name, display_name, admin, password_hash, created_at, disabled`

func scanUser(row interface{ Scan(...any) error }) (*parley.User, error) {
	var u parley.User
	var admin, disabled int
	var created string
	if err := row.Scan(&u.ID, &u.Name, &u.DisplayName, &admin, &u.PasswordHash, &created, &disabled); err != nil {
		return nil, err
	}
	u.Admin, u.Disabled = admin != 0, disabled != 0
	u.CreatedAt = parseTime(created)
	return &u, nil
}

// UserByID looks a user up by id.
func (t *Tx) UserByID(ctx context.Context, id string) (*parley.User, error) {
	u, err := scanUser(t.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if err != nil {
		return nil, t.notFound("user", err)
	}
	return u, nil
}

// UserByName looks a user up by login name.
func (t *Tx) UserByName(ctx context.Context, name string) (*parley.User, error) {
	u, err := scanUser(t.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE name = ?`, name))
	if err != nil {
		return nil, t.notFound("user", err)
	}
	return u, nil
}

// ListUsers returns all users ordered by name.
func (t *Tx) ListUsers(ctx context.Context) ([]parley.User, error) {
	rows, err := t.query(ctx, `SELECT `+userCols+` FROM users ORDER BY name`)
	if err != nil {
		return nil, t.formatError(err, "list users")
	}
	defer rows.Close()
	out := []parley.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, t.formatError(err, "list users")
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

// CreateSession stores a session or token by the hash of its secret.
func (t *Tx) CreateSession(ctx context.Context, s *parley.Session) error {
	access := s.Access
	if access == "" {
		access = parley.AccessReadWrite
	}
	_, err := t.exec(ctx, `INSERT INTO sessions (token_hash, id, name, user_id, kind, created_at, expires_at, access, talks_id, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.TokenHash, s.ID, s.Name, s.UserID, s.Kind, fmtTime(s.CreatedAt), fmtTime(s.ExpiresAt), string(access), s.TalksID, fmtTime(s.LastUsedAt))
	return t.formatError(err, "create session")
}

const sessionCols = `token_hash, id, name, user_id, kind, created_at, expires_at, access, talks_id, last_used_at`

func scanSession(row interface{ Scan(...any) error }) (*parley.Session, error) {
	var s parley.Session
	var created, expires, access, used string
	if err := row.Scan(&s.TokenHash, &s.ID, &s.Name, &s.UserID, &s.Kind, &created, &expires, &access, &s.TalksID, &used); err != nil {
		return nil, err
	}
	s.CreatedAt, s.ExpiresAt, s.LastUsedAt = parseTime(created), parseTime(expires), parseTime(used)
	s.Access = parley.Access(access)
	return &s, nil
}

// SessionByHash finds a session by the hash of its secret.
func (t *Tx) SessionByHash(ctx context.Context, hash []byte) (*parley.Session, error) {
	s, err := scanSession(t.queryRow(ctx, `SELECT `+sessionCols+` FROM sessions WHERE token_hash = ?`, hash))
	if err != nil {
		return nil, t.notFound("session", err)
	}
	return s, nil
}

// Sessions lists the user's sessions and tokens, newest first.
func (t *Tx) Sessions(ctx context.Context, userID string) ([]parley.Session, error) {
	rows, err := t.query(ctx, `SELECT `+sessionCols+` FROM sessions WHERE user_id = ? ORDER BY created_at DESC, id`, userID)
	if err != nil {
		return nil, t.formatError(err, "sessions")
	}
	defer rows.Close()
	out := []parley.Session{}
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, t.formatError(err, "sessions")
		}
		out = append(out, *s)
	}
	return out, t.formatError(rows.Err(), "sessions")
}

// DeleteSession removes a session; removing a missing one is not an error.
func (t *Tx) DeleteSession(ctx context.Context, hash []byte) error {
	_, err := t.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hash)
	return t.formatError(err, "delete session")
}

// DeleteExpiredSessions removes sessions that expired before now; API tokens
// (no expiry) stay.
func (t *Tx) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	_, err := t.exec(ctx, `DELETE FROM sessions WHERE expires_at != '' AND expires_at < ?`, fmtTime(now))
	return t.formatError(err, "delete expired sessions")
}

// Setting returns a deployment setting; an unset one is ENOTFOUND.
func (t *Tx) Setting(ctx context.Context, name string) (string, error) {
	var v string
	if err := t.queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v); err != nil {
		return "", t.notFound("setting "+name, err)
	}
	return v, nil
}

// PutSetting sets a deployment setting.
func (t *Tx) PutSetting(ctx context.Context, name, value string) error {
	_, err := t.exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	return t.formatError(err, "put setting")
}
