package main

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/internal/fixture"
	"parley/ledger"
	"parley/talks"
)

// TestAdminCredentialCommands: scoped tokens, disabling and signing out
// an account, and an invitation link from the command line.
func TestAdminCredentialCommands(t *testing.T) {
	dir, _ := ledgerDemo(t)
	ctx := context.Background()
	tok := strings.TrimSpace(mustParley(t, "admin", "token", "--data", dir, "--user", "barnea", "--read-only", "--ttl", "1h"))
	a, err := openApp(ctx, dir, "", false)
	if err != nil {
		t.Fatal(err)
	}
	u, err := a.auth.Authenticate(ctx, tok, "token")
	if err != nil || !u.Grant.ReadOnly() {
		t.Fatalf("read-only token: %+v %v", u, err)
	}
	var talksID string
	a.store.View(ctx, func(tx parley.Tx) error {
		all, err := tx.ListTalks(ctx)
		if err == nil && len(all) > 0 {
			talksID = all[0].ID
		}
		return err
	})
	a.Close()
	failParley(t, []string{"90 days"}, "admin", "token", "--data", dir, "--user", "barnea", "--ttl", "2400h")

	mustParley(t, "admin", "disable", "--data", dir, "--user", "barnea")
	a, err = openApp(ctx, dir, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.auth.Authenticate(ctx, tok, "token"); err == nil {
		t.Errorf("a disabled account's token still works")
	}
	if _, _, err := a.auth.Login(ctx, "barnea", demoPassword); parley.ErrorCode(err) != parley.EFORBIDDEN {
		t.Errorf("a disabled account signs in: %v", err)
	}
	a.Close()
	mustParley(t, "admin", "enable", "--data", dir, "--user", "barnea")
	mustParley(t, "admin", "sign-out", "--data", dir, "--user", "barnea")

	// The command line invites as an administrator: the demo's talks have
	// mediators, so it may seat nobody.
	failParley(t, []string{"first member of an empty delegation"}, "admin", "invite", "--data", dir, "--talks", talksID, "--delegation", "israel", "--role", "negotiator")
}

// TestAdminInviteFirstMediator: new talks get their first mediator by an
// invitation link from the command line.
func TestAdminInviteFirstMediator(t *testing.T) {
	useCheapArgon()
	dir := t.TempDir() + "/data"
	ctx := context.Background()
	a, err := openApp(ctx, dir, "parley.test/invite", true)
	if err != nil {
		t.Fatal(err)
	}
	op, err := a.talks.CreateUser(ctx, nil, newAdmin())
	if err != nil {
		t.Fatal(err)
	}
	v, err := a.talks.CreateTalks(ctx, op, "New track")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.talks.AddDelegation(ctx, op, v.ID, newMediator()); err != nil {
		t.Fatal(err)
	}
	a.Close()
	out := mustParley(t, "admin", "invite", "--data", dir, "--talks", v.ID, "--delegation", "egypt", "--role", "head", "--public-url", "https://parley.example")
	if !strings.HasPrefix(out, "https://parley.example/invite#") || len(strings.TrimSpace(out)) < len("https://parley.example/invite#")+40 {
		t.Fatalf("invite printed %q", out)
	}
}

func newAdmin() talks.NewUser {
	return talks.NewUser{Name: "op", Password: "a long enough password", Admin: true}
}

func newMediator() talks.NewDelegation {
	return talks.NewDelegation{Name: "Egypt", Slug: "egypt", Kind: parley.KindMediator}
}

// TestServeSecurityFlags runs the real server without --demo: passwords
// are refused, and with a short checkpoint cadence and cover traffic the
// published checkpoint moves with nobody writing.
func TestServeSecurityFlags(t *testing.T) {
	dir, key := ledgerDemo(t)
	tok := strings.TrimSpace(mustParley(t, "admin", "token", "--data", dir, "--user", "barnea", "--read-only"))
	var out, errb fixture.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- m.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--checkpoint-every", "100ms", "--cover-traffic", "5"})
	}()
	re := regexp.MustCompile(`listening on http://127\.0\.0\.1:(\d+)`)
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if mm := re.FindStringSubmatch(out.String()); mm != nil {
			base = "http://127.0.0.1:" + mm[1]
		}
	}
	if base == "" {
		t.Fatalf("server did not start: %q %q", out.String(), errb.String())
	}
	resp, err := http.Post(base+"/api/v1/login", "application/json", strings.NewReader(`{"name":"barnea","password":"`+demoPassword+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("password sign-in without --passwords: %d", resp.StatusCode)
	}
	size := func() int64 {
		c, err := ledger.OpenCheckpoint([]byte(fetch(t, base, tok, "/api/v1/ledger/checkpoint")), key)
		if err != nil {
			t.Fatal(err)
		}
		return c.Tree.N
	}
	first := size()
	moved := false
	for deadline := time.Now().Add(5 * time.Second); !moved && time.Now().Before(deadline); time.Sleep(150 * time.Millisecond) {
		moved = size() > first
	}
	if !moved {
		t.Errorf("with cover traffic the checkpoint never moved from %d", first)
	}
	if !strings.Contains(errb.String(), "public_url=http://localhost:") {
		t.Errorf("serve does not say where passkeys work: %q", errb.String())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	mustParley(t, "admin", "ledger-check", "--data", dir)
}
