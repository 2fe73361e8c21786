package talks_test

import (
	"context"
	"errors"
	"testing"

	"parley"
	"parley/internal/fixture"
	"parley/talks"
)

// failingStore is a store whose message lookups fail as a broken disk
// would; everything else works.
type failingStore struct{ parley.Store }

type failingTx struct{ parley.Tx }

var errDisk = errors.New("disk I/O error")

func (s failingStore) View(ctx context.Context, fn func(parley.Tx) error) error {
	return s.Store.View(ctx, func(tx parley.Tx) error { return fn(failingTx{tx}) })
}

func (s failingStore) Update(ctx context.Context, fn func(parley.Tx) error) ([]parley.Event, error) {
	return s.Store.Update(ctx, func(tx parley.Tx) error { return fn(failingTx{tx}) })
}

func (failingTx) Message(ctx context.Context, talksID, id string) (*parley.Message, error) {
	return nil, errDisk
}

func (failingTx) LedgerEntries(ctx context.Context, seqs []int64) ([]parley.LedgerEntry, error) {
	return nil, errDisk
}

// TestStorageFailureIsNotNotFound: a failing store is an internal error,
// never "not found", on every read path that looks one thing up.
func TestStorageFailureIsNotNotFound(t *testing.T) {
	e := fixture.New(t)
	m := post(t, e, "israel", "caucus:israel", "an offer", parley.Relayable)
	broken := talks.New(failingStore{e.Store}, e.Bus)
	broken.VerifierKey = e.Signer.VerifierKey()
	_, err := broken.Message(ctx, e.U("israel"), e.TalksID, "caucus:israel", m.ID)
	code(t, err, parley.EINTERNAL)
	_, err = broken.Relay(ctx, e.U("qatar"), e.TalksID, talks.NewRelay{SourceRoom: "caucus:israel", MessageID: m.ID, TargetRoom: "caucus:hamas",
		Mode: parley.Verbatim, Attribution: parley.Anonymous})
	code(t, err, parley.EINTERNAL)
	_, err = broken.LedgerEntry(ctx, e.U("israel"), m.EventSeq)
	code(t, err, parley.EINTERNAL)
	if !errors.Is(err, errDisk) {
		t.Fatalf("the cause is lost: %v", err)
	}
}

// TestListingLimitsRefused: the service refuses a page size out of range
// as the API does, instead of quietly changing it.
func TestListingLimitsRefused(t *testing.T) {
	e := fixture.New(t)
	for _, limit := range []int{-1, parley.MaxPageSize + 1} {
		_, err := e.Talks.Messages(ctx, e.U("israel"), e.TalksID, "caucus:israel", 0, limit)
		code(t, err, parley.EINVALID)
		_, err = e.Talks.Search(ctx, e.U("israel"), e.TalksID, "offer", limit)
		code(t, err, parley.EINVALID)
	}
	p, err := e.Talks.Messages(ctx, e.U("israel"), e.TalksID, "caucus:israel", 0, parley.MaxPageSize)
	if err != nil || p.Messages == nil {
		t.Fatalf("the largest page: %+v %v", p, err)
	}
}

// TestMessageRecordedWithItsEvent: a message's stored event_seq is the seq
// of the event that recorded it, and the event carries its room_seq.
func TestMessageRecordedWithItsEvent(t *testing.T) {
	e := fixture.New(t)
	for i := range 3 {
		m := post(t, e, "israel", "caucus:israel", "offer", parley.Relayable)
		if m.RoomSeq != int64(i+1) {
			t.Fatalf("room_seq %d, want %d", m.RoomSeq, i+1)
		}
		le, err := e.Talks.LedgerEntry(ctx, e.U("israel"), m.EventSeq)
		if err != nil {
			t.Fatal(err)
		}
		if le.Record.Kind != parley.EventMessagePosted || le.Record.Room != "caucus:israel" {
			t.Fatalf("event %d is %+v", m.EventSeq, le.Record)
		}
	}
	if _, err := e.Talks.CheckLedger(ctx); err != nil {
		t.Fatal(err)
	}
}
