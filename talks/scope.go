package talks

import (
	"context"
	"strings"

	"parley"
)

// scope is what one user is in one talks: the basis of every access check.
type scope struct {
	user        *parley.User
	talks       *parley.Talks
	delegations []parley.Delegation
	members     []parley.Member
	// mine is the user's delegation in these talks, nil for a non-member.
	mine *parley.Delegation
	role parley.MemberRole
	// reg is who reads the registry's records and each meeting.
	reg registryScope
}

// loadScope loads the user's standing in the talks. A user who is neither a
// member nor an admin gets ENOTFOUND: talks they are not in do not exist
// for them.
func loadScope(ctx context.Context, tx parley.Tx, user *parley.User, talksID string) (*scope, error) {
	if !user.Grant.AllowsTalks(talksID) {
		// A token limited to other talks: these do not exist for it.
		return nil, parley.Errorf(parley.ENOTFOUND, "talks not found")
	}
	t, err := tx.Talks(ctx, talksID)
	if err != nil {
		return nil, err
	}
	dels, err := tx.Delegations(ctx, talksID)
	if err != nil {
		return nil, err
	}
	members, err := tx.Members(ctx, talksID)
	if err != nil {
		return nil, err
	}
	sc := &scope{user: user, talks: t, delegations: dels, members: members}
	for _, m := range members {
		if m.UserID != user.ID {
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
	if err := sc.loadRegistry(ctx, tx); err != nil {
		return nil, err
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

// checkMediator allows only an engaged mediator of live talks, for actions
// named by verb ("relay messages", "change the talks' status").
func (sc *scope) checkMediator(verb string) error {
	if !sc.isMediator() {
		return parley.Errorf(parley.EFORBIDDEN, "only a mediator can %s", verb)
	}
	if err := sc.talks.CheckTerminal(); err != nil {
		return err
	}
	return sc.mine.CheckEngaged()
}

// delegation finds a delegation of the talks by id or slug.
func (sc *scope) delegation(ref string) (*parley.Delegation, error) {
	for i := range sc.delegations {
		if d := &sc.delegations[i]; d.ID == ref || d.Slug == ref {
			return d, nil
		}
	}
	return nil, parley.Errorf(parley.ENOTFOUND, "delegation %q not found", ref)
}

// membersOf returns the members of delegation id.
func (sc *scope) membersOf(id string) []parley.Member {
	var out []parley.Member
	for _, m := range sc.members {
		if m.DelegationID == id {
			out = append(out, m)
		}
	}
	return out
}

// hasMediatorMember reports whether any mediator delegation has a member:
// from then on, the talks are in the mediators' hands.
func (sc *scope) hasMediatorMember() bool {
	for _, d := range sc.delegations {
		if d.Kind == parley.KindMediator && len(sc.membersOf(d.ID)) > 0 {
			return true
		}
	}
	return false
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
// caucus and the plenary; an observer reads the briefing. Nobody else reads
// any room, administrators included.
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

// canSee is the read rule of events: the rooms of canRead, and the record
// rooms that hold events but no messages. The text room (the single
// negotiating text and the domain) is read by mediators and parties; a
// party's private room (its preference profile, consent and reflections)
// only by that party's own members: not by mediators, who read every
// caucus, nor by observers or administrators. The registry room (captive
// records) is read by mediators and the delegations they let read records;
// a meeting's room by that meeting's audience.
func (sc *scope) canSee(room string) bool {
	if sc.canRead(room) {
		return true
	}
	if sc.mine == nil {
		return false
	}
	switch {
	case room == parley.RoomText:
		return sc.canReadText()
	case strings.HasPrefix(room, parley.PrivatePrefix):
		return sc.mine.Kind == parley.KindParty && room == parley.PrivateRoom(sc.mine.Slug)
	case room == parley.RoomRegistry:
		return sc.canReadRecords()
	case strings.HasPrefix(room, parley.MeetingRoomPrefix):
		return sc.seesMeeting(strings.TrimPrefix(room, parley.MeetingRoomPrefix))
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
	if err := sc.talks.CheckTerminal(); err != nil {
		return err
	}
	if p := sc.partyOfCaucus(room); p != nil && p.Presence == parley.PresenceRemoved {
		return parley.Errorf(parley.ECONFLICT, "%s was removed from the talks; its caucus is closed", p.Name)
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
		if room != parley.RoomMediators {
			if err := d.CheckEngaged(); err != nil {
				return err
			}
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
	out := []parley.Room{}
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

// visible reports whether an event may be shown to the user in this scope.
func (sc *scope) visible(e *parley.Event) bool {
	if sc.mine == nil {
		return false
	}
	if e.Room == "" {
		return true
	}
	if !sc.canSee(e.Room) {
		return false
	}
	max := sc.heldBack(e.Room)
	return max == 0 || e.Seq <= max
}
