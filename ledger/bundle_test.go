package ledger_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/mod/sumdb/tlog"

	"parley/ledger"
)

// roundTrip writes b as JSON and parses it back, as a member's tool would.
func roundTrip(t *testing.T, b ledger.Bundle) ledger.Bundle {
	t.Helper()
	var buf bytes.Buffer
	if err := b.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := ledger.ParseBundle(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestBundleRoundTrip(t *testing.T) {
	tl := buildLog(t, 40)
	b := tl.bundle(t, 17, 1, 5, 39, 0)
	got := roundTrip(t, b)
	if diff := cmp.Diff(b, got, compactJSON); diff != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", diff)
	}
	c, err := ledger.VerifyBundleCheckpoint(got, tl.signer.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	if c.Tree.N != 40 || c.Origin != testOrigin {
		t.Errorf("checkpoint %+v", c)
	}
	var idx []int64
	for _, e := range got.Entries {
		idx = append(idx, e.Index)
	}
	if diff := cmp.Diff([]int64{0, 1, 5, 17, 39}, idx); diff != "" {
		t.Errorf("entry order (-want +got):\n%s", diff)
	}
	empty := tl.bundle(t)
	if err := ledger.VerifyBundle(roundTrip(t, empty), tl.signer.VerifierKey()); err != nil {
		t.Errorf("empty bundle: %v", err)
	}
}

func TestBundleHTMLEscapedView(t *testing.T) {
	tl := buildLog(t, 10)
	b := tl.bundle(t, 3)
	// A JSON tool that HTML-escapes (encoding/json's default) changes the
	// bytes of the view but not its value; that must still verify.
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(`\u003crelayable\u003e`)) {
		t.Fatalf("test premise: expected HTML escapes in %s", data)
	}
	got, err := ledger.ParseBundle(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := ledger.VerifyBundle(got, tl.signer.VerifierKey()); err != nil {
		t.Error(err)
	}
}

func TestNewBundleRejects(t *testing.T) {
	tl := buildLog(t, 10)
	cp := tl.checkpoint(t)
	key := tl.signer.VerifierKey()
	edited := tl.items[4]
	edited.Canonical = bytes.Replace(edited.Canonical, []byte("message 4"), []byte("message X"), 1)
	for name, tc := range map[string]struct {
		items []ledger.Item
		key   string
		want  string
	}{
		"Duplicate":    {[]ledger.Item{tl.items[2], tl.items[2]}, key, "index 2 given twice"},
		"EditedEvent":  {[]ledger.Item{edited}, key, "index 4: stored leaf hash differs"},
		"WrongSalt":    {[]ledger.Item{{Salt: testSalt(8), Canonical: tl.items[3].Canonical}}, key, "index 3: stored leaf hash differs"},
		"NotCanonical": {[]ledger.Item{{Canonical: []byte("{}")}}, key, "decode canonical"},
		"WrongKey":     {nil, testSigner(t, testOrigin, "attacker").VerifierKey(), "no signature"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ledger.NewBundle(cp, tc.key, tc.items, tl.log)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewBundle: err = %v, want %q", err, tc.want)
			}
		})
	}
	tl.add(t, testRecord(10), testSalt(10))
	if _, err := ledger.NewBundle(cp, key, tl.items[10:], tl.log); err == nil || !strings.Contains(err.Error(), "index 10 not in checkpoint of size 10") {
		t.Errorf("event after checkpoint: err = %v", err)
	}
}

func TestVerifyBundleTamper(t *testing.T) {
	tl := buildLog(t, 40)
	key := tl.signer.VerifierKey()
	fresh := func() ledger.Bundle { return roundTrip(t, tl.bundle(t, 2, 7, 17, 30)) }
	attacker := testSigner(t, testOrigin, "attacker")
	tree, err := tl.log.Tree()
	if err != nil {
		t.Fatal(err)
	}
	forgedCP, err := attacker.Checkpoint(tree)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(e *ledger.Entry, from, to string) {
		if !bytes.Contains(e.Canonical, []byte(from)) {
			t.Fatalf("test premise: %q not in %s", from, e.Canonical)
		}
		e.Canonical = bytes.Replace(e.Canonical, []byte(from), []byte(to), 1)
	}
	for name, tc := range map[string]struct {
		mod  func(b *ledger.Bundle)
		want string
	}{
		"EditCanonicalText": {func(b *ledger.Bundle) {
			edit(&b.Entries[1], "message 7", "message 8")
		}, "ledger: verify: entry 1 (log index 7): record view differs from canonical event: data"},
		"EditCanonicalAndView": {func(b *ledger.Bundle) {
			edit(&b.Entries[1], "message 7", "message 8")
			b.Entries[1].Record.Data = json.RawMessage(strings.Replace(string(b.Entries[1].Record.Data), "message 7", "message 8", 1))
		}, "ledger: verify: entry 1 (log index 7): inclusion proof does not match checkpoint root"},
		"EditViewRoom": {func(b *ledger.Bundle) {
			b.Entries[2].Record.Room = "plenary"
		}, "entry 2 (log index 17): record view differs from canonical event: room \"plenary\""},
		"EditViewTime": {func(b *ledger.Bundle) {
			b.Entries[0].Record.Time = b.Entries[0].Record.Time.Add(1)
		}, "entry 0 (log index 2): record view differs from canonical event: time"},
		"EditViewData": {func(b *ledger.Bundle) {
			b.Entries[3].Record.Data = json.RawMessage(`{"text":"something else"}`)
		}, "entry 3 (log index 30): record view differs from canonical event: data"},
		"NonCanonical": {func(b *ledger.Bundle) {
			b.Entries[1].Canonical = append(b.Entries[1].Canonical, '\n')
		}, "entry 1 (log index 7): canonical event: decode canonical"},
		"EditSalt": {func(b *ledger.Bundle) {
			b.Entries[2].Salt[0] ^= 1
		}, "entry 2 (log index 17): inclusion proof does not match checkpoint root"},
		"EditProofHash": {func(b *ledger.Bundle) {
			b.Entries[0].Proof.Hashes[2][5] ^= 1
		}, "entry 0 (log index 2): inclusion proof does not match checkpoint root"},
		"TruncatedProof": {func(b *ledger.Bundle) {
			b.Entries[0].Proof.Hashes = b.Entries[0].Proof.Hashes[1:]
		}, "entry 0 (log index 2): inclusion proof does not match checkpoint root"},
		"ProofOtherSize": {func(b *ledger.Bundle) {
			b.Entries[0].Proof.Size = 39
		}, "entry 0 (log index 2): inclusion proof is for tree size 39, checkpoint has size 40"},
		"SwapEntries": {func(b *ledger.Bundle) {
			b.Entries[1], b.Entries[2] = b.Entries[2], b.Entries[1]
		}, "entry 2 (log index 7): index not after previous entry's index 17"},
		"DuplicateEntry": {func(b *ledger.Bundle) {
			b.Entries[2] = b.Entries[1]
		}, "entry 2 (log index 7): index not after previous entry's index 7"},
		"SwapEventContents": {func(b *ledger.Bundle) {
			e1, e2 := b.Entries[1], b.Entries[2]
			b.Entries[1].Canonical, b.Entries[1].Salt, b.Entries[1].Record = e2.Canonical, e2.Salt, e2.Record
			b.Entries[2].Canonical, b.Entries[2].Salt, b.Entries[2].Record = e1.Canonical, e1.Salt, e1.Record
		}, "entry 1 (log index 7): canonical event says log index 17"},
		"MoveEntry": {func(b *ledger.Bundle) {
			b.Entries[1].Index, b.Entries[1].Proof.Index = 8, 8
		}, "entry 1 (log index 8): canonical event says log index 7"},
		"ProofOtherIndex": {func(b *ledger.Bundle) {
			b.Entries[1].Proof = b.Entries[2].Proof
		}, "entry 1 (log index 7): proof is for log index 17"},
		"IndexOutsideTree": {func(b *ledger.Bundle) {
			b.Entries[3].Index = 40
		}, "entry 3 (log index 40): index outside checkpoint of size 40"},
		"ForgedCheckpoint": {func(b *ledger.Bundle) {
			b.Checkpoint = string(forgedCP)
			b.VerifierKey = attacker.VerifierKey()
		}, "ledger: verify: checkpoint: no signature by key " + testOrigin},
		"AlteredCheckpointSize": {func(b *ledger.Bundle) {
			b.Checkpoint = strings.Replace(b.Checkpoint, "\n40\n", "\n41\n", 1)
		}, "ledger: verify: checkpoint: signature by " + testOrigin + " does not match its text"},
		"AlteredCheckpointRoot": {func(b *ledger.Bundle) {
			lines := strings.Split(b.Checkpoint, "\n")
			root, _ := tlog.ParseHash(lines[2])
			root[0] ^= 1
			lines[2] = root.String()
			b.Checkpoint = strings.Join(lines, "\n")
		}, "does not match its text"},
		"AlteredOrigin": {func(b *ledger.Bundle) {
			b.Origin = "parley.example/other"
		}, "ledger: verify: bundle origin \"parley.example/other\" differs from checkpoint origin \"" + testOrigin + "\""},
		"WrongFormat": {func(b *ledger.Bundle) {
			b.Format = "parley-ledger-bundle/v0"
		}, "ledger: verify: bundle format"},
	} {
		t.Run(name, func(t *testing.T) {
			b := fresh()
			tc.mod(&b)
			err := ledger.VerifyBundle(b, key)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("VerifyBundle: err = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
	if err := ledger.VerifyBundle(fresh(), key); err != nil {
		t.Errorf("untouched bundle: %v", err)
	}
}

func TestParseBundleStrict(t *testing.T) {
	tl := buildLog(t, 4)
	var buf bytes.Buffer
	if err := tl.bundle(t, 1).WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.String()
	for name, in := range map[string]string{
		"Trailing":     good + "{}",
		"Unknown":      strings.Replace(good, `"format"`, `"extra": 1, "format"`, 1),
		"BadSalt":      strings.Replace(good, `"salt": "`, `"salt": "AAAA`, 1),
		"BadCanonical": strings.Replace(good, `"canonical": "`, `"canonical": "!`, 1),
		"NotJSON":      "checkpoint",
	} {
		if _, err := ledger.ParseBundle([]byte(in)); err == nil {
			t.Errorf("%s: ParseBundle accepted", name)
		}
	}
}

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
