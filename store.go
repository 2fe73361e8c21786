package parley

import (
	"context"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// Store opens transactions over parley's persistent state. Implementations
// hold no rules: authorisation and lifecycle live in package talks, and what
// an event adds to the ledger is computed in package eventlog. A store only
// persists rows and hashes and reads them back.
//
// A store reports a missing row as ENOTFOUND, a violated uniqueness
// constraint as ECONFLICT, a full disk as ESTORAGEFULL and a store that is
// busy or unreachable as EUNAVAILABLE; anything else is internal.
type Store interface {
	// Update runs fn in one write transaction. The events fn appends (with
	// InsertEntry) are committed with its other writes, or not at all, and
	// are returned. Before committing, the store calls its sealer once, so
	// that one checkpoint covers every command of the transaction.
	Update(ctx context.Context, fn func(Tx) error) ([]Event, error)
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Close releases the store.
	Close() error
}

// Sealer finishes a write transaction that appended events, inside it: it
// signs a checkpoint of the new tree and stores it.
type Sealer func(ctx context.Context, tx LedgerTx) error

// Tx is the narrow set of reads and writes a transaction offers.
type Tx interface {
	LedgerTx
	TextTx
	RegistryTx
	SecurityTx
	ViewTx

	CreateUser(ctx context.Context, u *User) error
	UserByID(ctx context.Context, id string) (*User, error)
	UserByName(ctx context.Context, name string) (*User, error)
	ListUsers(ctx context.Context) ([]User, error)
	CreateSession(ctx context.Context, s *Session) error
	SessionByHash(ctx context.Context, hash []byte) (*Session, error)
	// Sessions lists the user's sessions and tokens, newest first.
	Sessions(ctx context.Context, userID string) ([]Session, error)
	DeleteSession(ctx context.Context, hash []byte) error
	// DeleteExpiredSessions removes sessions that expired before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) error

	// EventsOfKind returns the talks' events of one kind, in order.
	EventsOfKind(ctx context.Context, talksID, kind string) ([]Event, error)

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

	// LastRoomSeq returns the RoomSeq of the room's newest message, 0 for none.
	LastRoomSeq(ctx context.Context, talksID, room string) (int64, error)
	// InsertMessage stores m and m.Relay; m.RoomSeq and m.EventSeq are set.
	InsertMessage(ctx context.Context, m *Message) error
	// Message returns a message with its full relay record.
	Message(ctx context.Context, talksID, id string) (*Message, error)
	// Messages lists a room's messages with RoomSeq > after and, when
	// maxEventSeq > 0, EventSeq <= maxEventSeq, oldest first.
	Messages(ctx context.Context, talksID, room string, after, maxEventSeq int64, limit int) ([]Message, error)
	// CountMessagesAfter counts a room's messages whose EventSeq is above
	// eventSeq.
	CountMessagesAfter(ctx context.Context, talksID, room string, eventSeq int64) (int, error)
	// SearchMessages finds messages whose text contains q in the given
	// rooms; hidden maps a room to a maximum EventSeq as in Messages.
	SearchMessages(ctx context.Context, talksID string, rooms []string, hidden map[string]int64, q string, limit int) ([]Message, error)

	// CreateAgreement stores an agreement.
	CreateAgreement(ctx context.Context, a *Agreement) error
	// Agreement returns one agreement of the talks.
	Agreement(ctx context.Context, talksID, id string) (*Agreement, error)
	// Agreements lists the talks' agreements, oldest first.
	Agreements(ctx context.Context, talksID string) ([]Agreement, error)

	// Setting returns a deployment setting, ENOTFOUND when unset.
	Setting(ctx context.Context, name string) (string, error)
	// PutSetting sets a deployment setting.
	PutSetting(ctx context.Context, name, value string) error
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

// LedgerTx is the ledger part of a transaction: it persists and reads back
// salted events, tree hashes and signed checkpoints, computing none of them.
type LedgerTx interface {
	// ReadHashes returns stored tree hashes by tlog stored-hash index.
	ReadHashes(indexes []int64) ([]tlog.Hash, error)
	// LedgerSize returns the number of events (leaves) in the log.
	LedgerSize(ctx context.Context) (int64, error)
	// InsertEntry stores one event as the ledger holds it. Its Seq must be
	// LedgerSize()+1.
	InsertEntry(ctx context.Context, le *LedgerEntry) error
	// InsertHashes stores tree hashes at consecutive stored-hash indexes
	// from first on.
	InsertHashes(ctx context.Context, first int64, hashes []tlog.Hash) error
	// LedgerEntries returns the events with the given sequence numbers, in
	// ascending order; a missing one is ENOTFOUND.
	LedgerEntries(ctx context.Context, seqs []int64) ([]LedgerEntry, error)
	// EventsAfter returns up to limit events with Seq > after, in order.
	EventsAfter(ctx context.Context, after int64, limit int) ([]Event, error)
	// InsertCheckpoint stores a signed checkpoint of the tree of that size.
	InsertCheckpoint(ctx context.Context, size int64, note []byte) error
	// LatestCheckpoint returns the newest signed checkpoint note, or
	// ENOTFOUND when none was signed.
	LatestCheckpoint(ctx context.Context) ([]byte, error)
}
