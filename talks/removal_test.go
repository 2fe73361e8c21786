package talks_test

import (
	"strings"
	"testing"

	"parley"
	"parley/internal/fixture"
	"parley/talks"
)

func TestRemoveMemberRule(t *testing.T) {
	e := fixture.New(t)
	rm := func(actor, del, user string) error {
		return e.Talks.RemoveMember(ctx, e.U(actor), e.TalksID, del, user, "")
	}
	// Nobody but a party's own people takes its member out.
	code(t, rm("qatar", "israel", "israel2"), parley.EFORBIDDEN)
	code(t, rm("hamas", "israel", "israel2"), parley.EFORBIDDEN)
	code(t, rm("operator", "israel", "israel2"), parley.EFORBIDDEN)
	code(t, rm("observer", "israel", "israel2"), parley.EFORBIDDEN)
	code(t, rm("outsider", "israel", "israel2"), parley.ENOTFOUND)
	// A party's head may; so may the member itself.
	if err := rm("israel", "israel", "israel2"); err != nil {
		t.Fatalf("head removes a member: %v", err)
	}
	code(t, rm("israel", "israel", "israel2"), parley.ENOTFOUND)
	_, err := e.Talks.Get(ctx, e.U("israel2"), e.TalksID)
	code(t, err, parley.ENOTFOUND)
	if _, err := e.Talks.AddMember(ctx, e.U("israel"), e.TalksID, "israel", talks.NewMember{User: "israel2"}); err != nil {
		t.Fatal(err)
	}
	if err := rm("israel2", "israel", "israel2"); err != nil {
		t.Fatalf("a member leaves: %v", err)
	}
	// Mediators take out members of mediator and observer delegations.
	if err := rm("qatar", "envoy", "envoy"); err != nil {
		t.Fatalf("mediator removes a mediator: %v", err)
	}
	if err := rm("qatar", "observers", "observer"); err != nil {
		t.Fatalf("mediator removes an observer: %v", err)
	}
	code(t, rm("israel", "qatar", "qatar"), parley.EFORBIDDEN)
	// The removed read nothing of the talks from then on.
	for _, who := range []string{"envoy", "observer"} {
		_, err := e.Talks.Messages(ctx, e.U(who), e.TalksID, parley.RoomBriefing, 0, 10)
		code(t, err, parley.ENOTFOUND)
	}
}

func TestRemovalEndsCredentials(t *testing.T) {
	e := fixture.New(t)
	tok, _, err := e.Auth.IssueToken(ctx, e.U("israel2"), "laptop")
	if err != nil {
		t.Fatal(err)
	}
	sess, _, err := e.Auth.Login(ctx, "israel2", fixture.Password)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Talks.RemoveMember(ctx, e.U("israel"), e.TalksID, "israel", "israel2", "laptop stolen"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ secret, kind string }{{tok, "token"}, {sess, "session"}} {
		_, err := e.Auth.Authenticate(ctx, c.secret, c.kind)
		code(t, err, parley.EUNAUTHORIZED)
	}
	// The event says who and why, to every member.
	evs, _, err := e.Talks.Events(ctx, e.Talks.NewFilter(e.U("hamas")), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.Kind != parley.EventMemberRemoved || !strings.Contains(string(last.Data), "laptop stolen") {
		t.Errorf("hamas's last event: %s %s", last.Kind, last.Data)
	}
}

func TestRemoveDelegation(t *testing.T) {
	e := fixture.New(t)
	post(t, e, "hamas", "caucus:hamas", "before", parley.Relayable)
	_, err := e.Talks.RemoveDelegation(ctx, e.U("israel"), e.TalksID, "hamas", "no")
	code(t, err, parley.EFORBIDDEN)
	_, err = e.Talks.RemoveDelegation(ctx, e.U("qatar"), e.TalksID, "hamas", "")
	code(t, err, parley.EINVALID)
	_, err = e.Talks.RemoveDelegation(ctx, e.U("qatar"), e.TalksID, "qatar", "leaving")
	code(t, err, parley.EFORBIDDEN)
	d, err := e.Talks.RemoveDelegation(ctx, e.U("qatar"), e.TalksID, "hamas", "broke the ceasefire")
	if err != nil {
		t.Fatal(err)
	}
	if d.Presence != parley.PresenceRemoved {
		t.Errorf("presence %q", d.Presence)
	}
	_, err = e.Talks.RemoveDelegation(ctx, e.U("qatar"), e.TalksID, "hamas", "again")
	code(t, err, parley.ECONFLICT)
	_, err = e.Talks.Get(ctx, e.U("hamas"), e.TalksID)
	code(t, err, parley.ENOTFOUND)
	// Its history stays for the mediators; its caucus takes nothing new,
	// and the delegation no new member.
	if got := texts(t, e, "qatar", "caucus:hamas"); len(got) != 1 || got[0] != "before" {
		t.Errorf("mediator reads %q", got)
	}
	_, err = e.Talks.Post(ctx, e.U("qatar"), e.TalksID, "caucus:hamas", talks.NewMessage{Text: "anyone?"})
	code(t, err, parley.ECONFLICT)
	_, err = e.Talks.AddMember(ctx, e.U("qatar"), e.TalksID, "hamas", talks.NewMember{User: "outsider", Role: parley.RoleHead})
	code(t, err, parley.ECONFLICT)
}
