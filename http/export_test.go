package http_test

import (
	"bytes"
	"strings"
	"testing"

	"parley"
	"parley/ledger"
	"parley/talks"
	"parley/textdoc"
)

// agreeAll records every party's acceptance of every clause of tv and has
// a mediator declare it agreed.
func (e *env) agreeAll(t *testing.T, tv talks.TextView) {
	t.Helper()
	np := talks.NewPositions{Version: tv.Version}
	for _, c := range tv.Clauses {
		np.Positions = append(np.Positions, talks.NewPosition{Clause: c.ID, Stance: parley.Accept})
	}
	e.must(t, 200, "israel", "POST", e.talks("/text/positions"), np)
	e.must(t, 200, "hamas", "POST", e.talks("/text/positions"), np)
	e.must(t, 201, "qatar", "POST", e.talks("/text/agree"), talks.AgreeText{Summary: "phased ceasefire"})
}

// TestExportVerifiesOffline exports the agreed text in both formats and
// checks it against a party's bundle; one changed character anywhere
// fails.
func TestExportVerifiesOffline(t *testing.T) {
	e := newEnv(t)
	tv := e.postText(t, firstDraft)
	for _, f := range []string{"markdown", "html"} {
		code, out := e.do(t, "israel", "GET", e.talks("/text/export?format="+f), nil)
		if code != 409 || !strings.Contains(string(out), "nothing is agreed until everything is agreed") {
			t.Fatalf("export before agreement: %d %s", code, out)
		}
	}
	e.agreeAll(t, tv)
	e.must(t, 400, "israel", "GET", e.talks("/text/export?format=pdf"), nil)
	for _, u := range []string{"observer", "operator", "outsider"} {
		e.must(t, 404, u, "GET", e.talks("/text/export"), nil)
	}
	b, err := ledger.ParseBundle(e.must(t, 200, "hamas", "GET", "/api/v1/ledger/bundle", nil))
	if err != nil {
		t.Fatal(err)
	}
	vkey := e.Signer.VerifierKey()
	for _, f := range []string{"markdown", "html"} {
		t.Run(f, func(t *testing.T) {
			doc := e.must(t, 200, "israel", "GET", e.talks("/text/export?format="+f), nil)
			if f == "html" && !bytes.Contains(doc, []byte(`<h2 dir="auto">2. الرهائن</h2>`)) {
				t.Errorf("HTML export: %s", doc)
			}
			if f == "markdown" && !bytes.Contains(doc, []byte("## 3. שחרור אסירים\n\nישראל תשחרר 30 אסירים עבור כל חטוף.\n")) {
				t.Errorf("Markdown export: %s", doc)
			}
			res, err := textdoc.Verify(doc, b, vkey)
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			if res.Doc.Version != 1 || res.Doc.AgreementIndex <= res.Doc.TextIndex || len(res.Doc.SHA256) != 64 {
				t.Errorf("result: %+v", res.Doc)
			}
			if !bytes.Contains(doc, []byte(res.Doc.SHA256)) {
				t.Errorf("the document does not show its SHA-256")
			}
			// One changed character fails, wherever it is: in a clause,
			// the title, the digest, an index or the checkpoint.
			for _, old := range []string{"42 days", "٣٣", "Ceasefire and release", res.Doc.SHA256[:8], "ledger index", "\n— "} {
				i := bytes.Index(doc, []byte(old))
				if i < 0 {
					t.Fatalf("%q not in the document", old)
				}
				bad := bytes.Clone(doc)
				bad[i+1] ^= 0x01
				if _, err := textdoc.Verify(bad, b, vkey); err == nil {
					t.Errorf("a changed character at %q verified", old)
				}
			}
			if _, err := textdoc.Verify(append(bytes.Clone(doc), ' '), b, vkey); err == nil {
				t.Error("a trailing space verified")
			}
		})
	}
	t.Run("LedgerCheckComparesStoredText", func(t *testing.T) {
		if _, err := e.Talks.CheckLedger(ctx()); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Store.DB().Exec(`UPDATE text_versions SET clauses = REPLACE(clauses, '42 days', '43 days')`); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Talks.CheckLedger(ctx()); err == nil || !strings.Contains(err.Error(), "differs from the event") {
			t.Fatalf("ledger check after editing the stored text: %v", err)
		}
	})
	t.Run("ObserverBundleCannotProve", func(t *testing.T) {
		ob, err := ledger.ParseBundle(e.must(t, 200, "observer", "GET", "/api/v1/ledger/bundle", nil))
		if err != nil {
			t.Fatal(err)
		}
		doc := e.must(t, 200, "qatar", "GET", e.talks("/text/export"), nil)
		if _, err := textdoc.Verify(doc, ob, vkey); err == nil || !strings.Contains(err.Error(), "does not hold") {
			t.Fatalf("observer's bundle: %v", err)
		}
	})
}
