package http

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"parley"
)

// maxBody bounds JSON request bodies: a maximal message plus escaping.
const maxBody = 4 * parley.MaxMessageBytes

// decode reads a JSON body into v as strictly as docs/api.md says: the
// Content-Type must be application/json; member names must match exactly,
// once each, and be known; wrong types, trailing data, invalid UTF-8 and
// oversize bodies are refused. A body cut short (the client closed before
// sending Content-Length bytes) is EINVALID at once.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return parley.Errorf(parley.EUNSUPPORTED, "Content-Type must be application/json")
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return parley.Errorf(parley.ETOOLARGE, "request body is over %d bytes", maxBody)
		}
		return parley.Errorf(parley.EINVALID, "the request body could not be read in full: %s", readProblem(err))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return parley.Errorf(parley.EINVALID, "request body is empty")
	}
	return decodeJSON(data, v)
}

// decodeJSON unmarshals data strictly into v.
func decodeJSON(data []byte, v any) error {
	err := json.Unmarshal(data, v, json.RejectUnknownMembers(true))
	if err == nil {
		return nil
	}
	var se *json.SemanticError
	var xe *jsontext.SyntacticError
	switch {
	case errors.As(err, &xe) && errors.Is(xe.Err, jsontext.ErrDuplicateName):
		return parley.Errorf(parley.EINVALID, "member %q appears twice", memberName(xe.JSONPointer))
	case errors.As(err, &xe):
		return parley.Errorf(parley.EINVALID, "malformed JSON at byte %d: %v", xe.ByteOffset, xe.Err)
	case errors.As(err, &se) && errors.Is(se.Err, json.ErrUnknownName):
		return parley.Errorf(parley.EINVALID, "unknown field %q", memberName(se.JSONPointer))
	case errors.As(err, &se) && se.GoType != nil:
		if se.JSONPointer == "" {
			return parley.Errorf(parley.EINVALID, "the body must be %s", jsonKind(se.GoType))
		}
		return parley.Errorf(parley.EINVALID, "field %q must be %s", memberName(se.JSONPointer), jsonKind(se.GoType))
	default:
		return parley.Errorf(parley.EINVALID, "malformed JSON body")
	}
}

// memberName returns a JSON pointer's path as a dotted name.
func memberName(p jsontext.Pointer) string {
	name := ""
	for tok := range p.Tokens() {
		if name != "" {
			name += "."
		}
		name += tok
	}
	return name
}

// jsonKind names the JSON type a Go type decodes from.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	default:
		return "an object"
	}
}

// readProblem says in a few words why a body could not be read.
func readProblem(err error) string {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "it ended before its Content-Length"
	case isTimeout(err):
		return "it did not arrive in time"
	default:
		return fmt.Sprintf("%v", err)
	}
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

func asMaxBytes(err error, target **http.MaxBytesError) bool { return errors.As(err, target) }
