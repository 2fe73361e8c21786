package talks

import (
	"context"

	"parley"
)

// Per-user view state (the interface language, read markers, notification
// choices) is kept by the server so that it follows the user from browser
// to browser. It is not a negotiating act: it is written without an event,
// so it neither enters the ledger nor reaches anyone else's stream. A read
// marker or a notification choice is kept only for a room the user may
// read, checked like any read.

// Language returns the user's saved interface language, "" when none.
func (s *Service) Language(ctx context.Context, actor *parley.User) (string, error) {
	var lang string
	err := s.Store.View(ctx, func(tx parley.Tx) error {
		var err error
		lang, err = tx.Language(ctx, actor.ID)
		return err
	})
	return lang, err
}

// SetLanguage saves the user's interface language; "" returns the choice
// to the browser's languages.
func (s *Service) SetLanguage(ctx context.Context, actor *parley.User, lang string) error {
	if !parley.ValidLanguage(lang) {
		return parley.Errorf(parley.EINVALID, "language must be one of %v, not %q", parley.Languages, lang)
	}
	return s.update(ctx, func(tx parley.Tx) error { return tx.SetLanguage(ctx, actor.ID, lang) })
}

// RoomStates returns the actor's state of every room they may read in the
// talks: read marker, notification choice, unread count and last activity.
// Messages held back from a withdrawn party are neither counted nor dated.
func (s *Service) RoomStates(ctx context.Context, actor *parley.User, talksID string) ([]parley.RoomState, error) {
	var out []parley.RoomState
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		var rooms []string
		hidden := map[string]int64{}
		for _, r := range sc.rooms() {
			rooms = append(rooms, r.Name)
			if h := sc.heldBack(r.Name); h > 0 {
				hidden[r.Name] = h
			}
		}
		var err error
		out, err = tx.RoomStates(ctx, actor.ID, talksID, rooms, hidden)
		return err
	})
	if out == nil && err == nil {
		out = []parley.RoomState{}
	}
	return out, err
}

// MarkRead records that the actor has read a room up to the message with
// RoomSeq seq; a marker never moves back.
func (s *Service) MarkRead(ctx context.Context, actor *parley.User, talksID, room string, seq int64) error {
	if seq < 0 {
		return parley.Errorf(parley.EINVALID, "seq must not be negative")
	}
	return s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkRead(room); err != nil {
			return err
		}
		return tx.MarkRead(ctx, actor.ID, talksID, room, seq)
	})
}

// SetNotify saves whether the actor wants desktop notifications of new
// messages in a room they may read.
func (s *Service) SetNotify(ctx context.Context, actor *parley.User, talksID, room string, notify bool) error {
	return s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkRead(room); err != nil {
			return err
		}
		return tx.SetNotify(ctx, actor.ID, talksID, room, notify)
	})
}

// MessagesBefore lists the newest messages of a room before a room
// sequence number (0: the newest of all), oldest first; Prev is the cursor
// for the page before, "" at the room's start. limit 0 asks for the
// default page size.
func (s *Service) MessagesBefore(ctx context.Context, actor *parley.User, talksID, room string, before int64, limit int) (*Page, error) {
	if before < 0 {
		return nil, parley.Errorf(parley.EINVALID, "before must not be negative")
	}
	return s.roomPage(ctx, actor, talksID, room, limit, func(tx parley.Tx, held int64, n int) ([]parley.Message, error) {
		return tx.MessagesBefore(ctx, talksID, room, before, held, n)
	}, func(p *Page, ms []parley.Message, limit int) []parley.Message {
		ms = ms[len(ms)-limit:]
		p.Prev = itoa(ms[0].RoomSeq)
		return ms
	})
}
