// Package http serves parley over HTTP: the JSON API under /api/v1, the
// live event stream, and the server-rendered pages.
package http

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	"parley"
	"parley/auth"
	"parley/talks"
)

// Server holds the services the handlers call.
type Server struct {
	Talks *talks.Service
	Auth  *auth.Service
	Log   *slog.Logger
	// SecureCookies marks cookies Secure (behind TLS).
	SecureCookies bool
	// HeartbeatEvery is how often an idle event stream gets a comment line.
	HeartbeatEvery time.Duration
	// ReadTimeout bounds reading a whole request (headers and body); open
	// event streams are not cut by it.
	ReadTimeout time.Duration
	// TrustedProxies are the reverse proxies in front of the server: for a
	// request from one of them, sign-in limits count the client address
	// it puts in X-Forwarded-For.
	TrustedProxies []netip.Prefix

	mux *http.ServeMux
	// patterns lists every route, as registered.
	patterns []string
	limits   *limiter
	pages    *pages
	keys     keys
	// frames holds encoded events for the event streams (sse.go).
	frames frameCache
}

// NewServer wires the routes.
func NewServer(ts *talks.Service, as *auth.Service) *Server {
	s := &Server{Talks: ts, Auth: as, Log: slog.Default(), HeartbeatEvery: 25 * time.Second, ReadTimeout: 30 * time.Second,
		mux: http.NewServeMux(), limits: newLimiter(loginEvery, loginBurst, maxLimiters)}
	s.keys.talks = ts
	s.pages = mustLoadPages()
	s.routes()
	return s
}

// routes is the one table of every route: API, event stream and pages.
func (s *Server) routes() {
	for _, rt := range []struct {
		pattern string
		h       http.HandlerFunc
	}{
		// Accounts.
		{"POST /api/v1/login", s.apiLogin},
		{"POST /api/v1/logout", s.apiLogout},
		{"GET /api/v1/me", s.api(s.apiMe)},
		{"GET /api/v1/tokens", s.api(s.apiTokens)},
		{"POST /api/v1/tokens", s.api(s.apiCreateToken)},
		{"DELETE /api/v1/tokens/current", s.api(s.apiRevokeCurrentToken)},
		{"GET /api/v1/tokens/{tok}", s.api(s.apiGetToken)},
		{"DELETE /api/v1/tokens/{tok}", s.api(s.apiRevokeToken)},
		{"GET /api/v1/users", s.api(s.apiUsers)},
		{"POST /api/v1/users", s.api(s.apiCreateUser)},
		{"GET /api/v1/users/{user}", s.api(s.apiUser)},
		// Talks and who takes part.
		{"GET /api/v1/talks", s.api(s.apiListTalks)},
		{"POST /api/v1/talks", s.api(s.apiCreateTalks)},
		{"GET /api/v1/talks/{id}", s.api(s.apiGetTalks)},
		{"POST /api/v1/talks/{id}/status", s.api(s.apiTalksStatus)},
		{"POST /api/v1/talks/{id}/plenary", s.api(s.apiPlenary)},
		{"GET /api/v1/talks/{id}/delegations", s.api(s.apiListDelegations)},
		{"POST /api/v1/talks/{id}/delegations", s.api(s.apiAddDelegation)},
		{"GET /api/v1/talks/{id}/delegations/{del}", s.api(s.apiGetDelegation)},
		{"POST /api/v1/talks/{id}/delegations/{del}/members", s.api(s.apiAddMember)},
		{"POST /api/v1/talks/{id}/delegations/{del}/presence", s.api(s.apiPresence)},
		// Rooms and messages.
		{"GET /api/v1/talks/{id}/rooms", s.api(s.apiRooms)},
		{"GET /api/v1/talks/{id}/rooms/{room}/messages", s.api(s.apiMessages)},
		{"POST /api/v1/talks/{id}/rooms/{room}/messages", s.api(s.apiPost)},
		{"GET /api/v1/talks/{id}/rooms/{room}/messages/{msg}", s.api(s.apiMessage)},
		{"POST /api/v1/talks/{id}/relays", s.api(s.apiRelay)},
		{"GET /api/v1/talks/{id}/search", s.api(s.apiSearch)},
		// Agreements.
		{"GET /api/v1/talks/{id}/agreements", s.api(s.apiAgreements)},
		{"GET /api/v1/talks/{id}/agreements/{agreement}", s.api(s.apiAgreement)},
		// The event stream.
		{"GET /api/v1/events", s.api(s.apiEvents)},
		// The ledger.
		{"GET /api/v1/ledger/checkpoint", s.api(s.apiCheckpoint)},
		{"GET /api/v1/ledger/key", s.api(s.apiLedgerKey)},
		{"GET /api/v1/ledger/proof/inclusion", s.api(s.apiInclusion)},
		{"GET /api/v1/ledger/proof/consistency", s.api(s.apiConsistency)},
		{"GET /api/v1/ledger/leaves", s.api(s.apiLeaves)},
		{"GET /api/v1/ledger/entries/{seq}", s.api(s.apiLedgerEntry)},
		{"GET /api/v1/ledger/bundle", s.api(s.apiBundle)},
		// Pages.
		{"GET /static/{hash}/{file}", s.static},
		{"GET /{$}", s.home},
		{"GET /login", s.loginPage},
		{"POST /login", s.loginSubmit},
		{"POST /logout", s.logoutSubmit},
		{"GET /talks", s.page(s.talksPage)},
		{"GET /talks/{id}", s.page(s.overviewPage)},
		{"GET /talks/{id}/rooms/{room}", s.page(s.roomPage)},
		{"POST /talks/{id}/status", s.form(s.statusSubmit)},
		{"POST /talks/{id}/presence", s.form(s.presenceSubmit)},
		{"POST /talks/{id}/plenary", s.form(s.plenarySubmit)},
		{"POST /talks/{id}/rooms/{room}/post", s.form(s.postSubmit)},
		{"POST /talks/{id}/relay", s.form(s.relaySubmit)},
	} {
		s.mux.HandleFunc(rt.pattern, rt.h)
		s.patterns = append(s.patterns, rt.pattern)
	}
}

// ServeHTTP applies cross-origin protection to every unsafe request and
// dispatches.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Frame-Options", "DENY")
	if err := http.NewCrossOriginProtection().Check(r); err != nil {
		s.fail(w, r, parley.Errorf(parley.EFORBIDDEN, "cross-origin request refused"))
		return
	}
	if !utf8.ValidString(r.URL.Path) {
		// Nothing parley names has such a name.
		writeProblem(w, r, http.StatusNotFound, parley.ENOTFOUND, "no such resource", "")
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
			writeProblem(w, r, c.status, code, detail, "")
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
		BaseContext: func(net.Listener) context.Context { return ctx }, ErrorLog: slog.NewLogLogger(s.Log.Handler(), slog.LevelDebug)}
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
	if tok, ok, err := bearer(r); ok || err != nil {
		if err != nil {
			return nil, err
		}
		return s.Auth.Authenticate(r.Context(), tok, auth.KindToken)
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return s.Auth.Authenticate(r.Context(), c.Value, auth.KindSession)
	}
	return nil, parley.Errorf(parley.EUNAUTHORIZED, "sign in required")
}

// bearer returns the request's bearer token, if it has an Authorization
// header.
func bearer(r *http.Request) (string, bool, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", false, nil
	}
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return "", true, parley.Errorf(parley.EUNAUTHORIZED, "Authorization must be a Bearer token")
	}
	return strings.TrimSpace(tok), true, nil
}

// created is a handler's answer for something it created: 201 with a
// Location.
type created struct {
	location string
	body     any
}

// noContent is a handler's answer with no body: 204.
type noContent struct{}

// api wraps a handler that needs an authenticated user and returns a value
// to encode as JSON (200), a created (201), a noContent (204), nil when it
// wrote the response itself, or an error to map to a problem.
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
		switch v := v.(type) {
		case nil:
		case created:
			w.Header().Set("Location", v.location)
			s.writeJSON(w, r, http.StatusCreated, v.body)
		case noContent:
			w.WriteHeader(http.StatusNoContent)
		default:
			s.writeJSON(w, r, http.StatusOK, v)
		}
	}
}
