package talks_test

import (
	"context"
	"strings"
	"testing"

	"parley"
	"parley/internal/fixture"
	"parley/talks"
)

func TestCreateUser(t *testing.T) {
	env := fixture.Open(t)
	ctx := context.Background()
	for _, nu := range []talks.NewUser{
		{Name: "Upper", Password: "long enough password"},
		{Name: "", Password: "long enough password"},
		{Name: "short", Password: "short"},
		{Name: "big", Password: strings.Repeat("p", 2000)},
	} {
		if _, err := env.Talks.CreateUser(ctx, nil, nu); err == nil {
			t.Errorf("created %+v", nu)
		}
	}
	if _, err := env.Talks.CreateUser(ctx, nil, talks.NewUser{Name: "egypt", Password: "long enough password"}); err != nil {
		t.Fatal(err)
	}
	_, err := env.Talks.CreateUser(ctx, nil, talks.NewUser{Name: "egypt", Password: "long enough password"})
	if parley.ErrorCode(err) != parley.ECONFLICT {
		t.Fatalf("duplicate name: %v", err)
	}
	// Only an administrator creates accounts through the service, and the
	// account's event is published like every other.
	admin, err := env.Talks.CreateUser(ctx, nil, talks.NewUser{Name: "admin", Password: "long enough password", Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	egypt, err := env.Talks.User(ctx, nil, "egypt")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Talks.CreateUser(ctx, egypt, talks.NewUser{Name: "mole", Password: "long enough password"}); parley.ErrorCode(err) != parley.EFORBIDDEN {
		t.Fatalf("a user who is not an administrator created an account: %v", err)
	}
	before, err := env.Talks.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Talks.CreateUser(ctx, admin, talks.NewUser{Name: "jordan", Password: "long enough password"}); err != nil {
		t.Fatal(err)
	}
	if evs, _ := env.Bus.Since(before); len(evs) != 1 || evs[0].Kind != parley.EventUserCreated || evs[0].Actor != admin.ID {
		t.Fatalf("creating a user published %+v", evs)
	}
	// The ledger records the account without anything secret.
	env.Store.View(ctx, func(tx parley.Tx) error {
		evs, _ := tx.EventsAfter(ctx, 0, 10)
		for _, e := range evs {
			if strings.Contains(string(e.Data), "argon2") || strings.Contains(string(e.Data), "password") {
				t.Errorf("event %d holds a secret: %s", e.Seq, e.Data)
			}
		}
		return nil
	})
}
