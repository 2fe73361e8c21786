package http

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Sign-in limits: per client address, per account for clients the server
// does not know, and per device for browsers that signed in before.
const (
	loginEvery  = rate.Limit(1.0 / 2) // one attempt every 2 s on average
	loginBurst  = 10
	maxLimiters = 100000
)

// limiter keeps one token bucket per key. Keys are short (an address, a
// valid login name or a device id), and there are at most max of them, so
// its memory is bounded whatever clients send.
type limiter struct {
	mu    sync.Mutex
	every rate.Limit
	burst int
	max   int
	m     map[string]*rate.Limiter
}

func newLimiter(every rate.Limit, burst, max int) *limiter {
	return &limiter{every: every, burst: burst, max: max, m: map[string]*rate.Limiter{}}
}

// allow takes one token from key's bucket.
func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.m[key]
	if !ok {
		if len(l.m) >= l.max {
			// Forget buckets that are full again: they hold no state.
			now := time.Now()
			for k, v := range l.m {
				if v.TokensAt(now) >= float64(l.burst) {
					delete(l.m, k)
				}
			}
		}
		if len(l.m) >= l.max {
			// Every tracked key is still throttled: refuse new ones rather
			// than forgetting who is throttled.
			return false
		}
		lim = rate.NewLimiter(l.every, l.burst)
		l.m[key] = lim
	}
	return lim.Allow()
}

// clientAddr is the address a request came from. Behind reverse proxies
// listed in TrustedProxies, it is the nearest address in X-Forwarded-For
// that is not one of them; a client elsewhere cannot choose its address by
// sending that header.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if !s.trusted(host) {
		return host
	}
	fwd := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(fwd) - 1; i >= 0; i-- {
		a := strings.TrimSpace(fwd[i])
		if _, err := netip.ParseAddr(a); err != nil {
			break
		}
		if !s.trusted(a) {
			return a
		}
		host = a
	}
	return host
}

// trusted reports whether addr is one of the TrustedProxies.
func (s *Server) trusted(addr string) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	for _, p := range s.TrustedProxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}
