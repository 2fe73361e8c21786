package minverify

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestStandardLibraryOnly keeps the verifier independent of parley's code
// and of any third-party module.
func TestStandardLibraryOnly(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") || first == "parley" {
				t.Errorf("%s imports %s; only the standard library is allowed", f, path)
			}
		}
	}
}

// TestHandBuiltTree checks the RFC 9162 algorithms on a five-leaf tree
// computed by hand from the RFC 6962 definition.
func TestHandBuiltTree(t *testing.T) {
	var l [5][32]byte
	for i := range l {
		l[i] = LeafHash([]byte{byte(i)})
	}
	ab, cd := NodeHash(l[0], l[1]), NodeHash(l[2], l[3])
	abcd := NodeHash(ab, cd)
	root5 := NodeHash(abcd, l[4])
	root3 := NodeHash(ab, l[2])
	if err := VerifyInclusion(2, 5, l[2], [][32]byte{l[3], ab, l[4]}, root5); err != nil {
		t.Error(err)
	}
	if err := VerifyInclusion(4, 5, l[4], [][32]byte{abcd}, root5); err != nil {
		t.Error(err)
	}
	if err := VerifyInclusion(3, 5, l[2], [][32]byte{l[2], ab, l[4]}, root5); err == nil {
		t.Error("wrong index accepted")
	}
	// RFC 6962 section 2.1.2: PROOF(3, D[5]) = [c, d, ab, e].
	if err := VerifyConsistency(3, 5, root3, root5, [][32]byte{l[2], l[3], ab, l[4]}); err != nil {
		t.Error(err)
	}
	if err := VerifyConsistency(4, 5, abcd, root5, [][32]byte{l[4]}); err != nil {
		t.Error(err)
	}
	if err := VerifyConsistency(3, 5, root5, root5, [][32]byte{l[2], l[3], ab, l[4]}); err == nil {
		t.Error("wrong old root accepted")
	}
	if got := hex.EncodeToString(func() []byte { r := EmptyRoot(); return r[:] }()); got != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("empty root %s", got)
	}
}

func TestOpenCheckpointByHand(t *testing.T) {
	seed := sha256.Sum256([]byte("minverify"))
	priv := ed25519.NewKeyFromSeed(seed[:])
	pub := append([]byte{1}, priv.Public().(ed25519.PublicKey)...)
	id := keyID("example.org/log", pub)
	vkey := "example.org/log+" + hex.EncodeToString(id[:]) + "+" + base64.StdEncoding.EncodeToString(pub)
	k, err := ParseKey(vkey)
	if err != nil {
		t.Fatal(err)
	}
	root := EmptyRoot()
	text := "example.org/log\n0\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n"
	sig := append(id[:], ed25519.Sign(priv, []byte(text))...)
	note := text + "\n\u2014 example.org/log " + base64.StdEncoding.EncodeToString(sig) + "\n"
	c, err := OpenCheckpoint([]byte(note), k)
	if err != nil {
		t.Fatal(err)
	}
	if c.Size != 0 || c.Root != root || c.Origin != "example.org/log" {
		t.Errorf("checkpoint %+v", c)
	}
	if _, err := OpenCheckpoint([]byte(strings.Replace(note, "\n0\n", "\n1\n", 1)), k); err == nil {
		t.Error("altered checkpoint accepted")
	}
	if _, err := ParseKey(strings.Replace(vkey, "example.org", "example.com", 1)); err == nil {
		t.Error("key with wrong name accepted")
	}
}
