package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parley"
	"parley/internal/fixture"
	"parley/talks"
	"parley/textdoc"

	"golang.org/x/mod/sumdb/note"
)

// agreedText reaches an agreement on a two-clause text in a fixture
// deployment and writes Hamas's bundle and the exported text in both
// formats; it returns their paths and the verifier key.
func agreedText(t *testing.T) (md, html, bundle, key string) {
	t.Helper()
	ctx := context.Background()
	e := fixture.New(t)
	tv, err := e.Talks.ReviseText(ctx, e.U("qatar"), e.TalksID, talks.NewVersion{Reason: "draft", Clauses: []talks.NewClause{
		{Title: "Ceasefire", Body: "A ceasefire of 42 days."}, {Title: "الرهائن", Body: "يتم إطلاق سراح ٣٣ رهينة."}}})
	if err != nil {
		t.Fatal(err)
	}
	np := talks.NewPositions{Version: 1}
	for _, c := range tv.Clauses {
		np.Positions = append(np.Positions, talks.NewPosition{Clause: c.ID, Stance: parley.Accept})
	}
	for _, u := range []string{"israel", "hamas"} {
		if _, err := e.Talks.RecordPositions(ctx, e.U(u), e.TalksID, np); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Talks.AgreeText(ctx, e.U("envoy"), e.TalksID, talks.AgreeText{}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for f, name := range map[textdoc.Format]*string{textdoc.Markdown: &md, textdoc.HTML: &html} {
		doc, err := e.Talks.ExportText(ctx, e.U("hamas"), e.TalksID, f)
		if err != nil {
			t.Fatal(err)
		}
		*name = write("agreed."+string(f), doc)
	}
	b, err := e.Talks.Bundle(ctx, e.U("hamas"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	b.WriteJSON(&buf)
	return md, html, write("bundle.json", buf.Bytes()), e.Signer.VerifierKey()
}

func TestVerifyText(t *testing.T) {
	md, html, bundle, key := agreedText(t)
	for _, doc := range []string{md, html} {
		out, errs, code := cliRun(t, "verify-text", doc, "--bundle", bundle, "--key", key)
		if code != 0 || !strings.Contains(out, "agreed text ok") || !strings.Contains(out, "version 1") {
			t.Fatalf("verify-text %s: %d %q %q", doc, code, out, errs)
		}
		// One changed character: "42" becomes "43".
		data, _ := os.ReadFile(doc)
		bad := filepath.Join(t.TempDir(), filepath.Base(doc))
		os.WriteFile(bad, bytes.Replace(data, []byte("42 days"), []byte("43 days"), 1), 0o600)
		_, errs, code = cliRun(t, "verify-text", bad, "--bundle", bundle, "--key", key)
		if code != 1 || !strings.Contains(errs, "differs from the agreed text in the ledger") {
			t.Fatalf("a changed character: %d %q", code, errs)
		}
	}
	if _, errs, code := cliRun(t, "verify-text", md, "--key", key); code != 2 || !strings.Contains(errs, "--bundle is required") {
		t.Fatalf("no bundle: %d %q", code, errs)
	}
	if _, errs, code := cliRun(t, "verify-text", bundle, "--bundle", bundle, "--key", key); code != 1 || !strings.Contains(errs, "not an exported agreed text") {
		t.Fatalf("a bundle as the document: %d %q", code, errs)
	}
}

// An exported agreed text whose checkpoint gets a second signature line,
// by a key nobody knows, must not verify: the document's bytes changed.
func TestVerifyTextExtraSignature(t *testing.T) {
	md, _, bundle, key := agreedText(t)
	data, _ := os.ReadFile(md)
	skey, _, err := note.GenerateKey(rand.Reader, "evil.example")
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := note.NewSigner(skey)
	// Sign the same checkpoint text with the other key and take its line.
	i := bytes.LastIndex(data, []byte("checkpoint:\n"))
	cp := string(data[i+len("checkpoint:\n") : len(data)-len("-->\n")])
	text, _, _ := strings.Cut(cp, "\n\n")
	signed, err := note.Sign(&note.Note{Text: text + "\n"}, signer)
	if err != nil {
		t.Fatal(err)
	}
	_, sigs, _ := strings.Cut(string(signed), "\n\n")
	forged := strings.ReplaceAll(string(data), cp, cp+sigs)
	if forged == string(data) {
		t.Fatal("no change")
	}
	bad := filepath.Join(t.TempDir(), "agreed.markdown")
	os.WriteFile(bad, []byte(forged), 0o600)
	_, errs, code := cliRun(t, "verify-text", bad, "--bundle", bundle, "--key", key)
	if code == 0 || !strings.Contains(errs, "exactly one signature") {
		t.Errorf("a document differing from the export (%d more bytes) verifies", len(forged)-len(data))
	}
}
