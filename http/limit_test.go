package http

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"parley/auth"
	"parley/internal/fixture"
)

// TestLoginLimiterBounded: sign-ins with huge names, from many addresses,
// keep no more than one short bucket per address: what the limiter keeps
// does not grow with what clients send.
func TestLoginLimiterBounded(t *testing.T) {
	fx := fixture.New(t)
	s := NewServer(fx.Talks, auth.New(fx.Store))
	name := strings.Repeat("n", 100<<10)
	for i := range 1000 {
		r := httptest.NewRequest("POST", "/api/v1/login", nil).WithContext(context.Background())
		r.RemoteAddr = "10.0." + strconv.Itoa(i/250) + "." + strconv.Itoa(i%250) + ":1234"
		w := httptest.NewRecorder()
		if _, err := s.login(w, r, name+strconv.Itoa(i), "wrong"); err == nil {
			t.Fatal("signed in")
		}
	}
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	if n := len(s.limits.m); n > 1000 {
		t.Fatalf("%d buckets after 1000 attempts from 1000 addresses", n)
	}
	for k := range s.limits.m {
		if len(k) > 64 {
			t.Fatalf("a key of %d bytes is kept", len(k))
		}
	}
}

// TestLimiterFull: when every bucket is throttled, a new key is refused
// rather than an old one forgotten; full buckets are swept to make room.
func TestLimiterFull(t *testing.T) {
	l := newLimiter(1, 1, 2)
	if !l.allow("a") || !l.allow("b") {
		t.Fatal("first attempts refused")
	}
	if l.allow("c") {
		t.Fatal("a third key fitted into a table of two throttled buckets")
	}
	if len(l.m) != 2 {
		t.Fatalf("size %d", len(l.m))
	}
}
