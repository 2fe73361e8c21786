package parley

import (
	"encoding/json"
	"time"
)

// Event is one recorded action: appended to the ledger and applied to the
// store in one transaction, then published to live subscribers.
type Event struct {
	// Seq numbers events from 1; the ledger leaf index is Seq-1.
	Seq   int64           `json:"seq"`
	Time  time.Time       `json:"time"`
	Kind  string          `json:"kind"`
	Talks string          `json:"talks,omitempty"`
	Room  string          `json:"room,omitempty"`
	Actor string          `json:"actor,omitempty"`
	Data  json.RawMessage `json:"data"`
}

// Event kinds.
const (
	EventUserCreated     = "user.created"
	EventTalksCreated    = "talks.created"
	EventTalksStatus     = "talks.status"
	EventDelegationAdded = "delegation.added"
	EventMemberAdded     = "member.added"
	EventPresenceChanged = "delegation.presence"
	EventPlenaryChanged  = "plenary.changed"
	EventMessagePosted   = "message.posted"
	EventRelayRecorded   = "relay.recorded"
)
