package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"parley/ledger"
)

// verifyFixture is a small signed log with files a member would hold.
type verifyFixture struct {
	dir    string
	key    string
	log    *ledger.MemLog
	items  []ledger.Item
	signer *ledger.Signer
}

func newVerifyFixture(t *testing.T) *verifyFixture {
	t.Helper()
	dir := t.TempDir()
	s, err := ledger.LoadOrCreateSigner(filepath.Join(dir, "data"), "parley.example/cli")
	if err != nil {
		t.Fatal(err)
	}
	f := &verifyFixture{dir: dir, key: s.VerifierKey(), log: new(ledger.MemLog), signer: s}
	f.grow(t, 10)
	return f
}

// grow appends n events.
func (f *verifyFixture) grow(t *testing.T, n int) {
	t.Helper()
	for range n {
		i := f.log.Size()
		c, err := ledger.Canonical(ledger.Record{
			Index: i,
			Time:  time.Date(2024, 12, 5, 10, 0, int(i), 0, time.UTC),
			Kind:  "message.posted",
			Talks: "gaza",
			Room:  "caucus:israel",
			Actor: "u-1",
			Data:  json.RawMessage(fmt.Sprintf(`{"text":"message %d"}`, i)),
		})
		if err != nil {
			t.Fatal(err)
		}
		salt, err := ledger.NewSalt()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.log.Append(ledger.LeafHash(salt, c)); err != nil {
			t.Fatal(err)
		}
		f.items = append(f.items, ledger.Item{Salt: salt, Canonical: c})
	}
}

// checkpoint writes the current signed checkpoint to a file.
func (f *verifyFixture) checkpoint(t *testing.T, name string) string {
	t.Helper()
	tree, err := f.log.Tree()
	if err != nil {
		t.Fatal(err)
	}
	cp, err := f.signer.Checkpoint(tree)
	if err != nil {
		t.Fatal(err)
	}
	return f.write(t, name, cp)
}

// bundle writes a bundle of the given indices and returns its path.
func (f *verifyFixture) bundle(t *testing.T, name string, edit func(*ledger.Bundle), indices ...int64) string {
	t.Helper()
	tree, err := f.log.Tree()
	if err != nil {
		t.Fatal(err)
	}
	cp, err := f.signer.Checkpoint(tree)
	if err != nil {
		t.Fatal(err)
	}
	var items []ledger.Item
	for _, i := range indices {
		items = append(items, f.items[i])
	}
	b, err := ledger.NewBundle(cp, f.key, items, f.log)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(&b)
	}
	var buf bytes.Buffer
	if err := b.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	return f.write(t, name, buf.Bytes())
}

func (f *verifyFixture) write(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(f.dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// runParley runs the command and returns stdout, stderr and the exit code.
func runParley(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut}
	err := m.Run(context.Background(), args)
	code := exitCode(m, err)
	return out.String(), errOut.String(), code
}

func TestVerifyBundle(t *testing.T) {
	f := newVerifyFixture(t)
	path := f.bundle(t, "bundle.json", nil, 1, 4, 7)
	keyFile := f.write(t, "key.txt", []byte(f.key+"\n"))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const want = "bundle ok: 3 entries verified against checkpoint of size 10 signed by parley.example/cli\n"
	for name, tc := range map[string]struct {
		stdin string
		args  []string
	}{
		"PathFirst":  {"", []string{"verify", path, "--key", f.key}},
		"FlagsFirst": {"", []string{"verify", "-key=" + f.key, path}},
		"KeyFile":    {"", []string{"verify", path, "--key", "@" + keyFile}},
		"Stdin":      {string(data), []string{"verify", "--key", f.key, "-"}},
		"DashDash":   {"", []string{"verify", "--key", f.key, "--", path}},
	} {
		t.Run(name, func(t *testing.T) {
			out, errOut, code := runParley(t, tc.stdin, tc.args...)
			if code != 0 || out != want {
				t.Errorf("exit %d\nstdout %q\nstderr %q\nwant stdout %q", code, out, errOut, want)
			}
		})
	}
	one := f.bundle(t, "one.json", nil, 9)
	if out, _, code := runParley(t, "", "verify", one, "--key", f.key); code != 0 || !strings.HasPrefix(out, "bundle ok: 1 entry verified") {
		t.Errorf("one entry: exit %d, %q", code, out)
	}
}

func TestVerifyBundleTampered(t *testing.T) {
	f := newVerifyFixture(t)
	other, err := ledger.LoadOrCreateSigner(filepath.Join(f.dir, "other"), "parley.example/cli")
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		edit func(*ledger.Bundle)
		key  string
		want string
	}{
		"EditedText": {func(b *ledger.Bundle) {
			b.Entries[1].Canonical = bytes.Replace(b.Entries[1].Canonical, []byte("message 4"), []byte("message 5"), 1)
			b.Entries[1].Record.Data = json.RawMessage(`{"text":"message 5"}`)
		}, f.key, "parley: ledger: verify: entry 1 (log index 4): inclusion proof does not match checkpoint root\n"},
		"EditedView": {func(b *ledger.Bundle) {
			b.Entries[2].Record.Actor = "u-2"
		}, f.key, "parley: ledger: verify: entry 2 (log index 7): record view differs from canonical event: actor \"u-2\"\n"},
		"Swapped": {func(b *ledger.Bundle) {
			b.Entries[0], b.Entries[1] = b.Entries[1], b.Entries[0]
		}, f.key, "parley: ledger: verify: entry 1 (log index 1): index not after previous entry's index 4 (entries reordered or duplicated)\n"},
		"OtherKey": {nil, other.VerifierKey(), "parley: ledger: verify: checkpoint: no signature by key parley.example/cli+"},
		"ForgedCheckpoint": {func(b *ledger.Bundle) {
			b.Checkpoint = strings.Replace(b.Checkpoint, "\n10\n", "\n11\n", 1)
		}, f.key, "parley: ledger: verify: checkpoint: signature by parley.example/cli does not match its text (checkpoint altered or forged)\n"},
	} {
		t.Run(name, func(t *testing.T) {
			path := f.bundle(t, name+".json", tc.edit, 1, 4, 7)
			out, errOut, code := runParley(t, "", "verify", path, "--key", tc.key)
			if code != 1 || out != "" || !strings.HasPrefix(errOut, tc.want) {
				t.Errorf("exit %d\nstdout %q\nstderr %q\nwant stderr %q", code, out, errOut, tc.want)
			}
		})
	}
	garbage := f.write(t, "garbage.json", []byte(`{"format":`))
	if _, errOut, code := runParley(t, "", "verify", garbage, "--key", f.key); code != 1 || !strings.Contains(errOut, "ledger: bundle:") {
		t.Errorf("garbage: exit %d, stderr %q", code, errOut)
	}
	if _, errOut, code := runParley(t, "", "verify", filepath.Join(f.dir, "missing.json"), "--key", f.key); code != 1 || !strings.Contains(errOut, "missing.json") {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut)
	}
}

func TestVerifyConsistency(t *testing.T) {
	f := newVerifyFixture(t)
	cp1 := f.checkpoint(t, "cp1.txt")
	f.grow(t, 25)
	cp2 := f.checkpoint(t, "cp2.txt")
	p, err := ledger.ProveConsistency(10, 35, f.log)
	if err != nil {
		t.Fatal(err)
	}
	text := f.write(t, "proof.txt", ledger.FormatProof(p.Hashes))
	js, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	jsonProof := f.write(t, "proof.json", js)
	const want = "consistency ok: checkpoint of size 35 extends checkpoint of size 10, both signed by parley.example/cli\n"
	for _, proof := range []string{text, jsonProof} {
		out, errOut, code := runParley(t, "", "verify", "--old", cp1, "--new", cp2, "--proof", proof, "--key", f.key)
		if code != 0 || out != want {
			t.Errorf("%s: exit %d\nstdout %q\nstderr %q", filepath.Base(proof), code, out, errOut)
		}
	}
	_, errOut, code := runParley(t, "", "verify", "--old", cp2, "--new", cp1, "--proof", text, "--key", f.key)
	if code != 1 || !strings.Contains(errOut, "ledger: verify: old tree (size 35) is larger than new tree (size 10)") {
		t.Errorf("reversed: exit %d, stderr %q", code, errOut)
	}
	// Flip a bit of the first hash itself (flipping a byte of its base64
	// text could turn it into '{' and so into a JSON parse error).
	hashes := append([]tlog.Hash(nil), p.Hashes...)
	hashes[0][0] ^= 1
	badProof := f.write(t, "bad.txt", ledger.FormatProof(hashes))
	_, errOut, code = runParley(t, "", "verify", "--old", cp1, "--new", cp2, "--proof", badProof, "--key", f.key)
	if code != 1 || errOut != "parley: ledger: verify: tree of size 35 does not extend tree of size 10: consistency proof fails\n" {
		t.Errorf("bad proof: exit %d, stderr %q", code, errOut)
	}
}

func TestVerifyUsage(t *testing.T) {
	f := newVerifyFixture(t)
	path := f.bundle(t, "bundle.json", nil, 0)
	for name, args := range map[string][]string{
		"NoArgs":      {"verify"},
		"NoKey":       {"verify", path},
		"TwoBundles":  {"verify", path, path, "--key", f.key},
		"Mixed":       {"verify", path, "--old", path, "--new", path, "--proof", path, "--key", f.key},
		"MissingNew":  {"verify", "--old", path, "--proof", path, "--key", f.key},
		"UnknownFlag": {"verify", path, "--kee", f.key},
	} {
		t.Run(name, func(t *testing.T) {
			out, errOut, code := runParley(t, "", args...)
			if code != 2 || out != "" || !strings.Contains(errOut, "Usage: parley verify") {
				t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
			}
		})
	}
	var out, errOut bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errOut}
	if err := m.Run(context.Background(), []string{"verify", "-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: err = %v", err)
	}
}
