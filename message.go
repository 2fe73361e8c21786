package parley

import "time"

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

// MaxMessageBytes is the largest message text accepted.
const MaxMessageBytes = 64 << 10

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

// Message is text posted in a room, as one viewer may see it.
type Message struct {
	ID         string     `json:"id"`
	TalksID    string     `json:"talks_id"`
	Room       string     `json:"room"`
	Seq        int64      `json:"seq"`
	Author     string     `json:"author"`
	AuthorName string     `json:"author_name"`
	Delegation string     `json:"delegation"`
	Disclosure Disclosure `json:"disclosure"`
	Text       string     `json:"text"`
	CreatedAt  time.Time  `json:"created_at"`
	// EventSeq is the ledger event that recorded the message.
	EventSeq int64  `json:"event_seq"`
	Relay    *Relay `json:"relay,omitempty"`
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

// RelayLink is the mediators' record of where a relayed message came from.
type RelayLink struct {
	MessageID        string
	SourceRoom       string
	SourceMessage    string
	SourceAuthor     string
	SourceDelegation string
}
