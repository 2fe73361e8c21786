// Package http serves parley over HTTP: the JSON API under /api/v1, the
// live event stream, and the server-rendered pages.
package http

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"parley"
	"parley/auth"
	"parley/talks"
)

// Server holds the services the handlers call.
type Server struct {
	Talks  *talks.Service
	Auth   *auth.Service
	Bus    parley.EventBus
	Ledger *Ledger
	Log    *slog.Logger
	// SecureCookies marks session cookies Secure (behind TLS).
	SecureCookies bool
	// HeartbeatEvery is how often an idle event stream gets a comment line.
	HeartbeatEvery time.Duration
	// ReadTimeout bounds reading a whole request (headers and body); open
	// event streams are not cut by it.
	ReadTimeout time.Duration

	mux     *http.ServeMux
	limiter *ipLimiter
	pages   *pages
}

// NewServer wires the routes.
func NewServer(ts *talks.Service, as *auth.Service, bus parley.EventBus) *Server {
	s := &Server{Talks: ts, Auth: as, Bus: bus, Log: slog.Default(), HeartbeatEvery: 25 * time.Second, ReadTimeout: 30 * time.Second,
		mux: http.NewServeMux(), limiter: newIPLimiter(rate.Every(2*time.Second), 10)}
	s.pages = mustLoadPages()
	s.routes()
	return s
}

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("POST /api/v1/login", s.apiLogin)
	m.HandleFunc("POST /api/v1/logout", s.apiLogout)
	m.HandleFunc("GET /api/v1/me", s.api(s.apiMe))
	m.HandleFunc("POST /api/v1/tokens", s.api(s.apiToken))
	m.HandleFunc("DELETE /api/v1/tokens/current", s.api(s.apiRevokeToken))
	m.HandleFunc("POST /api/v1/users", s.api(s.apiCreateUser))
	m.HandleFunc("GET /api/v1/talks", s.api(s.apiListTalks))
	m.HandleFunc("POST /api/v1/talks", s.api(s.apiCreateTalks))
	m.HandleFunc("GET /api/v1/talks/{id}", s.api(s.apiGetTalks))
	m.HandleFunc("POST /api/v1/talks/{id}/status", s.api(s.apiTalksStatus))
	m.HandleFunc("POST /api/v1/talks/{id}/plenary", s.api(s.apiPlenary))
	m.HandleFunc("GET /api/v1/talks/{id}/delegations", s.api(s.apiListDelegations))
	m.HandleFunc("POST /api/v1/talks/{id}/delegations", s.api(s.apiAddDelegation))
	m.HandleFunc("POST /api/v1/talks/{id}/delegations/{del}/members", s.api(s.apiAddMember))
	m.HandleFunc("POST /api/v1/talks/{id}/delegations/{del}/presence", s.api(s.apiPresence))
	m.HandleFunc("GET /api/v1/talks/{id}/rooms", s.api(s.apiRooms))
	m.HandleFunc("GET /api/v1/talks/{id}/rooms/{room}/messages", s.api(s.apiMessages))
	m.HandleFunc("POST /api/v1/talks/{id}/rooms/{room}/messages", s.api(s.apiPost))
	m.HandleFunc("GET /api/v1/talks/{id}/rooms/{room}/messages/{msg}", s.api(s.apiMessage))
	m.HandleFunc("POST /api/v1/talks/{id}/relays", s.api(s.apiRelay))
	m.HandleFunc("GET /api/v1/talks/{id}/search", s.api(s.apiSearch))
	m.HandleFunc("GET /api/v1/events", s.api(s.apiEvents))
	s.ledgerRoutes()
	s.pageRoutes()
}

// ServeHTTP applies cross-origin protection to every unsafe request and
// dispatches.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Frame-Options", "DENY")
	if err := http.NewCrossOriginProtection().Check(r); err != nil {
		writeError(w, r, parley.Errorf(parley.EFORBIDDEN, "cross-origin request refused"))
		return
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		if h, pattern := s.mux.Handler(r); pattern == "" {
			// No route: answer in problem+json, keeping the mux's status
			// (404, or 405 with its Allow header).
			c := &captureWriter{header: http.Header{}}
			h.ServeHTTP(c, r)
			if allow := c.header.Get("Allow"); allow != "" {
				w.Header().Set("Allow", allow)
			}
			code, detail := parley.ENOTFOUND, "no such endpoint: "+r.Method+" "+r.URL.Path
			if c.status == http.StatusMethodNotAllowed {
				code, detail = parley.EINVALID, "method "+r.Method+" is not allowed here"
			}
			writeProblem(w, r, c.status, code, detail)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// captureWriter records the status and headers a fallback handler sets.
type captureWriter struct {
	header http.Header
	status int
}

func (c *captureWriter) Header() http.Header         { return c.header }
func (c *captureWriter) Write(b []byte) (int, error) { return len(b), nil }
func (c *captureWriter) WriteHeader(status int)      { c.status = status }

// Serve runs the server on ln until ctx is cancelled, then shuts down
// gracefully.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	// No WriteTimeout: event streams stay open. Bodies are small (≤ 256 KiB),
	// so a slow sender gets ReadTimeout for a whole request.
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: s.ReadTimeout, IdleTimeout: 2 * time.Minute,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := hs.Shutdown(sctx); err != nil {
			hs.Close()
		}
		return nil
	}
}

const sessionCookie = "parley_session"

// user authenticates the request: a bearer token for programs, the
// session cookie for pages.
func (s *Server) user(r *http.Request) (*parley.User, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, parley.Errorf(parley.EUNAUTHORIZED, "Authorization must be a Bearer token")
		}
		return s.Auth.Authenticate(r.Context(), strings.TrimSpace(tok), auth.KindToken)
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return s.Auth.Authenticate(r.Context(), c.Value, auth.KindSession)
	}
	return nil, parley.Errorf(parley.EUNAUTHORIZED, "sign in required")
}

// api wraps a handler that needs an authenticated user and returns a value
// to encode as JSON, or an error to map to a problem.
func (s *Server) api(h func(w http.ResponseWriter, r *http.Request, u *parley.User) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := s.user(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v, err := h(w, r, u)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if v == nil {
			return // the handler wrote the response itself
		}
		status := http.StatusOK
		if r.Method == http.MethodPost {
			status = http.StatusCreated
		}
		writeJSON(w, status, v)
	}
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if parley.ErrorCode(err) == parley.EINTERNAL {
		s.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeError(w, r, err)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

var statusOf = map[string]int{
	parley.EINVALID:      http.StatusBadRequest,
	parley.EUNAUTHORIZED: http.StatusUnauthorized,
	parley.EFORBIDDEN:    http.StatusForbidden,
	parley.ENOTFOUND:     http.StatusNotFound,
	parley.ECONFLICT:     http.StatusConflict,
	parley.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	parley.ERATELIMIT:    http.StatusTooManyRequests,
	parley.EINTERNAL:     http.StatusInternalServerError,
}

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance,omitempty"`
	Code     string `json:"code"`
}

// writeError maps err to a status and writes it as application/problem+json.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := parley.ErrorCode(err)
	writeProblem(w, r, statusOf[code], code, parley.ErrorMessage(err))
}

// writeProblem writes an RFC 9457 problem body.
func writeProblem(w http.ResponseWriter, r *http.Request, status int, code, detail string) {
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail, Instance: r.URL.Path, Code: code}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="parley"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

// maxBody bounds JSON request bodies: a maximal message plus escaping.
const maxBody = 4 * parley.MaxMessageBytes

// decode reads a JSON body into v strictly: unknown fields, wrong types,
// trailing data and oversize bodies are EINVALID or ETOOLARGE.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return parley.Errorf(parley.EINVALID, "Content-Type must be application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var ute *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &mbe):
			return parley.Errorf(parley.ETOOLARGE, "request body is over %d bytes", maxBody)
		case errors.Is(err, io.EOF):
			return parley.Errorf(parley.EINVALID, "request body is empty")
		case errors.As(err, &ute):
			return parley.Errorf(parley.EINVALID, "field %q must be %s", ute.Field, ute.Type)
		case errors.As(err, &se):
			return parley.Errorf(parley.EINVALID, "malformed JSON at byte %d", se.Offset)
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			return parley.Errorf(parley.EINVALID, "%s", strings.TrimPrefix(err.Error(), "json: "))
		default:
			return parley.Errorf(parley.EINVALID, "malformed JSON body")
		}
	}
	if dec.More() {
		return parley.Errorf(parley.EINVALID, "trailing data after the JSON body")
	}
	return nil
}
