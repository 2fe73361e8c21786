package ledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// CanonicalVersion is the value of the "v" member of every canonical event.
const CanonicalVersion = 1

// timeLayout is the canonical time form: UTC, always nine fractional digits.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// Record is the ledger view of one event; the store keeps these fields.
type Record struct {
	Index int64           `json:"index"`           // position in the log, 0-based: the tree leaf index
	Time  time.Time       `json:"time"`            // when the event happened; canonical form is UTC RFC 3339 with nanoseconds
	Kind  string          `json:"kind"`            // event kind, e.g. "message.posted"
	Talks string          `json:"talks,omitempty"` // talks id, "" for deployment-level events
	Room  string          `json:"room,omitempty"`  // room name ("caucus:israel", "mediators", ...) or ""
	Actor string          `json:"actor,omitempty"` // user id of who caused it, "" for the system
	Data  json.RawMessage `json:"data"`            // event payload JSON; the canonical form compacts it
}

// errCanonical marks canonical bytes that do not re-encode to themselves.
var errCanonical = errors.New("not in canonical form")

// Canonical returns the stable byte encoding of r that a leaf commits to:
//
//	{"v":1,"index":N,"time":"YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ","kind":"…","talks":"…","room":"…","actor":"…","data":DATA}
//
// Members appear in that order, always, with no whitespace. Strings must be
// valid UTF-8 and are escaped as in RFC 8785 (JCS): only '"', '\\' and
// control characters are escaped, the latter as \b \t \n \f \r or \u00xx.
// DATA is r.Data with insignificant whitespace removed (json.Compact) and
// otherwise unchanged; empty Data is encoded as null. docs/ledger.md is the
// specification.
func Canonical(r Record) ([]byte, error) {
	b, err := appendCanonical(make([]byte, 0, 160+len(r.Data)), r)
	if err != nil {
		return nil, fmt.Errorf("ledger: canonical: %w", err)
	}
	return b, nil
}

func appendCanonical(b []byte, r Record) ([]byte, error) {
	if r.Index < 0 {
		return nil, fmt.Errorf("negative index %d", r.Index)
	}
	if r.Time.IsZero() {
		return nil, errors.New("zero time")
	}
	t := r.Time.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return nil, fmt.Errorf("time %v: year outside 0000-9999", y)
	}
	if r.Kind == "" {
		return nil, errors.New("empty kind")
	}
	b = append(b, `{"v":`...)
	b = strconv.AppendInt(b, CanonicalVersion, 10)
	b = append(b, `,"index":`...)
	b = strconv.AppendInt(b, r.Index, 10)
	b = append(b, `,"time":"`...)
	b = t.AppendFormat(b, timeLayout)
	b = append(b, '"')
	for _, f := range [...]struct{ name, value string }{
		{"kind", r.Kind}, {"talks", r.Talks}, {"room", r.Room}, {"actor", r.Actor},
	} {
		b = append(b, ',', '"')
		b = append(b, f.name...)
		b = append(b, '"', ':')
		var err error
		if b, err = appendString(b, f.value); err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	b = append(b, `,"data":`...)
	if len(bytes.TrimSpace(r.Data)) == 0 {
		b = append(b, "null"...)
	} else {
		if !utf8.Valid(r.Data) {
			return nil, errors.New("data: invalid UTF-8")
		}
		buf := bytes.NewBuffer(b)
		if err := json.Compact(buf, r.Data); err != nil {
			return nil, fmt.Errorf("data: %w", err)
		}
		b = buf.Bytes()
	}
	return append(b, '}'), nil
}

// appendString appends s as a JSON string escaped as in RFC 8785.
func appendString(b []byte, s string) ([]byte, error) {
	if !utf8.ValidString(s) {
		return nil, errors.New("invalid UTF-8")
	}
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\t':
			b = append(b, '\\', 't')
		case '\n':
			b = append(b, '\\', 'n')
		case '\f':
			b = append(b, '\\', 'f')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			if c < 0x20 {
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			} else {
				b = append(b, c)
			}
		}
	}
	return append(b, '"'), nil
}

// canonicalFields mirrors the canonical object for decoding.
type canonicalFields struct {
	V     *int            `json:"v"`
	Index *int64          `json:"index"`
	Time  string          `json:"time"`
	Kind  string          `json:"kind"`
	Talks *string         `json:"talks"`
	Room  *string         `json:"room"`
	Actor *string         `json:"actor"`
	Data  json.RawMessage `json:"data"`
}

// DecodeCanonical parses canonical event bytes. It is strict: the input must
// be exactly what Canonical produces for the decoded record, so trailing
// bytes, whitespace, reordered or missing members and alternative escapes
// are all rejected.
func DecodeCanonical(b []byte) (Record, error) {
	var f canonicalFields
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return Record{}, fmt.Errorf("ledger: decode canonical: %w", err)
	}
	if dec.More() || dec.InputOffset() != int64(len(b)) {
		return Record{}, fmt.Errorf("ledger: decode canonical: trailing bytes after offset %d", dec.InputOffset())
	}
	if f.V == nil || *f.V != CanonicalVersion {
		return Record{}, fmt.Errorf("ledger: decode canonical: missing or unknown version")
	}
	if f.Index == nil || f.Talks == nil || f.Room == nil || f.Actor == nil || f.Data == nil {
		return Record{}, fmt.Errorf("ledger: decode canonical: %w: missing member", errCanonical)
	}
	t, err := time.Parse(timeLayout, f.Time)
	if err != nil {
		return Record{}, fmt.Errorf("ledger: decode canonical: time: %w", err)
	}
	r := Record{
		Index: *f.Index,
		Time:  t,
		Kind:  f.Kind,
		Talks: *f.Talks,
		Room:  *f.Room,
		Actor: *f.Actor,
		Data:  f.Data,
	}
	again, err := Canonical(r)
	if err != nil {
		return Record{}, fmt.Errorf("ledger: decode canonical: %w", err)
	}
	if !bytes.Equal(again, b) {
		return Record{}, fmt.Errorf("ledger: decode canonical: %w", errCanonical)
	}
	return r, nil
}
