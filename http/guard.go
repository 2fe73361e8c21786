package http

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"parley"
)

// Limits on what one account or one address may ask of the server, past
// sign-in (limit.go): posting, event streams, bundle exports. Each is a
// token bucket per key in a bounded table, so memory stays bounded
// whatever clients send.
const (
	postEvery = rate.Limit(2) // messages and relays per second, per account
	postBurst = 30
	addrEvery = rate.Limit(20) // writes per second, per address
	addrBurst = 100
	// viewEvery and viewBurst limit the writes of a user's view state
	// (read markers, notification and language choices), per account: the
	// room page's script records a read marker for every message that
	// arrives, in every open tab, so they have a budget of their own and
	// leave the one of messages alone.
	viewEvery   = rate.Limit(10)
	viewBurst   = 100
	streamEvery = rate.Limit(2) // streams opened per second, per account
	streamBurst = 30
	// streamAddrEvery and streamAddrBurst limit streams opened per address.
	streamAddrEvery = rate.Limit(10)
	streamAddrBurst = 100
	exportEvery     = rate.Limit(0.5) // bundle exports per second, per account (one every 2 s)
	exportBurst     = 5
	// exportAddrEvery and exportAddrBurst limit exports per address.
	exportAddrEvery = rate.Limit(2)
	exportAddrBurst = 30
	// DefaultMaxStreams is how many event streams one account may hold open.
	DefaultMaxStreams = 8
)

// Write timeouts: a response that is not a stream must be written within
// WriteTimeout; a stream's write that a client does not read within
// StreamWriteTimeout ends the stream.
const (
	DefaultWriteTimeout       = 30 * time.Second
	DefaultStreamWriteTimeout = 20 * time.Second
)

// guards holds the per-account and per-address limiters and the count of
// open streams per account.
type guards struct {
	post, addr, view, stream, streamAddr, export, exportAddr *limiter

	mu      sync.Mutex
	streams map[string]int
}

func newGuards() *guards { return newGuardsScaled(1) }

// newGuardsScaled is newGuards with every rate and burst multiplied by k.
func newGuardsScaled(k float64) *guards {
	l := func(every rate.Limit, burst int) *limiter {
		// A burst below one would refuse everything, and one past the
		// range of int would wrap round to a negative one.
		b := min(max(float64(burst)*k, 1), 1<<30)
		return newLimiter(every*rate.Limit(k), int(b), maxLimiters)
	}
	return &guards{
		post:       l(postEvery, postBurst),
		addr:       l(addrEvery, addrBurst),
		view:       l(viewEvery, viewBurst),
		stream:     l(streamEvery, streamBurst),
		streamAddr: l(streamAddrEvery, streamAddrBurst),
		export:     l(exportEvery, exportBurst),
		exportAddr: l(exportAddrEvery, exportAddrBurst),
		streams:    map[string]int{},
	}
}

// ScaleLimits multiplies every posting, stream and export limit by k: for
// a deployment whose users all come through one address, for load tests
// and benchmarks that drive the server from one machine on purpose (k
// large), or to be stricter (k below 1). Call it before serving.
func (s *Server) ScaleLimits(k float64) { s.guards = newGuardsScaled(k) }

// tooMany is the answer of every limit.
func tooMany(what string) error {
	return parley.Errorf(parley.ERATELIMIT, "too many %s; wait a little", what)
}

// limitPost applies the limits on writes (posting messages and every
// other change) of the account and the address.
func (s *Server) limitPost(r *http.Request, u *parley.User) error {
	if !s.guards.post.allow("user "+u.ID) || !s.guards.addr.allow("addr "+s.clientAddr(r)) {
		return tooMany("messages")
	}
	return nil
}

// limitView applies the limit on writes of a user's view state.
func (s *Server) limitView(u *parley.User) error {
	if !s.guards.view.allow("user " + u.ID) {
		return tooMany("read markers and settings")
	}
	return nil
}

// limitExport applies the bundle export limits.
func (s *Server) limitExport(r *http.Request, u *parley.User) error {
	if !s.guards.export.allow("user "+u.ID) || !s.guards.exportAddr.allow("addr "+s.clientAddr(r)) {
		return tooMany("exports")
	}
	return nil
}

// openStream counts a stream of the account, refusing one past
// MaxStreams or opened too fast; the returned function closes it.
func (s *Server) openStream(r *http.Request, u *parley.User) (func(), error) {
	if !s.guards.stream.allow("user "+u.ID) || !s.guards.streamAddr.allow("addr "+s.clientAddr(r)) {
		return nil, tooMany("event streams opened")
	}
	g := s.guards
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.streams[u.ID] >= s.MaxStreams {
		return nil, parley.Errorf(parley.ERATELIMIT, "at most %d event streams at once per account; close one", s.MaxStreams)
	}
	g.streams[u.ID]++
	return func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.streams[u.ID]--; g.streams[u.ID] <= 0 {
			delete(g.streams, u.ID)
		}
	}, nil
}

// isStream reports whether a request is for the event stream, the one
// response that is not written all at once.
func isStream(r *http.Request) bool { return r.URL.Path == "/api/v1/events" }

// securityHeaders sets the headers every response carries. Pages get
// their own Content-Security-Policy (pagePolicy) when rendered.
func (s *Server) securityHeaders(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", permissionsPolicy)
	h.Set("Content-Security-Policy", apiPolicy)
	if s.SecureCookies {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		h.Set("Cache-Control", "no-store")
	}
}

// The policies: no inline script or style anywhere, no framing, nothing
// loaded from elsewhere; the API's answers load nothing at all.
const (
	pagePolicy        = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
	apiPolicy         = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
	permissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), publickey-credentials-create=(self), publickey-credentials-get=(self)"
)
