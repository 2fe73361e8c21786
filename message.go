package parley

import (
	"strings"
	"time"
)

// Disclosure says how far a message may travel beyond its room.
type Disclosure string

// Disclosure levels.
const (
	// MediatorOnly messages stay where they were posted and are never relayed.
	MediatorOnly Disclosure = "mediator-only"
	// Relayable messages may be passed on by a mediator.
	Relayable Disclosure = "relayable"
	// Public messages may be passed on anywhere, including to observers.
	Public Disclosure = "public"
)

// Valid reports whether d is a known disclosure level.
func (d Disclosure) Valid() bool {
	return d == MediatorOnly || d == Relayable || d == Public
}

// RelayMode says whether a relay passes the text on as it is or reworded.
type RelayMode string

// Relay modes.
const (
	Verbatim   RelayMode = "verbatim"
	Paraphrase RelayMode = "paraphrase"
)

// Attribution says whether recipients learn which delegation a relay came from.
type Attribution string

// Attributions.
const (
	Attributed Attribution = "attributed"
	Anonymous  Attribution = "anonymous"
)

// Valid reports whether m is a known relay mode.
func (m RelayMode) Valid() bool { return m == Verbatim || m == Paraphrase }

// Valid reports whether a is a known attribution.
func (a Attribution) Valid() bool { return a == Attributed || a == Anonymous }

// Message is text posted in a room, as one viewer may see it.
type Message struct {
	ID      string `json:"id"`
	TalksID string `json:"talks_id"`
	Room    string `json:"room"`
	// RoomSeq numbers the room's messages from 1; listings page by it.
	RoomSeq    int64      `json:"room_seq"`
	Author     string     `json:"author"`
	AuthorName string     `json:"author_name"`
	Delegation string     `json:"delegation"`
	Disclosure Disclosure `json:"disclosure"`
	Text       string     `json:"text"`
	CreatedAt  time.Time  `json:"created_at"`
	// EventSeq is the ledger event that recorded the message.
	EventSeq int64  `json:"event_seq"`
	Relay    *Relay `json:"relay,omitempty"`
	// Proposal is set on a message that proposes a package.
	Proposal *Proposal `json:"proposal,omitempty"`
}

// Validate checks the message's text, its disclosure and, for a relayed
// copy, the relay's mode and attribution. Mediator-only words belong where
// only their author's side and the mediators can read them.
func (m *Message) Validate() error {
	if err := CheckText("text", m.Text, MaxMessageBytes); err != nil {
		return err
	}
	if !m.Disclosure.Valid() {
		return Errorf(EINVALID, "disclosure must be mediator-only, relayable or public, not %q", m.Disclosure)
	}
	if m.Disclosure == MediatorOnly && m.Room != RoomMediators && !strings.HasPrefix(m.Room, CaucusPrefix) {
		return Errorf(EINVALID, "mediator-only messages belong in a caucus or the mediators room, not %s", m.Room)
	}
	if m.Proposal != nil {
		if err := m.Proposal.Validate(); err != nil {
			return err
		}
	}
	if r := m.Relay; r != nil {
		if !r.Mode.Valid() {
			return Errorf(EINVALID, "mode must be verbatim or paraphrase, not %q", r.Mode)
		}
		if !r.Attribution.Valid() {
			return Errorf(EINVALID, "attribution must be attributed or anonymous, not %q", r.Attribution)
		}
	}
	return nil
}

// Relay describes how a relayed message reached its room. Recipients see
// Mode and, when attributed, From; only mediators see the Source fields.
type Relay struct {
	Mode        RelayMode   `json:"mode"`
	Attribution Attribution `json:"attribution"`
	// From is the delegation id the relayed words came from, when attributed.
	From     string `json:"from,omitempty"`
	FromName string `json:"from_name,omitempty"`
	// Source fields are shown to mediators only.
	SourceRoom       string `json:"source_room,omitempty"`
	SourceMessage    string `json:"source_message,omitempty"`
	SourceAuthor     string `json:"source_author,omitempty"`
	SourceDelegation string `json:"source_delegation,omitempty"`
}
