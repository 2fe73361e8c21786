package http

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"time"

	"parley"
	"parley/talks"
)

// keys holds the deployment's cookie signing key, read from the store the
// first time it is needed so that every node of a deployment shares it.
type keys struct {
	talks *talks.Service
	mu    sync.Mutex
	key   []byte
}

func (k *keys) get(ctx context.Context) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key == nil {
		key, err := k.talks.Secret(ctx, "cookies")
		if err != nil {
			return nil, err
		}
		k.key = key
	}
	return k.key, nil
}

// sign returns value with an HMAC that binds it to purpose.
func (s *Server) sign(ctx context.Context, purpose, value string) (string, error) {
	key, err := s.keys.get(ctx)
	if err != nil {
		return "", err
	}
	return value + "." + mac(key, purpose, value), nil
}

// verify returns the value of a signed string made by sign for purpose.
func (s *Server) verify(ctx context.Context, purpose, signed string) (string, bool) {
	i := strings.LastIndexByte(signed, '.')
	if i < 0 {
		return "", false
	}
	key, err := s.keys.get(ctx)
	if err != nil {
		return "", false
	}
	value := signed[:i]
	return value, hmac.Equal([]byte(signed[i+1:]), []byte(mac(key, purpose, value)))
}

func mac(key []byte, purpose, value string) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(purpose + "\x00" + value))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: int(maxAge / time.Second), HttpOnly: true,
		Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// Flash messages are set by the server after a form and shown once by the
// next page: a signed cookie, never the query string, so that no link can
// make the application say something it did not.
const (
	flashCookie = "parley_flash"
	flashOK     = "ok"
	flashError  = "error"
)

// flash sets the message the next page shows.
func (s *Server) flash(w http.ResponseWriter, r *http.Request, kind, msg string) {
	v, err := s.sign(r.Context(), "flash", kind+":"+base64.RawURLEncoding.EncodeToString([]byte(msg)))
	if err == nil {
		s.setCookie(w, flashCookie, v, time.Minute)
	}
}

// takeFlash returns and clears the flash message the request carries.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) (kind, msg string) {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return "", ""
	}
	s.clearCookie(w, flashCookie)
	v, ok := s.verify(r.Context(), "flash", c.Value)
	if !ok {
		return "", ""
	}
	kind, enc, _ := strings.Cut(v, ":")
	b, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil || (kind != flashOK && kind != flashError) {
		return "", ""
	}
	return kind, string(b)
}

// Device cookies (OWASP's defence against account lockout): a browser that
// signed in to an account gets a signed cookie naming it. Its later
// sign-ins to that account are limited per device, so that nobody else's
// failed attempts can keep the rightful user out; clients without one share
// the account's limit, which stops guessing.
const (
	deviceCookie = "parley_device"
	deviceTTL    = 365 * 24 * time.Hour
)

// device returns the id of the request's device cookie if it was issued for
// the account name.
func (s *Server) device(r *http.Request, name string) (string, bool) {
	c, err := r.Cookie(deviceCookie)
	if err != nil {
		return "", false
	}
	v, ok := s.verify(r.Context(), "device", c.Value)
	if !ok {
		return "", false
	}
	who, id, ok := strings.Cut(v, ":")
	return id, ok && who == name && id != ""
}

// login checks credentials under the limits and sets the session and
// device cookies.
func (s *Server) login(w http.ResponseWriter, r *http.Request, name, password string) (*parley.User, error) {
	tooMany := parley.Errorf(parley.ERATELIMIT, "too many sign-in attempts; wait a little")
	// A browser that signed in to this account before is limited on its
	// own: neither failures from its address (shared behind a proxy or a
	// NAT) nor failures against the account can keep it out. Other clients
	// are limited per address and per account.
	dev, known := s.device(r, name)
	switch {
	case known:
		if !s.limits.allow("device " + dev) {
			return nil, tooMany
		}
	case !s.limits.allow("addr " + s.clientAddr(r)):
		return nil, tooMany
	case parley.ValidSlug(name):
		// Only names that can exist get a bucket: what is kept is bounded.
		if !s.limits.allow("user " + name) {
			return nil, tooMany
		}
	}
	token, u, err := s.Auth.Login(r.Context(), name, password)
	if err != nil {
		return nil, err
	}
	s.startSession(w, r, token)
	if !known {
		b := make([]byte, 16)
		rand.Read(b)
		if v, err := s.sign(r.Context(), "device", name+":"+base64.RawURLEncoding.EncodeToString(b)); err == nil {
			s.setCookie(w, deviceCookie, v, deviceTTL)
		}
	}
	return u, nil
}

// startSession sets the cookie of a new session, after ending the one the
// browser held, if any: a session is never carried across a sign-in, so
// that a session id planted before it is worth nothing after.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, token string) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != token {
		if err := s.Auth.Logout(r.Context(), c.Value); err != nil {
			s.Log.Warn("ending the previous session", "err", err)
		}
	}
	s.setCookie(w, sessionCookie, token, s.Auth.SessionTTL)
}
