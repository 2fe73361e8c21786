package parley

import (
	"context"
	"time"
)

// RoomState is what one user has seen of one room and wants to hear of it:
// the pages' unread markers and notification choices, kept per user on the
// server. It is view state, not a negotiating act: it is never an event.
type RoomState struct {
	Room string `json:"room"`
	// Read is the RoomSeq of the newest message the user has seen.
	Read int64 `json:"read"`
	// Notify asks for a desktop notification of new messages.
	Notify bool `json:"notify"`
	// Unread counts the messages after Read that others posted.
	Unread int `json:"unread"`
	// LastAt is when the room's newest visible message was posted, zero
	// for an empty room.
	LastAt time.Time `json:"last_at"`
}

// ViewTx is the part of a transaction that keeps per-user view state (the
// interface language, read markers, notification choices) and pages
// backwards through a room. Like the rest of Tx, it holds no rules.
type ViewTx interface {
	// Language returns the user's saved interface language, "" for none.
	Language(ctx context.Context, userID string) (string, error)
	// SetLanguage saves the user's interface language ("" clears it).
	SetLanguage(ctx context.Context, userID, lang string) error
	// RoomStates returns the user's state of each of rooms in the talks,
	// in the order given. Unread leaves out the user's own messages and,
	// for a room in hidden, messages with an EventSeq above its value.
	RoomStates(ctx context.Context, userID, talksID string, rooms []string, hidden map[string]int64) ([]RoomState, error)
	// MarkRead raises the user's read marker of a room to seq; it never
	// lowers it.
	MarkRead(ctx context.Context, userID, talksID, room string, seq int64) error
	// SetNotify saves whether the user wants notifications of a room.
	SetNotify(ctx context.Context, userID, talksID, room string, notify bool) error
	// MessagesBefore lists the newest limit messages of a room with RoomSeq
	// < before (before 0: the newest of all) and, when maxEventSeq > 0,
	// EventSeq <= maxEventSeq, oldest first.
	MessagesBefore(ctx context.Context, talksID, room string, before, maxEventSeq int64, limit int) ([]Message, error)
}

// Languages are the interface languages a user can choose.
var Languages = []string{"en", "ar", "he"}

// ValidLanguage reports whether lang is one of Languages, or "" (none
// chosen: the browser's languages decide).
func ValidLanguage(lang string) bool {
	if lang == "" {
		return true
	}
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}
