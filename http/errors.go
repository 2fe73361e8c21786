package http

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"

	"github.com/go-json-experiment/json"

	"parley"
)

// statusOf maps each error code to its HTTP status: the one such table.
var statusOf = map[string]int{
	parley.EINVALID:      http.StatusBadRequest,
	parley.EUNAUTHORIZED: http.StatusUnauthorized,
	parley.EFORBIDDEN:    http.StatusForbidden,
	parley.ENOTFOUND:     http.StatusNotFound,
	parley.ECONFLICT:     http.StatusConflict,
	parley.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	parley.EUNSUPPORTED:  http.StatusUnsupportedMediaType,
	parley.ERATELIMIT:    http.StatusTooManyRequests,
	parley.ESTORAGEFULL:  http.StatusInsufficientStorage,
	parley.EUNAVAILABLE:  http.StatusServiceUnavailable,
	parley.EINTERNAL:     http.StatusInternalServerError,
}

// retryAfter is the Retry-After, in seconds, of answers a client may retry.
const retryAfter = "10"

// Problem is an RFC 9457 problem details body. Code is the stable,
// machine-readable error code; RequestID, on internal errors, names the
// log line that holds the details.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Instance  string `json:"instance,omitempty"`
	Code      string `json:"code"`
	RequestID string `json:"request_id,omitempty"`
}

// fail answers err as a problem. An internal error is logged here, once,
// with the request it belongs to and an id the client also gets; a client
// that went away is not an error of ours and is not logged as one.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := parley.ErrorCode(err)
	if code == parley.EINTERNAL && clientGone(r, err) {
		s.Log.Debug("client went away", "method", r.Method, "path", r.URL.Path, "err", err)
		writeProblem(w, r, http.StatusBadRequest, parley.EINVALID, "the request was abandoned", "")
		return
	}
	id := ""
	if code == parley.EINTERNAL {
		id = requestID()
		s.Log.Error("request failed", "request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if parley.Retryable(err) {
		w.Header().Set("Retry-After", retryAfter)
	}
	writeProblem(w, r, statusOf[code], code, parley.ErrorMessage(err), id)
}

// clientGone reports whether err comes of the client closing the request.
func clientGone(r *http.Request, err error) bool {
	return r.Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, r.Context().Err()))
}

func requestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// writeProblem writes an RFC 9457 problem body.
func writeProblem(w http.ResponseWriter, r *http.Request, status int, code, detail, id string) {
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Code: code, RequestID: id,
		Detail: strings.ToValidUTF8(detail, "\uFFFD"), Instance: strings.ToValidUTF8(r.URL.Path, "\uFFFD")}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="parley"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.MarshalWrite(w, p)
}

// writeJSON encodes v as the response. The encoding is made before the
// status is sent, so that a failure is still a clean error; nil slices
// encode as [], never null.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v, json.Deterministic(true))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
	w.Write([]byte("\n"))
}
