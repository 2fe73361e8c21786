package ledger_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"parley/ledger"
)

// goldenRecords covers every encoding rule in docs/ledger.md.
func goldenRecords() []ledger.Record {
	amman := time.FixedZone("Amman", 3*3600)
	return []ledger.Record{
		{Index: 0, Time: time.Date(2024, 12, 5, 9, 30, 0, 0, time.UTC), Kind: "talks.created", Data: json.RawMessage(`{"title":"Gaza ceasefire and hostage release"}`)},
		{Index: 1, Time: time.Date(2024, 12, 5, 12, 30, 0, 123456789, amman), Kind: "message.posted", Talks: "gaza", Room: "caucus:israel", Actor: "u-17",
			Data: json.RawMessage("{ \"text\" : \"phase 1: 33 hostages\",\n  \"disclosure\": \"relayable\" }")},
		{Index: 2, Time: time.Date(2025, 1, 20, 0, 0, 0, 1, time.UTC), Kind: "message.posted", Talks: "gaza", Room: "mediators", Actor: "u-3",
			Data: json.RawMessage(`{"text":"quote \" back\\slash <b>&amp; \u00e9 \u2028 tab\there","n":[1,2.5,-3e2,true,null]}`)},
		{Index: 3, Time: time.Date(2025, 1, 20, 0, 0, 0, 0, time.UTC), Kind: "presence.changed", Talks: "gaza", Actor: "ctl\x00\x01\x1f\x7f\b\f\n\r\t\"\\/<é€😀", Data: nil},
		{Index: 9007199254740993, Time: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), Kind: "x", Data: json.RawMessage(`"just a string"`)},
	}
}

func TestCanonicalGolden(t *testing.T) {
	var got bytes.Buffer
	for _, r := range goldenRecords() {
		c, err := ledger.Canonical(r)
		if err != nil {
			t.Fatalf("Canonical(%d): %v", r.Index, err)
		}
		got.Write(c)
		got.WriteByte('\n')
	}
	path := filepath.Join("testdata", "canonical.golden")
	if *update {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got.String()); diff != "" {
		t.Errorf("canonical encoding changed (-golden +got); it must stay stable:\n%s", diff)
	}
}

func TestCanonicalRoundTrip(t *testing.T) {
	for _, r := range goldenRecords() {
		c, err := ledger.Canonical(r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ledger.DecodeCanonical(c)
		if err != nil {
			t.Fatalf("DecodeCanonical(%s): %v", c, err)
		}
		if !got.Time.Equal(r.Time) || got.Time.Location() != time.UTC {
			t.Errorf("index %d: time %v, want %v in UTC", r.Index, got.Time, r.Time)
		}
		again, err := ledger.Canonical(got)
		if err != nil || !bytes.Equal(again, c) {
			t.Errorf("index %d: re-encoding gives %s, %v; want %s", r.Index, again, err, c)
		}
	}
}

func TestCanonicalFields(t *testing.T) {
	r := goldenRecords()[1]
	c, err := ledger.Canonical(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"v":1,"index":1,"time":"2024-12-05T09:30:00.123456789Z","kind":"message.posted","talks":"gaza","room":"caucus:israel","actor":"u-17","data":{"text":"phase 1: 33 hostages","disclosure":"relayable"}}`
	if diff := cmp.Diff(want, string(c)); diff != "" {
		t.Errorf("Canonical (-want +got):\n%s", diff)
	}
	got, err := ledger.DecodeCanonical(c)
	if err != nil {
		t.Fatal(err)
	}
	wantRec := r
	wantRec.Time = r.Time.UTC()
	wantRec.Data = json.RawMessage(`{"text":"phase 1: 33 hostages","disclosure":"relayable"}`)
	if diff := cmp.Diff(wantRec, got); diff != "" {
		t.Errorf("DecodeCanonical (-want +got):\n%s", diff)
	}
}

func TestCanonicalRejects(t *testing.T) {
	base := goldenRecords()[1]
	for name, mod := range map[string]func(*ledger.Record){
		"NegativeIndex": func(r *ledger.Record) { r.Index = -1 },
		"ZeroTime":      func(r *ledger.Record) { r.Time = time.Time{} },
		"YearTooLarge":  func(r *ledger.Record) { r.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
		"EmptyKind":     func(r *ledger.Record) { r.Kind = "" },
		"BadUTF8":       func(r *ledger.Record) { r.Room = "caucus:\xff" },
		"BadDataJSON":   func(r *ledger.Record) { r.Data = json.RawMessage(`{"a":}`) },
		"TwoValues":     func(r *ledger.Record) { r.Data = json.RawMessage(`{} {}`) },
		"DataBadUTF8":   func(r *ledger.Record) { r.Data = json.RawMessage("\"\xff\"") },
	} {
		t.Run(name, func(t *testing.T) {
			r := base
			mod(&r)
			if c, err := ledger.Canonical(r); err == nil {
				t.Errorf("Canonical accepted invalid record: %s", c)
			}
		})
	}
}

func TestDecodeCanonicalStrict(t *testing.T) {
	good, err := ledger.Canonical(goldenRecords()[1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.DecodeCanonical(good); err != nil {
		t.Fatalf("good input rejected: %v", err)
	}
	s := string(good)
	for name, in := range map[string]string{
		"TrailingNewline": s + "\n",
		"TrailingBytes":   s + "{}",
		"LeadingSpace":    " " + s,
		"InnerSpace":      strings.Replace(s, `"index":1`, `"index": 1`, 1),
		"Reordered":       strings.Replace(s, `"kind":"message.posted","talks":"gaza"`, `"talks":"gaza","kind":"message.posted"`, 1),
		"MissingRoom":     strings.Replace(s, `"room":"caucus:israel",`, ``, 1),
		"UnknownMember":   strings.Replace(s, `"v":1,`, `"v":1,"x":0,`, 1),
		"Version2":        strings.Replace(s, `"v":1`, `"v":2`, 1),
		"LeadingZero":     strings.Replace(s, `"index":1`, `"index":01`, 1),
		"IndexFloat":      strings.Replace(s, `"index":1`, `"index":1.0`, 1),
		"ShortNanos":      strings.Replace(s, `.123456789Z`, `.123Z`, 1),
		"Offset":          strings.Replace(s, `09:30:00.123456789Z`, `12:30:00.123456789+03:00`, 1),
		"EscapedSlash":    strings.Replace(s, `caucus:israel`, `caucus:israel\/x`, 1),
		"UnicodeEscape":   strings.Replace(s, `"u-17"`, `"\u0075-17"`, 1),
		"UpperCaseKey":    strings.Replace(s, `"kind"`, `"Kind"`, 1),
		"DuplicateKey":    strings.Replace(s, `"actor":"u-17"`, `"actor":"u-17","actor":"u-18"`, 1),
		"DataSpace":       strings.Replace(s, `{"text":`, `{ "text":`, 1),
		"Empty":           "",
		"Null":            "null",
	} {
		t.Run(name, func(t *testing.T) {
			if r, err := ledger.DecodeCanonical([]byte(in)); err == nil {
				t.Errorf("DecodeCanonical accepted %q as %+v", in, r)
			}
		})
	}
}

func FuzzDecodeCanonical(f *testing.F) {
	for _, r := range goldenRecords() {
		c, err := ledger.Canonical(r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(c)
	}
	f.Add([]byte(`{"v":1}`))
	f.Add([]byte(`{"v":1,"index":0,"time":"2024-12-05T09:30:00.000000000Z","kind":"k","talks":"","room":"","actor":"","data":null} `))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ledger.DecodeCanonical(b)
		if err != nil {
			return
		}
		c, err := ledger.Canonical(r)
		if err != nil {
			t.Fatalf("decoded record does not encode: %v", err)
		}
		if !bytes.Equal(c, b) {
			t.Fatalf("accepted non-canonical input:\n in: %q\nout: %q", b, c)
		}
	})
}
