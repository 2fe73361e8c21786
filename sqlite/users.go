package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"parley"
)

// CreateUser stores a new user; a taken name is ECONFLICT.
func (t *Tx) CreateUser(ctx context.Context, u *parley.User) error {
	_, err := t.exec(ctx, `INSERT INTO users (id, name, display_name, admin, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		u.ID, u.Name, u.DisplayName, boolInt(u.Admin), u.PasswordHash, fmtTime(u.CreatedAt))
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return parley.Errorf(parley.ECONFLICT, "user name %q is taken", u.Name)
	}
	if err != nil {
		return fmt.Errorf("sqlite: create user: %w", err)
	}
	return nil
}

const userCols = `id, name, display_name, admin, password_hash, created_at`

func scanUser(row interface{ Scan(...any) error }) (*parley.User, error) {
	var u parley.User
	var admin int
	var created string
	if err := row.Scan(&u.ID, &u.Name, &u.DisplayName, &admin, &u.PasswordHash, &created); err != nil {
		return nil, err
	}
	u.Admin = admin != 0
	u.CreatedAt = parseTime(created)
	return &u, nil
}

// UserByID looks a user up by id.
func (t *Tx) UserByID(ctx context.Context, id string) (*parley.User, error) {
	u, err := scanUser(t.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if err != nil {
		return nil, notFound("user", err)
	}
	return u, nil
}

// UserByName looks a user up by login name.
func (t *Tx) UserByName(ctx context.Context, name string) (*parley.User, error) {
	u, err := scanUser(t.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE name = ?`, name))
	if err != nil {
		return nil, notFound("user", err)
	}
	return u, nil
}

// ListUsers returns all users ordered by name.
func (t *Tx) ListUsers(ctx context.Context) ([]parley.User, error) {
	rows, err := t.query(ctx, `SELECT `+userCols+` FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list users: %w", err)
	}
	defer rows.Close()
	var out []parley.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list users: %w", err)
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

// CreateSession stores a session or token by the hash of its secret.
func (t *Tx) CreateSession(ctx context.Context, s *parley.Session) error {
	_, err := t.exec(ctx, `INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		s.TokenHash, s.UserID, s.Kind, fmtTime(s.CreatedAt), fmtTime(s.ExpiresAt))
	if err != nil {
		return fmt.Errorf("sqlite: create session: %w", err)
	}
	return nil
}

// SessionByHash finds a session by the hash of its secret.
func (t *Tx) SessionByHash(ctx context.Context, hash []byte) (*parley.Session, error) {
	var s parley.Session
	var created, expires string
	err := t.queryRow(ctx, `SELECT token_hash, user_id, kind, created_at, expires_at FROM sessions WHERE token_hash = ?`, hash).
		Scan(&s.TokenHash, &s.UserID, &s.Kind, &created, &expires)
	if err != nil {
		return nil, notFound("session", err)
	}
	s.CreatedAt, s.ExpiresAt = parseTime(created), parseTime(expires)
	return &s, nil
}

// DeleteSession removes a session; removing a missing one is not an error.
func (t *Tx) DeleteSession(ctx context.Context, hash []byte) error {
	if _, err := t.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hash); err != nil {
		return fmt.Errorf("sqlite: delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions that expired before now; API tokens
// (no expiry) stay.
func (t *Tx) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	if _, err := t.exec(ctx, `DELETE FROM sessions WHERE expires_at != '' AND expires_at < ?`, fmtTime(now)); err != nil {
		return fmt.Errorf("sqlite: delete expired sessions: %w", err)
	}
	return nil
}
