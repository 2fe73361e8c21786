package talks_test

import (
	"testing"
	"time"

	"parley"
	"parley/internal/fixture"
	"parley/talks"
)

func fakePasskey() *parley.Passkey {
	return &parley.Passkey{ID: parley.NewID("p_"), Name: "test", CredentialID: []byte(parley.NewID("c_")), Credential: []byte(`{}`), CreatedAt: time.Now()}
}

func TestInvitationRule(t *testing.T) {
	e := fixture.New(t)
	inv := func(actor, del string) error {
		_, _, err := e.Talks.Invite(ctx, e.U(actor), e.TalksID, talks.NewInvitation{Delegation: del, Role: parley.RoleNegotiator})
		return err
	}
	// The membership rule, exactly: a head for its own delegation, a
	// mediator for mediators, nobody else.
	if err := inv("israel", "israel"); err != nil {
		t.Errorf("head invites into its delegation: %v", err)
	}
	if err := inv("qatar", "envoy"); err != nil {
		t.Errorf("mediator invites a mediator: %v", err)
	}
	code(t, inv("israel2", "israel"), parley.EFORBIDDEN)
	code(t, inv("qatar", "israel"), parley.EFORBIDDEN)
	code(t, inv("hamas", "israel"), parley.EFORBIDDEN)
	code(t, inv("operator", "israel"), parley.EFORBIDDEN)
	code(t, inv("outsider", "israel"), parley.ENOTFOUND)
	_, _, err := e.Talks.Invite(ctx, e.U("israel"), e.TalksID, talks.NewInvitation{Delegation: "israel", Role: "king"})
	code(t, err, parley.EINVALID)
	_, _, err = e.Talks.Invite(ctx, e.U("israel"), e.TalksID, talks.NewInvitation{Delegation: "israel", ExpiresIn: 30 * 24 * 3600})
	code(t, err, parley.EINVALID)
	// Who sees them: the inviter, mediators, the delegation's head.
	for who, want := range map[string]int{"israel": 1, "qatar": 2, "envoy": 2, "hamas": 0, "israel2": 0} {
		got, err := e.Talks.Invitations(ctx, e.U(who), e.TalksID)
		if err != nil || len(got) != want {
			t.Errorf("%s sees %d invitations (%v), want %d", who, len(got), err, want)
		}
	}
	_, err = e.Talks.Invitations(ctx, e.U("outsider"), e.TalksID)
	code(t, err, parley.ENOTFOUND)
}

func TestAcceptInvitation(t *testing.T) {
	e := fixture.New(t)
	clock := &fixture.Clock{T: time.Now()}
	e.Talks.Now = clock.Now
	_, secret, err := e.Talks.Invite(ctx, e.U("israel"), e.TalksID, talks.NewInvitation{Delegation: "israel", Role: parley.RoleStaff, Title: "Aide"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.Talks.LookupInvitation(ctx, secret)
	if err != nil || v.Delegation != "israel" || v.Role != parley.RoleStaff {
		t.Fatalf("lookup: %+v %v", v, err)
	}
	code(t, e.Talks.CheckAccount(ctx, secret, talks.NewAccount{Name: "israel2"}), parley.ECONFLICT)
	code(t, e.Talks.CheckAccount(ctx, secret, talks.NewAccount{Name: "Not A Slug"}), parley.EINVALID)
	_, err = e.Talks.AcceptInvitation(ctx, secret, talks.NewAccount{ID: parley.NewID("u_"), Name: "aide"}, nil)
	code(t, err, parley.EINVALID)
	u, err := e.Talks.AcceptInvitation(ctx, secret, talks.NewAccount{ID: parley.NewID("u_"), Name: "aide", DisplayName: "The Aide"}, fakePasskey())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Talks.Messages(ctx, u, e.TalksID, "caucus:israel", 0, 10); err != nil {
		t.Errorf("the new member cannot read its caucus: %v", err)
	}
	// Single use.
	_, err = e.Talks.AcceptInvitation(ctx, secret, talks.NewAccount{ID: parley.NewID("u_"), Name: "aide2"}, fakePasskey())
	code(t, err, parley.ENOTFOUND)
	_, err = e.Talks.LookupInvitation(ctx, secret)
	code(t, err, parley.ENOTFOUND)

	// Expired.
	_, secret, _ = e.Talks.Invite(ctx, e.U("israel"), e.TalksID, talks.NewInvitation{Delegation: "israel", ExpiresIn: 3600})
	clock.Add(time.Hour)
	_, err = e.Talks.AcceptInvitation(ctx, secret, talks.NewAccount{ID: parley.NewID("u_"), Name: "late"}, fakePasskey())
	code(t, err, parley.ENOTFOUND)

	// Revoked.
	inv, secret, _ := e.Talks.Invite(ctx, e.U("israel"), e.TalksID, talks.NewInvitation{Delegation: "israel"})
	code(t, e.Talks.RevokeInvitation(ctx, e.U("hamas"), e.TalksID, inv.ID), parley.ENOTFOUND)
	if err := e.Talks.RevokeInvitation(ctx, e.U("israel"), e.TalksID, inv.ID); err != nil {
		t.Fatal(err)
	}
	code(t, e.Talks.RevokeInvitation(ctx, e.U("israel"), e.TalksID, inv.ID), parley.ECONFLICT)
	_, err = e.Talks.AcceptInvitation(ctx, secret, talks.NewAccount{ID: parley.NewID("u_"), Name: "revoked"}, fakePasskey())
	code(t, err, parley.ENOTFOUND)

	// The rule holds at acceptance: an inviter who may no longer add
	// members (removed from the delegation) has invited in vain.
	_, secret, _ = e.Talks.Invite(ctx, e.U("qatar"), e.TalksID, talks.NewInvitation{Delegation: "envoy"})
	if err := e.Talks.RemoveMember(ctx, e.U("qatar"), e.TalksID, "qatar", "qatar", "leaving"); err != nil {
		t.Fatal(err)
	}
	_, err = e.Talks.AcceptInvitation(ctx, secret, talks.NewAccount{ID: parley.NewID("u_"), Name: "stale"}, fakePasskey())
	code(t, err, parley.EFORBIDDEN)
}

// TestCommandLineInvitesFirstMediator: the system invites like an
// administrator, during set-up only.
func TestCommandLineInvitesFirstMediator(t *testing.T) {
	e := fixture.Open(t)
	op, err := e.Talks.CreateUser(ctx, nil, talks.NewUser{Name: "op", Password: fixture.Password, Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.Talks.CreateTalks(ctx, op, "New track")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"egypt", "israel"} {
		kind := parley.KindMediator
		if d == "israel" {
			kind = parley.KindParty
		}
		if _, err := e.Talks.AddDelegation(ctx, op, v.ID, talks.NewDelegation{Name: d, Slug: d, Kind: kind}); err != nil {
			t.Fatal(err)
		}
	}
	_, secret, err := e.Talks.Invite(ctx, nil, v.ID, talks.NewInvitation{Delegation: "egypt", Role: parley.RoleHead})
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.Talks.AcceptInvitation(ctx, secret, talks.NewAccount{ID: parley.NewID("u_"), Name: "egypt-head"}, fakePasskey())
	if err != nil {
		t.Fatal(err)
	}
	// Now the talks have a mediator: the command line seats nobody more.
	_, _, err = e.Talks.Invite(ctx, nil, v.ID, talks.NewInvitation{Delegation: "israel", Role: parley.RoleHead})
	code(t, err, parley.EFORBIDDEN)
	if _, _, err := e.Talks.Invite(ctx, u, v.ID, talks.NewInvitation{Delegation: "israel", Role: parley.RoleHead}); err != nil {
		t.Errorf("the new mediator seats the party's head: %v", err)
	}
}
