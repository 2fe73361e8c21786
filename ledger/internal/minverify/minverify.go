// Package minverify is a deliberately separate, minimal verifier for parley
// ledger bundles, written only from RFC 6962/9162 (Merkle tree hashing,
// inclusion and consistency proofs) and the C2SP signed-note and checkpoint
// formats, using nothing but the standard library. Tests run it against
// bundles made by package ledger to show that a third party can verify them
// without parley's code; it must never import parley packages.
package minverify

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Key is a parsed Ed25519 note verifier key.
type Key struct {
	Name string
	ID   [4]byte
	Pub  ed25519.PublicKey
}

// ParseKey parses "name+hash+base64(0x01‖pubkey)" and checks that hash is
// the first four bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ pubkey).
func ParseKey(vkey string) (Key, error) {
	parts := strings.SplitN(strings.TrimSpace(vkey), "+", 3)
	if len(parts) != 3 || parts[0] == "" || len(parts[1]) != 8 {
		return Key{}, errors.New("key: want name+hash+key")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 1+ed25519.PublicKeySize || raw[0] != 0x01 {
		return Key{}, errors.New("key: not an Ed25519 public key")
	}
	id := keyID(parts[0], raw)
	if hex.EncodeToString(id[:]) != strings.ToLower(parts[1]) {
		return Key{}, errors.New("key: hash does not match name and key")
	}
	return Key{Name: parts[0], ID: id, Pub: ed25519.PublicKey(raw[1:])}, nil
}

func keyID(name string, alg1pub []byte) [4]byte {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte("\n"))
	h.Write(alg1pub)
	var id [4]byte
	copy(id[:], h.Sum(nil))
	return id
}

// Checkpoint is a verified checkpoint body.
type Checkpoint struct {
	Origin string
	Size   uint64
	Root   [32]byte
}

// OpenCheckpoint verifies a signed note with k and parses the checkpoint
// lines: origin (which must be the key name), size, base64 root.
func OpenCheckpoint(note []byte, k Key) (Checkpoint, error) {
	s := string(note)
	split := strings.LastIndex(s, "\n\n")
	if split < 0 {
		return Checkpoint{}, errors.New("note: no signature block")
	}
	text, sigs := s[:split+1], s[split+2:]
	verified := false
	for _, line := range strings.SplitAfter(sigs, "\n") {
		if line == "" {
			continue
		}
		rest, ok := strings.CutPrefix(line, "\u2014 ")
		if !ok || !strings.HasSuffix(rest, "\n") {
			return Checkpoint{}, errors.New("note: malformed signature line")
		}
		name, b64, ok := strings.Cut(strings.TrimSuffix(rest, "\n"), " ")
		if !ok {
			return Checkpoint{}, errors.New("note: malformed signature line")
		}
		sig, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(sig) < 4 {
			return Checkpoint{}, errors.New("note: malformed signature")
		}
		if name != k.Name || !bytes.Equal(sig[:4], k.ID[:]) {
			continue
		}
		if !ed25519.Verify(k.Pub, []byte(text), sig[4:]) {
			return Checkpoint{}, errors.New("note: bad signature")
		}
		verified = true
	}
	if !verified {
		return Checkpoint{}, errors.New("note: no signature by the given key")
	}
	lines := strings.Split(text, "\n")
	if len(lines) < 4 {
		return Checkpoint{}, errors.New("checkpoint: too few lines")
	}
	if lines[0] != k.Name {
		return Checkpoint{}, fmt.Errorf("checkpoint: origin %q is not the key name", lines[0])
	}
	size, err := strconv.ParseUint(lines[1], 10, 63)
	if err != nil {
		return Checkpoint{}, errors.New("checkpoint: bad size")
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != 32 {
		return Checkpoint{}, errors.New("checkpoint: bad root")
	}
	c := Checkpoint{Origin: lines[0], Size: size}
	copy(c.Root[:], root)
	return c, nil
}

// LeafHash is the RFC 6962 leaf hash SHA-256(0x00 ‖ data).
func LeafHash(data []byte) [32]byte {
	return sha256.Sum256(append([]byte{0}, data...))
}

// NodeHash is the RFC 6962 interior hash SHA-256(0x01 ‖ left ‖ right).
func NodeHash(l, r [32]byte) [32]byte {
	var b [65]byte
	b[0] = 1
	copy(b[1:], l[:])
	copy(b[33:], r[:])
	return sha256.Sum256(b[:])
}

// VerifyInclusion runs the RFC 9162 section 2.1.3.2 algorithm.
func VerifyInclusion(index, size uint64, leaf [32]byte, path [][32]byte, root [32]byte) error {
	if index >= size {
		return errors.New("inclusion: index outside tree")
	}
	fn, sn, r := index, size-1, leaf
	for _, p := range path {
		if sn == 0 {
			return errors.New("inclusion: proof too long")
		}
		if fn&1 == 1 || fn == sn {
			r = NodeHash(p, r)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = NodeHash(r, p)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 || r != root {
		return errors.New("inclusion: root mismatch")
	}
	return nil
}

// VerifyConsistency runs the RFC 9162 section 2.1.4.2 algorithm.
func VerifyConsistency(size1, size2 uint64, root1, root2 [32]byte, path [][32]byte) error {
	switch {
	case size1 > size2:
		return errors.New("consistency: old tree larger")
	case size1 == size2:
		if len(path) != 0 || root1 != root2 {
			return errors.New("consistency: equal sizes must have equal roots and no proof")
		}
		return nil
	case size1 == 0:
		if len(path) != 0 {
			return errors.New("consistency: proof from empty tree must be empty")
		}
		return nil
	}
	if len(path) == 0 {
		return errors.New("consistency: empty proof")
	}
	if size1&(size1-1) == 0 { // exact power of two: the old root is the first node
		path = append([][32]byte{root1}, path...)
	}
	fn, sn := size1-1, size2-1
	for fn&1 == 1 {
		fn >>= 1
		sn >>= 1
	}
	fr, sr := path[0], path[0]
	for _, c := range path[1:] {
		if sn == 0 {
			return errors.New("consistency: proof too long")
		}
		if fn&1 == 1 || fn == sn {
			fr = NodeHash(c, fr)
			sr = NodeHash(c, sr)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			sr = NodeHash(sr, c)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 || fr != root1 || sr != root2 {
		return errors.New("consistency: root mismatch")
	}
	return nil
}

// bundle is the subset of the bundle JSON this verifier needs.
type bundle struct {
	Checkpoint string `json:"checkpoint"`
	Entries    []struct {
		Index     uint64 `json:"index"`
		Salt      string `json:"salt"`
		Canonical string `json:"canonical"`
		Proof     struct {
			Index  uint64   `json:"index"`
			Size   uint64   `json:"size"`
			Hashes []string `json:"hashes"`
		} `json:"proof"`
	} `json:"entries"`
}

// VerifyBundle checks bundle JSON against vkey: the checkpoint signature,
// then for every entry the leaf SHA-256(0x00 ‖ salt ‖ canonical), its
// inclusion proof against the checkpoint root, that the canonical event
// names the entry's index, and that indices strictly increase. It returns
// the number of entries and the tree size.
func VerifyBundle(data []byte, vkey string) (entries int, size uint64, err error) {
	k, err := ParseKey(vkey)
	if err != nil {
		return 0, 0, err
	}
	var b bundle
	if err := json.Unmarshal(data, &b); err != nil {
		return 0, 0, fmt.Errorf("bundle: %w", err)
	}
	c, err := OpenCheckpoint([]byte(b.Checkpoint), k)
	if err != nil {
		return 0, 0, err
	}
	for i, e := range b.Entries {
		if i > 0 && e.Index <= b.Entries[i-1].Index {
			return 0, 0, fmt.Errorf("entry %d: index out of order", i)
		}
		salt, err := base64.StdEncoding.DecodeString(e.Salt)
		if err != nil || len(salt) != 32 {
			return 0, 0, fmt.Errorf("entry %d: bad salt", i)
		}
		canonical, err := base64.StdEncoding.DecodeString(e.Canonical)
		if err != nil {
			return 0, 0, fmt.Errorf("entry %d: bad canonical", i)
		}
		var ev struct {
			Index *uint64 `json:"index"`
		}
		if err := json.Unmarshal(canonical, &ev); err != nil || ev.Index == nil || *ev.Index != e.Index {
			return 0, 0, fmt.Errorf("entry %d: canonical event does not name index %d", i, e.Index)
		}
		if e.Proof.Index != e.Index || e.Proof.Size != c.Size {
			return 0, 0, fmt.Errorf("entry %d: proof is for another index or size", i)
		}
		path := make([][32]byte, len(e.Proof.Hashes))
		for j, h := range e.Proof.Hashes {
			raw, err := base64.StdEncoding.DecodeString(h)
			if err != nil || len(raw) != 32 {
				return 0, 0, fmt.Errorf("entry %d: bad proof hash", i)
			}
			copy(path[j][:], raw)
		}
		leaf := LeafHash(append(salt, canonical...))
		if err := VerifyInclusion(e.Index, c.Size, leaf, path, c.Root); err != nil {
			return 0, 0, fmt.Errorf("entry %d: %w", i, err)
		}
	}
	return len(b.Entries), c.Size, nil
}

// EmptyRoot is the RFC 6962 hash of the empty tree, SHA-256 of nothing.
func EmptyRoot() [32]byte { return sha256.Sum256(nil) }
