package ledger_test

import (
	"crypto/sha256"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"parley/ledger"
)

// TestParseBundleRefusesShadowedMembers: a reader of the JSON must never see
// a value other than the one verified.
func TestParseBundleRefusesShadowedMembers(t *testing.T) {
	for name, doc := range map[string]string{
		"Duplicate":    `{"format":"x","format":"y","origin":"o","checkpoint":"","entries":[]}`,
		"CaseVariant":  `{"format":"x","FORMAT":"y","origin":"o","checkpoint":"","entries":[]}`,
		"NestedInData": `{"format":"x","origin":"o","checkpoint":"","entries":[{"index":0,"record":{"data":{"text":"WE ACCEPT","text":"we reject"}}}]}`,
		"InArray":      `{"format":"x","origin":"o","checkpoint":"","entries":[{"index":0,"INDEX":1}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ledger.ParseBundle([]byte(doc))
			if err == nil || !strings.Contains(err.Error(), "appears twice") {
				t.Fatalf("ParseBundle: %v", err)
			}
		})
	}
	// Distinct names in sibling objects are fine.
	if _, err := ledger.ParseBundle([]byte(`{"format":"x","origin":"o","checkpoint":"","entries":[]}`)); err != nil && strings.Contains(err.Error(), "appears twice") {
		t.Fatal(err)
	}
}

// TestConsistencyFromEmptyTree: the empty tree has one root, SHA-256 of
// nothing; any other root for size 0 is refused, and two size-0 trees with
// different roots are a fork.
func TestConsistencyFromEmptyTree(t *testing.T) {
	empty := tlog.Hash(sha256.Sum256(nil))
	bogus := tlog.Hash{1}
	n := tlog.Tree{N: 3, Hash: tlog.Hash{9}}
	if err := ledger.CheckConsistency(ledger.ConsistencyProof{}, tlog.Tree{N: 0, Hash: empty}, n); err != nil {
		t.Fatalf("from the empty tree: %v", err)
	}
	if err := ledger.CheckConsistency(ledger.ConsistencyProof{}, tlog.Tree{N: 0, Hash: bogus}, n); err == nil {
		t.Fatal("size 0 with a bogus root accepted")
	}
	if err := ledger.CheckConsistency(ledger.ConsistencyProof{}, tlog.Tree{N: 0, Hash: bogus}, tlog.Tree{N: 0, Hash: empty}); err == nil {
		t.Fatal("two size-0 trees with different roots accepted")
	}
	if _, err := ledger.ParseConsistencyProof([]byte(`{"from":1,"to":2,"hashes":[]}}`)); err == nil {
		t.Fatal("trailing data after a JSON proof accepted")
	}
}
