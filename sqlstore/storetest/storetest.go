// Package storetest is the conformance suite of parley's store: every
// method of parley.Tx and parley.Store, and every failure a store must
// report, run the same way against each SQL engine (package sqlite's tests
// always, package postgres's when PARLEY_TEST_POSTGRES is set).
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/mod/sumdb/tlog"

	"parley"
	"parley/eventlog"
	"parley/ledger"
	"parley/sqlstore"
)

// Run runs the suite; open returns a new, empty, migrated store for each
// subtest (closed by the caller's cleanup). Run gives it a ledger key.
func Run(t *testing.T, open func(t testing.TB) *sqlstore.Store) {
	mk := func(t *testing.T) *env {
		s := open(t)
		skey, vkey, err := ledger.GenerateKey("parley.test/conformance")
		if err != nil {
			t.Fatal(err)
		}
		signer, err := ledger.NewSigner(skey)
		if err != nil {
			t.Fatal(err)
		}
		s.Seal = eventlog.Sealer(signer)
		return &env{t: t, s: s, vkey: vkey, ctx: context.Background()}
	}
	for _, c := range []struct {
		name string
		fn   func(e *env)
	}{
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"Talks", testTalks},
		{"Delegations", testDelegations},
		{"Members", testMembers},
		{"Messages", testMessages},
		{"Search", testSearch},
		{"Agreements", testAgreements},
		{"Settings", testSettings},
		{"Ledger", testLedger},
		{"ReadOnlyView", testReadOnly},
		{"BatchErrorRollsBackOnlyItsCall", testBatchIsolation},
		{"UpdateEvents", testUpdateEvents},
		{"EventsOfKind", testEventsOfKind},
	} {
		t.Run(c.name, func(t *testing.T) { c.fn(mk(t)) })
	}
}

// env is one subtest's store.
type env struct {
	t    *testing.T
	s    *sqlstore.Store
	vkey string
	ctx  context.Context
}

// update runs fn in a write transaction and fails the test on error.
func (e *env) update(fn func(tx parley.Tx) error) []parley.Event {
	e.t.Helper()
	evs, err := e.s.Update(e.ctx, fn)
	if err != nil {
		e.t.Fatal(err)
	}
	return evs
}

// view runs fn in a read transaction and fails the test on error.
func (e *env) view(fn func(tx parley.Tx) error) {
	e.t.Helper()
	if err := e.s.View(e.ctx, fn); err != nil {
		e.t.Fatal(err)
	}
}

// code runs fn in a write transaction and returns the code of its error.
func (e *env) code(fn func(tx parley.Tx) error) string {
	e.t.Helper()
	_, err := e.s.Update(e.ctx, fn)
	if err == nil {
		return ""
	}
	return parley.ErrorCode(err)
}

// wantCode fails unless got is want.
func (e *env) wantCode(what, got, want string) {
	e.t.Helper()
	if got != want {
		e.t.Errorf("%s: code %q, want %q", what, got, want)
	}
}

// at is a fixed time with nanoseconds, to check that times round-trip.
func at(minutes int) time.Time {
	return time.Date(2024, 12, 5, 9, 30, 0, 123456789, time.UTC).Add(time.Duration(minutes) * time.Minute)
}

func diff(t *testing.T, what string, got, want any) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s (-want +got):\n%s", what, d)
	}
}

// seed stores two users, talks with a mediator and a party delegation, and
// the users as their members.
func (e *env) seed() (k *parley.Talks, med, party *parley.Delegation) {
	e.t.Helper()
	k = &parley.Talks{ID: "k1", Title: "Ceasefire", Status: parley.TalksActive, StatusAt: at(0), CreatedAt: at(0), CreatedBy: "u0"}
	med = &parley.Delegation{ID: "d-med", TalksID: "k1", Slug: "qatar", Name: "Qatar", Kind: parley.KindMediator, Presence: parley.PresenceEngaged, PresenceAt: at(0)}
	party = &parley.Delegation{ID: "d-isr", TalksID: "k1", Slug: "israel", Name: "Israel", Kind: parley.KindParty, Presence: parley.PresenceEngaged, PresenceAt: at(0)}
	e.update(func(tx parley.Tx) error {
		for _, u := range []parley.User{{ID: "u1", Name: "al-thani", DisplayName: "Al Thani"}, {ID: "u2", Name: "barnea", DisplayName: "Barnea"}} {
			u.PasswordHash, u.CreatedAt = "$argon2id$x", at(0)
			if err := tx.CreateUser(e.ctx, &u); err != nil {
				return err
			}
		}
		if err := tx.CreateTalks(e.ctx, k); err != nil {
			return err
		}
		for _, d := range []*parley.Delegation{med, party} {
			if err := tx.CreateDelegation(e.ctx, d); err != nil {
				return err
			}
		}
		if err := tx.AddMember(e.ctx, &parley.Member{DelegationID: "d-med", UserID: "u1", Role: parley.RoleHead, Title: "Prime Minister"}); err != nil {
			return err
		}
		return tx.AddMember(e.ctx, &parley.Member{DelegationID: "d-isr", UserID: "u2", Role: parley.RoleHead})
	})
	return k, med, party
}

// appendEvent appends a test event in room through the ledger's one path.
func (e *env) appendEvent(tx parley.Tx, room, tag string) (*parley.Event, error) {
	data, _ := json.Marshal(map[string]string{"tag": tag})
	ev := &parley.Event{Time: at(1), Kind: "test.appended", Talks: "k1", Room: room, Actor: "u1", Data: data}
	return ev, eventlog.Append(e.ctx, tx, ev)
}

func testUsers(e *env) {
	u := parley.User{ID: "u1", Name: "barnea", DisplayName: "David Barnea", Admin: true, PasswordHash: "$argon2id$v=19$x", CreatedAt: at(0)}
	v := parley.User{ID: "u2", Name: "al-thani", DisplayName: "Al Thani", PasswordHash: "h", CreatedAt: at(1)}
	e.update(func(tx parley.Tx) error {
		if err := tx.CreateUser(e.ctx, &u); err != nil {
			return err
		}
		return tx.CreateUser(e.ctx, &v)
	})
	e.wantCode("a taken name", e.code(func(tx parley.Tx) error {
		return tx.CreateUser(e.ctx, &parley.User{ID: "u3", Name: "barnea", PasswordHash: "h", CreatedAt: at(2)})
	}), parley.ECONFLICT)
	e.wantCode("a taken id", e.code(func(tx parley.Tx) error {
		return tx.CreateUser(e.ctx, &parley.User{ID: "u1", Name: "other", PasswordHash: "h", CreatedAt: at(2)})
	}), parley.ECONFLICT)
	e.view(func(tx parley.Tx) error {
		got, err := tx.UserByID(e.ctx, "u1")
		if err != nil {
			return err
		}
		diff(e.t, "UserByID", *got, u)
		if got, err = tx.UserByName(e.ctx, "al-thani"); err != nil {
			return err
		}
		diff(e.t, "UserByName", *got, v)
		all, err := tx.ListUsers(e.ctx)
		if err != nil {
			return err
		}
		diff(e.t, "ListUsers, by name", all, []parley.User{v, u})
		_, err = tx.UserByID(e.ctx, "nobody")
		e.wantCode("UserByID of a missing user", parley.ErrorCode(err), parley.ENOTFOUND)
		_, err = tx.UserByName(e.ctx, "Barnea")
		e.wantCode("UserByName is exact", parley.ErrorCode(err), parley.ENOTFOUND)
		return nil
	})
}

func testSessions(e *env) {
	e.seed()
	rw := parley.AccessReadWrite
	s1 := parley.Session{TokenHash: []byte{1, 2, 3}, ID: "s1", UserID: "u2", Kind: "session", CreatedAt: at(0), ExpiresAt: at(60), Access: rw}
	s2 := parley.Session{TokenHash: []byte{0, 255, 7}, ID: "s2", Name: "ci", UserID: "u2", Kind: "token", CreatedAt: at(5), Access: parley.AccessRead, TalksID: "t1"}
	s3 := parley.Session{TokenHash: []byte{9}, ID: "s3", UserID: "u2", Kind: "session", CreatedAt: at(6), ExpiresAt: at(10), Access: rw}
	e.update(func(tx parley.Tx) error {
		for _, s := range []*parley.Session{&s1, &s2, &s3} {
			if err := tx.CreateSession(e.ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
	e.wantCode("a taken hash", e.code(func(tx parley.Tx) error {
		return tx.CreateSession(e.ctx, &parley.Session{TokenHash: []byte{1, 2, 3}, ID: "s4", UserID: "u2", Kind: "session", CreatedAt: at(0)})
	}), parley.ECONFLICT)
	e.wantCode("a session of a missing user", e.code(func(tx parley.Tx) error {
		return tx.CreateSession(e.ctx, &parley.Session{TokenHash: []byte{4}, ID: "s5", UserID: "nobody", Kind: "session", CreatedAt: at(0)})
	}), parley.ENOTFOUND)
	e.view(func(tx parley.Tx) error {
		got, err := tx.SessionByHash(e.ctx, []byte{0, 255, 7})
		if err != nil {
			return err
		}
		diff(e.t, "SessionByHash", *got, s2)
		_, err = tx.SessionByHash(e.ctx, []byte{0, 255})
		e.wantCode("SessionByHash of a missing hash", parley.ErrorCode(err), parley.ENOTFOUND)
		all, err := tx.Sessions(e.ctx, "u2")
		if err != nil {
			return err
		}
		diff(e.t, "Sessions, newest first", all, []parley.Session{s3, s2, s1})
		none, err := tx.Sessions(e.ctx, "u1")
		if err != nil || none == nil || len(none) != 0 {
			e.t.Errorf("Sessions of a user without: %v, %v", none, err)
		}
		return nil
	})
	e.update(func(tx parley.Tx) error {
		if err := tx.DeleteExpiredSessions(e.ctx, at(30)); err != nil {
			return err
		}
		if err := tx.DeleteSession(e.ctx, []byte{1, 2, 3}); err != nil {
			return err
		}
		return tx.DeleteSession(e.ctx, []byte{42}) // missing: no error
	})
	e.view(func(tx parley.Tx) error {
		all, err := tx.Sessions(e.ctx, "u2")
		diff(e.t, "sessions left: the token, which never expires", all, []parley.Session{s2})
		return err
	})
}

func testTalks(e *env) {
	a := parley.Talks{ID: "k1", Title: "Ceasefire", Status: parley.TalksActive, StatusAt: at(0), CreatedAt: at(0), CreatedBy: "u0"}
	b := parley.Talks{ID: "k0", Title: "Aid", Status: parley.TalksActive, StatusAt: at(1), CreatedAt: at(1), CreatedBy: "u0"}
	e.update(func(tx parley.Tx) error {
		if err := tx.CreateTalks(e.ctx, &a); err != nil {
			return err
		}
		return tx.CreateTalks(e.ctx, &b)
	})
	e.wantCode("a taken id", e.code(func(tx parley.Tx) error { return tx.CreateTalks(e.ctx, &a) }), parley.ECONFLICT)
	a.Title, a.Status, a.StatusReason, a.StatusBy, a.StatusAt, a.PlenaryOpen = "Ceasefire (Doha)", parley.TalksSuspended, "no good faith", "u1", at(9), true
	e.update(func(tx parley.Tx) error { return tx.UpdateTalks(e.ctx, &a) })
	e.view(func(tx parley.Tx) error {
		got, err := tx.Talks(e.ctx, "k1")
		if err != nil {
			return err
		}
		diff(e.t, "Talks after UpdateTalks", *got, a)
		_, err = tx.Talks(e.ctx, "k9")
		e.wantCode("Talks of a missing id", parley.ErrorCode(err), parley.ENOTFOUND)
		all, err := tx.ListTalks(e.ctx)
		diff(e.t, "ListTalks, by creation", all, []parley.Talks{a, b})
		return err
	})
}

func testDelegations(e *env) {
	_, med, party := e.seed()
	obs := parley.Delegation{ID: "d-obs", TalksID: "k1", Slug: "us", Name: "A transition team", Kind: parley.KindObserver, Presence: parley.PresenceEngaged, PresenceAt: at(0)}
	hamas := parley.Delegation{ID: "d-ham", TalksID: "k1", Slug: "hamas", Name: "Hamas", Kind: parley.KindParty, Presence: parley.PresenceEngaged, PresenceAt: at(0)}
	e.update(func(tx parley.Tx) error {
		if err := tx.CreateDelegation(e.ctx, &obs); err != nil {
			return err
		}
		return tx.CreateDelegation(e.ctx, &hamas)
	})
	e.wantCode("a taken slug", e.code(func(tx parley.Tx) error {
		return tx.CreateDelegation(e.ctx, &parley.Delegation{ID: "d-x", TalksID: "k1", Slug: "hamas", Name: "X", Kind: parley.KindParty, Presence: parley.PresenceEngaged, PresenceAt: at(0)})
	}), parley.ECONFLICT)
	e.wantCode("a delegation in missing talks", e.code(func(tx parley.Tx) error {
		return tx.CreateDelegation(e.ctx, &parley.Delegation{ID: "d-y", TalksID: "k9", Slug: "y", Name: "Y", Kind: parley.KindParty, Presence: parley.PresenceEngaged, PresenceAt: at(0)})
	}), parley.ENOTFOUND)
	hamas.Presence, hamas.PresenceReason, hamas.PresenceBy, hamas.PresenceAt, hamas.PresenceSeq = parley.PresenceWithdrawn, "left Doha", "u9", at(7), 42
	e.update(func(tx parley.Tx) error { return tx.UpdateDelegation(e.ctx, &hamas) })
	e.view(func(tx parley.Tx) error {
		all, err := tx.Delegations(e.ctx, "k1")
		diff(e.t, "Delegations: mediators, parties by name, observers", all, []parley.Delegation{*med, hamas, *party, obs})
		none, err2 := tx.Delegations(e.ctx, "k9")
		if none == nil || len(none) != 0 || err2 != nil {
			e.t.Errorf("Delegations of missing talks: %v %v", none, err2)
		}
		return err
	})
}

func testMembers(e *env) {
	e.seed()
	e.wantCode("a repeated member", e.code(func(tx parley.Tx) error {
		return tx.AddMember(e.ctx, &parley.Member{DelegationID: "d-isr", UserID: "u2", Role: parley.RoleStaff})
	}), parley.ECONFLICT)
	e.wantCode("a missing user", e.code(func(tx parley.Tx) error {
		return tx.AddMember(e.ctx, &parley.Member{DelegationID: "d-isr", UserID: "nobody", Role: parley.RoleStaff})
	}), parley.ENOTFOUND)
	e.wantCode("a missing delegation", e.code(func(tx parley.Tx) error {
		return tx.AddMember(e.ctx, &parley.Member{DelegationID: "d-none", UserID: "u2", Role: parley.RoleStaff})
	}), parley.ENOTFOUND)
	medMember := parley.Member{DelegationID: "d-med", UserID: "u1", UserName: "al-thani", DisplayName: "Al Thani", Role: parley.RoleHead, Title: "Prime Minister"}
	isrMember := parley.Member{DelegationID: "d-isr", UserID: "u2", UserName: "barnea", DisplayName: "Barnea", Role: parley.RoleHead}
	e.view(func(tx parley.Tx) error {
		ms, err := tx.Members(e.ctx, "k1")
		if err != nil {
			return err
		}
		diff(e.t, "Members, by delegation kind and name", ms, []parley.Member{medMember, isrMember})
		mine, err := tx.Memberships(e.ctx, "u1")
		diff(e.t, "Memberships", mine, []parley.Membership{{Member: medMember, TalksID: "k1", Kind: parley.KindMediator, Slug: "qatar"}})
		return err
	})
}

// post stores a message in its own event.
func (e *env) post(m parley.Message) parley.Message {
	e.t.Helper()
	e.update(func(tx parley.Tx) error {
		ev, err := e.appendEvent(tx, m.Room, m.ID)
		if err != nil {
			return err
		}
		m.EventSeq = ev.Seq
		return tx.InsertMessage(e.ctx, &m)
	})
	return m
}

func testMessages(e *env) {
	e.seed()
	e.view(func(tx parley.Tx) error {
		n, err := tx.LastRoomSeq(e.ctx, "k1", "caucus:israel")
		if n != 0 {
			e.t.Errorf("LastRoomSeq of an empty room: %d", n)
		}
		return err
	})
	m1 := e.post(parley.Message{ID: "m1", TalksID: "k1", Room: "caucus:israel", RoomSeq: 1, Author: "u2", Delegation: "d-isr", Disclosure: parley.Relayable, Text: "Phase one: 33 hostages.", CreatedAt: at(1)})
	m2 := e.post(parley.Message{ID: "m2", TalksID: "k1", Room: "caucus:israel", RoomSeq: 2, Author: "u1", Delegation: "d-med", Disclosure: parley.MediatorOnly, Text: "Noted.", CreatedAt: at(2)})
	relayed := e.post(parley.Message{ID: "m3", TalksID: "k1", Room: "caucus:hamas", RoomSeq: 1, Author: "u1", Delegation: "d-med", Disclosure: parley.Relayable, Text: "The other side proposes a first phase.", CreatedAt: at(3),
		Relay: &parley.Relay{Mode: parley.Paraphrase, Attribution: parley.Anonymous, From: "d-isr", SourceRoom: "caucus:israel", SourceMessage: "m1", SourceAuthor: "u2", SourceDelegation: "d-isr"}})
	m1.AuthorName, m2.AuthorName, relayed.AuthorName = "Barnea", "Al Thani", "Al Thani"
	relayed.Relay.FromName = "Israel"

	e.wantCode("a taken room seq", e.code(func(tx parley.Tx) error {
		return tx.InsertMessage(e.ctx, &parley.Message{ID: "m9", TalksID: "k1", Room: "caucus:israel", RoomSeq: 2, Author: "u2", Delegation: "d-isr", Disclosure: parley.Public, Text: "x", CreatedAt: at(4), EventSeq: 1})
	}), parley.ECONFLICT)
	e.wantCode("a taken id", e.code(func(tx parley.Tx) error {
		return tx.InsertMessage(e.ctx, &parley.Message{ID: "m1", TalksID: "k1", Room: "plenary", RoomSeq: 1, Author: "u2", Delegation: "d-isr", Disclosure: parley.Public, Text: "x", CreatedAt: at(4), EventSeq: 1})
	}), parley.ECONFLICT)
	e.wantCode("a message in missing talks", e.code(func(tx parley.Tx) error {
		return tx.InsertMessage(e.ctx, &parley.Message{ID: "m8", TalksID: "k9", Room: "plenary", RoomSeq: 1, Author: "u2", Delegation: "d-isr", Disclosure: parley.Public, Text: "x", CreatedAt: at(4), EventSeq: 1})
	}), parley.ENOTFOUND)

	e.view(func(tx parley.Tx) error {
		n, err := tx.LastRoomSeq(e.ctx, "k1", "caucus:israel")
		if err != nil || n != 2 {
			e.t.Errorf("LastRoomSeq: %d, %v", n, err)
		}
		got, err := tx.Message(e.ctx, "k1", "m3")
		if err != nil {
			return err
		}
		diff(e.t, "Message with its relay", *got, relayed)
		_, err = tx.Message(e.ctx, "k1", "m404")
		e.wantCode("a missing message", parley.ErrorCode(err), parley.ENOTFOUND)
		_, err = tx.Message(e.ctx, "k9", "m1")
		e.wantCode("a message asked in other talks", parley.ErrorCode(err), parley.ENOTFOUND)

		all, err := tx.Messages(e.ctx, "k1", "caucus:israel", 0, 0, 50)
		if err != nil {
			return err
		}
		diff(e.t, "Messages", all, []parley.Message{m1, m2})
		after, _ := tx.Messages(e.ctx, "k1", "caucus:israel", 1, 0, 50)
		diff(e.t, "Messages after room seq 1", after, []parley.Message{m2})
		limited, _ := tx.Messages(e.ctx, "k1", "caucus:israel", 0, 0, 1)
		diff(e.t, "Messages limited to 1", limited, []parley.Message{m1})
		hidden, _ := tx.Messages(e.ctx, "k1", "caucus:israel", 0, m1.EventSeq, 50)
		diff(e.t, "Messages up to m1's event", hidden, []parley.Message{m1})
		empty, err := tx.Messages(e.ctx, "k1", "plenary", 0, 0, 50)
		if err != nil || empty == nil || len(empty) != 0 {
			e.t.Errorf("Messages of an empty room: %v %v", empty, err)
		}

		c, err := tx.CountMessagesAfter(e.ctx, "k1", "caucus:israel", m1.EventSeq)
		if err != nil || c != 1 {
			e.t.Errorf("CountMessagesAfter: %d %v", c, err)
		}
		return nil
	})
}

func testSearch(e *env) {
	e.seed()
	var ms []parley.Message
	for i, text := range []string{"Aid TRUCKS per day: 600", "trucks and 100% of fuel", "no match_here", "under_score and trucks"} {
		room := "caucus:israel"
		if i == 3 {
			room = "caucus:hamas"
		}
		m := e.post(parley.Message{ID: fmt.Sprintf("m%d", i), TalksID: "k1", Room: room, RoomSeq: int64(i + 1), Author: "u2", Delegation: "d-isr", Disclosure: parley.Public, Text: text, CreatedAt: at(i)})
		m.AuthorName = "Barnea"
		ms = append(ms, m)
	}
	e.view(func(tx parley.Tx) error {
		rooms := []string{"caucus:israel", "caucus:hamas"}
		got, err := tx.SearchMessages(e.ctx, "k1", rooms, nil, "trucks", 50)
		if err != nil {
			return err
		}
		diff(e.t, "search ignores case, newest first", got, []parley.Message{ms[3], ms[1], ms[0]})
		got, _ = tx.SearchMessages(e.ctx, "k1", []string{"caucus:israel"}, nil, "trucks", 50)
		diff(e.t, "search in the given rooms only", got, []parley.Message{ms[1], ms[0]})
		got, _ = tx.SearchMessages(e.ctx, "k1", rooms, map[string]int64{"caucus:israel": ms[0].EventSeq}, "trucks", 50)
		diff(e.t, "search hides past a room's maximum event", got, []parley.Message{ms[3], ms[0]})
		got, _ = tx.SearchMessages(e.ctx, "k1", rooms, nil, "100%", 50)
		diff(e.t, "% is literal", got, []parley.Message{ms[1]})
		got, _ = tx.SearchMessages(e.ctx, "k1", rooms, nil, "h_h", 50)
		diff(e.t, "_ is literal", got, []parley.Message{ms[2]})
		got, _ = tx.SearchMessages(e.ctx, "k1", rooms, nil, "trucks", 1)
		diff(e.t, "search limit", got, []parley.Message{ms[3]})
		got, err = tx.SearchMessages(e.ctx, "k1", nil, nil, "trucks", 50)
		if err != nil || got == nil || len(got) != 0 {
			e.t.Errorf("search in no room: %v %v", got, err)
		}
		return nil
	})
}

func testAgreements(e *env) {
	e.seed()
	a := parley.Agreement{ID: "a1", TalksID: "k1", Title: "Hostage exchange", Stage: parley.StageImplementation, Summary: "Four-day pause", AgreedAt: at(-60), RecordedBy: "u1", EventSeq: 3}
	b := parley.Agreement{ID: "a0", TalksID: "k1", Title: "Ceasefire", Stage: parley.StageCeasefire, TextVersion: 4, AgreedAt: at(0), RecordedBy: "u1", EventSeq: 4}
	e.update(func(tx parley.Tx) error {
		if err := tx.CreateAgreement(e.ctx, &b); err != nil {
			return err
		}
		return tx.CreateAgreement(e.ctx, &a)
	})
	e.wantCode("a taken id", e.code(func(tx parley.Tx) error { return tx.CreateAgreement(e.ctx, &a) }), parley.ECONFLICT)
	e.wantCode("missing talks", e.code(func(tx parley.Tx) error {
		return tx.CreateAgreement(e.ctx, &parley.Agreement{ID: "a9", TalksID: "k9", Title: "x", Stage: parley.StageRenewal, AgreedAt: at(0), RecordedBy: "u1"})
	}), parley.ENOTFOUND)
	e.view(func(tx parley.Tx) error {
		got, err := tx.Agreement(e.ctx, "k1", "a0")
		if err != nil {
			return err
		}
		diff(e.t, "Agreement", *got, b)
		_, err = tx.Agreement(e.ctx, "k9", "a0")
		e.wantCode("an agreement asked in other talks", parley.ErrorCode(err), parley.ENOTFOUND)
		all, err := tx.Agreements(e.ctx, "k1")
		diff(e.t, "Agreements, oldest first", all, []parley.Agreement{a, b})
		return err
	})
}

func testSettings(e *env) {
	e.view(func(tx parley.Tx) error {
		_, err := tx.Setting(e.ctx, "scenario")
		e.wantCode("an unset setting", parley.ErrorCode(err), parley.ENOTFOUND)
		return nil
	})
	e.update(func(tx parley.Tx) error { return tx.PutSetting(e.ctx, "scenario", "seed") })
	e.update(func(tx parley.Tx) error { return tx.PutSetting(e.ctx, "scenario", "other") })
	e.view(func(tx parley.Tx) error {
		v, err := tx.Setting(e.ctx, "scenario")
		if v != "other" {
			e.t.Errorf("setting after two puts: %q", v)
		}
		return err
	})
}

func testLedger(e *env) {
	e.view(func(tx parley.Tx) error {
		n, err := tx.LedgerSize(e.ctx)
		if n != 0 {
			e.t.Errorf("empty ledger size %d", n)
		}
		_, err2 := tx.LatestCheckpoint(e.ctx)
		e.wantCode("no checkpoint yet", parley.ErrorCode(err2), parley.ENOTFOUND)
		evs, err3 := tx.EventsAfter(e.ctx, 0, 10)
		if evs == nil || len(evs) != 0 || err3 != nil {
			e.t.Errorf("EventsAfter on an empty log: %v %v", evs, err3)
		}
		return err
	})
	var want []parley.Event
	for i := range 5 {
		evs := e.update(func(tx parley.Tx) error { _, err := e.appendEvent(tx, "mediators", fmt.Sprint(i)); return err })
		want = append(want, evs...)
	}
	// A sixth event at a seq already used is refused whole.
	e.wantCode("an event at a used seq", e.code(func(tx parley.Tx) error {
		return tx.InsertEntry(e.ctx, &parley.LedgerEntry{Event: parley.Event{Seq: 3, Time: at(0), Kind: "x", Data: []byte("{}")}, Canonical: []byte("x")})
	}), parley.ECONFLICT)
	e.wantCode("a hash at a used index", e.code(func(tx parley.Tx) error {
		return tx.InsertHashes(e.ctx, 0, make([]tlog.Hash, 1))
	}), parley.ECONFLICT)
	e.view(func(tx parley.Tx) error {
		n, err := tx.LedgerSize(e.ctx)
		if err != nil || n != 5 {
			e.t.Errorf("LedgerSize %d, %v", n, err)
		}
		all, err := tx.EventsAfter(e.ctx, 0, 100)
		if err != nil {
			return err
		}
		diff(e.t, "EventsAfter(0)", all, want)
		some, _ := tx.EventsAfter(e.ctx, 2, 2)
		diff(e.t, "EventsAfter(2) limited to 2", some, want[2:4])
		les, err := tx.LedgerEntries(e.ctx, []int64{2, 4})
		if err != nil {
			return err
		}
		if len(les) != 2 || les[0].Event.Seq != 2 || les[1].Event.Seq != 4 {
			e.t.Fatalf("LedgerEntries: %+v", les)
		}
		diff(e.t, "LedgerEntries' events", []parley.Event{les[0].Event, les[1].Event}, []parley.Event{want[1], want[3]})
		for _, le := range les {
			if _, err := eventlog.Leaf(&le); err != nil {
				e.t.Errorf("stored entry %d does not hash: %v", le.Event.Seq, err)
			}
		}
		_, err = tx.LedgerEntries(e.ctx, []int64{5, 6})
		e.wantCode("LedgerEntries with a missing seq", parley.ErrorCode(err), parley.ENOTFOUND)
		if _, err := tx.ReadHashes([]int64{1 << 40}); err == nil {
			e.t.Error("ReadHashes of a hash never stored: no error")
		}
		root, err := ledger.TreeHash(5, tx)
		if err != nil {
			return err
		}
		note, err := tx.LatestCheckpoint(e.ctx)
		if err != nil {
			return err
		}
		c, err := ledger.OpenCheckpoint(note, e.vkey)
		if err != nil {
			return err
		}
		if c.Tree.N != 5 || c.Tree.Hash != root {
			e.t.Errorf("latest checkpoint is for %d %x, the tree is 5 %x", c.Tree.N, c.Tree.Hash, root)
		}
		return nil
	})
	size, err := eventlog.Check(e.ctx, viewTx(e), e.vkey, nil)
	if err != nil || size != 5 {
		e.t.Errorf("eventlog.Check: %d %v", size, err)
	}
	// InsertCheckpoint replaces the note of a size.
	e.update(func(tx parley.Tx) error { return tx.InsertCheckpoint(e.ctx, 5, []byte("replaced\n")) })
	e.view(func(tx parley.Tx) error {
		note, err := tx.LatestCheckpoint(e.ctx)
		if string(note) != "replaced\n" {
			e.t.Errorf("checkpoint after replacing: %q", note)
		}
		return err
	})
}

// viewTx returns a transaction open until the test ends, for checks that
// take a LedgerTx.
func viewTx(e *env) parley.LedgerTx {
	ch := make(chan parley.Tx)
	done := make(chan struct{})
	go e.s.View(e.ctx, func(tx parley.Tx) error {
		ch <- tx
		<-done
		return nil
	})
	e.t.Cleanup(func() { close(done) })
	return <-ch
}

func testReadOnly(e *env) {
	err := e.s.View(e.ctx, func(tx parley.Tx) error {
		_, err := e.appendEvent(tx, "mediators", "in a view")
		return err
	})
	if err == nil {
		e.t.Fatal("a read-only transaction appended an event")
	}
	e.view(func(tx parley.Tx) error {
		n, err := tx.LedgerSize(e.ctx)
		if n != 0 {
			e.t.Errorf("ledger size %d after a refused append", n)
		}
		return err
	})
}

// testBatchIsolation: calls that share one group-commit transaction fail
// alone. While a first call holds the transaction, others queue; they then
// run together, and those that fail (a uniqueness conflict raised by the
// database, an error of their own) leave nothing behind while the others
// commit, under one checkpoint.
func testBatchIsolation(e *env) {
	e.seed()
	hold, started := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		_, err := e.s.Update(e.ctx, func(tx parley.Tx) error {
			close(started)
			<-hold
			_, err := e.appendEvent(tx, "mediators", "first")
			return err
		})
		first <- err
	}()
	<-started
	const n = 12
	errs := make([]error, n)
	var wg, queued sync.WaitGroup
	boom := errors.New("boom")
	for i := range n {
		wg.Add(1)
		queued.Add(1)
		go func() {
			defer wg.Done()
			queued.Done()
			_, errs[i] = e.s.Update(e.ctx, func(tx parley.Tx) error {
				if _, err := e.appendEvent(tx, "mediators", fmt.Sprint(i)); err != nil {
					return err
				}
				name := fmt.Sprintf("user%d", i)
				if i%3 == 1 {
					name = "barnea" // taken: the database refuses it
				}
				if err := tx.CreateUser(e.ctx, &parley.User{ID: fmt.Sprintf("id%d", i), Name: name, PasswordHash: "h", CreatedAt: at(0)}); err != nil {
					return err
				}
				if i%3 == 2 {
					return boom
				}
				return nil
			})
		}()
	}
	queued.Wait()
	time.Sleep(100 * time.Millisecond) // let them queue behind the first
	close(hold)
	if err := <-first; err != nil {
		e.t.Fatal(err)
	}
	wg.Wait()
	var ok int
	for i, err := range errs {
		switch {
		case i%3 == 0 && err != nil:
			e.t.Errorf("call %d: %v", i, err)
		case i%3 == 1 && parley.ErrorCode(err) != parley.ECONFLICT:
			e.t.Errorf("call %d with a taken name: %v, want a conflict", i, err)
		case i%3 == 2 && err != boom:
			e.t.Errorf("call %d: %v, want its own error", i, err)
		}
		if err == nil {
			ok++
		}
	}
	e.view(func(tx parley.Tx) error {
		evs, err := tx.EventsAfter(e.ctx, 0, 100)
		if err != nil {
			return err
		}
		tags := map[string]bool{}
		for i, ev := range evs {
			if ev.Seq != int64(i+1) {
				e.t.Errorf("event %d has seq %d: a hole or a repeat", i, ev.Seq)
			}
			var d struct{ Tag string }
			json.Unmarshal(ev.Data, &d)
			tags[d.Tag] = true
		}
		if len(evs) != ok+1 || !tags["first"] {
			e.t.Errorf("%d events, want %d (the first and every call that succeeded)", len(evs), ok+1)
		}
		for i := range n {
			_, err := tx.UserByID(e.ctx, fmt.Sprintf("id%d", i))
			if (i%3 == 0) != (err == nil) || tags[fmt.Sprint(i)] != (i%3 == 0) {
				e.t.Errorf("call %d: user stored %v, event stored %v", i, err == nil, tags[fmt.Sprint(i)])
			}
		}
		return nil
	})
	if size, err := eventlog.Check(e.ctx, viewTx(e), e.vkey, nil); err != nil {
		e.t.Errorf("ledger after the batch: %d %v", size, err)
	}
	var checkpoints int
	if err := e.s.DB().QueryRowContext(e.ctx, `SELECT COUNT(*) FROM checkpoints`).Scan(&checkpoints); err != nil {
		e.t.Fatal(err)
	}
	if checkpoints != 2 {
		e.t.Errorf("%d checkpoints, want 2: the first call's and one for every queued call together", checkpoints)
	}
}

// testUpdateEvents: Update returns the events its call appended, numbered,
// only once committed; a failing call returns none.
func testUpdateEvents(e *env) {
	evs := e.update(func(tx parley.Tx) error {
		for _, tag := range []string{"a", "b"} {
			if _, err := e.appendEvent(tx, "plenary", tag); err != nil {
				return err
			}
		}
		return nil
	})
	if len(evs) != 2 || evs[0].Seq != 1 || evs[1].Seq != 2 || evs[1].Room != "plenary" {
		e.t.Fatalf("events %+v", evs)
	}
	evs, err := e.s.Update(e.ctx, func(tx parley.Tx) error {
		if _, err := e.appendEvent(tx, "plenary", "c"); err != nil {
			return err
		}
		return parley.Errorf(parley.EINVALID, "no")
	})
	if evs != nil || parley.ErrorCode(err) != parley.EINVALID {
		t := e.t
		t.Fatalf("failing update: %v %v", evs, err)
	}
}
