// Package ledger is parley's tamper-evident event log.
//
// Every event becomes one leaf of an append-only Merkle tree hashed as in
// RFC 6962 (via golang.org/x/mod/sumdb/tlog). A leaf commits to a random
// per-event salt and the event's canonical bytes, so the tree can be shown to
// every party without revealing any room. The deployment signs checkpoints
// (C2SP signed notes, Ed25519) naming the tree size and root hash; members
// export bundles of the events they can read, with inclusion proofs, and
// verify them offline. Consistency proofs show that a newer checkpoint
// extends an older one, so the log was never rewritten.
//
// The package knows nothing of storage or HTTP: callers persist the stored
// hashes returned by [Append] and hand back a [tlog.HashReader].
// docs/ledger.md specifies every byte.
package ledger

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// SaltSize is the length of a per-event salt in bytes.
const SaltSize = 32

// Salt is the random per-event value mixed into a leaf so that a leaf hash
// reveals nothing about a guessable event.
type Salt [SaltSize]byte

// NewSalt returns a fresh salt from crypto/rand.
func NewSalt() (Salt, error) {
	var s Salt
	if _, err := rand.Read(s[:]); err != nil {
		return Salt{}, fmt.Errorf("ledger: salt: %w", err)
	}
	return s, nil
}

// String returns the salt in standard base64, as in JSON.
func (s Salt) String() string { return base64.StdEncoding.EncodeToString(s[:]) }

// MarshalText encodes the salt in standard base64.
func (s Salt) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a salt from standard base64; it must be 32 bytes.
func (s *Salt) UnmarshalText(text []byte) error {
	b, err := base64.StdEncoding.DecodeString(string(text))
	if err != nil {
		return fmt.Errorf("ledger: salt: %w", err)
	}
	if len(b) != SaltSize {
		return fmt.Errorf("ledger: salt: %d bytes, want %d", len(b), SaltSize)
	}
	copy(s[:], b)
	return nil
}

// LeafHash returns the tree leaf hash of an event: the RFC 6962 leaf hash of
// salt ‖ canonical, that is SHA-256(0x00 ‖ salt ‖ canonical). It equals
// tlog.RecordHash(LeafData(salt, canonical)).
func LeafHash(salt Salt, canonical []byte) tlog.Hash {
	h := sha256.New()
	h.Write([]byte{0x00})
	h.Write(salt[:])
	h.Write(canonical)
	var out tlog.Hash
	h.Sum(out[:0])
	return out
}

// EventLeaf checks that canonical is a canonical event stored at log position
// index and returns its leaf hash. Stores use it when recomputing the tree,
// so that an edited, moved or swapped event is reported at its index.
func EventLeaf(index int64, salt Salt, canonical []byte) (tlog.Hash, error) {
	r, err := DecodeCanonical(canonical)
	if err != nil {
		return tlog.Hash{}, fmt.Errorf("ledger: index %d: %w", index, trimPrefix(err))
	}
	if r.Index != index {
		return tlog.Hash{}, fmt.Errorf("ledger: index %d: event says it is index %d", index, r.Index)
	}
	return LeafHash(salt, canonical), nil
}

// Append returns the stored hashes to persist when adding leaf number n,
// where n is the current tree size, together with the stored-hash index of
// the first of them (tlog.StoredHashIndex(0, n)); the rest follow
// consecutively. r reads previously stored hashes and should read inside the
// same transaction that will persist the result.
func Append(n int64, leaf tlog.Hash, r tlog.HashReader) (first int64, hashes []tlog.Hash, err error) {
	if n < 0 {
		return 0, nil, fmt.Errorf("ledger: append: negative tree size %d", n)
	}
	hashes, err = tlog.StoredHashesForRecordHash(n, leaf, r)
	if err != nil {
		return 0, nil, fmt.Errorf("ledger: append: leaf %d: %w", n, err)
	}
	return tlog.StoredHashIndex(0, n), hashes, nil
}

// Leaves returns the leaf hashes of leaves [start, end), as served to
// anyone: they reveal nothing about the events.
func Leaves(start, end int64, r tlog.HashReader) ([]tlog.Hash, error) {
	if start < 0 || end < start {
		return nil, fmt.Errorf("ledger: leaves: bad range [%d, %d)", start, end)
	}
	indexes := make([]int64, 0, end-start)
	for i := start; i < end; i++ {
		indexes = append(indexes, tlog.StoredHashIndex(0, i))
	}
	hashes, err := r.ReadHashes(indexes)
	if err != nil {
		return nil, fmt.Errorf("ledger: leaves: %w", err)
	}
	if len(hashes) != len(indexes) {
		return nil, fmt.Errorf("ledger: leaves: read %d hashes, want %d", len(hashes), len(indexes))
	}
	return hashes, nil
}

// TreeHash returns the RFC 6962 root hash of the first size leaves.
func TreeHash(size int64, r tlog.HashReader) (tlog.Hash, error) {
	if size < 0 {
		return tlog.Hash{}, fmt.Errorf("ledger: tree hash: negative size %d", size)
	}
	h, err := tlog.TreeHash(size, r)
	if err != nil {
		return tlog.Hash{}, fmt.Errorf("ledger: tree hash: size %d: %w", size, err)
	}
	return h, nil
}

// MemLog is an in-memory stored-hash store for tools, tests and benchmarks;
// parley itself keeps its hashes in the store.
// Reads may run concurrently with each other but not with Append.
type MemLog struct {
	hashes []tlog.Hash
	size   int64
}

// errNoHash reports a read past the stored hashes.
var errNoHash = errors.New("stored hash not found")

// Append adds a leaf and returns its index.
func (m *MemLog) Append(leaf tlog.Hash) (int64, error) {
	first, hashes, err := Append(m.size, leaf, m)
	if err != nil {
		return 0, err
	}
	if first != int64(len(m.hashes)) {
		return 0, fmt.Errorf("ledger: append: stored hash index %d, have %d hashes", first, len(m.hashes))
	}
	m.hashes = append(m.hashes, hashes...)
	m.size++
	return m.size - 1, nil
}

// Size returns the number of leaves.
func (m *MemLog) Size() int64 { return m.size }

// Tree returns the current tree size and root hash.
func (m *MemLog) Tree() (tlog.Tree, error) {
	h, err := TreeHash(m.size, m)
	if err != nil {
		return tlog.Tree{}, err
	}
	return tlog.Tree{N: m.size, Hash: h}, nil
}

// ReadHashes implements tlog.HashReader.
func (m *MemLog) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m.hashes)) {
			return nil, fmt.Errorf("ledger: stored hash %d: %w", x, errNoHash)
		}
		out[i] = m.hashes[x]
	}
	return out, nil
}

// SetHash overwrites one stored hash; it exists to simulate corruption in
// tests of stores and checkers.
func (m *MemLog) SetHash(index int64, h tlog.Hash) error {
	if index < 0 || index >= int64(len(m.hashes)) {
		return fmt.Errorf("ledger: stored hash %d: %w", index, errNoHash)
	}
	m.hashes[index] = h
	return nil
}
