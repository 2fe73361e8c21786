// Package talks is parley's application service: every command is
// validated, authorised against the actor's delegation and rooms, recorded
// as an event and applied to the store in one transaction, then published.
// It is the one place where rules live.
package talks

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"parley"
	"parley/auth"
	"parley/eventlog"
)

// Service runs commands and queries against a store.
type Service struct {
	Store parley.Store
	Bus   parley.EventBus
	// Now is the clock; tests replace it.
	Now func() time.Time
	// VerifierKey is the ledger's checkpoint verifier key; without it the
	// ledger's signed views (checkpoints, bundles) are not served.
	VerifierKey string
	// Hub, when set, ends at once the open streams of people removed or
	// disabled (see package auth).
	Hub *auth.Hub
	// Sealer signs checkpoints for Seal (see RunSealer); Cover, when
	// positive, is the most cover events Seal adds each time.
	Sealer parley.Sealer
	Cover  int

	// live is what event streams share (stream.go).
	live live
}

// New returns a service on store publishing to bus.
func New(store parley.Store, bus parley.EventBus) *Service {
	return &Service{Store: store, Bus: bus, Now: time.Now}
}

func (s *Service) now() time.Time { return s.Now().UTC() }

// update runs fn in a write transaction and publishes its events after
// commit. Every change goes through here.
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
	if err := checkWriteGrant(actor); err != nil {
		return err
	}
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

// emit appends an event with data marshalled to JSON to the ledger, in tx.
// actor is the user id of who caused it ("" for the system).
func (s *Service) emit(ctx context.Context, tx parley.Tx, actor, talksID, room, kind string, data any) (*parley.Event, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("talks: event %s: %w", kind, err)
	}
	e := &parley.Event{Time: s.now(), Kind: kind, Talks: talksID, Room: room, Actor: actor, Data: b}
	if err := eventlog.Append(ctx, tx, e); err != nil {
		return nil, err
	}
	return e, nil
}

// actorID is the id of a user, "" for the system.
func actorID(u *parley.User) string {
	if u == nil {
		return ""
	}
	return u.ID
}
