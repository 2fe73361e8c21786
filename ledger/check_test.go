package ledger_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"parley/ledger"
)

func TestCheckIntact(t *testing.T) {
	for _, n := range []int64{0, 1, 2, 7, 64, 100} {
		tl := buildLog(t, n)
		if err := ledger.Check(tl.leafFunc(), n, tl.log); err != nil {
			t.Errorf("size %d: %v", n, err)
		}
	}
}

// TestCheckTamperedStore simulates edits made directly to the stored events
// or hashes, as someone with access to the database file could.
func TestCheckTamperedStore(t *testing.T) {
	const n = 20
	for name, tc := range map[string]struct {
		mod  func(tl *testLog)
		want string
	}{
		"EditEventText": {func(tl *testLog) {
			tl.items[5].Canonical = bytes.Replace(tl.items[5].Canonical, []byte("message 5"), []byte("message 6"), 1)
		}, "ledger: index 5: stored leaf hash differs from recomputed event hash"},
		"EditSalt": {func(tl *testLog) {
			tl.items[11].Salt[31] ^= 0x80
		}, "ledger: index 11: stored leaf hash differs from recomputed event hash"},
		"EditEventNotCanonical": {func(tl *testLog) {
			tl.items[6].Canonical = append(tl.items[6].Canonical, ' ')
		}, "ledger: check: index 6: decode canonical"},
		"DropEvent": {func(tl *testLog) {
			tl.items = append(tl.items[:8:8], tl.items[9:]...)
			tl.items = append(tl.items, tl.items[len(tl.items)-1])
		}, "ledger: check: index 8: event says it is index 9"},
		"SwapEvents": {func(tl *testLog) {
			tl.items[3], tl.items[4] = tl.items[4], tl.items[3]
		}, "ledger: check: index 3: event says it is index 4"},
		"EditLeafHash": {func(tl *testLog) {
			if err := tl.log.SetHash(tlog.StoredHashIndex(0, 12), tlog.Hash{1}); err != nil {
				panic(err)
			}
		}, "ledger: index 12: stored leaf hash differs from recomputed event hash"},
		"EditInteriorHash": {func(tl *testLog) {
			// Level 2 hash completed by leaf 15 covers leaves 12..15.
			if err := tl.log.SetHash(tlog.StoredHashIndex(2, 3), tlog.Hash{2}); err != nil {
				panic(err)
			}
		}, "ledger: index 15: stored tree hash at level 2 differs from recomputed hash"},
	} {
		t.Run(name, func(t *testing.T) {
			tl := buildLog(t, n)
			tc.mod(tl)
			err := ledger.Check(tl.leafFunc(), n, tl.log)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Check: err = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
	tl := buildLog(t, 3)
	boom := errors.New("ledger: index 2: no such event")
	err := ledger.Check(func(i int64) (tlog.Hash, error) {
		if i == 2 {
			return tlog.Hash{}, boom
		}
		return tl.leafFunc()(i)
	}, 3, tl.log)
	if !errors.Is(err, boom) || err.Error() != "ledger: check: index 2: no such event" {
		t.Errorf("leaf error: %v", err)
	}
	if err := ledger.Check(tl.leafFunc(), 4, tl.log); err == nil {
		t.Error("Check past the stored hashes succeeded")
	}
}

// TestRewrittenLogDetected rebuilds a log consistently after dropping,
// swapping or editing an event, as an operator hiding a change would, and
// checks that what members already hold exposes it.
func TestRewrittenLogDetected(t *testing.T) {
	const n = 24
	orig := buildLog(t, n)
	oldCP := orig.checkpoint(t)
	key := orig.signer.VerifierKey()
	member := roundTrip(t, orig.bundle(t, 3, 10, 20))

	rebuild := func(order []int64, edit func(i int64, r *ledger.Record)) *testLog {
		tl := &testLog{log: new(ledger.MemLog), signer: orig.signer}
		for pos, src := range order {
			r := testRecord(src)
			r.Index = int64(pos)
			if edit != nil {
				edit(int64(pos), &r)
			}
			tl.add(t, r, testSalt(src))
		}
		// The rewritten log then grows past the old checkpoint.
		for len(tl.items) < n+4 {
			i := int64(len(tl.items))
			tl.add(t, testRecord(i), testSalt(i))
		}
		return tl
	}
	seq := func(skip int64) []int64 {
		var o []int64
		for i := range int64(n) {
			if i != skip {
				o = append(o, i)
			}
		}
		return o
	}
	swapped := seq(-1)
	swapped[9], swapped[10] = swapped[10], swapped[9]
	for name, tl := range map[string]*testLog{
		"Dropped": rebuild(seq(10), nil),
		"Swapped": rebuild(swapped, nil),
		"Edited": rebuild(seq(-1), func(i int64, r *ledger.Record) {
			if i == 10 {
				r.Data = []byte(`{"text":"never said"}`)
			}
		}),
	} {
		t.Run(name, func(t *testing.T) {
			newCP := tl.checkpoint(t)
			p, err := ledger.ProveConsistency(n, int64(len(tl.items)), tl.log)
			if err != nil {
				t.Fatal(err)
			}
			err = ledger.VerifyConsistency(oldCP, newCP, p, key)
			if err == nil || !strings.Contains(err.Error(), "does not extend tree of size 24") {
				t.Errorf("VerifyConsistency: err = %v", err)
			}
			// Proved against the new root, the member's untouched entry 3
			// still verifies but entry 10 does not.
			b := member
			b.Checkpoint = string(newCP)
			b.Entries = append([]ledger.Entry(nil), member.Entries...)
			b.Entries = b.Entries[:2]
			for k := range b.Entries {
				np, err := ledger.ProveInclusion(b.Entries[k].Index, int64(len(tl.items)), tl.log)
				if err != nil {
					t.Fatal(err)
				}
				b.Entries[k].Proof = np
			}
			err = ledger.VerifyBundle(b, key)
			if err == nil || !strings.Contains(err.Error(), "entry 1 (log index 10): inclusion proof does not match checkpoint root") {
				t.Errorf("VerifyBundle: err = %v", err)
			}
		})
	}
}
