package talks_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/internal/fixture"
	"parley/talks"
)

var ctx = context.Background()

// code asserts that err carries the wanted code.
func code(t *testing.T, err error, want string) {
	t.Helper()
	if got := parley.ErrorCode(err); got != want {
		t.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
}

func post(t *testing.T, e *fixture.Env, user, room, text string, d parley.Disclosure) *parley.Message {
	t.Helper()
	m, err := e.Talks.Post(ctx, e.U(user), e.TalksID, room, talks.NewMessage{Text: text, Disclosure: d})
	if err != nil {
		t.Fatalf("%s posting in %s: %v", user, room, err)
	}
	return m
}

func texts(t *testing.T, e *fixture.Env, user, room string) []string {
	t.Helper()
	p, err := e.Talks.Messages(ctx, e.U(user), e.TalksID, room, 0, 200)
	if err != nil {
		t.Fatalf("%s reading %s: %v", user, room, err)
	}
	var out []string
	for _, m := range p.Messages {
		out = append(out, m.Text)
	}
	return out
}

func TestLifecycle(t *testing.T) {
	e := fixture.New(t)
	id := e.TalksID

	t.Run("TalksStatusTransitions", func(t *testing.T) {
		_, err := e.Talks.SetStatus(ctx, e.U("qatar"), id, talks.ActionSuspend, "")
		code(t, err, parley.EINVALID) // reason required
		_, err = e.Talks.SetStatus(ctx, e.U("israel"), id, talks.ActionSuspend, "stalled")
		code(t, err, parley.EFORBIDDEN)
		_, err = e.Talks.SetStatus(ctx, e.U("qatar"), id, talks.ActionResume, "")
		code(t, err, parley.ECONFLICT) // not suspended
		k, err := e.Talks.SetStatus(ctx, e.U("qatar"), id, talks.ActionSuspend, "stalled over phase two")
		if err != nil || k.Status != parley.TalksSuspended || k.StatusReason != "stalled over phase two" || k.StatusBy != e.U("qatar").ID {
			t.Fatalf("suspend: %+v, %v", k, err)
		}
		_, err = e.Talks.SetStatus(ctx, e.U("envoy"), id, talks.ActionConclude, "")
		code(t, err, parley.ECONFLICT) // suspended talks cannot conclude
		if k, err = e.Talks.SetStatus(ctx, e.U("envoy"), id, talks.ActionResume, ""); err != nil || k.Status != parley.TalksActive {
			t.Fatalf("resume: %+v, %v", k, err)
		}
		_, err = e.Talks.SetStatus(ctx, e.U("envoy"), id, "dissolve", "")
		code(t, err, parley.EINVALID)
	})

	t.Run("MediatorSuspendsAndResumes", func(t *testing.T) {
		_, err := e.Talks.ChangePresence(ctx, e.U("qatar"), id, "qatar", talks.ActionSuspendMe, "  ")
		code(t, err, parley.EINVALID)
		d, err := e.Talks.ChangePresence(ctx, e.U("qatar"), id, "qatar", talks.ActionSuspendMe, "lack of good faith from both parties")
		if err != nil || d.Presence != parley.PresenceSuspended || d.PresenceReason != "lack of good faith from both parties" {
			t.Fatalf("suspend mediation: %+v, %v", d, err)
		}
		_, err = e.Talks.Post(ctx, e.U("qatar"), id, "caucus:israel", talks.NewMessage{Text: "hello"})
		code(t, err, parley.ECONFLICT) // suspended mediators do not mediate
		post(t, e, "qatar", parley.RoomMediators, "still talking among mediators", parley.MediatorOnly)
		_, err = e.Talks.ChangePresence(ctx, e.U("qatar"), id, "qatar", talks.ActionSuspendMe, "again")
		code(t, err, parley.ECONFLICT)
		if _, err := e.Talks.ChangePresence(ctx, e.U("qatar"), id, "qatar", talks.ActionResumeMe, ""); err != nil {
			t.Fatal(err)
		}
		_, err = e.Talks.ChangePresence(ctx, e.U("qatar"), id, "qatar", talks.ActionResumeMe, "")
		code(t, err, parley.ECONFLICT) // resuming an active mediator
	})

	t.Run("IllegalPresenceChanges", func(t *testing.T) {
		_, err := e.Talks.ChangePresence(ctx, e.U("israel"), id, "qatar", talks.ActionSuspendMe, "no")
		code(t, err, parley.ECONFLICT) // a party suspending mediation
		_, err = e.Talks.ChangePresence(ctx, e.U("qatar"), id, "hamas", talks.ActionWithdraw, "no")
		code(t, err, parley.ECONFLICT) // a mediator withdrawing a party
		_, err = e.Talks.ChangePresence(ctx, e.U("israel"), id, "hamas", talks.ActionWithdraw, "no")
		code(t, err, parley.EFORBIDDEN) // one party withdrawing another
		_, err = e.Talks.ChangePresence(ctx, e.U("envoy"), id, "qatar", talks.ActionSuspendMe, "no")
		code(t, err, parley.EFORBIDDEN) // one mediator suspending another
		_, err = e.Talks.ChangePresence(ctx, e.U("outsider"), id, "hamas", talks.ActionWithdraw, "no")
		code(t, err, parley.ENOTFOUND)
		_, err = e.Talks.ChangePresence(ctx, e.U("hamas"), id, "hamas", talks.ActionReengage, "")
		code(t, err, parley.ECONFLICT) // not withdrawn
	})

	t.Run("TerminalTalksRefuseChanges", func(t *testing.T) {
		if _, err := e.Talks.SetStatus(ctx, e.U("qatar"), id, talks.ActionCollapse, "deadline passed"); err != nil {
			t.Fatal(err)
		}
		_, err := e.Talks.SetStatus(ctx, e.U("qatar"), id, talks.ActionConclude, "")
		code(t, err, parley.ECONFLICT) // concluding collapsed talks
		_, err = e.Talks.SetStatus(ctx, e.U("qatar"), id, talks.ActionResume, "")
		code(t, err, parley.ECONFLICT)
		_, err = e.Talks.Post(ctx, e.U("israel"), id, "caucus:israel", talks.NewMessage{Text: "hello"})
		code(t, err, parley.ECONFLICT)
		_, err = e.Talks.ChangePresence(ctx, e.U("hamas"), id, "hamas", talks.ActionWithdraw, "over")
		code(t, err, parley.ECONFLICT)
		_, err = e.Talks.AddDelegation(ctx, e.U("operator"), id, talks.NewDelegation{Name: "Egypt", Kind: parley.KindMediator})
		code(t, err, parley.ECONFLICT)
	})

	t.Run("EveryChangeIsRecorded", func(t *testing.T) {
		var kinds []string
		err := e.Store.View(ctx, func(tx parley.Tx) error {
			evs, err := tx.EventsAfter(ctx, 0, 1000)
			for _, ev := range evs {
				if ev.Kind == parley.EventTalksStatus || ev.Kind == parley.EventPresenceChanged {
					if ev.Actor == "" || ev.Time.IsZero() {
						t.Errorf("event %d has no actor or time", ev.Seq)
					}
					kinds = append(kinds, ev.Kind+" "+string(ev.Data))
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		all := strings.Join(kinds, "\n")
		for _, want := range []string{`"reason":"stalled over phase two"`, `"reason":"lack of good faith from both parties"`, `"reason":"deadline passed"`, `"action":"resume"`} {
			if !strings.Contains(all, want) {
				t.Errorf("no recorded change with %s in\n%s", want, all)
			}
		}
	})
}

func TestManagement(t *testing.T) {
	e := fixture.New(t)
	_, err := e.Talks.CreateTalks(ctx, e.U("qatar"), "Side track")
	code(t, err, parley.EFORBIDDEN)
	_, err = e.Talks.CreateTalks(ctx, e.U("operator"), "  ")
	code(t, err, parley.EINVALID)
	_, err = e.Talks.AddDelegation(ctx, e.U("israel"), e.TalksID, talks.NewDelegation{Name: "Egypt", Kind: parley.KindMediator})
	code(t, err, parley.EFORBIDDEN)
	_, err = e.Talks.AddDelegation(ctx, e.U("outsider"), e.TalksID, talks.NewDelegation{Name: "Egypt", Kind: parley.KindMediator})
	code(t, err, parley.ENOTFOUND)
	_, err = e.Talks.AddDelegation(ctx, e.U("qatar"), e.TalksID, talks.NewDelegation{Name: "Egypt", Kind: "referee"})
	code(t, err, parley.EINVALID)
	d, err := e.Talks.AddDelegation(ctx, e.U("qatar"), e.TalksID, talks.NewDelegation{Name: "Arab Republic of Egypt", Kind: parley.KindMediator})
	if err != nil || d.Slug != "arab-republic-of-egypt" {
		t.Fatalf("mediator adds Egypt: %+v %v", d, err)
	}
	_, err = e.Talks.AddDelegation(ctx, e.U("qatar"), e.TalksID, talks.NewDelegation{Name: "Egypt again", Slug: "arab-republic-of-egypt", Kind: parley.KindMediator})
	code(t, err, parley.ECONFLICT)
	_, err = e.Talks.AddMember(ctx, e.U("hamas"), e.TalksID, "hamas", talks.NewMember{User: "israel"})
	code(t, err, parley.ECONFLICT) // already in a delegation of these talks
	_, err = e.Talks.AddMember(ctx, e.U("hamas"), e.TalksID, "hamas", talks.NewMember{User: "nobody"})
	code(t, err, parley.ENOTFOUND)
	_, err = e.Talks.AddMember(ctx, e.U("qatar"), e.TalksID, "hamas", talks.NewMember{User: "outsider", Role: "king"})
	code(t, err, parley.EINVALID)
	if _, err := e.Talks.AddMember(ctx, e.U("qatar"), e.TalksID, "arab-republic-of-egypt", talks.NewMember{User: "outsider", Role: parley.RoleHead}); err != nil {
		t.Fatal(err)
	}
	// The outsider is now a mediator and reads every caucus.
	post(t, e, "hamas", "caucus:hamas", "for the mediators", parley.Relayable)
	if got := texts(t, e, "outsider", "caucus:hamas"); len(got) != 1 {
		t.Fatalf("new mediator sees %v", got)
	}
	list, err := e.Talks.List(ctx, e.U("observer"))
	if err != nil || len(list) != 1 {
		t.Fatalf("observer's talks: %v %v", list, err)
	}
}

func TestWithdrawnPartyCaucusStaysOpen(t *testing.T) {
	e := fixture.New(t)
	clock := &fixture.Clock{T: time.Date(2024, 11, 1, 9, 0, 0, 0, time.UTC)}
	e.Talks.Now = clock.Now
	id := e.TalksID
	post(t, e, "qatar", "caucus:hamas", "before the withdrawal", parley.Relayable)
	clock.Add(time.Hour)
	_, err := e.Talks.ChangePresence(ctx, e.U("hamas"), id, "hamas", talks.ActionWithdraw, "")
	code(t, err, parley.EINVALID) // reason required
	if _, err := e.Talks.ChangePresence(ctx, e.U("hamas"), id, "hamas", talks.ActionWithdraw, "talks are about appearances"); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Hour)
	queued := post(t, e, "envoy", "caucus:hamas", "the office remains open", parley.Relayable)
	post(t, e, "qatar", "caucus:hamas", "we await your return", parley.Relayable)

	_, err = e.Talks.Post(ctx, e.U("hamas"), id, "caucus:hamas", talks.NewMessage{Text: "x"})
	code(t, err, parley.ECONFLICT)
	if got := texts(t, e, "hamas", "caucus:hamas"); len(got) != 1 || got[0] != "before the withdrawal" {
		t.Fatalf("withdrawn party sees %q, want only what came before", got)
	}
	p, _ := e.Talks.Messages(ctx, e.U("hamas"), id, "caucus:hamas", 0, 50)
	if p.Held != 2 {
		t.Fatalf("held = %d, want 2", p.Held)
	}
	_, err = e.Talks.Message(ctx, e.U("hamas"), id, "caucus:hamas", queued.ID)
	code(t, err, parley.ENOTFOUND)
	if got, _ := e.Talks.Search(ctx, e.U("hamas"), id, "office", 10); len(got) != 0 {
		t.Fatalf("search shows held message: %v", got)
	}
	if got := texts(t, e, "qatar", "caucus:hamas"); len(got) != 3 {
		t.Fatalf("mediator sees %d messages, want 3", len(got))
	}

	if _, err := e.Talks.ChangePresence(ctx, e.U("hamas"), id, "hamas", talks.ActionReengage, ""); err != nil {
		t.Fatal(err)
	}
	want := []string{"before the withdrawal", "the office remains open", "we await your return"}
	if got := texts(t, e, "hamas", "caucus:hamas"); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("after re-engaging: %q, want %q", got, want)
	}
	if m, err := e.Talks.Message(ctx, e.U("hamas"), id, "caucus:hamas", queued.ID); err != nil || !m.CreatedAt.Equal(time.Date(2024, 11, 1, 11, 0, 0, 0, time.UTC)) {
		t.Fatalf("queued message after re-engaging: %+v %v", m, err)
	}
	post(t, e, "hamas", "caucus:hamas", "we are back", parley.Relayable)
}

func TestPlenary(t *testing.T) {
	e := fixture.New(t)
	id := e.TalksID
	_, err := e.Talks.Post(ctx, e.U("israel"), id, parley.RoomPlenary, talks.NewMessage{Text: "hello all"})
	code(t, err, parley.ECONFLICT) // closed
	_, err = e.Talks.SetPlenary(ctx, e.U("israel"), id, true)
	code(t, err, parley.EFORBIDDEN)
	_, err = e.Talks.SetPlenary(ctx, e.U("observer"), id, true)
	code(t, err, parley.ENOTFOUND)
	if _, err := e.Talks.SetPlenary(ctx, e.U("qatar"), id, true); err != nil {
		t.Fatal(err)
	}
	_, err = e.Talks.SetPlenary(ctx, e.U("qatar"), id, true)
	code(t, err, parley.ECONFLICT)
	post(t, e, "israel", parley.RoomPlenary, "hello all", parley.Public)
	if got := texts(t, e, "hamas", parley.RoomPlenary); len(got) != 1 {
		t.Fatalf("hamas reads plenary: %v", got)
	}
	_, err = e.Talks.Post(ctx, e.U("israel"), id, parley.RoomPlenary, talks.NewMessage{Text: "secret", Disclosure: parley.MediatorOnly})
	code(t, err, parley.EINVALID) // mediator-only has no place in the plenary
}

func TestMessageValidation(t *testing.T) {
	e := fixture.New(t)
	id := e.TalksID
	for _, tc := range []struct {
		name string
		nm   talks.NewMessage
		want string
	}{
		{"Empty", talks.NewMessage{Text: "  \n"}, parley.EINVALID},
		{"UnknownDisclosure", talks.NewMessage{Text: "x", Disclosure: "secret"}, parley.EINVALID},
		{"TooLarge", talks.NewMessage{Text: strings.Repeat("a", parley.MaxMessageBytes+1)}, parley.ETOOLARGE},
		{"InvalidUTF8", talks.NewMessage{Text: "\xff\xfe"}, parley.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Talks.Post(ctx, e.U("israel"), id, "caucus:israel", tc.nm)
			code(t, err, tc.want)
		})
	}
	if _, err := e.Talks.Post(ctx, e.U("israel"), id, "caucus:israel", talks.NewMessage{Text: strings.Repeat("a", parley.MaxMessageBytes)}); err != nil {
		t.Fatalf("a message of exactly the limit: %v", err)
	}
	var n int
	e.Store.View(ctx, func(tx parley.Tx) error {
		ms, err := tx.Messages(ctx, id, "caucus:israel", 0, 0, 100)
		n = len(ms)
		return err
	})
	if n != 1 {
		t.Fatalf("%d messages stored, want only the valid one", n)
	}
}

// TestOtherTalksAreInvisible checks that membership of one talks gives
// nothing in another, even with its id.
func TestOtherTalksAreInvisible(t *testing.T) {
	e := fixture.New(t)
	op := e.U("operator")
	other, err := e.Talks.CreateTalks(ctx, op, "Another track")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Talks.AddDelegation(ctx, op, other.ID, talks.NewDelegation{Name: "hamas", Kind: parley.KindParty}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Talks.AddMember(ctx, op, other.ID, "hamas", talks.NewMember{User: "hamas"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Talks.Post(ctx, e.U("hamas"), other.ID, "caucus:hamas", talks.NewMessage{Text: "second track"}); err != nil {
		t.Fatal(err)
	}
	for _, user := range []string{"qatar", "israel", "observer"} {
		_, err := e.Talks.Get(ctx, e.U(user), other.ID)
		code(t, err, parley.ENOTFOUND)
		_, err = e.Talks.Messages(ctx, e.U(user), other.ID, "caucus:hamas", 0, 10)
		code(t, err, parley.ENOTFOUND)
		_, err = e.Talks.Post(ctx, e.U(user), other.ID, "caucus:hamas", talks.NewMessage{Text: "x"})
		code(t, err, parley.ENOTFOUND)
		list, _ := e.Talks.List(ctx, e.U(user))
		if len(list) != 1 || list[0].ID != e.TalksID {
			t.Errorf("%s lists %v", user, list)
		}
	}
	// A mediator of the first talks is nobody in the second.
	_, err = e.Talks.SetStatus(ctx, e.U("qatar"), other.ID, talks.ActionSuspend, "x")
	code(t, err, parley.ENOTFOUND)
}

// TestMembershipRule: the operator of the channel cannot join it, or put an
// account of its own into it, without the mediators; nobody but a party's
// own head adds members to a party; every change is shown to all members.
func TestMembershipRule(t *testing.T) {
	e := fixture.New(t)
	id, op := e.TalksID, e.U("operator")
	ctx := context.Background()
	mole, err := e.Talks.CreateUser(ctx, op, talks.NewUser{Name: "mole", Password: "long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("AdministratorNeverAddsThemselves", func(t *testing.T) {
		_, err := e.Talks.AddMember(ctx, op, id, "qatar", talks.NewMember{User: "operator"})
		code(t, err, parley.EFORBIDDEN)
	})
	t.Run("AdministratorCannotJoinAMediatorDelegation", func(t *testing.T) {
		_, err := e.Talks.AddMember(ctx, op, id, "qatar", talks.NewMember{User: "mole"})
		code(t, err, parley.EFORBIDDEN)
	})
	t.Run("AdministratorCannotAddADelegationOnceMediatorsAreIn", func(t *testing.T) {
		_, err := e.Talks.AddDelegation(ctx, op, id, talks.NewDelegation{Name: "Shadow mediators", Kind: parley.KindMediator})
		code(t, err, parley.EFORBIDDEN)
	})
	t.Run("MediatorCannotAddToAParty", func(t *testing.T) {
		_, err := e.Talks.AddMember(ctx, e.U("qatar"), id, "israel", talks.NewMember{User: "mole"})
		code(t, err, parley.EFORBIDDEN)
	})
	t.Run("NonHeadCannotAddToOwnParty", func(t *testing.T) {
		_, err := e.Talks.AddMember(ctx, e.U("israel2"), id, "israel", talks.NewMember{User: "mole"})
		code(t, err, parley.EFORBIDDEN)
	})
	t.Run("SuspendedMediatorCannotAdd", func(t *testing.T) {
		if _, err := e.Talks.ChangePresence(ctx, e.U("envoy"), id, "envoy", talks.ActionSuspendMe, "a pause"); err != nil {
			t.Fatal(err)
		}
		_, err := e.Talks.AddMember(ctx, e.U("envoy"), id, "qatar", talks.NewMember{User: "mole"})
		code(t, err, parley.ECONFLICT)
		if _, err := e.Talks.ChangePresence(ctx, e.U("envoy"), id, "envoy", talks.ActionResumeMe, ""); err != nil {
			t.Fatal(err)
		}
	})
	// Nothing above let the mole in.
	if _, err := e.Talks.Messages(ctx, mole, id, "mediators", 0, 0); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Fatalf("the operator's account reads the mediators room: %v", err)
	}
	t.Run("AdministratorCannotSeatItsAccountInAMediatorsDelegation", func(t *testing.T) {
		if _, err := e.Talks.AddDelegation(ctx, e.U("qatar"), id, talks.NewDelegation{Name: "Egypt", Kind: parley.KindMediator}); err != nil {
			t.Fatal(err)
		}
		_, err := e.Talks.AddMember(ctx, op, id, "egypt", talks.NewMember{User: "mole", Role: parley.RoleHead})
		code(t, err, parley.EFORBIDDEN)
	})
	t.Run("MediatorSeatsAndEveryMemberSeesIt", func(t *testing.T) {
		m, err := e.Talks.AddMember(ctx, e.U("qatar"), id, "egypt", talks.NewMember{User: "outsider", Role: parley.RoleHead})
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for _, who := range []string{"hamas", "israel", "observer", "envoy"} {
			f := e.Talks.NewFilter(e.U(who))
			evs, _, err := e.Talks.Events(ctx, f, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range evs {
				if ev.Kind == parley.EventMemberAdded && strings.Contains(string(ev.Data), m.UserID) {
					seen++
				}
			}
		}
		if seen != 4 {
			t.Fatalf("the new member was shown to %d of 4 members", seen)
		}
	})
	t.Run("LoginNamesCannotBeProbed", func(t *testing.T) {
		_, exists := e.Talks.AddMember(ctx, e.U("observer"), id, "israel", talks.NewMember{User: "mole"})
		_, missing := e.Talks.AddMember(ctx, e.U("observer"), id, "israel", talks.NewMember{User: "no-such-login"})
		if parley.ErrorCode(exists) != parley.EFORBIDDEN || parley.ErrorMessage(exists) != parley.ErrorMessage(missing) {
			t.Fatalf("an existing and a missing login answer differently: %v / %v", exists, missing)
		}
	})
	t.Run("HeadAddsToOwnParty", func(t *testing.T) {
		if _, err := e.Talks.AddMember(ctx, e.U("hamas"), id, "hamas", talks.NewMember{User: "mole"}); err != nil {
			t.Fatal(err)
		}
	})
}
