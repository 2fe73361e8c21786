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
	// Disabled accounts cannot sign in; an administrator disables them.
	Disabled bool `json:"disabled"`
	// Grant is what the credential of the request at hand allows; the
	// zero Grant allows all the user may do.
	Grant Grant `json:"-"`
}

// Validate checks the login name and display name.
func (u *User) Validate() error {
	if !ValidSlug(u.Name) {
		return Errorf(EINVALID, "user name %q must be 1-%d lowercase letters, digits or dashes", u.Name, MaxSlugBytes)
	}
	return CheckText("display_name", u.DisplayName, MaxNameBytes)
}

// Session is a signed-in browser session or an API token; only the SHA-256
// of its secret is stored.
type Session struct {
	TokenHash []byte
	// ID names the session or token publicly, to list and revoke it by.
	ID string
	// Name is what its owner called a token.
	Name      string
	UserID    string
	Kind      string // "session" or "token"
	CreatedAt time.Time
	ExpiresAt time.Time // zero for tokens that do not expire
	// Access and TalksID scope a token (see Grant); sessions have
	// read-write access to everything.
	Access  Access
	TalksID string
	// LastUsedAt is when a session was last used (its idle timeout).
	LastUsedAt time.Time
}
