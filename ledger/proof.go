package ledger

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// InclusionProof proves that leaf Index is in the tree of size Size
// (an RFC 6962 audit path, hashes from the leaf's sibling up to the root's
// child). In JSON each hash is a standard base64 string.
type InclusionProof struct {
	Index  int64       `json:"index"`
	Size   int64       `json:"size"`
	Hashes []tlog.Hash `json:"hashes"`
}

// ConsistencyProof proves that the tree of size To extends the tree of size
// From (an RFC 6962 consistency proof). In JSON each hash is a standard
// base64 string.
type ConsistencyProof struct {
	From   int64       `json:"from"`
	To     int64       `json:"to"`
	Hashes []tlog.Hash `json:"hashes"`
}

// ProveInclusion returns the proof that leaf index is in the tree of size
// size.
func ProveInclusion(index, size int64, r tlog.HashReader) (InclusionProof, error) {
	if index < 0 || index >= size {
		return InclusionProof{}, fmt.Errorf("ledger: prove inclusion: index %d not in tree of size %d", index, size)
	}
	p, err := tlog.ProveRecord(size, index, r)
	if err != nil {
		return InclusionProof{}, fmt.Errorf("ledger: prove inclusion: index %d size %d: %w", index, size, err)
	}
	return InclusionProof{Index: index, Size: size, Hashes: nonNil(p)}, nil
}

// ProveConsistency returns the proof that the tree of size to extends the
// tree of size from. The proof is empty when from is 0 or equals to.
func ProveConsistency(from, to int64, r tlog.HashReader) (ConsistencyProof, error) {
	if from < 0 || from > to {
		return ConsistencyProof{}, fmt.Errorf("ledger: prove consistency: sizes %d to %d out of order", from, to)
	}
	if from == 0 || from == to {
		return ConsistencyProof{From: from, To: to, Hashes: []tlog.Hash{}}, nil
	}
	p, err := tlog.ProveTree(to, from, r)
	if err != nil {
		return ConsistencyProof{}, fmt.Errorf("ledger: prove consistency: %d to %d: %w", from, to, err)
	}
	return ConsistencyProof{From: from, To: to, Hashes: nonNil(p)}, nil
}

func nonNil(h []tlog.Hash) []tlog.Hash {
	if h == nil {
		return []tlog.Hash{}
	}
	return h
}

// VerifyInclusion checks p against the leaf hash and the root of t.
func VerifyInclusion(p InclusionProof, leaf tlog.Hash, t tlog.Tree) error {
	if p.Size != t.N {
		return fmt.Errorf("ledger: inclusion proof is for tree size %d, checkpoint has size %d", p.Size, t.N)
	}
	if p.Index < 0 || p.Index >= t.N {
		return fmt.Errorf("ledger: inclusion proof index %d outside tree of size %d", p.Index, t.N)
	}
	if err := tlog.CheckRecord(p.Hashes, t.N, t.Hash, p.Index, leaf); err != nil {
		return errors.New("ledger: inclusion proof does not match checkpoint root")
	}
	return nil
}

// emptyRoot is the RFC 6962 root of the empty tree, SHA-256 of nothing.
var emptyRoot = tlog.Hash(sha256.Sum256(nil))

// CheckConsistency checks that tree n extends tree old using p.
func CheckConsistency(p ConsistencyProof, old, n tlog.Tree) error {
	if p.To != 0 && (p.From != old.N || p.To != n.N) {
		return fmt.Errorf("ledger: consistency proof is for sizes %d to %d, checkpoints have sizes %d and %d", p.From, p.To, old.N, n.N)
	}
	switch {
	case old.N > n.N:
		return fmt.Errorf("ledger: old tree (size %d) is larger than new tree (size %d)", old.N, n.N)
	case old.N == n.N:
		if len(p.Hashes) != 0 {
			return errors.New("ledger: consistency proof between equal sizes must be empty")
		}
		if old.Hash != n.Hash {
			return fmt.Errorf("ledger: two different root hashes for tree size %d: log forked", n.N)
		}
		return nil
	case old.N == 0:
		if len(p.Hashes) != 0 {
			return errors.New("ledger: consistency proof from the empty tree must be empty")
		}
		if old.Hash != emptyRoot {
			return errors.New("ledger: the empty tree's root must be SHA-256 of nothing")
		}
		return nil
	}
	if err := tlog.CheckTree(p.Hashes, n.N, n.Hash, old.N, old.Hash); err != nil {
		return fmt.Errorf("ledger: tree of size %d does not extend tree of size %d: consistency proof fails", n.N, old.N)
	}
	return nil
}

// VerifyConsistency verifies two checkpoints with verifierKey and checks,
// with p, that the newer one extends the older one: the log between them was
// only appended to, never rewritten.
func VerifyConsistency(oldNote, newNote []byte, p ConsistencyProof, verifierKey string) error {
	old, err := OpenCheckpoint(oldNote, verifierKey)
	if err != nil {
		return fmt.Errorf("ledger: verify: old %w", trimPrefix(err))
	}
	n, err := OpenCheckpoint(newNote, verifierKey)
	if err != nil {
		return fmt.Errorf("ledger: verify: new %w", trimPrefix(err))
	}
	if err := CheckConsistency(p, old.Tree, n.Tree); err != nil {
		return fmt.Errorf("ledger: verify: %w", trimPrefix(err))
	}
	return nil
}

// trimPrefix removes the package prefix from an error built here, so that
// wrapped messages read "ledger: verify: …" once.
func trimPrefix(err error) error {
	msg := err.Error()
	if s, ok := strings.CutPrefix(msg, "ledger: "); ok {
		return prefixed{msg: s, err: err}
	}
	return err
}

// prefixed is an error with a shortened message that still unwraps.
type prefixed struct {
	msg string
	err error
}

func (p prefixed) Error() string { return p.msg }
func (p prefixed) Unwrap() error { return p.err }

// FormatProof returns the text form of proof hashes: one standard base64
// hash per line, each line ending in a newline. parley serves proofs as JSON;
// this is for tools and tests that write the text form ParseConsistencyProof
// also reads.
func FormatProof(hashes []tlog.Hash) []byte {
	var b bytes.Buffer
	for _, h := range hashes {
		b.WriteString(base64.StdEncoding.EncodeToString(h[:]))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// ParseConsistencyProof reads a consistency proof file: either the JSON of a
// ConsistencyProof (first non-space byte '{') or the text form written by
// FormatProof. A text proof has From and To zero, meaning "the sizes of the
// checkpoints it is checked against".
func ParseConsistencyProof(data []byte) (ConsistencyProof, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var p ConsistencyProof
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			return ConsistencyProof{}, fmt.Errorf("ledger: consistency proof: %w", err)
		}
		if _, err := dec.Token(); err != io.EOF {
			return ConsistencyProof{}, errors.New("ledger: consistency proof: trailing data after JSON")
		}
		if p.From < 0 || p.To < p.From {
			return ConsistencyProof{}, fmt.Errorf("ledger: consistency proof: sizes %d to %d out of order", p.From, p.To)
		}
		return p, nil
	}
	hashes, err := parseProofText(data)
	if err != nil {
		return ConsistencyProof{}, fmt.Errorf("ledger: consistency proof: %w", err)
	}
	return ConsistencyProof{Hashes: hashes}, nil
}

func parseProofText(data []byte) ([]tlog.Hash, error) {
	hashes := []tlog.Hash{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		h, err := tlog.ParseHash(text)
		if err != nil {
			return nil, fmt.Errorf("line %d: malformed hash %q", line, text)
		}
		hashes = append(hashes, h)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(hashes) > 128 {
		return nil, fmt.Errorf("%d hashes, more than any proof needs", len(hashes))
	}
	return hashes, nil
}
