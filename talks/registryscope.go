package talks

import (
	"context"
	"slices"

	"parley"
)

// registryScope is what a scope knows of the pseudo-rooms of people and
// promises: which delegations read individual captive records, and which
// delegations make up each meeting's audience.
type registryScope struct {
	// records maps a delegation id to its record access.
	records map[string]bool
	// audiences maps a meeting id to the delegation ids that may see it.
	audiences map[string][]string
}

// loadRegistry loads record access and meeting audiences into the scope;
// a user in no delegation of the talks reads neither, so needs none.
func (sc *scope) loadRegistry(ctx context.Context, tx parley.Tx) error {
	sc.reg = registryScope{records: map[string]bool{}, audiences: map[string][]string{}}
	if sc.mine == nil {
		return nil
	}
	access, err := tx.RecordAccess(ctx, sc.talks.ID)
	if err != nil {
		return err
	}
	for _, a := range access {
		sc.reg.records[a.Delegation] = a.Records
	}
	sc.reg.audiences, err = tx.MeetingAudiences(ctx, sc.talks.ID)
	return err
}

// readsRecords reports whether delegation d may read individual captive
// records: mediators always, others when the mediators allowed it.
func (sc *scope) readsRecords(d *parley.Delegation) bool {
	return d != nil && (d.Kind == parley.KindMediator || sc.reg.records[d.ID])
}

// canReadRecords reports whether the user may read individual captive
// records; everyone else in the talks sees the aggregates only.
func (sc *scope) canReadRecords() bool { return sc.readsRecords(sc.mine) }

// checkRecords answers ENOTFOUND, as for a room the user cannot read, when
// the user may not read individual records.
func (sc *scope) checkRecords() error {
	if !sc.canReadRecords() {
		return parley.Errorf(parley.ENOTFOUND, "captive records not found")
	}
	return nil
}

// seesMeeting reports whether the user's delegation is in the audience of
// meeting id.
func (sc *scope) seesMeeting(id string) bool {
	return sc.mine != nil && slices.Contains(sc.reg.audiences[id], sc.mine.ID)
}

// checkMember answers ENOTFOUND to a user who is no member of the talks
// (an administrator who is not), for what only members see.
func (sc *scope) checkMember(what string) error {
	if sc.mine == nil {
		return parley.Errorf(parley.ENOTFOUND, "%s not found", what)
	}
	return nil
}

// reaches reports whether the user could share something with delegation
// d through a room: one the user may write in now and d may read. Mediators
// reach everyone; a party reaches the mediators through its caucus, and
// the other parties only while the plenary is open.
func (sc *scope) reaches(d *parley.Delegation) bool {
	if sc.mine != nil && d.ID == sc.mine.ID {
		return true
	}
	other := *sc
	other.mine = d
	for _, r := range sc.rooms() {
		if r.Writable && other.canRead(r.Name) {
			return true
		}
	}
	return false
}
