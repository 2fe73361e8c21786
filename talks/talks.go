// Package talks is parley's application service: every command is
// validated, authorised against the actor's delegation and rooms, recorded
// as an event and applied to the store in one transaction, then published.
// It is the one place where rules live.
package talks

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"parley"
)

// Service runs commands and queries against a store.
type Service struct {
	Store parley.Store
	Bus   parley.EventBus
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// New returns a service on store publishing to bus.
func New(store parley.Store, bus parley.EventBus) *Service {
	return &Service{Store: store, Bus: bus, Now: time.Now}
}

func (s *Service) now() time.Time { return s.Now().UTC() }

// update runs fn in a write transaction and publishes its events after commit.
func (s *Service) update(ctx context.Context, fn func(tx parley.Tx) error) error {
	events, err := s.Store.Update(ctx, fn)
	if err != nil {
		return err
	}
	if s.Bus != nil && len(events) > 0 {
		s.Bus.Publish(events)
	}
	return nil
}

// command runs fn in a write transaction with the actor's scope in the
// talks loaded, then publishes the events it appended.
func (s *Service) command(ctx context.Context, actor *parley.User, talksID string, fn func(tx parley.Tx, sc *scope) error) error {
	return s.update(ctx, func(tx parley.Tx) error {
		sc, err := loadScope(ctx, tx, actor, talksID)
		if err != nil {
			return err
		}
		return fn(tx, sc)
	})
}

// query runs fn in a read transaction with the actor's scope loaded.
func (s *Service) query(ctx context.Context, actor *parley.User, talksID string, fn func(tx parley.Tx, sc *scope) error) error {
	return s.Store.View(ctx, func(tx parley.Tx) error {
		sc, err := loadScope(ctx, tx, actor, talksID)
		if err != nil {
			return err
		}
		return fn(tx, sc)
	})
}

// emit appends an event with data marshalled to JSON.
func (s *Service) emit(ctx context.Context, tx parley.Tx, actor, talksID, room, kind string, data any) (*parley.Event, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("talks: event %s: %w", kind, err)
	}
	e := &parley.Event{Time: s.now(), Kind: kind, Talks: talksID, Room: room, Actor: actor, Data: b}
	if err := tx.AppendEvent(ctx, e); err != nil {
		return nil, err
	}
	return e, nil
}

// scope is what one user is in one talks: the basis of every access check.
type scope struct {
	user        *parley.User
	talks       *parley.Talks
	delegations []parley.Delegation
	// mine is the user's delegation in these talks, nil for a non-member.
	mine *parley.Delegation
	role parley.MemberRole
}

// loadScope loads the user's standing in the talks. A user who is neither a
// member nor an admin gets ENOTFOUND: talks they are not in do not exist
// for them.
func loadScope(ctx context.Context, tx parley.Tx, user *parley.User, talksID string) (*scope, error) {
	t, err := tx.Talks(ctx, talksID)
	if err != nil {
		return nil, err
	}
	dels, err := tx.Delegations(ctx, talksID)
	if err != nil {
		return nil, err
	}
	sc := &scope{user: user, talks: t, delegations: dels}
	ms, err := tx.Memberships(ctx, user.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.TalksID != talksID {
			continue
		}
		for i := range dels {
			if dels[i].ID == m.DelegationID {
				sc.mine, sc.role = &dels[i], m.Role
			}
		}
	}
	if sc.mine == nil && !user.Admin {
		return nil, parley.Errorf(parley.ENOTFOUND, "talks not found")
	}
	return sc, nil
}

func (sc *scope) kind() parley.DelegationKind {
	if sc.mine == nil {
		return ""
	}
	return sc.mine.Kind
}

func (sc *scope) isMediator() bool { return sc.kind() == parley.KindMediator }

// delegation finds a delegation of the talks by id or slug.
func (sc *scope) delegation(ref string) (*parley.Delegation, error) {
	for i := range sc.delegations {
		if d := &sc.delegations[i]; d.ID == ref || d.Slug == ref {
			return d, nil
		}
	}
	return nil, parley.Errorf(parley.ENOTFOUND, "delegation %q not found", ref)
}

// partyOfCaucus returns the party whose caucus room is named, or nil.
func (sc *scope) partyOfCaucus(room string) *parley.Delegation {
	slug, ok := strings.CutPrefix(room, parley.CaucusPrefix)
	if !ok {
		return nil
	}
	for i := range sc.delegations {
		if d := &sc.delegations[i]; d.Slug == slug && d.Kind == parley.KindParty {
			return d
		}
	}
	return nil
}

// roomExists reports whether the talks have a room of that name.
func (sc *scope) roomExists(room string) bool {
	switch room {
	case parley.RoomMediators, parley.RoomBriefing, parley.RoomPlenary:
		return true
	}
	return sc.partyOfCaucus(room) != nil
}

// canRead is the read rule: mediators read every room; a party reads its
// caucus and the plenary; an observer reads the briefing.
func (sc *scope) canRead(room string) bool {
	if sc.mine == nil || !sc.roomExists(room) {
		return false
	}
	switch sc.mine.Kind {
	case parley.KindMediator:
		return true
	case parley.KindParty:
		return room == parley.RoomPlenary || room == parley.CaucusRoom(sc.mine.Slug)
	case parley.KindObserver:
		return room == parley.RoomBriefing
	}
	return false
}

// heldBack returns the last event sequence number the user may see in room,
// or 0 for no limit: while a party is withdrawn, what reaches its caucus
// after the withdrawal is held for it until it re-engages.
func (sc *scope) heldBack(room string) int64 {
	if d := sc.mine; d != nil && d.Kind == parley.KindParty && d.Presence == parley.PresenceWithdrawn && room == parley.CaucusRoom(d.Slug) {
		return d.PresenceSeq
	}
	return 0
}

// checkRead returns ENOTFOUND for a room the user may not read, so that
// its existence is not revealed.
func (sc *scope) checkRead(room string) error {
	if !sc.canRead(room) {
		return parley.Errorf(parley.ENOTFOUND, "room not found")
	}
	return nil
}

// checkWrite says whether the user may post in room now.
func (sc *scope) checkWrite(room string) error {
	if err := sc.checkRead(room); err != nil {
		return err
	}
	if sc.talks.Terminal() {
		return parley.Errorf(parley.ECONFLICT, "the talks are %s; nothing more can be posted", sc.talks.Status)
	}
	d := sc.mine
	switch d.Kind {
	case parley.KindObserver:
		return parley.Errorf(parley.EFORBIDDEN, "observers read the briefing but do not post")
	case parley.KindParty:
		if d.Presence == parley.PresenceWithdrawn {
			return parley.Errorf(parley.ECONFLICT, "%s has withdrawn from the talks; re-engage to post", d.Name)
		}
	case parley.KindMediator:
		if d.Presence == parley.PresenceSuspended && room != parley.RoomMediators {
			return parley.Errorf(parley.ECONFLICT, "%s has suspended its mediation; resume it to post outside the mediators room", d.Name)
		}
		if room == parley.RoomBriefing {
			return nil
		}
	}
	if room == parley.RoomPlenary && !sc.talks.PlenaryOpen {
		return parley.Errorf(parley.ECONFLICT, "the plenary is closed until a mediator opens it")
	}
	return nil
}

// rooms lists the rooms the user can read.
func (sc *scope) rooms() []parley.Room {
	names := []string{parley.RoomMediators, parley.RoomBriefing, parley.RoomPlenary}
	for _, d := range sc.delegations {
		if d.Kind == parley.KindParty {
			names = append(names, parley.CaucusRoom(d.Slug))
		}
	}
	var out []parley.Room
	for _, n := range names {
		if !sc.canRead(n) {
			continue
		}
		r := parley.Room{Name: n, Open: n != parley.RoomPlenary || sc.talks.PlenaryOpen, Writable: sc.checkWrite(n) == nil}
		if p := sc.partyOfCaucus(n); p != nil {
			r.Party = p.ID
		}
		out = append(out, r)
	}
	return out
}

// Visible reports whether an event may be shown to the user in this scope.
func (sc *scope) visible(e *parley.Event) bool {
	if sc.mine == nil {
		return false
	}
	if e.Room == "" {
		return true
	}
	if !sc.canRead(e.Room) {
		return false
	}
	max := sc.heldBack(e.Room)
	return max == 0 || e.Seq <= max
}
