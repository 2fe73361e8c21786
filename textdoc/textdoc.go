// Package textdoc renders an agreed version of the single negotiating text
// as a document — Markdown, or a print-friendly HTML page — that carries
// its SHA-256, the ledger indexes of the agreement and text events and a
// signed checkpoint, and checks such a document offline against a member's
// ledger bundle: the document must be exactly what the ledger's events
// render to, so that any changed character fails.
//
// A document is rendered only from the two ledger events (agreement.recorded
// and text.version), never from other state, so that the server and the
// offline verifier render the same bytes.
package textdoc

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"strconv"
	"strings"
	"text/template"
	"time"

	"parley"
	"parley/ledger"
)

// Format is a document format.
type Format string

// Formats.
const (
	Markdown Format = "markdown"
	HTML     Format = "html"
)

// Doc is what a document shows: the agreement, the agreed version's
// clauses, where both are in the ledger, and a checkpoint of the log.
type Doc struct {
	Talks          string
	Agreement      string
	Title          string
	Stage          parley.AgreementStage
	Summary        string
	AgreedAt       time.Time
	Version        int
	Clauses        []parley.Clause
	AgreementIndex int64
	TextIndex      int64
	// Checkpoint is the signed checkpoint note.
	Checkpoint string
	// SHA256 is the SHA-256 of the Markdown form of the agreed text (the
	// title and clauses, without the verification footer), in hex.
	SHA256 string
}

//go:embed templates
var templateFS embed.FS

// style is the print-friendly page's only style sheet; it is inline, so
// that a downloaded page stands alone. StyleHash is its CSP hash.
const style = `body{font:16px/1.5 Georgia,serif;margin:0;color:#111}main{max-width:42rem;margin:0 auto;padding:1rem}h1{font-size:1.6rem}h2{font-size:1.15rem;margin-top:1.5rem}p{white-space:pre-line}.meta{color:#444}footer{margin-top:3rem;border-top:1px solid #999;font-size:.85rem;color:#333}pre,code{font:.8rem/1.3 monospace;white-space:pre-wrap;overflow-wrap:anywhere}@media print{main{max-width:none}a{color:inherit}}`

// StyleHash is the Content-Security-Policy source that allows the page's
// inline style sheet.
var StyleHash = func() string {
	sum := sha256.Sum256([]byte(style))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

func when(t time.Time) string { return t.UTC().Format("2 January 2006 15:04 UTC") }

// paragraphs splits a clause body at blank lines.
func paragraphs(body string) []string { return strings.Split(body, "\n\n") }

var (
	mdTemplates = template.Must(template.New("md").Funcs(template.FuncMap{"when": when}).ParseFS(templateFS, "templates/body.md"))
	htmlPage    = htmltemplate.Must(htmltemplate.New("html").Funcs(htmltemplate.FuncMap{
		"when": when, "paragraphs": paragraphs,
		"style": func() htmltemplate.CSS { return htmltemplate.CSS(style) },
	}).ParseFS(templateFS, "templates/page.html"))
)

// FromEvents builds a document from the agreement.recorded and text.version
// events of the agreed version and a signed checkpoint note.
func FromEvents(agreement, text ledger.Record, checkpoint string) (*Doc, error) {
	if agreement.Kind != parley.EventAgreementMade || text.Kind != parley.EventTextVersion {
		return nil, fmt.Errorf("textdoc: want an %s and a %s event, got %s and %s", parley.EventAgreementMade, parley.EventTextVersion, agreement.Kind, text.Kind)
	}
	var a parley.Agreement
	if err := json.Unmarshal(agreement.Data, &a); err != nil {
		return nil, fmt.Errorf("textdoc: agreement event: %w", err)
	}
	var v parley.TextVersion
	if err := json.Unmarshal(text.Data, &v); err != nil {
		return nil, fmt.Errorf("textdoc: text event: %w", err)
	}
	if agreement.Talks != text.Talks || a.TextVersion != v.Number || a.TextVersion == 0 {
		return nil, fmt.Errorf("textdoc: the agreement (version %d of talks %s) is not of this text (version %d of talks %s)", a.TextVersion, agreement.Talks, v.Number, text.Talks)
	}
	d := &Doc{Talks: agreement.Talks, Agreement: a.ID, Title: a.Title, Stage: a.Stage, Summary: a.Summary, AgreedAt: a.AgreedAt,
		Version: v.Number, Clauses: v.Clauses, AgreementIndex: agreement.Index, TextIndex: text.Index, Checkpoint: checkpoint}
	var body bytes.Buffer
	if err := mdTemplates.ExecuteTemplate(&body, "body", d); err != nil {
		return nil, fmt.Errorf("textdoc: %w", err)
	}
	sum := sha256.Sum256(body.Bytes())
	d.SHA256 = hex.EncodeToString(sum[:])
	return d, nil
}

// marker starts the machine-readable block at the end of a document.
const marker = "<!-- parley-agreed-text\n"

// Render writes the document in the given format. Both end in a comment
// naming the talks, agreement, version, digest and checkpoint, which the
// verifier reads back.
func Render(d *Doc, f Format) ([]byte, error) {
	var b bytes.Buffer
	var err error
	switch f {
	case Markdown:
		if err = mdTemplates.ExecuteTemplate(&b, "body", d); err == nil {
			err = mdTemplates.ExecuteTemplate(&b, "footer", d)
		}
	case HTML:
		err = htmlPage.ExecuteTemplate(&b, "page", d)
	default:
		return nil, fmt.Errorf("textdoc: unknown format %q", f)
	}
	if err != nil {
		return nil, fmt.Errorf("textdoc: %w", err)
	}
	fmt.Fprintf(&b, "\n%stalks: %s\nagreement: %s\nversion: %d\nsha256: %s\ncheckpoint:\n%s-->\n", marker, d.Talks, d.Agreement, d.Version, d.SHA256, d.Checkpoint)
	return b.Bytes(), nil
}

// claim is what a document's closing comment says.
type claim struct {
	talks, agreement string
	version          int
	sha256           string
	checkpoint       string
}

// parseClaim reads a document's closing comment.
func parseClaim(doc []byte) (*claim, error) {
	s := string(doc)
	i := strings.LastIndex(s, marker)
	if i < 0 || !strings.HasSuffix(s, "-->\n") {
		return nil, fmt.Errorf("textdoc: not an exported agreed text (no closing parley-agreed-text comment)")
	}
	rest := strings.TrimSuffix(s[i+len(marker):], "-->\n")
	head, cp, ok := strings.Cut(rest, "checkpoint:\n")
	if !ok {
		return nil, fmt.Errorf("textdoc: the closing comment has no checkpoint")
	}
	c := &claim{checkpoint: cp}
	for _, line := range strings.Split(strings.TrimSuffix(head, "\n"), "\n") {
		k, v, _ := strings.Cut(line, ": ")
		switch k {
		case "talks":
			c.talks = v
		case "agreement":
			c.agreement = v
		case "version":
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("textdoc: the closing comment's version %q is not a number", v)
			}
			c.version = n
		case "sha256":
			c.sha256 = v
		default:
			return nil, fmt.Errorf("textdoc: the closing comment has an unknown line %q", line)
		}
	}
	if c.talks == "" || c.agreement == "" || c.version == 0 {
		return nil, fmt.Errorf("textdoc: the closing comment does not name the talks, agreement and version")
	}
	return c, nil
}

// Result is what a successful verification established.
type Result struct {
	Format Format
	Doc    *Doc
	// Bundle is the bundle's verified checkpoint; Checkpoint the
	// document's, also verified.
	Bundle, Checkpoint ledger.Checkpoint
}

// Verify checks doc, an exported agreed text, against a member's bundle
// with the log's verifier key: the bundle must verify; it must hold the
// agreement event and the text event the document names; the document's
// checkpoint must be signed by the key and cover both events; and the
// document must be, byte for byte, what those events render to.
func Verify(doc []byte, b ledger.Bundle, verifierKey string) (*Result, error) {
	bcp, err := ledger.VerifyBundleCheckpoint(b, verifierKey)
	if err != nil {
		return nil, err
	}
	c, err := parseClaim(doc)
	if err != nil {
		return nil, err
	}
	var agreement, text *ledger.Record
	for _, e := range b.Entries {
		rec, err := ledger.DecodeCanonical(e.Canonical)
		if err != nil {
			return nil, err
		}
		if rec.Talks != c.talks {
			continue
		}
		var data struct {
			ID     string `json:"id"`
			Number int    `json:"number"`
		}
		json.Unmarshal(rec.Data, &data)
		switch {
		case rec.Kind == parley.EventAgreementMade && data.ID == c.agreement:
			agreement = &rec
		case rec.Kind == parley.EventTextVersion && data.Number == c.version:
			text = &rec
		}
	}
	if agreement == nil || text == nil {
		return nil, fmt.Errorf("textdoc: the bundle does not hold the agreement %s and version %d of the text of talks %s (is it the bundle of a member, exported after the agreement?)", c.agreement, c.version, c.talks)
	}
	dcp, err := ledger.OpenCheckpoint([]byte(c.checkpoint), verifierKey)
	if err != nil {
		return nil, fmt.Errorf("textdoc: the document's %w", trimLedger(err))
	}
	// The document's checkpoint carries the log's one signature and
	// nothing else: any added line, even a well-formed signature by some
	// other key, is a changed character.
	if _, sigs, ok := strings.Cut(c.checkpoint, "\n\n"); !ok || strings.Count(strings.TrimSuffix(sigs, "\n"), "\n") != 0 {
		return nil, fmt.Errorf("textdoc: the document's checkpoint must carry exactly one signature, the log's")
	}
	if dcp.Tree.N <= max(agreement.Index, text.Index) {
		return nil, fmt.Errorf("textdoc: the document's checkpoint (size %d) does not cover the agreement event (index %d)", dcp.Tree.N, agreement.Index)
	}
	d, err := FromEvents(*agreement, *text, c.checkpoint)
	if err != nil {
		return nil, err
	}
	f := Markdown
	if bytes.HasPrefix(doc, []byte("<!doctype html")) {
		f = HTML
	}
	want, err := Render(d, f)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(doc, want) {
		return nil, fmt.Errorf("textdoc: the document differs from the agreed text in the ledger, first at line %d", firstDiff(doc, want))
	}
	return &Result{Format: f, Doc: d, Bundle: bcp, Checkpoint: dcp}, nil
}

// firstDiff returns the 1-based line of the first byte where a and b differ.
func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	return bytes.Count(a[:i], []byte("\n")) + 1
}

func trimLedger(err error) error {
	return fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "ledger: "))
}
