package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"

	"parley"
)

// Default lifetimes of credentials; a deployment may change them on the
// Service.
const (
	// SessionTTL is the absolute lifetime of a browser session.
	SessionTTL = 12 * time.Hour
	// SessionIdle ends a session not used for this long.
	SessionIdle = 30 * time.Minute
	// TokenTTL is a bearer token's lifetime when none is asked for.
	TokenTTL = 30 * 24 * time.Hour
	// MaxTokenTTL is the longest lifetime a bearer token may have.
	MaxTokenTTL = 90 * 24 * time.Hour
	// touchEvery bounds how often a session's last use is written.
	touchEvery = time.Minute
)

// Token kinds.
const (
	KindSession = "session"
	KindToken   = "token"
)

// Service checks credentials and keeps sessions and tokens. Accounts are
// created by package talks, like every other change that is recorded.
type Service struct {
	Store parley.Store
	Now   func() time.Time
	// Hub ends open streams whose credentials are revoked.
	Hub *Hub
	// Passwords allows signing in with a password; off, only passkeys
	// sign in.
	Passwords bool
	// SessionTTL and SessionIdle are a session's absolute and idle
	// timeouts.
	SessionTTL, SessionIdle time.Duration

	// webauthn is set by ConfigurePasskeys.
	webauthn *webauthn.WebAuthn
}

// New returns an auth service on store, with passwords allowed and the
// default timeouts.
func New(store parley.Store) *Service {
	return &Service{Store: store, Now: time.Now, Hub: NewHub(), Passwords: true, SessionTTL: SessionTTL, SessionIdle: SessionIdle}
}

// ValidatePassword checks a new password's length.
func ValidatePassword(password string) error {
	if len([]rune(password)) < parley.MinPasswordChars {
		return parley.Errorf(parley.EINVALID, "password must be at least %d characters", parley.MinPasswordChars)
	}
	if len(password) > parley.MaxPasswordBytes {
		return parley.Errorf(parley.ETOOLARGE, "password is over %d bytes", parley.MaxPasswordBytes)
	}
	return nil
}

// HashSecret returns the SHA-256 under which a secret (session, token or
// invitation) is stored.
func HashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// NewSecret returns 256 random bits, URL-safe.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// errWrongLogin is the one answer to a wrong name or a wrong password.
func errWrongLogin() error {
	return parley.Errorf(parley.EUNAUTHORIZED, "wrong user name or password")
}

// errDisabled answers a disabled account that proved who it is.
func errDisabled() error {
	return parley.Errorf(parley.EFORBIDDEN, "this account is disabled; ask an administrator")
}

// Login checks a name and password and returns a new session secret.
// Wrong names and wrong passwords get the same answer, after the same work.
func (s *Service) Login(ctx context.Context, name, password string) (string, *parley.User, error) {
	if !s.Passwords {
		return "", nil, parley.Errorf(parley.EFORBIDDEN, "this server signs in with passkeys only")
	}
	var u *parley.User
	if parley.ValidSlug(name) && len(password) <= parley.MaxPasswordBytes {
		err := s.Store.View(ctx, func(tx parley.Tx) error {
			var err error
			u, err = tx.UserByName(ctx, name)
			return err
		})
		if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
			return "", nil, err
		}
	}
	// Each check costs Argon2's memory: run no more at once than there are
	// cores, so that a flood of sign-ins queues instead of exhausting memory.
	select {
	case hashSlots <- struct{}{}:
		defer func() { <-hashSlots }()
	case <-ctx.Done():
		return "", nil, parley.Errorf(parley.ERATELIMIT, "too many sign-in attempts; try again")
	}
	if u == nil {
		// Spend the same time as a real check so that names cannot be probed.
		VerifyPassword(dummyHash(), password)
		return "", nil, errWrongLogin()
	}
	if !VerifyPassword(u.PasswordHash, password) {
		return "", nil, errWrongLogin()
	}
	if u.Disabled {
		return "", nil, errDisabled()
	}
	token, err := s.StartSession(ctx, u)
	return token, u, err
}

// StartSession opens a new browser session for a user who proved who they
// are (by password or passkey) and returns its secret.
func (s *Service) StartSession(ctx context.Context, u *parley.User) (string, error) {
	if u.Disabled {
		return "", errDisabled()
	}
	token, _, err := s.issue(ctx, &parley.Session{UserID: u.ID, Kind: KindSession}, s.SessionTTL)
	return token, err
}

// hashSlots bounds concurrent password checks.
var hashSlots = make(chan struct{}, runtime.NumCPU())

// dummyHash is checked against when the user does not exist.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not a real password")
	return h
})

// TokenOptions describe a bearer token to issue.
type TokenOptions struct {
	Name string `json:"name"`
	// Access is read or read-write (the default).
	Access parley.Access `json:"access"`
	// Talks limits the token to one talks; "" for all.
	Talks string `json:"talks"`
	// TTL is its lifetime: 0 for TokenTTL, at most MaxTokenTTL.
	TTL time.Duration `json:"-"`
}

// IssueToken returns a new read-write bearer token for u, valid for
// TokenTTL, and its record.
func (s *Service) IssueToken(ctx context.Context, u *parley.User, name string) (string, *parley.Session, error) {
	return s.NewToken(ctx, u, TokenOptions{Name: name})
}

// NewToken returns a new bearer token for u, as opts say, and its record.
// A token made with a limited credential is limited as much.
func (s *Service) NewToken(ctx context.Context, u *parley.User, opts TokenOptions) (string, *parley.Session, error) {
	name := strings.TrimSpace(opts.Name)
	if err := parley.CheckOptional("name", name, parley.MaxNameBytes); err != nil {
		return "", nil, err
	}
	if opts.Access == "" {
		opts.Access = parley.AccessReadWrite
	}
	if !opts.Access.Valid() {
		return "", nil, parley.Errorf(parley.EINVALID, "access must be %q or %q", parley.AccessRead, parley.AccessReadWrite)
	}
	switch {
	case opts.TTL == 0:
		opts.TTL = TokenTTL
	case opts.TTL < time.Minute || opts.TTL > MaxTokenTTL:
		return "", nil, parley.Errorf(parley.EINVALID, "a token lives between a minute and %d days", int(MaxTokenTTL/(24*time.Hour)))
	}
	g := u.Grant
	if g.ReadOnly() {
		return "", nil, parley.Errorf(parley.EFORBIDDEN, "a read-only token cannot make tokens")
	}
	if g.Talks != "" && opts.Talks != g.Talks {
		return "", nil, parley.Errorf(parley.EFORBIDDEN, "a token limited to one talks makes tokens for those talks only")
	}
	if len(opts.Talks) > 64 {
		return "", nil, parley.Errorf(parley.EINVALID, "talks must be a talks id")
	}
	return s.issue(ctx, &parley.Session{UserID: u.ID, Kind: KindToken, Name: name, Access: opts.Access, TalksID: opts.Talks}, opts.TTL)
}

// issue stores a new session or token that lives for ttl and returns its
// secret.
func (s *Service) issue(ctx context.Context, sess *parley.Session, ttl time.Duration) (string, *parley.Session, error) {
	secret := NewSecret()
	now := s.Now().UTC()
	sess.TokenHash, sess.ID, sess.CreatedAt, sess.ExpiresAt = HashSecret(secret), parley.NewID("k_"), now, now.Add(ttl)
	if sess.Kind == KindSession {
		sess.LastUsedAt = now
	}
	if sess.Access == "" {
		sess.Access = parley.AccessReadWrite
	}
	_, err := s.Store.Update(ctx, func(tx parley.Tx) error {
		if err := tx.DeleteExpiredSessions(ctx, now); err != nil {
			return err
		}
		return tx.CreateSession(ctx, sess)
	})
	if err != nil {
		return "", nil, err
	}
	return secret, sess, nil
}

// Authenticate returns the user a session or token secret belongs to,
// with the credential's Grant; kind restricts which sort of secret is
// accepted. Expired sessions (past their absolute or idle timeout),
// expired tokens and disabled accounts are refused.
func (s *Service) Authenticate(ctx context.Context, secret, kind string) (*parley.User, error) {
	if secret == "" || len(secret) > 200 {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "sign in required")
	}
	var u *parley.User
	var sess *parley.Session
	now := s.Now().UTC()
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		var err error
		if sess, err = tx.SessionByHash(ctx, HashSecret(secret)); err != nil {
			return err
		}
		if sess.Kind != kind || s.expired(sess, now) {
			return parley.Errorf(parley.EUNAUTHORIZED, "session expired")
		}
		u, err = tx.UserByID(ctx, sess.UserID)
		return err
	})
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "sign in required")
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "this account is disabled")
	}
	u.Grant = parley.Grant{Credential: sess.ID, Access: sess.Access, Talks: sess.TalksID}
	if sess.Kind == KindSession && now.Sub(sess.LastUsedAt) >= touchEvery {
		// The idle timeout counts from the last use; written at most once
		// a minute per session, not at every request.
		if _, err := s.Store.Update(ctx, func(tx parley.Tx) error { return tx.TouchSession(ctx, sess.TokenHash, now) }); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// expired reports whether a session or token is past its time.
func (s *Service) expired(sess *parley.Session, now time.Time) bool {
	if !sess.ExpiresAt.IsZero() && !now.Before(sess.ExpiresAt) {
		return true
	}
	return sess.Kind == KindSession && s.SessionIdle > 0 && !sess.LastUsedAt.IsZero() && now.Sub(sess.LastUsedAt) >= s.SessionIdle
}

// Logout ends the session or token whose secret is given, and the streams
// opened with it.
func (s *Service) Logout(ctx context.Context, secret string) error {
	hash := HashSecret(secret)
	var sess *parley.Session
	_, err := s.Store.Update(ctx, func(tx parley.Tx) error {
		var err error
		sess, err = tx.SessionByHash(ctx, hash)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			return nil
		}
		if err != nil {
			return err
		}
		return tx.DeleteSession(ctx, hash)
	})
	if err == nil && sess != nil {
		s.Hub.Revoke(sess.UserID, sess.ID)
	}
	return err
}

// SignOutEverywhere ends every session and token of the user, and every
// stream they opened.
func (s *Service) SignOutEverywhere(ctx context.Context, userID string) error {
	_, err := s.Store.Update(ctx, func(tx parley.Tx) error { return tx.DeleteUserSessions(ctx, userID, "", nil) })
	if err == nil {
		s.Hub.Revoke(userID, "")
	}
	return err
}

// Tokens lists the bearer tokens of the user with that id, newest first.
func (s *Service) Tokens(ctx context.Context, userID string) ([]parley.Session, error) {
	out := []parley.Session{}
	now := s.Now().UTC()
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		all, err := tx.Sessions(ctx, userID)
		for _, x := range all {
			if x.Kind == KindToken && !s.expired(&x, now) {
				out = append(out, x)
			}
		}
		return err
	})
	return out, err
}

// RevokeToken revokes one bearer token of the user with that id, and
// ends the streams opened with it; another's token is ENOTFOUND, like a
// missing one.
func (s *Service) RevokeToken(ctx context.Context, userID, id string) error {
	_, err := s.Store.Update(ctx, func(tx parley.Tx) error {
		all, err := tx.Sessions(ctx, userID)
		if err != nil {
			return err
		}
		for _, x := range all {
			if x.ID == id && x.Kind == KindToken {
				return tx.DeleteSession(ctx, x.TokenHash)
			}
		}
		return parley.Errorf(parley.ENOTFOUND, "token not found")
	})
	if err == nil {
		s.Hub.Revoke(userID, id)
	}
	return err
}

// ChangePassword replaces u's password after checking the current one,
// and ends every other session of the account (tokens stay).
func (s *Service) ChangePassword(ctx context.Context, u *parley.User, current, next, keepSecret string) error {
	if !s.Passwords {
		return parley.Errorf(parley.EFORBIDDEN, "this server signs in with passkeys only")
	}
	if err := ValidatePassword(next); err != nil {
		return err
	}
	select {
	case hashSlots <- struct{}{}:
		defer func() { <-hashSlots }()
	case <-ctx.Done():
		return ctx.Err()
	}
	if len(current) > parley.MaxPasswordBytes || !VerifyPassword(u.PasswordHash, current) {
		return parley.Errorf(parley.EFORBIDDEN, "the current password is wrong")
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	keep := HashSecret(keepSecret)
	_, err = s.Store.Update(ctx, func(tx parley.Tx) error {
		if err := tx.SetPassword(ctx, u.ID, hash); err != nil {
			return err
		}
		return tx.DeleteUserSessions(ctx, u.ID, KindSession, keep)
	})
	return err
}
