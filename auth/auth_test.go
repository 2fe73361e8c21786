package auth_test

import (
	"context"
	"crypto/sha256"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/auth"
	"parley/internal/fixture"
)

func TestPasswordHash(t *testing.T) {
	h, err := auth.HashPassword("a long passphrase")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$") {
		t.Fatalf("hash format: %s", h)
	}
	if !auth.VerifyPassword(h, "a long passphrase") {
		t.Fatal("right password refused")
	}
	if auth.VerifyPassword(h, "a long passphrasE") {
		t.Fatal("wrong password accepted")
	}
	h2, _ := auth.HashPassword("a long passphrase")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "$argon2id$", "$argon2i$v=19$m=64,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdA$a2V5",
		strings.Replace(h, "$v=19$", "$v=18$", 1), h[:len(h)-4] + "!!!!"} {
		if auth.VerifyPassword(bad, "a long passphrase") {
			t.Errorf("accepted with hash %q", bad)
		}
	}
}

func TestSessionsAndTokens(t *testing.T) {
	env := fixture.New(t)
	ctx := context.Background()
	now := time.Date(2024, 12, 1, 12, 0, 0, 0, time.UTC)
	env.Auth.Now = func() time.Time { return now }

	_, _, err := env.Auth.Login(ctx, "israel", "wrong password")
	if parley.ErrorCode(err) != parley.EUNAUTHORIZED {
		t.Fatalf("wrong password: %v", err)
	}
	_, _, err2 := env.Auth.Login(ctx, "nobody", "wrong password")
	if parley.ErrorMessage(err) != parley.ErrorMessage(err2) {
		t.Fatalf("unknown user and wrong password answer differently: %q vs %q", parley.ErrorMessage(err), parley.ErrorMessage(err2))
	}
	sess, u, err := env.Auth.Login(ctx, "israel", fixture.Password)
	if err != nil || u.Name != "israel" {
		t.Fatalf("login: %v", err)
	}
	if got, err := env.Auth.Authenticate(ctx, sess, auth.KindSession); err != nil || got.ID != u.ID {
		t.Fatalf("session: %v", err)
	}
	if _, err := env.Auth.Authenticate(ctx, sess, auth.KindToken); parley.ErrorCode(err) != parley.EUNAUTHORIZED {
		t.Fatalf("a session used as a bearer token: %v", err)
	}
	now = now.Add(auth.SessionTTL + time.Second)
	if _, err := env.Auth.Authenticate(ctx, sess, auth.KindSession); parley.ErrorCode(err) != parley.EUNAUTHORIZED {
		t.Fatalf("expired session accepted: %v", err)
	}
	// The next sign-in sweeps expired sessions out of the store.
	if _, _, err := env.Auth.Login(ctx, "israel2", fixture.Password); err != nil {
		t.Fatal(err)
	}
	err = env.Store.View(ctx, func(tx parley.Tx) error {
		h := sha256.Sum256([]byte(sess))
		_, err := tx.SessionByHash(ctx, h[:])
		return err
	})
	if parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Fatalf("expired session still stored: %v", err)
	}
	tok, rec, err := env.Auth.IssueToken(ctx, env.U("israel"), "a script")
	if err != nil || rec.ID == "" || rec.Name != "a script" {
		t.Fatal(err)
	}
	if _, err := env.Auth.Authenticate(ctx, tok, auth.KindToken); err != nil {
		t.Fatalf("token: %v", err)
	}
	if err := env.Auth.Logout(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Auth.Authenticate(ctx, tok, auth.KindToken); parley.ErrorCode(err) != parley.EUNAUTHORIZED {
		t.Fatalf("revoked token accepted: %v", err)
	}
	if _, err := env.Auth.Authenticate(ctx, strings.Repeat("x", 500), auth.KindToken); parley.ErrorCode(err) != parley.EUNAUTHORIZED {
		t.Fatalf("oversize token: %v", err)
	}
}
