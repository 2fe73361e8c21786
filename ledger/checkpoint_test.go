package ledger_test

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"parley/ledger"
)

func TestLoadOrCreateSigner(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s1, err := ledger.LoadOrCreateSigner(dir, "parley.example/demo")
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, ledger.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %04o, want 0600", fi.Mode().Perm())
	}
	s2, err := ledger.LoadOrCreateSigner(dir, "parley.example/demo")
	if err != nil {
		t.Fatal(err)
	}
	if s1.VerifierKey() != s2.VerifierKey() {
		t.Errorf("second start made a new key: %s then %s", s1.VerifierKey(), s2.VerifierKey())
	}
	if s1.Origin() != "parley.example/demo" || !strings.HasPrefix(s1.VerifierKey(), "parley.example/demo+") {
		t.Errorf("origin %q, verifier key %q", s1.Origin(), s1.VerifierKey())
	}
	if _, err := ledger.LoadOrCreateSigner(dir, "parley.example/other"); err == nil || !strings.Contains(err.Error(), "not \"parley.example/other\"") {
		t.Errorf("other origin on existing key: err = %v", err)
	}
	if runtime.GOOS != "windows" {
		if err := os.Chmod(filepath.Join(dir, ledger.KeyFile), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ledger.LoadOrCreateSigner(dir, "parley.example/demo"); err == nil || !strings.Contains(err.Error(), "accessible by others") {
			t.Errorf("world-readable key: err = %v", err)
		}
	}
	for _, bad := range []string{"", "has space", "a+b", "tab\there", "é", strings.Repeat("x", 256)} {
		if _, err := ledger.LoadOrCreateSigner(t.TempDir(), bad); err == nil {
			t.Errorf("origin %q accepted", bad)
		}
	}
}

func TestNewSignerRejects(t *testing.T) {
	for _, skey := range []string{"", "PRIVATE+KEY+x+00000000+AA==", "origin+12345678+AQ=="} {
		if _, err := ledger.NewSigner(skey); err == nil {
			t.Errorf("NewSigner(%q) succeeded", skey)
		}
	}
}

func TestCheckpointFormat(t *testing.T) {
	s := testSigner(t, testOrigin, "cp")
	root := tlog.RecordHash([]byte("root"))
	cp, err := s.Checkpoint(tlog.Tree{N: 40, Hash: root})
	if err != nil {
		t.Fatal(err)
	}
	text, sigs, ok := strings.Cut(string(cp), "\n\n")
	if !ok {
		t.Fatalf("no blank line in note:\n%s", cp)
	}
	if want := testOrigin + "\n40\n" + base64.StdEncoding.EncodeToString(root[:]); text != want {
		t.Errorf("checkpoint text %q, want %q", text, want)
	}
	if !strings.HasPrefix(sigs, "— "+testOrigin+" ") || strings.Count(sigs, "\n") != 1 {
		t.Errorf("signature block %q", sigs)
	}
	c, err := ledger.OpenCheckpoint(cp, s.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	if c.Origin != testOrigin || c.Tree.N != 40 || c.Tree.Hash != root || !bytes.Equal(c.Note, cp) {
		t.Errorf("OpenCheckpoint = %+v", c)
	}
}

func TestOpenCheckpointForged(t *testing.T) {
	s := testSigner(t, testOrigin, "cp")
	other := testSigner(t, testOrigin, "attacker")
	otherOrigin := testSigner(t, "parley.example/elsewhere", "cp")
	root := tlog.RecordHash([]byte("root"))
	cp, err := s.Checkpoint(tlog.Tree{N: 40, Hash: root})
	if err != nil {
		t.Fatal(err)
	}
	forged, _ := other.Checkpoint(tlog.Tree{N: 40, Hash: root})
	elsewhere, _ := otherOrigin.Checkpoint(tlog.Tree{N: 40, Hash: root})
	altRoot := tlog.RecordHash([]byte("other"))
	resign := func(text string) []byte {
		skey, _, _ := note.GenerateKey(bytes.NewReader(seedBytes("cp", 32)), testOrigin)
		sg, _ := note.NewSigner(skey)
		msg, err := note.Sign(&note.Note{Text: text}, sg)
		if err != nil {
			t.Fatal(err)
		}
		return msg
	}
	for name, tc := range map[string]struct {
		note []byte
		key  string
		want string
	}{
		"WrongKey":        {forged, s.VerifierKey(), "no signature by key " + testOrigin + "+"},
		"AlteredSize":     {bytes.Replace(cp, []byte("\n40\n"), []byte("\n41\n"), 1), s.VerifierKey(), "does not match its text"},
		"AlteredRoot":     {bytes.Replace(cp, []byte(base64.StdEncoding.EncodeToString(root[:])), []byte(base64.StdEncoding.EncodeToString(altRoot[:])), 1), s.VerifierKey(), "does not match its text"},
		"AlteredOrigin":   {bytes.Replace(cp, []byte(testOrigin+"\n"), []byte("parley.example/tesT\n"), 1), s.VerifierKey(), "does not match its text"},
		"OtherOriginKey":  {elsewhere, s.VerifierKey(), "no signature by key"},
		"Truncated":       {cp[:len(cp)-10], s.VerifierKey(), "malformed signed note"},
		"Unsigned":        {[]byte(testOrigin + "\n40\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n"), s.VerifierKey(), "malformed signed note"},
		"BadKey":          {cp, "nonsense", "verifier key"},
		"SizeLeadingZero": {resign(testOrigin + "\n040\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n"), s.VerifierKey(), "malformed tree size"},
		"SizeNegative":    {resign(testOrigin + "\n-1\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n"), s.VerifierKey(), "malformed tree size"},
		"ShortRoot":       {resign(testOrigin + "\n40\nAAAA\n"), s.VerifierKey(), "malformed root hash"},
		"MissingRoot":     {resign(testOrigin + "\n40\n"), s.VerifierKey(), "want origin, size and root hash"},
		"OriginMismatch":  {resign("parley.example/x\n40\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n"), s.VerifierKey(), "origin \"parley.example/x\""},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ledger.OpenCheckpoint(tc.note, tc.key)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("OpenCheckpoint: err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
	ext := resign(testOrigin + "\n40\n" + base64.StdEncoding.EncodeToString(root[:]) + "\nextension line\n")
	if _, err := ledger.OpenCheckpoint(ext, s.VerifierKey()); err != nil {
		t.Errorf("checkpoint with extension line: %v", err)
	}
}

func TestVerifyConsistency(t *testing.T) {
	tl := buildLog(t, 9)
	cp1 := tl.checkpoint(t)
	for i := int64(9); i < 30; i++ {
		tl.add(t, testRecord(i), testSalt(i))
	}
	cp2 := tl.checkpoint(t)
	p, err := ledger.ProveConsistency(9, 30, tl.log)
	if err != nil {
		t.Fatal(err)
	}
	key := tl.signer.VerifierKey()
	if err := ledger.VerifyConsistency(cp1, cp2, p, key); err != nil {
		t.Fatal(err)
	}
	text, err := ledger.ParseConsistencyProof(ledger.FormatProof(p.Hashes))
	if err != nil {
		t.Fatal(err)
	}
	if err := ledger.VerifyConsistency(cp1, cp2, text, key); err != nil {
		t.Errorf("text proof: %v", err)
	}
	if err := ledger.VerifyConsistency(cp2, cp1, p, key); err == nil {
		t.Error("swapped checkpoints accepted")
	}
	// A log rewritten after checkpoint 1: event 3 edited, then regrown.
	rw := buildLog(t, 3)
	r := testRecord(3)
	r.Data = []byte(`{"text":"rewritten"}`)
	rw.add(t, r, testSalt(3))
	for i := int64(4); i < 30; i++ {
		rw.add(t, testRecord(i), testSalt(i))
	}
	cpRewritten := rw.checkpoint(t)
	pr, err := ledger.ProveConsistency(9, 30, rw.log)
	if err != nil {
		t.Fatal(err)
	}
	err = ledger.VerifyConsistency(cp1, cpRewritten, pr, key)
	if err == nil || !strings.Contains(err.Error(), "ledger: verify: tree of size 30 does not extend tree of size 9") {
		t.Errorf("rewritten log: err = %v", err)
	}
	forged := testSigner(t, testOrigin, "attacker")
	tr, _ := tl.log.Tree()
	cpForged, _ := forged.Checkpoint(tr)
	if err := ledger.VerifyConsistency(cp1, cpForged, p, key); err == nil || !strings.Contains(err.Error(), "ledger: verify: new checkpoint: no signature") {
		t.Errorf("forged new checkpoint: err = %v", err)
	}
}

// TestDocsExample keeps the checkpoint and key shown in docs/ledger.md
// real: they are the test log of 40 events signed by a test key.
func TestDocsExample(t *testing.T) {
	docs, err := os.ReadFile(filepath.Join("..", "docs", "ledger.md"))
	if err != nil {
		t.Fatal(err)
	}
	tl := buildLog(t, 40)
	tl.signer = testSigner(t, "parley.example/demo", "docs")
	cp := tl.checkpoint(t)
	for _, want := range []string{string(cp), tl.signer.VerifierKey()} {
		if !bytes.Contains(docs, []byte(want)) {
			t.Errorf("docs/ledger.md does not show %q", want)
		}
	}
	if _, err := ledger.OpenCheckpoint(cp, tl.signer.VerifierKey()); err != nil {
		t.Error(err)
	}
}
