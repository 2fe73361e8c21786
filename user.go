package parley

import "time"

// User is an account that can sign in.
type User struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	DisplayName string    `json:"display_name"`
	Admin       bool      `json:"admin"`
	CreatedAt   time.Time `json:"created_at"`
	// PasswordHash is the encoded argon2id hash; never serialised.
	PasswordHash string `json:"-"`
}

// Session is a signed-in browser session or an API token; only the SHA-256
// of its secret is stored.
type Session struct {
	TokenHash []byte
	UserID    string
	Kind      string // "session" or "token"
	CreatedAt time.Time
	ExpiresAt time.Time // zero for tokens that do not expire
}
