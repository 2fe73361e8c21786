package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"runtime"
	"strings"
	"sync"
	"time"

	"parley"
)

// Session lifetimes.
const (
	SessionTTL = 12 * time.Hour
	// MinPassword is the shortest password accepted.
	MinPassword = 10
)

// Token kinds.
const (
	KindSession = "session"
	KindToken   = "token"
)

// Service creates users and checks credentials.
type Service struct {
	Store parley.Store
	Bus   parley.EventBus
	Now   func() time.Time
}

// New returns an auth service on store.
func New(store parley.Store, bus parley.EventBus) *Service {
	return &Service{Store: store, Bus: bus, Now: time.Now}
}

// NewUser describes an account to create.
type NewUser struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	Password    string `json:"password"`
	Admin       bool   `json:"admin"`
}

// CreateUser creates an account and records it in the ledger (without
// anything secret).
func (s *Service) CreateUser(ctx context.Context, actor string, nu NewUser) (*parley.User, error) {
	nu.Name = strings.TrimSpace(nu.Name)
	if !parley.ValidSlug(nu.Name) {
		return nil, parley.Errorf(parley.EINVALID, "user name %q must be 1-40 lowercase letters, digits or dashes", nu.Name)
	}
	if nu.DisplayName == "" {
		nu.DisplayName = nu.Name
	}
	if err := parley.CheckText("display_name", nu.DisplayName, 200); err != nil {
		return nil, err
	}
	if len(nu.Password) < MinPassword {
		return nil, parley.Errorf(parley.EINVALID, "password must be at least %d characters", MinPassword)
	}
	if len(nu.Password) > 1024 {
		return nil, parley.Errorf(parley.ETOOLARGE, "password is over 1024 bytes")
	}
	hash, err := HashPassword(nu.Password)
	if err != nil {
		return nil, err
	}
	u := &parley.User{ID: parley.NewID("u_"), Name: nu.Name, DisplayName: nu.DisplayName, Admin: nu.Admin, CreatedAt: s.Now().UTC(), PasswordHash: hash}
	events, err := s.Store.Update(ctx, func(tx parley.Tx) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		data, err := json.Marshal(map[string]string{"id": u.ID, "name": u.Name})
		if err != nil {
			return err
		}
		return tx.AppendEvent(ctx, &parley.Event{Time: u.CreatedAt, Kind: parley.EventUserCreated, Actor: actor, Data: data})
	})
	if err != nil {
		return nil, err
	}
	if s.Bus != nil {
		s.Bus.Publish(events)
	}
	return u, nil
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

// Login checks a name and password and returns a new session secret.
// Wrong names and wrong passwords get the same answer.
func (s *Service) Login(ctx context.Context, name, password string) (string, *parley.User, error) {
	var u *parley.User
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		var err error
		u, err = tx.UserByName(ctx, name)
		return err
	})
	if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
		return "", nil, err
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
		CheckPassword(dummyHash(), password)
		return "", nil, parley.Errorf(parley.EUNAUTHORIZED, "wrong user name or password")
	}
	if !CheckPassword(u.PasswordHash, password) {
		return "", nil, parley.Errorf(parley.EUNAUTHORIZED, "wrong user name or password")
	}
	token, err := s.issue(ctx, u.ID, KindSession, SessionTTL)
	return token, u, err
}

// hashSlots bounds concurrent password checks.
var hashSlots = make(chan struct{}, runtime.NumCPU())

// dummyHash is checked against when the user does not exist.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not a real password")
	return h
})

// IssueToken returns a new bearer token for the named user, for programs.
func (s *Service) IssueToken(ctx context.Context, name string) (string, error) {
	var u *parley.User
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		var err error
		u, err = tx.UserByName(ctx, name)
		return err
	})
	if err != nil {
		return "", err
	}
	return s.issue(ctx, u.ID, KindToken, 0)
}

func (s *Service) issue(ctx context.Context, userID, kind string, ttl time.Duration) (string, error) {
	secret := newSecret()
	now := s.Now().UTC()
	sess := &parley.Session{TokenHash: hashToken(secret), UserID: userID, Kind: kind, CreatedAt: now}
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
		return "", err
	}
	return secret, nil
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

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, secret string) error {
	_, err := s.Store.Update(ctx, func(tx parley.Tx) error { return tx.DeleteSession(ctx, hashToken(secret)) })
	return err
}
