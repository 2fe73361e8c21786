package http

import (
	"net"
	"net/http"
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

// clientAddr is the address a request came from.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
