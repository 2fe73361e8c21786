package main

import (
	"context"
	"strings"
	"testing"

	"parley"
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
