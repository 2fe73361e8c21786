package ledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// BundleFormat identifies the bundle JSON format.
const BundleFormat = "parley-ledger-bundle/v1"

// Bundle is what a member exports and verifies offline: the events the
// member can read, with salts and inclusion proofs against one checkpoint.
type Bundle struct {
	Format      string  `json:"format"`                 // BundleFormat
	Origin      string  `json:"origin"`                 // log origin; must match the checkpoint
	VerifierKey string  `json:"verifier_key,omitempty"` // informational only; verification uses the key given by the member
	Checkpoint  string  `json:"checkpoint"`             // signed checkpoint note text
	Entries     []Entry `json:"entries"`                // in strictly increasing log index order
}

// Entry is one event in a bundle.
type Entry struct {
	Index     int64          `json:"index"`     // log index
	Salt      Salt           `json:"salt"`      // per-event salt, base64
	Canonical []byte         `json:"canonical"` // canonical event bytes, base64; this is what the leaf commits to
	Record    Record         `json:"record"`    // decoded view for humans; must agree with Canonical
	Proof     InclusionProof `json:"proof"`     // inclusion of the leaf in the checkpoint's tree
}

// Item is one stored event handed to NewBundle.
type Item struct {
	Salt      Salt
	Canonical []byte
}

// NewBundle builds a bundle of items proved against the signed checkpoint
// cp. It verifies cp with verifierKey, decodes each item, checks that its
// leaf hash is the stored one in r and proves its inclusion. Items may come
// in any order; the bundle lists them by index.
func NewBundle(cp []byte, verifierKey string, items []Item, r tlog.HashReader) (Bundle, error) {
	c, err := OpenCheckpoint(cp, verifierKey)
	if err != nil {
		return Bundle{}, fmt.Errorf("ledger: bundle: %w", trimPrefix(err))
	}
	b := Bundle{
		Format:      BundleFormat,
		Origin:      c.Origin,
		VerifierKey: verifierKey,
		Checkpoint:  string(cp),
		Entries:     make([]Entry, 0, len(items)),
	}
	for _, it := range items {
		rec, err := DecodeCanonical(it.Canonical)
		if err != nil {
			return Bundle{}, fmt.Errorf("ledger: bundle: %w", trimPrefix(err))
		}
		if rec.Index >= c.Tree.N {
			return Bundle{}, fmt.Errorf("ledger: bundle: index %d not in checkpoint of size %d", rec.Index, c.Tree.N)
		}
		leaf := LeafHash(it.Salt, it.Canonical)
		stored, err := r.ReadHashes([]int64{tlog.StoredHashIndex(0, rec.Index)})
		if err != nil {
			return Bundle{}, fmt.Errorf("ledger: bundle: index %d: %w", rec.Index, err)
		}
		if len(stored) != 1 || stored[0] != leaf {
			return Bundle{}, fmt.Errorf("ledger: bundle: index %d: stored leaf hash differs from recomputed event hash", rec.Index)
		}
		p, err := ProveInclusion(rec.Index, c.Tree.N, r)
		if err != nil {
			return Bundle{}, fmt.Errorf("ledger: bundle: %w", trimPrefix(err))
		}
		b.Entries = append(b.Entries, Entry{
			Index:     rec.Index,
			Salt:      it.Salt,
			Canonical: append([]byte(nil), it.Canonical...),
			Record:    rec,
			Proof:     p,
		})
	}
	sort.Slice(b.Entries, func(i, j int) bool { return b.Entries[i].Index < b.Entries[j].Index })
	for i := 1; i < len(b.Entries); i++ {
		if b.Entries[i].Index == b.Entries[i-1].Index {
			return Bundle{}, fmt.Errorf("ledger: bundle: index %d given twice", b.Entries[i].Index)
		}
	}
	return b, nil
}

// WriteJSON writes b as indented JSON without HTML escaping, so that the
// human view of each record shows the payload as stored.
func (b Bundle) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(b); err != nil {
		return fmt.Errorf("ledger: bundle: %w", err)
	}
	return nil
}

// ParseBundle decodes bundle JSON strictly: unknown members, members
// repeated or differing only in case, and trailing data are errors.
func ParseBundle(data []byte) (Bundle, error) {
	var b Bundle
	// encoding/json keeps the last of duplicate members and matches names
	// without regard to case, so a bundle could show one value to a reader
	// and verify another: refuse such objects outright.
	if err := checkMemberNames(data); err != nil {
		return Bundle{}, fmt.Errorf("ledger: bundle: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return Bundle{}, fmt.Errorf("ledger: bundle: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Bundle{}, errors.New("ledger: bundle: trailing data after JSON")
	}
	return b, nil
}

// VerifyBundle checks a bundle offline against verifierKey, the only
// trusted input (b.VerifierKey is ignored). It checks the checkpoint
// signature and origin, then for every entry: indices strictly increasing
// and inside the tree, the canonical bytes decode and name the entry's
// index, the human view agrees with them, and the inclusion proof of
// SHA-256(0x00 ‖ salt ‖ canonical) leads to the checkpoint root. The first
// failure is returned, naming the entry, e.g.
// "ledger: verify: entry 3 (log index 17): inclusion proof does not match checkpoint root".
func VerifyBundle(b Bundle, verifierKey string) error {
	_, err := verifyBundle(b, verifierKey)
	return err
}

// VerifyBundleCheckpoint is VerifyBundle that also returns the verified
// checkpoint, for reporting.
func VerifyBundleCheckpoint(b Bundle, verifierKey string) (Checkpoint, error) {
	return verifyBundle(b, verifierKey)
}

func verifyBundle(b Bundle, verifierKey string) (Checkpoint, error) {
	if b.Format != BundleFormat {
		return Checkpoint{}, fmt.Errorf("ledger: verify: bundle format %q, want %q", b.Format, BundleFormat)
	}
	c, err := OpenCheckpoint([]byte(b.Checkpoint), verifierKey)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("ledger: verify: %w", trimPrefix(err))
	}
	if b.Origin != c.Origin {
		return Checkpoint{}, fmt.Errorf("ledger: verify: bundle origin %q differs from checkpoint origin %q", b.Origin, c.Origin)
	}
	prev := int64(-1)
	for i, e := range b.Entries {
		if err := verifyEntry(e, prev, c.Tree); err != nil {
			return Checkpoint{}, fmt.Errorf("ledger: verify: entry %d (log index %d): %w", i, e.Index, err)
		}
		prev = e.Index
	}
	return c, nil
}

func verifyEntry(e Entry, prev int64, t tlog.Tree) error {
	switch {
	case e.Index <= prev:
		return fmt.Errorf("index not after previous entry's index %d (entries reordered or duplicated)", prev)
	case e.Index >= t.N:
		return fmt.Errorf("index outside checkpoint of size %d", t.N)
	case e.Proof.Index != e.Index:
		return fmt.Errorf("proof is for log index %d", e.Proof.Index)
	}
	rec, err := DecodeCanonical(e.Canonical)
	if err != nil {
		return fmt.Errorf("canonical event: %w", trimPrefix(trimPrefix(err)))
	}
	if rec.Index != e.Index {
		return fmt.Errorf("canonical event says log index %d", rec.Index)
	}
	if err := sameRecord(e.Record, rec); err != nil {
		return fmt.Errorf("record view differs from canonical event: %w", err)
	}
	if err := VerifyInclusion(e.Proof, LeafHash(e.Salt, e.Canonical), t); err != nil {
		return trimPrefix(err)
	}
	return nil
}

// sameRecord compares the human view with the decoded canonical record. The
// payload is compared as JSON values, so re-encoding by a JSON tool (HTML
// escapes, indentation) is tolerated but any change of value is not.
func sameRecord(view, canon Record) error {
	switch {
	case view.Index != canon.Index:
		return fmt.Errorf("index %d", view.Index)
	case !view.Time.Equal(canon.Time):
		return fmt.Errorf("time %s", view.Time.UTC().Format(timeLayout))
	case view.Kind != canon.Kind:
		return fmt.Errorf("kind %q", view.Kind)
	case view.Talks != canon.Talks:
		return fmt.Errorf("talks %q", view.Talks)
	case view.Room != canon.Room:
		return fmt.Errorf("room %q", view.Room)
	case view.Actor != canon.Actor:
		return fmt.Errorf("actor %q", view.Actor)
	}
	if !sameJSON(view.Data, canon.Data) {
		return errors.New("data")
	}
	return nil
}

func sameJSON(a, b []byte) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) == nil && json.Compact(&cb, b) == nil && bytes.Equal(ca.Bytes(), cb.Bytes()) {
		return true
	}
	va, erra := decodeValue(a)
	vb, errb := decodeValue(b)
	return erra == nil && errb == nil && reflect.DeepEqual(va, vb)
}

func decodeValue(b []byte) (any, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		b = []byte("null")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data")
	}
	return v, nil
}

// checkMemberNames rejects any JSON object, at any depth, with two member
// names that are equal ignoring case.
func checkMemberNames(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		object bool
		names  map[string]bool
		key    bool // the next string token is a member name
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if name, ok := tok.(string); ok && top != nil && top.object && top.key {
			folded := strings.ToLower(name)
			if top.names[folded] {
				return fmt.Errorf("member %q appears twice (names are compared ignoring case)", name)
			}
			top.names[folded] = true
			top.key = false
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, names: map[string]bool{}, key: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		// A value ended: in an object, a member name comes next.
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].key = true
		}
	}
}
