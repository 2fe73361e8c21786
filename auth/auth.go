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

	"parley"
)

// SessionTTL is how long a browser session lasts.
const SessionTTL = 12 * time.Hour

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
}

// New returns an auth service on store.
func New(store parley.Store) *Service {
	return &Service{Store: store, Now: time.Now}
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

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// errWrongLogin is the one answer to a wrong name or a wrong password.
func errWrongLogin() error {
	return parley.Errorf(parley.EUNAUTHORIZED, "wrong user name or password")
}

// Login checks a name and password and returns a new session secret.
// Wrong names and wrong passwords get the same answer, after the same work.
func (s *Service) Login(ctx context.Context, name, password string) (string, *parley.User, error) {
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
	token, _, err := s.issue(ctx, u.ID, KindSession, "", SessionTTL)
	return token, u, err
}

// hashSlots bounds concurrent password checks.
var hashSlots = make(chan struct{}, runtime.NumCPU())

// dummyHash is checked against when the user does not exist.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not a real password")
	return h
})

// IssueToken returns a new bearer token for u, for programs, and its record.
func (s *Service) IssueToken(ctx context.Context, u *parley.User, name string) (string, *parley.Session, error) {
	name = strings.TrimSpace(name)
	if err := parley.CheckOptional("name", name, parley.MaxNameBytes); err != nil {
		return "", nil, err
	}
	return s.issue(ctx, u.ID, KindToken, name, 0)
}

func (s *Service) issue(ctx context.Context, userID, kind, name string, ttl time.Duration) (string, *parley.Session, error) {
	secret := newSecret()
	now := s.Now().UTC()
	sess := &parley.Session{TokenHash: hashToken(secret), ID: parley.NewID("k_"), Name: name, UserID: userID, Kind: kind, CreatedAt: now}
	if ttl > 0 {
		sess.ExpiresAt = now.Add(ttl)
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

// Authenticate returns the user a session or token secret belongs to; kind
// restricts which sort of secret is accepted.
func (s *Service) Authenticate(ctx context.Context, secret, kind string) (*parley.User, error) {
	if secret == "" || len(secret) > 200 {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "sign in required")
	}
	var u *parley.User
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		sess, err := tx.SessionByHash(ctx, hashToken(secret))
		if err != nil {
			return err
		}
		if sess.Kind != kind || (!sess.ExpiresAt.IsZero() && s.Now().After(sess.ExpiresAt)) {
			return parley.Errorf(parley.EUNAUTHORIZED, "session expired")
		}
		u, err = tx.UserByID(ctx, sess.UserID)
		return err
	})
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "sign in required")
	}
	return u, err
}

// Logout ends the session or token whose secret is given.
func (s *Service) Logout(ctx context.Context, secret string) error {
	_, err := s.Store.Update(ctx, func(tx parley.Tx) error { return tx.DeleteSession(ctx, hashToken(secret)) })
	return err
}

// Tokens lists u's bearer tokens, newest first.
func (s *Service) Tokens(ctx context.Context, u *parley.User) ([]parley.Session, error) {
	out := []parley.Session{}
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		all, err := tx.Sessions(ctx, u.ID)
		for _, x := range all {
			if x.Kind == KindToken {
				out = append(out, x)
			}
		}
		return err
	})
	return out, err
}

// RevokeToken revokes one of u's bearer tokens by its id; another's token
// is ENOTFOUND, like a missing one.
func (s *Service) RevokeToken(ctx context.Context, u *parley.User, id string) error {
	_, err := s.Store.Update(ctx, func(tx parley.Tx) error {
		all, err := tx.Sessions(ctx, u.ID)
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
	return err
}
