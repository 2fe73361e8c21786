package parley

import (
	"context"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// Store opens transactions over parley's persistent state. Implementations
// hold no rules: authorisation and lifecycle live in package talks.
type Store interface {
	// Update runs fn in one write transaction. The events fn appends are
	// committed with its other writes, or not at all, and are returned.
	Update(ctx context.Context, fn func(Tx) error) ([]Event, error)
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Close releases the store.
	Close() error
}

// Tx is the narrow set of reads and writes a transaction offers. Lookups of
// a missing row return an ENOTFOUND *Error.
type Tx interface {
	LedgerTx

	// AppendEvent assigns e.Seq, records e in the ledger and stores it.
	AppendEvent(ctx context.Context, e *Event) error
	// EventsAfter returns up to limit events with Seq > after, in order.
	EventsAfter(ctx context.Context, after int64, limit int) ([]Event, error)

	CreateUser(ctx context.Context, u *User) error
	UserByID(ctx context.Context, id string) (*User, error)
	UserByName(ctx context.Context, name string) (*User, error)
	ListUsers(ctx context.Context) ([]User, error)
	CreateSession(ctx context.Context, s *Session) error
	SessionByHash(ctx context.Context, hash []byte) (*Session, error)
	DeleteSession(ctx context.Context, hash []byte) error
	// DeleteExpiredSessions removes sessions that expired before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) error

	CreateTalks(ctx context.Context, t *Talks) error
	Talks(ctx context.Context, id string) (*Talks, error)
	// ListTalks returns all talks ordered by creation.
	ListTalks(ctx context.Context) ([]Talks, error)
	UpdateTalks(ctx context.Context, t *Talks) error

	CreateDelegation(ctx context.Context, d *Delegation) error
	// Delegations returns the talks' delegations ordered by kind and name.
	Delegations(ctx context.Context, talksID string) ([]Delegation, error)
	UpdateDelegation(ctx context.Context, d *Delegation) error
	AddMember(ctx context.Context, m *Member) error
	// Members returns every member of every delegation in the talks.
	Members(ctx context.Context, talksID string) ([]Member, error)
	// Memberships returns the user's memberships with the talks id of each.
	Memberships(ctx context.Context, userID string) ([]Membership, error)

	// InsertMessage assigns m.Seq within its room and stores m and m.Relay.
	InsertMessage(ctx context.Context, m *Message) error
	// Message returns a message with its full relay record.
	Message(ctx context.Context, talksID, id string) (*Message, error)
	// Messages lists a room's messages with Seq > after and, when
	// maxEventSeq > 0, EventSeq <= maxEventSeq, oldest first.
	Messages(ctx context.Context, talksID, room string, after, maxEventSeq int64, limit int) ([]Message, error)
	// CountMessagesAfter counts a room's messages whose EventSeq is above
	// eventSeq.
	CountMessagesAfter(ctx context.Context, talksID, room string, eventSeq int64) (int, error)
	// SearchMessages finds messages whose text contains q in the given
	// rooms; hidden maps a room to a maximum EventSeq as in Messages.
	SearchMessages(ctx context.Context, talksID string, rooms []string, hidden map[string]int64, q string, limit int) ([]Message, error)
}

// Membership is a Member together with the talks it belongs to.
type Membership struct {
	Member
	TalksID string
	Kind    DelegationKind
	Slug    string
}

// LedgerEntry is an event as the ledger holds it: the event, its salt and
// its canonical bytes, from which the leaf hash is computed.
type LedgerEntry struct {
	Event     Event
	Salt      [32]byte
	Canonical []byte
}

// LedgerTx is the ledger part of a transaction: stored tree hashes, the
// salted events and the signed checkpoints.
type LedgerTx interface {
	// ReadHashes returns stored tree hashes by tlog stored-hash index.
	ReadHashes(indexes []int64) ([]tlog.Hash, error)
	// LedgerSize returns the number of leaves in the log.
	LedgerSize(ctx context.Context) (int64, error)
	// LedgerEntries returns the events with the given sequence numbers.
	LedgerEntries(ctx context.Context, seqs []int64) ([]LedgerEntry, error)
	// LatestCheckpoint returns the newest signed checkpoint note, or
	// ENOTFOUND when the log is empty.
	LatestCheckpoint(ctx context.Context) ([]byte, error)
}
