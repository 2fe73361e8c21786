package parley

import (
	"encoding/json"
	"time"
)

// Event is one recorded action: appended to the ledger and applied to the
// store in one transaction, then published to live subscribers.
type Event struct {
	// Seq numbers events from 1 in ledger order; the leaf index is Seq-1.
	// Everywhere in parley, "seq" alone means this ledger sequence number.
	Seq   int64           `json:"seq"`
	Time  time.Time       `json:"time"`
	Kind  string          `json:"kind"`
	Talks string          `json:"talks,omitempty"`
	Room  string          `json:"room,omitempty"`
	Actor string          `json:"actor,omitempty"`
	Data  json.RawMessage `json:"data"`
}

// Event kinds, each with the payload its Data holds.
const (
	EventUserCreated     = "user.created"        // UserCreated
	EventTalksCreated    = "talks.created"       // Talks
	EventTalksStatus     = "talks.status"        // StatusChanged
	EventDelegationAdded = "delegation.added"    // Delegation
	EventMemberAdded     = "member.added"        // Member
	EventPresenceChanged = "delegation.presence" // PresenceChanged
	EventPlenaryChanged  = "plenary.changed"     // PlenaryChanged
	EventMessagePosted   = "message.posted"      // Message, as the room's readers see it
	EventRelayRecorded   = "relay.recorded"      // RelayRecorded, in the mediators room
	EventAgreementMade   = "agreement.recorded"  // Agreement
)

// Event kinds of people and promises (captives, implementation, meetings,
// reports, deadlines), each with the payload its Data holds.
const (
	EventCaptiveRecorded = "captive.recorded"       // Captive, in the registry pseudo-room
	EventCaptiveStatus   = "captive.status"         // CaptiveStatusChanged, in the registry pseudo-room
	EventRecordAccess    = "registry.access"        // RecordAccess
	EventPhaseAdded      = "agreement.phase"        // Phase
	EventObligationAdded = "agreement.obligation"   // Obligation
	EventVerification    = "agreement.verification" // Verification
	EventMeetingRecorded = "meeting.recorded"       // Meeting, in the meeting's pseudo-room
	EventReportRecorded  = "report.recorded"        // Report
	EventDeadlineSet     = "deadline.set"           // Deadline
	EventDeadlineAlert   = "deadline.alert"         // DeadlineAlert
)

// CaptiveStatusChanged is the payload of a captive.status event.
type CaptiveStatusChanged struct {
	Captive string `json:"captive"`
	Ref     string `json:"ref"`
	CaptiveStatusChange
}

// UserCreated is the payload of a user.created event: nothing secret.
type UserCreated struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Admin bool   `json:"admin,omitempty"`
}

// StatusChanged is the payload of a talks.status event.
type StatusChanged struct {
	Status TalksStatus `json:"status"`
	Action string      `json:"action"`
	Reason string      `json:"reason"`
}

// PresenceChanged is the payload of a delegation.presence event.
type PresenceChanged struct {
	Delegation string   `json:"delegation"`
	Presence   Presence `json:"presence"`
	Action     string   `json:"action"`
	Reason     string   `json:"reason"`
	// Previous is the seq of the delegation's previous presence change (0
	// for none): for a party re-engaging, its withdrawal, after which what
	// reached its caucus was held for it.
	Previous int64 `json:"previous"`
}

// PlenaryChanged is the payload of a plenary.changed event.
type PlenaryChanged struct {
	Open bool `json:"open"`
}

// RelayRecorded is the payload of a relay.recorded event: the mediators'
// record of where a relayed message came from.
type RelayRecorded struct {
	Message          string      `json:"message"`
	Room             string      `json:"room"`
	Mode             RelayMode   `json:"mode"`
	Attribution      Attribution `json:"attribution"`
	SourceRoom       string      `json:"source_room"`
	SourceMessage    string      `json:"source_message"`
	SourceAuthor     string      `json:"source_author"`
	SourceDelegation string      `json:"source_delegation"`
}

// Event kinds of removal and account control (payloads in security.go).
const (
	EventMemberRemoved     = "member.removed"     // MemberRemoved
	EventDelegationRemoved = "delegation.removed" // DelegationRemoved
	EventUserDisabled      = "user.disabled"      // UserDisabled
	EventLedgerCover       = "ledger.cover"       // nothing: cover traffic, shown to nobody
)
